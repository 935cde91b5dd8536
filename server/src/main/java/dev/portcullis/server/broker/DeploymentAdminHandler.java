package dev.portcullis.server.broker;

import dev.portcullis.deploy.DeployException;
import dev.portcullis.deploy.gate.DeployGatekeeper;
import dev.portcullis.deploy.gate.RollbackPackage;
import dev.portcullis.store.Deployment;
import dev.portcullis.store.DeploymentRepository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The deployment routes of the admin API (admin token):
 *
 * <ul>
 *   <li>{@code GET /admin/deployments?org=&since=&limit=} → {@code {"deployments": [...]}}, newest first: every
 *       governed deployment (admitted, held, refused), as the store keeps it;
 *   <li>{@code GET /admin/deployments?id=} → {@code {"deployments": [one]}} or 404;
 *   <li>{@code GET /admin/deployments/rollback-package?id=} → the rollback package of a deployment
 *       ({@code application/zip}: the snapshot taken before it, plus a {@code destructiveChanges.xml} for the
 *       components it added), with its SHA-256 in {@code X-Portcullis-Package-Sha256}. Deployed through the
 *       gateway, the package is recognised as that deployment's rollback and governed like any deployment.
 * </ul>
 */
final class DeploymentAdminHandler extends AdminTokenHandler {
  static final String LIST = "/admin/deployments";
  static final String ROLLBACK = "/admin/deployments/rollback-package";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final DeploymentRepository deployments;
  private final DeployGatekeeper gatekeeper;

  DeploymentAdminHandler(AdminToken token, DeploymentRepository deployments, DeployGatekeeper gatekeeper) {
    super(token, Set.of(LIST, ROLLBACK));
    this.deployments = deployments;
    this.gatekeeper = gatekeeper;
  }

  @Override
  String what() {
    return "the deployment store";
  }

  @Override
  void route(String path, Request request, Response response, Callback callback) throws IOException {
    if (!method("GET", request, response, callback)) {
      return;
    }
    Fields query = Request.extractQueryParameters(request);
    String id = value(query, "id", null);
    if (id != null && !ID.matcher(id).matches()) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "id is a deployment id (dpl_…)");
      return;
    }
    if (path.equals(ROLLBACK)) {
      if (id == null) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "id names the deployment to roll back");
        return;
      }
      rollback(id, response, callback);
      return;
    }
    if (id != null) {
      Optional<Deployment> one = deployments.findById(id);
      if (one.isEmpty()) {
        error(response, callback, HttpStatus.NOT_FOUND_404, "not_found", "no deployment " + id);
        return;
      }
      write(response, callback, HttpStatus.OK_200, Map.of("deployments", List.of(json(one.get()))));
      return;
    }
    int limit = limit(query, response, callback);
    if (limit < 0) {
      return;
    }
    Instant since;
    try {
      since = Instant.parse(value(query, "since", "1970-01-01T00:00:00Z"));
    } catch (DateTimeParseException e) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "since is an RFC 3339 UTC time");
      return;
    }
    List<Map<String, Object>> rows = deployments.list(value(query, "org", null), since, limit).stream()
        .map(DeploymentAdminHandler::json).toList();
    write(response, callback, HttpStatus.OK_200, Map.of("deployments", rows));
  }

  private void rollback(String id, Response response, Callback callback) throws IOException {
    RollbackPackage rollback;
    try {
      rollback = gatekeeper.rollbackPackage(id);
    } catch (DeployException e) {
      error(response, callback, HttpStatus.NOT_FOUND_404, "not_found", e.getMessage());
      return;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"rollback-" + id + ".zip\"");
    response.getHeaders().put("X-Portcullis-Package-Sha256", rollback.sha256());
    response.write(true, ByteBuffer.wrap(rollback.zip()), callback);
  }

  /** A deployment as the admin API shows it. */
  static Map<String, Object> json(Deployment d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", d.id());
    out.put("org", d.orgAlias());
    out.put("environment", d.environment());
    out.put("state", lower(d.state()));
    out.put("effect", lower(d.effect()));
    out.put("via", d.via());
    out.put("requested_at", time(d.requestedAt()));
    out.put("started_at", time(d.startedAt()));
    out.put("completed_at", time(d.completedAt()));
    out.put("package_sha256", d.packageSha256());
    out.put("components", d.componentCount());
    out.put("destructive", d.destructive());
    out.put("check_only", d.checkOnly());
    out.put("quick_deploy_of", d.quickDeployOf());
    out.put("test_level", d.testLevel());
    out.put("tests", d.tests());
    Map<String, Object> requester = new LinkedHashMap<>();
    requester.put("kind", d.requester().kind());
    requester.put("issuer", d.requester().issuer());
    requester.put("subject", d.requester().subject());
    requester.put("actor", d.requester().actor());
    requester.put("session", d.requester().session());
    out.put("requester", requester);
    Map<String, Object> git = new LinkedHashMap<>();
    git.put("repository", d.git().repository());
    git.put("commit", d.git().commit());
    git.put("branch", d.git().branch());
    git.put("run", d.git().run());
    git.put("protected", d.git().protectedBranch());
    out.put("git", git);
    out.put("decision", d.decisionId());
    out.put("rules", d.rules());
    out.put("reason", d.reason());
    out.put("approval", d.approvalId());
    out.put("approvers", d.approvers());
    out.put("salesforce_deploy_id", d.salesforceDeployId());
    out.put("snapshot_sha256", d.snapshotSha256());
    out.put("rollback_sha256", d.rollbackSha256());
    out.put("rollback_of", d.rollbackOf());
    out.put("component_list", d.componentList());
    out.put("changes", d.changeList());
    Object result = d.result();
    if (d.result() != null) {
      try {
        result = JSON.readTree(d.result());
      } catch (IOException e) {
        result = d.result();
      }
    }
    out.put("result", result);
    return out;
  }

  private static String lower(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String time(Instant at) {
    return at == null ? null : at.toString();
  }
}
