package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis risk set|show} against a loopback fake admin API: the requests and the output. */
class RiskCommandTest {
  static final String MAIN = "repo:acme/salesforce-app:ref:refs/heads/main";
  static final String GITHUB = "https://token.actions.githubusercontent.com";
  static final String RISKS = """
      {"revoke_at_risk":80.0,"risks":[
        {"principal":{"issuer":"https://token.actions.githubusercontent.com","subject":"repo:acme/salesforce-app:ref:refs/heads/main"},
         "score":90.0,"reasons":["token seen in a public build log"],"set_by":"admin","set_at":"2026-11-28T10:00:00Z"},
        {"principal":{"issuer":"https://gitlab.com","subject":"project_path:acme/app:ref_type:branch:ref:main"},
         "score":42.5,"reasons":[],"set_by":"detection","set_at":"2026-11-28T09:00:00Z"}
      ]}""";

  @TempDir Path dataDir;
  FakeHttpEndpoint admin;

  @BeforeEach
  void start() throws IOException {
    admin = new FakeHttpEndpoint("/admin/", 200, RISKS);
    Files.writeString(dataDir.resolve("endpoints.json"), "{\"admin_url\":\"" + admin.base() + "\"}");
    Files.writeString(dataDir.resolve("admin-token"), SessionCommandTest.ADMIN_TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  @Test
  void setPostsTheScoreAndReasonAndListsTheSessionsItEnded() throws IOException {
    admin.answer(200, """
        {"principal":{"issuer":"%s","subject":"%s"},"score":90.0,"reasons":["leaked"],"set_by":"admin",
         "set_at":"2026-11-28T10:00:00Z","previous_score":null,"revoke_at_risk":80.0,"revoked":["ses_a1","ses_b2"]}
        """.formatted(GITHUB, MAIN), "application/json");

    LoginCommandTest.Run run = SessionCommandTest.run("risk", "set", "--principal", MAIN, "--score", "90",
        "--reason", "leaked", "--data-dir", dataDir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request request = admin.only();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath()).isEqualTo("/admin/risk");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + SessionCommandTest.ADMIN_TOKEN);
    assertThat(new ObjectMapper().readTree(request.body())).isEqualTo(new ObjectMapper().readTree(
        "{\"subject\":\"" + MAIN + "\",\"score\":90.0,\"reason\":\"leaked\"}"));
    assertThat(run.out()).isEqualTo("risk of " + MAIN + " from " + GITHUB + ": 90 (none before)\n"
        + "at or above revoke_at_risk 80: revoked 2 sessions: ses_a1 ses_b2\n");
  }

  @Test
  void setWithAnIssuerAndABelowTheCutOffScore() throws IOException {
    admin.answer(200, """
        {"principal":{"issuer":"%s","subject":"%s"},"score":12.5,"reasons":["x"],"set_by":"admin",
         "set_at":"2026-11-28T10:00:00Z","previous_score":90.0,"revoke_at_risk":80.0,"revoked":[]}
        """.formatted(GITHUB, MAIN), "application/json");

    LoginCommandTest.Run run = SessionCommandTest.run("risk", "set", "--subject", MAIN, "--issuer", GITHUB,
        "--score", "12.5", "--reason", "x", "--data-dir", dataDir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(new ObjectMapper().readTree(admin.only().body()).get("issuer").asText()).isEqualTo(GITHUB);
    assertThat(run.out()).isEqualTo("risk of " + MAIN + " from " + GITHUB + ": 12.5 (was 90)\n");
  }

  @Test
  void setNeedsAPrincipalAScoreFrom0To100AndAReason() {
    for (String[] args : new String[][] {
        {"risk", "set", "--score", "5", "--reason", "r", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--reason", "r", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--score", "5", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--score", "101", "--reason", "r", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--score", "NaN", "--reason", "r", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--score", "high", "--reason", "r", "--data-dir", dataDir.toString()},
        {"risk", "set", "--principal", MAIN, "--score", "5", "--reason", " ", "--data-dir", dataDir.toString()}}) {
      LoginCommandTest.Run run = SessionCommandTest.run(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(2);
    }
    assertThat(admin.requests()).isEmpty();
  }

  @Test
  void showPrintsATableHighestFirstAndTheCutOff() {
    LoginCommandTest.Run run = SessionCommandTest.run("risk", "show", "--data-dir", dataDir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(admin.only().uri().getPath()).isEqualTo("/admin/risk");
    assertThat(admin.only().uri().getRawQuery()).isNull();
    String[] lines = run.out().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("SCORE  PRINCIPAL").contains("ISSUER", "SET AT", "BY", "REASONS");
    assertThat(lines[1]).startsWith("90     " + MAIN).endsWith("token seen in a public build log");
    assertThat(lines[2]).startsWith("42.5   project_path:acme/app").endsWith("-");
    assertThat(lines[1].indexOf(GITHUB)).isEqualTo(lines[0].indexOf("ISSUER"));
    assertThat(lines[3]).isEqualTo("sessions end at a score of 80 or more (broker.revoke_at_risk)");
  }

  @Test
  void showOnePrincipalAsJson() throws IOException {
    LoginCommandTest.Run run = SessionCommandTest.run("risk", "show", "--principal", MAIN, "--issuer", GITHUB,
        "--json", "--data-dir", dataDir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(admin.only().uri().getRawQuery()).isEqualTo("subject=repo%3Aacme%2Fsalesforce-app%3Aref%3Arefs%2Fheads"
        + "%2Fmain&issuer=https%3A%2F%2Ftoken.actions.githubusercontent.com");
    assertThat(new ObjectMapper().readTree(run.out()).get("risks")).hasSize(2);
    assertThat(SessionCommandTest.run("risk", "show", "--issuer", GITHUB, "--data-dir", dataDir.toString())
        .exitCode()).isEqualTo(2);
  }
}
