package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.LedgerEntry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code require_approval} end to end on a real server: the gateway holds a create for approval,
 * approvers vote on the admin API with their OIDC ID tokens (only configured people, never the
 * requester or the person who started the run), the approved request then runs once, and each
 * step is in the ledger.
 */
class GatewayApprovalServerTest extends GatewayServerFixture {
  private static final String CREATE = "/services/data/v62.0/sobjects/Account";
  private final ObjectMapper json = new ObjectMapper();

  @Override
  void writePolicies(Path policies) throws Exception {
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
              require_approval: { approvers: 1, reason: new accounts in production }
        """);
  }

  @Override
  String identityYaml() {
    return super.identityYaml() + """
          approvers:
            - { issuer: %s, subjects: [alice, alice-dev, bob] }
        """.formatted(issuers.github().issuer());
  }

  @Override
  String orgsYaml() {
    return BrokerTestConfig.prodOrg(PROD_ID,
        "{ username: writer@acme.com, scopes: [api:read, api:write], private_key: keys/prod.pem }");
  }

  @Override
  String scope() {
    return "api:write";
  }

  HttpResponse<String> create(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve(CREATE))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + session)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> vote(String bearer, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.adminUrl().resolve("/admin/approvals/vote"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  String person(String name) {
    return issuers.github().mint(Map.of("sub", name));
  }

  List<LedgerEntry> ledger() throws Exception {
    server.ledger().orElseThrow().awaitPublished();
    var reader = server.ledger().orElseThrow().reader();
    long size = dev.portcullis.ledger.Checkpoint.of(dev.portcullis.ledger.SignedNote.parse(
        reader.read(dev.portcullis.ledger.LedgerReader.CHECKPOINT))).size();
    List<LedgerEntry> entries = new ArrayList<>();
    dev.portcullis.ledger.LedgerEntries.forEach(reader, 0, size, size,
        (index, bytes) -> entries.add(LedgerEntry.parse(bytes)));
    return entries;
  }

  @Test
  void aHeldCreateRunsOnceAfterAConfiguredPersonOtherThanTheRequesterApprovesIt() throws Exception {
    HttpResponse<String> held = create("{\"Name\":\"Acme\"}");
    assertThat(held.statusCode()).isEqualTo(403);
    assertThat(held.body()).contains("PORTCULLIS_APPROVAL_REQUIRED", "new accounts in production");
    Matcher matcher = Pattern.compile("approval (apr_[A-Za-z0-9]+)").matcher(held.body());
    assertThat(matcher.find()).isTrue();
    String id = matcher.group(1);
    assertThat(forwarded).isEmpty();

    String adminToken = Files.readString(dir.resolve("data/admin-token")).strip();
    HttpResponse<String> pending = http.send(HttpRequest.newBuilder(server.adminUrl().resolve("/admin/approvals"))
        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode listed = json.readTree(pending.body()).get("approvals").get(0);
    assertThat(listed.get("id").asText()).isEqualTo(id);
    assertThat(listed.get("state").asText()).isEqualTo("pending");
    assertThat(listed.get("requester").get("actor").asText()).isEqualTo("alice-dev");
    assertThat(listed.get("summary").asText()).contains("POST " + CREATE).doesNotContain("Acme");

    String approve = "{\"id\":\"" + id + "\",\"verdict\":\"approve\",\"comment\":\"ticket CHG-1\"}";
    assertThat(vote(null, approve).statusCode()).isEqualTo(401);
    assertThat(vote("not.a.token", approve).statusCode()).isEqualTo(401);
    assertThat(vote(adminToken, approve).statusCode()).as("the admin token is no person").isEqualTo(401);
    HttpResponse<String> stranger = vote(person("mallory"), approve);
    assertThat(stranger.statusCode()).isEqualTo(403);
    assertThat(stranger.body()).contains("not_an_approver");
    HttpResponse<String> runActor = vote(person("alice-dev"), approve);
    assertThat(runActor.statusCode()).isEqualTo(403);
    assertThat(runActor.body()).contains("separation_of_duties").contains("actor alice-dev");
    assertThat(create("{\"Name\":\"Acme\"}").body()).as("still waiting").contains("is pending");

    HttpResponse<String> approved = vote(person("alice"), approve);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(json.readTree(approved.body()).get("outcome").asText()).isEqualTo("approved");
    assertThat(vote(person("bob"), approve).statusCode()).as("closed once approved").isEqualTo(409);

    HttpResponse<String> ran = create("{\"Name\":\"Acme\"}");
    assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
    assertThat(forwarded).containsExactly("POST " + CREATE);
    assertThat(create("{\"Name\":\"Acme\"}").statusCode()).as("used once").isEqualTo(403);
    assertThat(forwarded).hasSize(1);

    List<LedgerEntry> entries = ledger();
    assertThat(entries).extracting(LedgerEntry::kind)
        .contains("approval.requested", "approval.voted", "approval.used");
    LedgerEntry used = entries.stream().filter(e -> e.kind().equals("approval.used")).findFirst().orElseThrow();
    assertThat(used.fields()).containsEntry("approval", id).containsEntry("approvers", List.of("alice"));
    assertThat(entries.stream().filter(e -> e.kind().equals("gateway.decision")
        && "allow".equals(e.fields().get("effect"))).findFirst().orElseThrow().fields().get("reason").toString())
        .contains("approved by [alice] (approval " + id + ")");
    assertThat(entries.stream().filter(e -> e.kind().equals("approval.voted")).toList()).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("actor", "alice").containsEntry("comment", "ticket CHG-1"));
  }
}
