package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis session list|revoke} against a loopback fake admin API: the requests and the output. */
class SessionCommandTest {
  static final String ADMIN_TOKEN = "q7Zr0b1nP4ssW0rdLikeAdminToken_base64url-43c";
  static final String SESSIONS = """
      {"sessions":[
        {"id":"ses_a1","org":"prod","org_id":"00D5e000000AbCdEAA",
         "principal":{"kind":"oidc","issuer":"https://token.actions.githubusercontent.com","subject":"repo:acme/salesforce-app:ref:refs/heads/main"},
         "binding":{"repository":"acme/salesforce-app"},"scopes":["api:read"],"integration_user":"reader@acme.com",
         "issued_at":"2026-11-28T10:00:00Z","expires_at":"2099-01-01T00:00:00Z","revoked_at":null,"revoked_by":null,
         "revoke_reason":null,"use_count":12,"state":"active"},
        {"id":"ses_b2","org":"sandbox","org_id":"00D5e000000XyZwAAA",
         "principal":{"kind":"oidc","issuer":"https://gitlab.com","subject":"project_path:acme/salesforce-app:ref_type:branch:ref:main"},
         "binding":{},"scopes":["api:read","metadata:deploy"],"integration_user":"deployer@acme.com.uat",
         "issued_at":"2026-11-28T09:00:00Z","expires_at":"2026-11-28T09:15:00Z","revoked_at":"2026-11-28T09:05:00Z",
         "revoked_by":"admin","revoke_reason":"incident","use_count":3,"state":"revoked"}
      ]}""";

  @TempDir Path dataDir;
  FakeHttpEndpoint admin;

  @BeforeEach
  void start() throws IOException {
    admin = new FakeHttpEndpoint("/admin/", 200, SESSIONS);
    Files.writeString(dataDir.resolve("endpoints.json"), "{\"admin_url\":\"" + admin.base() + "\"}");
    Files.writeString(dataDir.resolve("admin-token"), ADMIN_TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  static LoginCommandTest.Run run(String... args) {
    LoginCommandTest.Run run = LoginCommandTest.run(Map.of(), args);
    assertThat(run.err()).doesNotContain(ADMIN_TOKEN);
    return run;
  }

  @Test
  void listAsksForActiveSessionsWithTheAdminTokenAndPrintsATable() {
    LoginCommandTest.Run run = run("session", "list", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request request = admin.only();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.uri().getPath()).isEqualTo("/admin/sessions");
    assertThat(request.uri().getRawQuery()).isEqualTo("state=active");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ADMIN_TOKEN);
    String[] lines = run.out().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("ID    ").contains("ORG", "PRINCIPAL", "SCOPES", "STATE", "EXPIRES IN", "USES");
    assertThat(lines[1]).startsWith("ses_a1").contains("prod", "repo:acme/salesforce-app:ref:refs/heads/main",
        "api:read", "active").endsWith("12");
    assertThat(lines[2]).startsWith("ses_b2").contains("api:read metadata:deploy", "revoked").endsWith("3");
    // Columns line up: each header starts where its values start.
    assertThat(lines[1].indexOf("prod")).isEqualTo(lines[0].indexOf("ORG"));
    assertThat(lines[2].indexOf("revoked")).isEqualTo(lines[0].indexOf("STATE"));
  }

  @Test
  void listAllWithFiltersAndJson() throws IOException {
    LoginCommandTest.Run run = run("session", "list", "--all", "--org", "prod", "--subject", "repo:acme/app:ref:refs/heads/main",
        "--json", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(admin.only().uri().getRawQuery())
        .isEqualTo("state=all&org=prod&subject=repo%3Aacme%2Fapp%3Aref%3Arefs%2Fheads%2Fmain");
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("sessions")).hasSize(2);
  }

  @Test
  void revokeById() throws IOException {
    admin.answer(200, "{\"revoked\":[\"ses_a1\"]}", "application/json");
    LoginCommandTest.Run run = run("session", "revoke", "ses_a1", "--reason", "leaked in a log", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request request = admin.only();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath()).isEqualTo("/admin/sessions/revoke");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ADMIN_TOKEN);
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(new ObjectMapper().readTree(request.body()))
        .isEqualTo(new ObjectMapper().readTree("{\"id\":\"ses_a1\",\"reason\":\"leaked in a log\"}"));
    assertThat(run.out()).isEqualTo("revoked 1 session (session ses_a1): ses_a1\n");
  }

  @Test
  void revokeAPrincipalAndAnOrg() throws IOException {
    admin.answer(200, "{\"revoked\":[\"ses_a1\",\"ses_c3\"]}", "application/json");
    LoginCommandTest.Run principal = run("session", "revoke", "--issuer", "https://token.actions.githubusercontent.com",
        "--subject", "repo:acme/salesforce-app:ref:refs/heads/main", "--data-dir", dataDir.toString());
    assertThat(principal.exitCode()).as(principal.err()).isZero();
    assertThat(new ObjectMapper().readTree(admin.requests().get(0).body())).isEqualTo(new ObjectMapper().readTree(
        "{\"issuer\":\"https://token.actions.githubusercontent.com\",\"subject\":\"repo:acme/salesforce-app:ref:refs/heads/main\"}"));
    assertThat(principal.out()).startsWith("revoked 2 sessions").endsWith("ses_a1 ses_c3\n");

    admin.answer(200, "{\"revoked\":[\"ses_a1\"]}", "application/json");
    LoginCommandTest.Run anyIssuer = run("session", "revoke", "--principal", "repo:acme/salesforce-app:ref:refs/heads/main",
        "--data-dir", dataDir.toString());
    assertThat(anyIssuer.exitCode()).as(anyIssuer.err()).isZero();
    assertThat(new ObjectMapper().readTree(admin.requests().get(1).body())).isEqualTo(new ObjectMapper().readTree(
        "{\"subject\":\"repo:acme/salesforce-app:ref:refs/heads/main\"}"));

    admin.answer(200, "{\"revoked\":[]}", "application/json");
    LoginCommandTest.Run org = run("session", "revoke", "--org", "prod", "--reason", "freeze", "--json",
        "--data-dir", dataDir.toString());
    assertThat(org.exitCode()).as(org.err()).isZero();
    assertThat(new ObjectMapper().readTree(admin.requests().get(2).body()))
        .isEqualTo(new ObjectMapper().readTree("{\"org\":\"prod\",\"reason\":\"freeze\"}"));
    assertThat(new ObjectMapper().readTree(org.out()).get("revoked")).isEmpty();
  }

  @Test
  void revokeNeedsExactlyOneSelector() {
    for (String[] args : new String[][] {
        {"session", "revoke", "--data-dir", dataDir.toString()},
        {"session", "revoke", "ses_a1", "--org", "prod", "--data-dir", dataDir.toString()},
        {"session", "revoke", "--issuer", "https://gitlab.com", "--data-dir", dataDir.toString()}}) {
      LoginCommandTest.Run run = run(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
    }
    assertThat(admin.requests()).isEmpty();
  }

  @Test
  void urlAndAdminTokenFile() throws IOException {
    Path token = dataDir.resolve("elsewhere-token");
    Files.writeString(token, "another-token");
    LoginCommandTest.Run run = run("session", "list", "--url", admin.base(), "--admin-token-file", token.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(admin.only().header("Authorization")).isEqualTo("Bearer another-token");
  }

  @Test
  void aRefusedAdminTokenSaysWhereTheRightOneIs() {
    admin.answer(401, "{\"error\":\"unauthorized\",\"message\":\"admin token required\"}", "application/json");
    LoginCommandTest.Run run = run("session", "list", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("HTTP 401", "admin token required", "DATA_DIR/admin-token");
  }

  @Test
  void aMissingAdminTokenFileIsAUsageError() throws IOException {
    Files.delete(dataDir.resolve("admin-token"));
    LoginCommandTest.Run run = run("session", "list", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no admin token", "admin-token");
    assertThat(admin.requests()).isEmpty();
  }

  @Test
  void tableShowsTimeLeftOnlyForActiveSessions() throws IOException {
    JsonNode sessions = new ObjectMapper().readTree(SESSIONS.replace("2099-01-01T00:00:00Z", "2026-11-28T10:14:05Z"))
        .get("sessions");
    String table = SessionTable.render(sessions, Instant.parse("2026-11-28T10:00:00Z"));
    String[] lines = table.split("\n");
    int column = lines[0].indexOf("EXPIRES IN");
    assertThat(lines[1].substring(column)).startsWith("14m 5s");
    assertThat(lines[2].substring(column)).startsWith("-");
    assertThat(SessionTable.render(new ObjectMapper().createArrayNode(), Instant.EPOCH)).isEqualTo("no sessions\n");
  }

  @Test
  void durations() {
    assertThat(SessionTable.duration(59)).isEqualTo("59s");
    assertThat(SessionTable.duration(900)).isEqualTo("15m 0s");
    assertThat(SessionTable.duration(7260)).isEqualTo("2h 1m");
  }
}
