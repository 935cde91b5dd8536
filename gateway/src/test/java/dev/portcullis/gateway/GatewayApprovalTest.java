package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.Endpoint;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.store.Approval;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code require_approval} through the proxy, on the store's approvals: the request waits until an
 * approval for exactly it is granted, runs once on it, and every step is recorded.
 */
class GatewayApprovalTest extends GatewayTestBase {
  private static final Pattern APPROVAL_ID = Pattern.compile("approval (apr_[A-Za-z0-9]+)");
  final List<String> events = new CopyOnWriteArrayList<>();
  volatile boolean eventsFail;

  @Override
  ApprovalGate approvalGate() {
    return new StoreApprovalGate(store.approvals(), new StoreApprovalGate.Events() {
      @Override
      public CompletableFuture<?> requested(Approval approval) {
        if (eventsFail) {
          return CompletableFuture.failedFuture(new IllegalStateException("the ledger is down"));
        }
        events.add("requested " + approval.id() + " " + approval.summary());
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<?> used(Approval approval, String decisionId) {
        events.add("used " + approval.id() + " by " + decisionId);
        return CompletableFuture.completedFuture(null);
      }
    }, Clock.systemUTC(), Duration.ofSeconds(5));
  }

  @Override
  PolicyBundle policy() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("approval-policies"));
    Files.writeString(policies.resolve("p.yaml"), """
        rules:
          - id: sessions
            effect: allow
            when: principal.kind != ""
            reason: test sessions
            session:
              scopes: [api:read, api:write]
          - id: creates-need-an-approval
            effect: allow
            when: request.operation == "create"
            reason: creates are approved by a person
            obligations:
              require_approval: {approvers: 2, valid_for_minutes: 30, from: [alice, bob, carol], reason: new accounts}
          - id: reads
            effect: allow
            when: request.operation in ["describe", "query", "read"]
            reason: reads
        """);
    return PolicyBundle.load(policies);
  }

  HttpResponse<String> create(String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v62.0/sobjects/Account")).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String approvalId(HttpResponse<String> response) {
    Matcher matcher = APPROVAL_ID.matcher(response.body());
    assertThat(matcher.find()).as(response.body()).isTrue();
    return matcher.group(1);
  }

  void approve(String id, String who) {
    store.approvals().vote(id, new Approval.Vote("https://people.example", who, true, "ok", Instant.now()),
        Instant.now());
  }

  @Test
  void aCreateWaitsForTwoApprovalsOfExactlyItThenRunsOnce() throws Exception {
    String token = session("api:write");
    HttpResponse<String> first = create(token, "{\"Name\":\"Approved Co\"}");
    assertThat(first.statusCode()).isEqualTo(403);
    assertThat(first.body()).contains("\"errorCode\":\"PORTCULLIS_APPROVAL_REQUIRED\"").contains("was requested")
        .contains("requires 2 approvals").contains("creates-need-an-approval");
    String id = approvalId(first);
    Approval asked = store.approvals().findById(id).orElseThrow();
    assertThat(asked.state()).isEqualTo(Approval.State.PENDING);
    assertThat(asked.required()).isEqualTo(2);
    assertThat(asked.eligible()).containsExactly("alice", "bob", "carol");
    assertThat(first.body()).contains("(new accounts)");
    assertThat(Duration.between(asked.requestedAt(), asked.expiresAt())).isEqualTo(Duration.ofMinutes(30));
    assertThat(asked.summary()).contains("POST /services/data/v62.0/sobjects/Account", "create Account", "sbx")
        .doesNotContain("Approved Co");
    assertThat(events).singleElement().asString().startsWith("requested " + id);
    assertThat(sandbox.requestCount(Endpoint.CREATE)).as("nothing forwarded").isZero();

    HttpResponse<String> again = create(token, "{\"Name\":\"Approved Co\"}");
    assertThat(again.body()).contains("approval " + id + " is pending").contains("0 of 2");
    approve(id, "alice");
    assertThat(create(token, "{\"Name\":\"Approved Co\"}").body()).contains("1 of 2");
    approve(id, "bob");

    HttpResponse<String> approved = create(token, "{\"Name\":\"Approved Co\"}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(201);
    assertThat(sandbox.requestCount(Endpoint.CREATE)).isEqualTo(1);
    GatewayDecision allowedOne = decisions.stream().filter(GatewayDecision::allowed).findFirst().orElseThrow();
    assertThat(allowedOne.reason()).contains("approved by [alice, bob] (approval " + id + ")");
    assertThat(events).contains("used " + id + " by " + allowedOne.decisionId());
    assertThat(store.approvals().findById(id).orElseThrow().state()).isEqualTo(Approval.State.USED);

    HttpResponse<String> replay = create(token, "{\"Name\":\"Approved Co\"}");
    assertThat(replay.statusCode()).as("an approval is used once").isEqualTo(403);
    assertThat(approvalId(replay)).isNotEqualTo(id);
  }

  @Test
  void anApprovalBindsTheBodyAndAnotherSessionOfTheSamePrincipalMayUseIt() throws Exception {
    String token = session("api:write");
    String id = approvalId(create(token, "{\"Name\":\"One\"}"));
    approve(id, "alice");
    approve(id, "bob");

    HttpResponse<String> changed = create(token, "{\"Name\":\"Two\"}");
    assertThat(changed.statusCode()).isEqualTo(403);
    assertThat(approvalId(changed)).as("another body is another request").isNotEqualTo(id);
    assertThat(store.approvals().findById(id).orElseThrow().state()).isEqualTo(Approval.State.APPROVED);

    HttpResponse<String> fromAnotherRun = create(session("api:write"), "{\"Name\":\"One\"}");
    assertThat(fromAnotherRun.statusCode()).as(fromAnotherRun.body()).isEqualTo(201);
    assertThat(sandbox.requestCount(Endpoint.CREATE)).isEqualTo(1);
    assertThat(get(query("SELECT Name FROM Account WHERE Name IN ('One', 'Two')"), token).body())
        .contains("\"One\"").doesNotContain("\"Two\"");
  }

  @Test
  void whenTheApprovalCannotBeRecordedTheRequestIsDeniedAndNotForwarded() throws Exception {
    eventsFail = true;
    HttpResponse<String> refused = create(session("api:write"), "{\"Name\":\"Unrecorded\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("PORTCULLIS_DENIED").contains("approvals cannot be checked")
        .contains("could not be recorded in the ledger");
    assertThat(sandbox.requestCount(Endpoint.CREATE)).isZero();
    assertThat(get("/services/data/v62.0/sobjects/Account/describe", session("api:read")).statusCode())
        .as("requests without the obligation are unaffected").isEqualTo(200);
  }
}
