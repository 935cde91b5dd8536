package dev.portcullis.server.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.identity.broker.RiskChange;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.store.PrincipalRisk;
import dev.portcullis.store.RiskRepository;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionRepository;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The risk routes of the admin API (token checks, errors and bodies as {@link AdminTokenHandler} says):
 *
 * <ul>
 *   <li>{@code GET /admin/risk?issuer=&subject=&limit=} → {@code {"revoke_at_risk": 80, "risks":
 *       [...]}}: the principals with a score, highest first (at most {@code limit}, default 100, at
 *       most 1000), or the one principal named;
 *   <li>{@code POST /admin/risk} with {@code {"subject", "issuer"?, "score", "reason"}} sets the
 *       principal's score (a number from 0 to 100) and reason through the broker: {@code risk.changed}
 *       in the ledger, and at or above {@code broker.revoke_at_risk} the principal's sessions revoked
 *       (reason {@code RISK}) on every replica. Without {@code issuer}, the subject's one issuer among
 *       its sessions is taken; none or several is a 400 naming them. Answers the change and the
 *       revoked sessions once the ledger has recorded them.
 * </ul>
 */
final class RiskAdminHandler extends AdminTokenHandler {
  static final String PATH = "/admin/risk";
  private static final List<String> SET_FIELDS = List.of("subject", "issuer", "score", "reason");
  private static final Logger LOG = LoggerFactory.getLogger(RiskAdminHandler.class);

  private final RiskRepository risks;
  private final SessionRepository sessions;
  private final TokenBroker broker;
  private final BrokerLedger ledger;

  RiskAdminHandler(AdminToken token, RiskRepository risks, SessionRepository sessions, TokenBroker broker,
      BrokerLedger ledger) {
    super(token, Set.of(PATH));
    this.risks = risks;
    this.sessions = sessions;
    this.broker = broker;
    this.ledger = ledger;
  }

  @Override
  String what() {
    return "the risk store";
  }

  @Override
  void route(String path, Request request, Response response, Callback callback) throws IOException {
    if ("GET".equalsIgnoreCase(request.getMethod())) {
      show(request, response, callback);
    } else if (method("POST", request, response, callback)) {
      set(request, response, callback);
    }
  }

  private void show(Request request, Response response, Callback callback) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    String issuer = value(query, "issuer", null);
    String subject = value(query, "subject", null);
    int limit = limit(query, response, callback);
    if (limit < 0) {
      return;
    }
    if (issuer != null && subject == null) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "issuer narrows subject: give the principal's subject too");
      return;
    }
    List<PrincipalRisk> found;
    if (subject != null && issuer != null) {
      found = risks.find(issuer, subject).stream().toList();
    } else if (subject != null) {
      found = risks.list(1000).stream().filter(risk -> risk.subject().equals(subject)).limit(limit).toList();
    } else {
      found = risks.list(limit);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (PrincipalRisk risk : found) {
      out.add(describe(risk));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("revoke_at_risk", broker.revokeAtRisk());
    body.put("risks", out);
    write(response, callback, HttpStatus.OK_200, body);
  }

  private void set(Request request, Response response, Callback callback) throws IOException {
    ObjectNode object = readObject(request, response, callback, SET_FIELDS);
    if (object == null) {
      return;
    }
    for (String field : List.of("subject", "issuer", "reason")) {
      JsonNode value = object.get(field);
      if (value != null && (!value.isTextual() || value.asText().isBlank())) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", "field '" + field
            + "' must be a non-empty string");
        return;
      }
    }
    String subject = text(object, "subject");
    String reason = text(object, "reason");
    JsonNode score = object.get("score");
    if (subject == null || reason == null || score == null) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "give subject, score and reason (and issuer, unless the subject's sessions have one issuer)");
      return;
    }
    if (!score.isNumber() || !Double.isFinite(score.asDouble()) || score.asDouble() < PrincipalRisk.MIN_SCORE
        || score.asDouble() > PrincipalRisk.MAX_SCORE) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "score must be a number from 0 to 100, was " + FormBody.printable(score.toString()));
      return;
    }
    String issuer = text(object, "issuer");
    if (issuer == null) {
      Set<String> issuers = new TreeSet<>();
      for (Session session : sessions.list(new SessionRepository.Filter(null, null, subject), 1000)) {
        issuers.add(session.principal().issuer());
      }
      if (issuers.size() != 1) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", issuers.isEmpty()
            ? "no session of subject '" + FormBody.printable(subject) + "' is known, so its issuer cannot be"
                + " taken from them: give issuer"
            : "subject '" + FormBody.printable(subject) + "' has sessions from several issuers (" + issuers
                + "): give issuer");
        return;
      }
      issuer = issuers.iterator().next();
    }
    RiskChange change;
    try (BrokerLedger.Capture capture = ledger.capture()) {
      try {
        change = broker.setRisk(issuer, subject, score.asDouble(), List.of(reason), "admin");
      } catch (IllegalArgumentException e) {
        error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request", e.getMessage());
        return;
      }
      try {
        capture.await(Duration.ofSeconds(5)); // on record before it is answered
      } catch (BrokerLedger.LedgerUnavailable e) {
        LOG.error("the risk change of {} and its revocations {} were not all recorded in the ledger: {}", subject,
            change.revokedSessions(), e.getMessage());
      }
    }
    Map<String, Object> body = describe(change.current());
    body.put("previous_score", change.previous().map(PrincipalRisk::score).orElse(null));
    body.put("revoke_at_risk", broker.revokeAtRisk());
    body.put("revoked", change.revokedSessions());
    write(response, callback, HttpStatus.OK_200, body);
  }

  static Map<String, Object> describe(PrincipalRisk risk) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> principal = new LinkedHashMap<>();
    principal.put("issuer", risk.issuer());
    principal.put("subject", risk.subject());
    out.put("principal", principal);
    out.put("score", risk.score());
    out.put("reasons", risk.reasons());
    out.put("set_by", risk.setBy());
    out.put("set_at", risk.setAt().toString());
    return out;
  }
}
