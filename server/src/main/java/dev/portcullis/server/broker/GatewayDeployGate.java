package dev.portcullis.server.broker;

import dev.portcullis.deploy.MetadataApiOrg;
import dev.portcullis.deploy.gate.Admission;
import dev.portcullis.deploy.gate.DeployGatekeeper;
import dev.portcullis.deploy.gate.DeployRequest;
import dev.portcullis.gateway.DeployGate;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.store.Session;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's deploy gate in the server: a Metadata API deployment sent through the gateway is
 * admitted by the {@link DeployGatekeeper} (inspection and diff against the org, deploy policies,
 * approvals, snapshot, ledger) with the session's principal and CI run as requester and git facts,
 * and once Salesforce has accepted it, followed with {@code checkDeployStatus} until it ends, so
 * that its one {@code deploy.completed} ledger entry is written whether or not the client polls.
 */
final class GatewayDeployGate implements DeployGate {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayDeployGate.class);
  /** How long a deployment is followed: Salesforce cancels a deploy after about ten hours at most. */
  static final Duration FOLLOW_FOR = Duration.ofHours(10);
  /** How long retrieving the org's current components for the diff may take. */
  static final Duration RETRIEVE_WAIT = Duration.ofMinutes(5);

  private final DeployGatekeeper gatekeeper;
  private final dev.portcullis.identity.broker.TokenBroker broker;
  private final Map<String, String> environments;
  private final HttpClient http;
  private final ExecutorService followers;
  /** The session of each admitted deployment until Salesforce answers it: its follower acts as its integration user. */
  private final Map<String, Session> admitted = new java.util.concurrent.ConcurrentHashMap<>();

  GatewayDeployGate(DeployGatekeeper gatekeeper, dev.portcullis.identity.broker.TokenBroker broker,
      Map<String, String> environments, HttpClient http) {
    this.gatekeeper = gatekeeper;
    this.broker = broker;
    this.environments = Map.copyOf(environments);
    this.http = http;
    this.followers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("portcullis-deploy-follow-", 0)
        .factory());
  }

  @Override
  public Outcome admit(Deploy deploy) {
    Session session = deploy.session();
    // An org whose environment is not configured is treated as production: the strictest rules apply.
    String environment = environments.getOrDefault(session.orgAlias(), "production");
    DeployRequest request = new DeployRequest(session.orgAlias(), environment, deploy.zip(),
        new DeployRequest.Options(deploy.options().testLevel().orElse(null), deploy.options().runTests(),
            deploy.options().checkOnly(), deploy.options().validatedId().orElse(null)),
        requester(session), git(session), "gateway-" + deploy.api(), deploy.decisionId());
    Admission admission = gatekeeper.admit(request, new MetadataApiOrg(client(deploy.upstream()), RETRIEVE_WAIT));
    String id = admission.deployment().id();
    if (admission instanceof Admission.Admitted) {
      admitted.put(id, session);
    }
    return switch (admission) {
      case Admission.Admitted admitted -> new Proceed(id, admitted.approvers().isEmpty() ? ""
          : "approved by " + String.join(", ", admitted.approvers()) + " (approval " + admitted.approvalId() + ")");
      case Admission.Refused refused -> new Refuse("deployment " + id + " refused: " + refused.reason()
          + (refused.rules().isEmpty() ? "" : " (rules " + String.join(", ", refused.rules()) + ")"), false);
      case Admission.Held held -> new Refuse("deployment " + id + " is held: policy requires " + held.required()
          + (held.required() == 1 ? " approval" : " approvals") + " of this package for org " + session.orgAlias()
          + "; approval " + held.approvalId() + (held.requested() ? " was requested" : " is pending") + " ("
          + held.votes() + " of " + held.required() + " so far, until " + held.expiresAt() + "): once granted"
          + " (portcullis deploy approve " + held.approvalId() + "), run the same deployment again", true);
    };
  }

  @Override
  public void answered(String deploymentId, int status, Optional<String> salesforceDeployId, AccessToken upstream) {
    Session session = admitted.remove(deploymentId);
    if (salesforceDeployId.isEmpty()) {
      gatekeeper.notStarted(deploymentId, status == 0 ? "the call to Salesforce failed before an answer"
          : "Salesforce answered " + status + " without a deployment id");
      return;
    }
    String salesforceId = salesforceDeployId.get();
    gatekeeper.started(deploymentId, salesforceId);
    followers.submit(() -> follow(deploymentId, salesforceId, session, upstream));
  }

  /**
   * Follows again the deployments a stopped server was following (state running, a Salesforce deploy id): each as its
   * session's integration user when the session is still on record, else it is recorded as not followed to its end.
   *
   * @return how many are followed again
   */
  int resume(java.util.List<dev.portcullis.store.Deployment> deployments,
      java.util.function.Function<String, Optional<Session>> sessions) {
    int resumed = 0;
    for (dev.portcullis.store.Deployment d : deployments) {
      if (d.state() != dev.portcullis.store.Deployment.State.RUNNING || d.salesforceDeployId() == null) {
        continue;
      }
      Optional<Session> session = d.requester().session() == null ? Optional.empty()
          : sessions.apply(d.requester().session());
      if (session.isEmpty()) {
        gatekeeper.notStarted(d.id(), "the server restarted while it ran, and its session is no longer on record to"
            + " follow it with");
        continue;
      }
      followers.submit(() -> follow(d.id(), d.salesforceDeployId(), session.get(), null));
      resumed++;
    }
    return resumed;
  }

  /**
   * Polls the deployment until it ends, as the session's integration user with a token of its own (the session's
   * token is revoked when the session ends, and a deployment can outlast it), then records its end.
   */
  private void follow(String deploymentId, String salesforceId, Session session, AccessToken upstream) {
    AccessToken token = upstream;
    boolean own = false;
    try {
      if (session != null) {
        token = broker.followerAccess(session);
        own = true;
      }
    } catch (RuntimeException e) {
      LOG.warn("deployment {}: no token of its own to follow it ({}); following with the session's", deploymentId,
          e.getMessage());
    }
    if (token == null) {
      gatekeeper.notStarted(deploymentId, "no Salesforce token to follow it with");
      return;
    }
    try {
      DeployResult result = client(token).awaitDeploy(salesforceId, FOLLOW_FOR, progress -> { });
      if (!result.done()) {
        gatekeeper.notStarted(deploymentId, "not done after " + FOLLOW_FOR.toHours() + " hours of following it");
        return;
      }
      gatekeeper.finished(deploymentId, result);
    } catch (RuntimeException e) {
      LOG.error("deployment {} ({}) could not be followed to its end: {}", deploymentId, salesforceId, e.getMessage());
      try {
        gatekeeper.notStarted(deploymentId, "its status could not be read: " + e.getMessage());
      } catch (RuntimeException again) {
        LOG.error("deployment {}: its end could not be recorded: {}", deploymentId, again.getMessage());
      }
    } finally {
      if (own) {
        broker.releaseFollowerAccess(session.orgAlias(), token);
      }
    }
  }

  private MetadataClient client(AccessToken upstream) {
    return MetadataClient.builder(upstream.instanceUrl(), upstream::accessToken, http).build();
  }

  private static DeployRequest.Requester requester(Session session) {
    String actor = session.binding() == null ? null : session.binding().actor();
    return new DeployRequest.Requester(session.principal().issuer(), session.principal().subject(), actor,
        session.id(), session.principal().kind());
  }

  /** What the CI platform vouched for in the session's identity token (GitHub Actions, GitLab CI claims). */
  static DeployRequest.Git git(Session session) {
    Session.RunBinding run = session.binding();
    if (run == null) {
      return DeployRequest.Git.NONE;
    }
    String ref = run.ref();
    String branch = ref == null ? null : ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    String protectedClaim = run.claims() == null ? null : run.claims().get("ref_protected");
    Boolean isProtected = protectedClaim == null ? null : Boolean.valueOf(protectedClaim.toLowerCase(Locale.ROOT)
        .equals("true"));
    String runId = run.runId() == null ? null
        : run.runAttempt() == null ? run.runId() : run.runId() + "/" + run.runAttempt();
    return new DeployRequest.Git(run.repository(), run.sha(), branch, runId, isProtected);
  }
}
