package dev.portcullis.server.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionRepository;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session routes of the admin API, behind the admin token ({@code Authorization: Bearer},
 * {@link AdminToken}):
 *
 * <ul>
 *   <li>{@code GET /admin/sessions?state=active|all&org=&issuer=&subject=&limit=} → {@code
 *       {"sessions": [...]}}, newest first (active: every active one; all: at most {@code limit},
 *       default 100, at most 1000);
 *   <li>{@code POST /admin/sessions/revoke} with a JSON object holding exactly one selector —
 *       {@code id}, {@code subject} (optionally with {@code issuer}), or {@code org} — and an optional {@code
 *       reason} → {@code {"revoked": [ids]}}. Each revocation goes through the broker (Salesforce
 *       token revoked, ledger entry, every replica told).
 * </ul>
 *
 * Token checks, errors and bodies as {@link AdminTokenHandler} says.
 */
final class SessionAdminHandler extends AdminTokenHandler {
  static final String LIST = "/admin/sessions";
  static final String REVOKE = "/admin/sessions/revoke";
  static final Set<String> PATHS = Set.of(LIST, REVOKE);
  private static final List<String> REVOKE_FIELDS = List.of("id", "issuer", "subject", "org", "reason");
  private static final Logger LOG = LoggerFactory.getLogger(SessionAdminHandler.class);

  private final SessionRepository sessions;
  private final TokenBroker broker;
  private final Clock clock;
  private final BrokerLedger ledger;

  SessionAdminHandler(AdminToken token, SessionRepository sessions, TokenBroker broker, Clock clock,
      BrokerLedger ledger) {
    super(token, PATHS);
    this.ledger = ledger;
    this.sessions = sessions;
    this.broker = broker;
    this.clock = clock;
  }

  @Override
  String what() {
    return "the session store";
  }

  @Override
  void route(String path, Request request, Response response, Callback callback) throws IOException {
    if (path.equals(LIST)) {
      if (method("GET", request, response, callback)) {
        list(request, response, callback);
      }
    } else if (method("POST", request, response, callback)) {
      revoke(request, response, callback);
    }
  }

  private void list(Request request, Response response, Callback callback) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    String state = value(query, "state", "active");
    String org = value(query, "org", null);
    String issuer = value(query, "issuer", null);
    String subject = value(query, "subject", null);
    if (!state.equals("active") && !state.equals("all")) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "state must be active or all");
      return;
    }
    int limit = limit(query, response, callback);
    if (limit < 0) {
      return;
    }
    SessionRepository.Filter filter = new SessionRepository.Filter(org, issuer, subject);
    Instant now = clock.instant();
    List<Session> found = state.equals("active") ? sessions.listActive(now, filter) : sessions.list(filter, limit);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Session session : found) {
      out.add(describe(session, now));
    }
    write(response, callback, HttpStatus.OK_200, Map.of("sessions", out));
  }

  private void revoke(Request request, Response response, Callback callback) throws IOException {
    ObjectNode object = readObject(request, response, callback, REVOKE_FIELDS);
    if (object == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!field.getValue().isTextual() || field.getValue().asText().isBlank()) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "field '" + field.getKey()
            + "' must be a non-empty string");
        return;
      }
    }
    String id = text(object, "id");
    String issuer = text(object, "issuer");
    String subject = text(object, "subject");
    String org = text(object, "org");
    String reason = text(object, "reason");
    int selectors = (id != null ? 1 : 0) + (issuer != null || subject != null ? 1 : 0) + (org != null ? 1 : 0);
    if (selectors != 1 || (id == null && org == null && subject == null)) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "give exactly one of: id, subject (with issuer to narrow it to one issuer), org");
      return;
    }
    if (reason == null) {
      reason = "revoked by an administrator";
    }
    List<String> targets = new ArrayList<>();
    if (id != null) {
      targets.add(id);
    } else {
      SessionRepository.Filter filter = new SessionRepository.Filter(org, issuer, subject);
      sessions.listActive(clock.instant(), filter).forEach(session -> targets.add(session.id()));
    }
    List<String> revoked = new ArrayList<>();
    try (BrokerLedger.Capture capture = ledger.capture()) {
      for (String target : targets) {
        if (broker.revoke(target, "admin", reason)) {
          revoked.add(target);
        }
      }
      try {
        capture.await(java.time.Duration.ofSeconds(5)); // on record before it is answered
      } catch (BrokerLedger.LedgerUnavailable e) {
        LOG.error("revocations of {} were not all recorded in the ledger: {}", revoked, e.getMessage());
      }
    }
    write(response, callback, HttpStatus.OK_200, Map.of("revoked", revoked));
  }

  static Map<String, Object> describe(Session session, Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", session.id());
    out.put("org", session.orgAlias());
    out.put("org_id", session.orgId());
    Map<String, Object> principal = new LinkedHashMap<>();
    principal.put("kind", session.principal().kind());
    principal.put("issuer", session.principal().issuer());
    principal.put("subject", session.principal().subject());
    out.put("principal", principal);
    Map<String, Object> binding = new LinkedHashMap<>();
    Session.RunBinding run = session.binding();
    putIfSet(binding, "repository", run.repository());
    putIfSet(binding, "ref", run.ref());
    putIfSet(binding, "sha", run.sha());
    putIfSet(binding, "workflow", run.workflow());
    putIfSet(binding, "run_id", run.runId());
    putIfSet(binding, "run_attempt", run.runAttempt());
    putIfSet(binding, "actor", run.actor());
    if (!run.claims().isEmpty()) {
      binding.put("claims", run.claims());
    }
    out.put("binding", binding);
    out.put("scopes", session.scopes());
    out.put("integration_user", session.integrationUser());
    out.put("cert_thumbprint", session.certThumbprint());
    out.put("policy_hash", session.policyHash());
    out.put("decision_id", session.decisionId());
    out.put("issued_at", session.issuedAt().toString());
    out.put("expires_at", session.expiresAt().toString());
    out.put("revoked_at", session.revocation() == null ? null : session.revocation().at().toString());
    out.put("revoked_by", session.revocation() == null ? null : session.revocation().by());
    out.put("revoke_reason", session.revocation() == null ? null : session.revocation().reason());
    out.put("use_count", session.useCount());
    out.put("last_used_at", session.lastUsedAt() == null ? null : session.lastUsedAt().toString());
    out.put("state", session.revocation() != null ? "revoked" : session.isActive(now) ? "active" : "expired");
    return out;
  }

  private static void putIfSet(Map<String, Object> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
