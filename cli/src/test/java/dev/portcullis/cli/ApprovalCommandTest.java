package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis approval list|approve|deny} against a loopback fake admin API: the requests and the output. */
class ApprovalCommandTest {
  static final String ADMIN_TOKEN = "q7Zr0b1nP4ssW0rdLikeAdminToken_base64url-43c";
  static final String PERSON_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
  static final String LIST = """
      {"approvals":[{"id":"apr_1","state":"pending","org":"prod","required":2,"approvals":1,
        "summary":"POST /services/data/v62.0/sobjects/Account (rest create Account) by repo:acme/app on prod",
        "requester":{"issuer":"https://token.actions.githubusercontent.com","subject":"repo:acme/app","actor":"octocat"},
        "expires_at":"2026-11-28T13:00:00Z"}]}""";

  @TempDir Path dataDir;
  FakeHttpEndpoint admin;

  void start(String answer) throws IOException {
    admin = new FakeHttpEndpoint("/admin/", 200, answer);
    Files.writeString(dataDir.resolve("endpoints.json"), "{\"admin_url\":\"" + admin.base() + "\"}");
    Files.writeString(dataDir.resolve("admin-token"), ADMIN_TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void listAsksForPendingApprovalsWithTheAdminToken() throws IOException {
    start(LIST);
    LoginCommandTest.Run run = LoginCommandTest.run(Map.of(), "approval", "list", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request request = admin.only();
    assertThat(request.uri().getPath()).isEqualTo("/admin/approvals");
    assertThat(request.uri().getRawQuery()).isEqualTo("state=pending");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ADMIN_TOKEN);
    assertThat(run.out()).contains("apr_1  pending  1/2  org prod", "POST /services/data/v62.0/sobjects/Account",
        "requested by repo:acme/app (run started by octocat)");
  }

  @Test
  void approveSendsThePersonsTokenFromTheEnvironmentNotTheAdminToken() throws IOException {
    start("{\"outcome\":\"approved\",\"approval\":{\"id\":\"apr_1\",\"expires_at\":\"2026-11-28T13:00:00Z\"}}");
    LoginCommandTest.Run run = LoginCommandTest.run(Map.of("PORTCULLIS_TOKEN", PERSON_TOKEN), "approval", "approve",
        "apr_1", "--comment", "CHG-7", "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    FakeHttpEndpoint.Request request = admin.only();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath()).isEqualTo("/admin/approvals/vote");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + PERSON_TOKEN);
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.get("id").asText()).isEqualTo("apr_1");
    assertThat(body.get("verdict").asText()).isEqualTo("approve");
    assertThat(body.get("comment").asText()).isEqualTo("CHG-7");
    assertThat(run.out()).contains("apr_1 approved: the request may now run once");
    assertThat(run.out() + run.err()).doesNotContain(PERSON_TOKEN);
  }

  @Test
  void denyReadsTheTokenFileAndWithoutATokenNothingIsSent() throws IOException {
    start("{\"outcome\":\"denied\",\"approval\":{\"id\":\"apr_1\"}}");
    Path token = Files.writeString(dataDir.resolve("me.jwt"), PERSON_TOKEN + "\n");
    LoginCommandTest.Run run = LoginCommandTest.run(Map.of(), "approval", "deny", "apr_1", "--token-file",
        token.toString(), "--data-dir", dataDir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(admin.only().header("Authorization")).isEqualTo("Bearer " + PERSON_TOKEN);
    assertThat(run.out()).contains("apr_1 denied");

    LoginCommandTest.Run without = LoginCommandTest.run(Map.of(), "approval", "approve", "apr_2", "--data-dir",
        dataDir.toString());
    assertThat(without.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(without.err()).contains("PORTCULLIS_TOKEN");
  }
}
