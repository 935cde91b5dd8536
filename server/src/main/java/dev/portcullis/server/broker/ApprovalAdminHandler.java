package dev.portcullis.server.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.identity.IdentityException;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.Principal;
import dev.portcullis.server.config.Config;
import dev.portcullis.store.Approval;
import dev.portcullis.store.ApprovalRepository;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval routes of the admin API:
 *
 * <ul>
 *   <li>{@code GET /admin/approvals?state=pending|approved|denied|used|all&limit=} → {@code
 *       {"approvals": [...]}}, newest first; with the admin token or an approver's ID token;
 *   <li>{@code POST /admin/approvals/vote} with {@code {"id", "verdict": "approve"|"deny", "comment"}}
 *       and the approver's OIDC ID token as {@code Authorization: Bearer}: the token is verified like
 *       any identity token (a trusted issuer, audience, expiry), its holder must be listed under
 *       {@code identity.approvers} and, when the policy named who may approve ({@code from}), be one of
 *       those; and no one approves their own request (separation of duties): not the requesting
 *       principal, nor the person who started its CI run ({@code actor}). Each vote is a ledger entry
 *       ({@code approval.voted}), durable before it is answered.
 * </ul>
 */
final class ApprovalAdminHandler extends Handler.Abstract {
  static final String LIST = "/admin/approvals";
  static final String VOTE = "/admin/approvals/vote";
  static final Set<String> PATHS = Set.of(LIST, VOTE);
  private static final int MAX_BODY = 16 * 1024;
  private static final int MAX_COMMENT = 500;
  private static final Set<String> VOTE_FIELDS = Set.of("id", "verdict", "comment");
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalAdminHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private final AdminToken token;
  private final ApprovalRepository approvals;
  private final Optional<OidcVerifier> verifier;
  private final List<Config.Approver> approvers;
  private final BrokerLedger ledger;
  private final Clock clock;

  ApprovalAdminHandler(AdminToken token, ApprovalRepository approvals, Optional<OidcVerifier> verifier,
      List<Config.Approver> approvers, BrokerLedger ledger, Clock clock) {
    this.token = token;
    this.approvals = approvals;
    this.verifier = verifier;
    this.approvers = List.copyOf(approvers);
    this.ledger = ledger;
    this.clock = clock;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!PATHS.contains(path)) {
      return false;
    }
    String bearer = bearer(request);
    try {
      if (path.equals(LIST)) {
        if (!HttpMethod.GET.is(request.getMethod())) {
          response.getHeaders().put(HttpHeader.ALLOW, "GET");
          AdminTokenHandler.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method_not_allowed", "use GET");
          return true;
        }
        if (bearer == null || !(token.matches(bearer) || approver(bearer).isPresent())) {
          unauthorized(request, response, callback, "this route needs the admin token or an approver's ID token");
          return true;
        }
        list(request, response, callback);
        return true;
      }
      if (!HttpMethod.POST.is(request.getMethod())) {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
        AdminTokenHandler.error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method_not_allowed", "use POST");
        return true;
      }
      vote(request, response, callback, bearer);
    } catch (StoreException e) {
      LOG.error("admin approval route failed: {}", e.getMessage());
      AdminTokenHandler.error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "unavailable",
          "the approval store is unavailable: " + e.code());
    }
    return true;
  }

  private void list(Request request, Response response, Callback callback) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    String state = AdminTokenHandler.value(query, "state", "pending");
    Approval.State filter = null;
    if (!state.equals("all")) {
      try {
        filter = Approval.State.of(state);
      } catch (IllegalArgumentException e) {
        AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
            "state must be pending, approved, denied, used or all");
        return;
      }
    }
    int limit;
    try {
      limit = Integer.parseInt(AdminTokenHandler.value(query, "limit", "100"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000) {
      AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "limit must be a number from 1 to 1000");
      return;
    }
    Instant now = clock.instant();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Approval approval : approvals.list(filter, limit)) {
      out.add(describe(approval, now));
    }
    AdminTokenHandler.write(response, callback, HttpStatus.OK_200, Map.of("approvals", out));
  }

  private void vote(Request request, Response response, Callback callback, String bearer) throws IOException {
    if (bearer == null) {
      unauthorized(request, response, callback, "a vote needs the approver's OIDC ID token (Authorization: Bearer)");
      return;
    }
    Principal person;
    try {
      person = verifier.orElseThrow(() -> new IllegalStateException("no OIDC issuer is trusted")).verify(bearer);
    } catch (IdentityException e) {
      unauthorized(request, response, callback, "the approver's token was refused: " + e.code() + ": " + e.getMessage());
      return;
    } catch (IllegalStateException e) {
      unauthorized(request, response, callback, "approver tokens cannot be verified: " + e.getMessage());
      return;
    }
    Set<String> names = names(person);
    boolean listed = approvers.stream().anyMatch(a -> a.issuer().equals(person.issuer())
        && a.subjects().stream().anyMatch(s -> names.contains(s.toLowerCase(Locale.ROOT))));
    if (!listed) {
      AdminTokenHandler.error(response, callback, HttpStatus.FORBIDDEN_403, "not_an_approver", person.subject()
          + " of " + person.issuer() + " is not listed under identity.approvers");
      return;
    }
    ObjectNode body = body(request, response, callback);
    if (body == null) {
      return;
    }
    String id = body.path("id").asText("");
    String verdict = body.path("verdict").asText("");
    String comment = body.path("comment").asText("").strip();
    if (id.isEmpty() || !(verdict.equals("approve") || verdict.equals("deny"))) {
      AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "give id and verdict (approve or deny), and optionally a comment");
      return;
    }
    if (comment.length() > MAX_COMMENT) {
      AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "the comment is longer than " + MAX_COMMENT + " characters");
      return;
    }
    Optional<Approval> found = approvals.findById(id);
    if (found.isEmpty()) {
      AdminTokenHandler.error(response, callback, HttpStatus.NOT_FOUND_404, "not_found", "no approval " + id);
      return;
    }
    Approval approval = found.get();
    Optional<String> conflict = separationOfDuties(approval, person, names);
    if (conflict.isPresent()) {
      AdminTokenHandler.error(response, callback, HttpStatus.FORBIDDEN_403, "separation_of_duties", conflict.get());
      return;
    }
    if (!approval.eligible().isEmpty()
        && approval.eligible().stream().noneMatch(e -> names.contains(e.toLowerCase(Locale.ROOT)))) {
      AdminTokenHandler.error(response, callback, HttpStatus.FORBIDDEN_403, "not_eligible", "policy lets only "
          + approval.eligible() + " approve " + id);
      return;
    }
    Instant now = clock.instant();
    Approval.Vote vote = new Approval.Vote(person.issuer(), person.subject(), verdict.equals("approve"), comment, now);
    ApprovalRepository.VoteOutcome outcome = approvals.vote(id, vote, now);
    switch (outcome) {
      case NOT_FOUND -> AdminTokenHandler.error(response, callback, HttpStatus.NOT_FOUND_404, "not_found",
          "no approval " + id);
      case CLOSED -> AdminTokenHandler.error(response, callback, HttpStatus.CONFLICT_409, "closed", "approval " + id
          + " is " + (approval.expiredAt(now) && approval.state() == Approval.State.PENDING ? "expired"
              : approval.state().value()) + ": it takes no more votes");
      case ALREADY_VOTED -> AdminTokenHandler.error(response, callback, HttpStatus.CONFLICT_409, "already_voted",
          person.subject() + " has voted on " + id + " already");
      default -> {
        try {
          ledger.approvalVoted(approval, vote, outcome).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.error("the vote on {} is stored but not recorded in the ledger: {}", id, e.toString());
          AdminTokenHandler.error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "unrecorded",
              "the vote is stored but the ledger did not record it: " + e.getMessage());
          return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        out.put("approval", describe(approvals.findById(id).orElse(approval), now));
        AdminTokenHandler.write(response, callback, HttpStatus.OK_200, out);
      }
    }
  }

  /** Why this person may not vote on this approval, if they may not. */
  static Optional<String> separationOfDuties(Approval approval, Principal person, Set<String> names) {
    if (person.issuer().equals(approval.requesterIssuer()) && person.subject().equals(approval.requesterSubject())) {
      return Optional.of("the requester may not approve its own request");
    }
    if (names.contains(approval.requesterSubject().toLowerCase(Locale.ROOT))) {
      return Optional.of(person.subject() + " is the requester (" + approval.requesterSubject()
          + ") and may not approve its own request");
    }
    if (approval.requesterActor() != null && names.contains(approval.requesterActor().toLowerCase(Locale.ROOT))) {
      return Optional.of(person.subject() + " started the CI run that asks (actor " + approval.requesterActor()
          + ") and may not approve it");
    }
    return Optional.empty();
  }

  /** The names a person goes by, lower case: {@code sub}, {@code preferred_username}, {@code email}. */
  static Set<String> names(Principal person) {
    Set<String> names = new LinkedHashSet<>();
    names.add(person.subject().toLowerCase(Locale.ROOT));
    for (String claim : List.of("preferred_username", "email")) {
      if (person.claims().get(claim) instanceof String value && !value.isBlank()) {
        names.add(value.toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private Optional<Principal> approver(String bearer) {
    if (verifier.isEmpty()) {
      return Optional.empty();
    }
    try {
      Principal person = verifier.get().verify(bearer);
      Set<String> names = names(person);
      return approvers.stream().anyMatch(a -> a.issuer().equals(person.issuer())
          && a.subjects().stream().anyMatch(s -> names.contains(s.toLowerCase(Locale.ROOT))))
          ? Optional.of(person) : Optional.empty();
    } catch (IdentityException e) {
      return Optional.empty();
    }
  }

  static Map<String, Object> describe(Approval approval, Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", approval.id());
    out.put("kind", approval.kind());
    out.put("state", approval.state() == Approval.State.PENDING && approval.expiredAt(now) ? "expired"
        : approval.state().value());
    out.put("org", approval.orgAlias());
    Map<String, Object> requester = new LinkedHashMap<>();
    requester.put("issuer", approval.requesterIssuer());
    requester.put("subject", approval.requesterSubject());
    requester.put("actor", approval.requesterActor());
    out.put("requester", requester);
    out.put("summary", approval.summary());
    out.put("required", approval.required());
    out.put("approvals", approval.approvals());
    out.put("eligible", approval.eligible());
    out.put("binding_sha256", approval.binding());
    out.put("decision_id", approval.decisionId());
    out.put("requested_at", approval.requestedAt().toString());
    out.put("expires_at", approval.expiresAt().toString());
    out.put("decided_at", approval.decidedAt() == null ? null : approval.decidedAt().toString());
    out.put("used_at", approval.usedAt() == null ? null : approval.usedAt().toString());
    out.put("used_by_decision", approval.usedByDecision());
    List<Map<String, Object>> votes = new ArrayList<>();
    for (Approval.Vote vote : approval.votes()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("approver", vote.approverSubject());
      v.put("issuer", vote.approverIssuer());
      v.put("verdict", vote.approve() ? "approve" : "deny");
      v.put("comment", vote.comment());
      v.put("at", vote.at().toString());
      votes.add(v);
    }
    out.put("votes", votes);
    return out;
  }

  private static ObjectNode body(Request request, Response response, Callback callback) throws IOException {
    byte[] bytes = Content.Source.asInputStream(request).readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      AdminTokenHandler.error(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "invalid_request",
          "the body is larger than 16 KiB");
      return null;
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "the body is not JSON: " + e.getOriginalMessage());
      return null;
    }
    if (!(body instanceof ObjectNode object)) {
      AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
          "the body must be a JSON object");
      return null;
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!VOTE_FIELDS.contains(field.getKey()) || !field.getValue().isTextual()) {
        AdminTokenHandler.error(response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
            "field '" + FormBody.printable(field.getKey()) + "' is unknown or not a string (known: id, verdict, comment)");
        return null;
      }
    }
    return object;
  }

  private static String bearer(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String value = header.substring(7).strip();
    return value.isEmpty() ? null : value;
  }

  private static void unauthorized(Request request, Response response, Callback callback, String message) throws IOException {
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"portcullis-admin\"");
    AdminTokenHandler.closeAfter(request, response);
    AdminTokenHandler.error(response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized", message);
  }
}
