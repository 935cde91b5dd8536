package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.demo.DemoBootstrap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a demo server running in this JVM (the real org simulator and its OIDC issuers,
 * SQLite, the TLS gateway): {@code demo ci-token} mints, {@code login --data-dir} exchanges over TLS
 * trusting the demo CA from endpoints.json, and the exit codes say what the broker decided.
 */
class DemoBrokerCommandTest {
  @TempDir static Path dir;
  static Path data;
  static PortcullisServer server;

  @BeforeAll
  static void start() throws Exception {
    data = dir.resolve("data");
    DemoBootstrap.Options freePorts = new DemoBootstrap.Options("127.0.0.1", 0, 0, 0, 0,
        () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
    server = PortcullisServer.startDemo(data, Map.of(), freePorts, OptionalInt.empty());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code demo ci-token} with these arguments, written to a file for {@code login --token-file}. */
  Path ciToken(String name, String... arguments) throws Exception {
    String[] args = new String[arguments.length + 4];
    args[0] = "demo";
    args[1] = "ci-token";
    System.arraycopy(arguments, 0, args, 2, arguments.length);
    args[args.length - 2] = "--data-dir";
    args[args.length - 1] = data.toString();
    Run minted = run(args);
    assertThat(minted.exitCode()).as(minted.err()).isZero();
    return Files.writeString(dir.resolve(name + ".jwt"), minted.out().strip());
  }

  Run login(Path tokenFile, String scope, String... location) {
    String[] args = new String[8 + location.length];
    String[] fixed = {"login", "--org", "prod", "--scope", scope, "--format", "json", "--token-file=" + tokenFile};
    System.arraycopy(fixed, 0, args, 0, fixed.length);
    System.arraycopy(location, 0, args, fixed.length, location.length);
    Run run = run(args);
    assertThat(run.err()).as("standard error never carries the identity token")
        .doesNotContain(readQuietly(tokenFile));
    return run;
  }

  static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aGitHubRunFromMainGetsAReadSessionOnProductionOverTheDemoTls() throws Exception {
    Path token = ciToken("github-main", "--issuer", "github");

    Run login = login(token, "api:read", "--data-dir", data.toString());

    assertThat(login.exitCode()).as(login.err()).isZero();
    JsonNode session = new ObjectMapper().readTree(login.out());
    assertThat(session.get("org").asText()).isEqualTo("prod");
    assertThat(session.get("scope").asText()).isEqualTo("api:read");
    assertThat(session.get("expires_in").asLong()).isBetween(1L, 900L);
    assertThat(session.get("session_id").asText()).startsWith("ses_");
    assertThat(session.get("access_token").asText()).startsWith("00DDE0000000PRD");
    assertThat(session.get("instance_url").asText()).isEqualTo(server.gatewayUrl().orElseThrow().toString())
        .startsWith("https://");
    assertThat(login.err()).contains("session " + session.get("session_id").asText() + " on prod with api:read")
        .doesNotContain(session.get("access_token").asText());
  }

  @Test
  void aGitLabRunFromMainGetsOneToo() throws Exception {
    Run login = login(ciToken("gitlab-main", "--issuer", "gitlab"), "api:read", "--data-dir", data.toString());
    assertThat(login.exitCode()).as(login.err()).isZero();
  }

  @Test
  void aFeatureBranchAskingToDeployToProductionIsDeniedWithExitCodeOne() throws Exception {
    Path token = ciToken("github-feature", "--issuer", "github", "--claim", "ref=refs/heads/feature/quick-fix",
        "--claim", "sub=repo:acme/salesforce-app:ref:refs/heads/feature/quick-fix");

    Run login = login(token, "metadata:deploy", "--data-dir", data.toString());

    assertThat(login.exitCode()).as(login.err()).isEqualTo(1);
    assertThat(login.out()).isEmpty();
    assertThat(login.err()).contains("access_denied", "protected branch", "decision dec_");
  }

  @Test
  void anExpiredTokenFromTheDemoIssuerIsNotAcceptedWithExitCodeThree() throws Exception {
    long past = Instant.now().minusSeconds(3600).getEpochSecond();
    Path token = ciToken("github-expired", "--issuer", "github", "--claim", "exp=" + past);

    Run login = login(token, "api:read", "--data-dir", data.toString());

    assertThat(login.exitCode()).as(login.err()).isEqualTo(3);
    assertThat(login.err()).contains("invalid_grant", "TOKEN_EXPIRED");
  }

  @Test
  void withAGatewayUrlTheDemoCaIsTrustedOnlyWhenGiven() throws Exception {
    Path token = ciToken("github-url", "--issuer", "github");
    String gateway = server.gatewayUrl().orElseThrow().toString();

    Run untrusted = login(token, "api:read", "--url", gateway);
    assertThat(untrusted.exitCode()).as(untrusted.err()).isEqualTo(4);
    assertThat(untrusted.err()).contains("cannot reach the token endpoint");

    Run trusted = login(token, "api:read", "--url", gateway, "--ca-cert", data.resolve("demo/ca.pem").toString());
    assertThat(trusted.exitCode()).as(trusted.err()).isZero();
  }

  @Test
  void aCaCertificateFileThatIsNotOneIsAUsageError() throws Exception {
    Path token = ciToken("github-bad-ca", "--issuer", "github");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");

    Run missing = login(token, "api:read", "--data-dir", data.toString(), "--ca-cert", dir.resolve("missing.pem").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--ca-cert", "missing.pem", "no such file");

    Run garbage = login(token, "api:read", "--data-dir", data.toString(), "--ca-cert", notPem.toString());
    assertThat(garbage.exitCode()).isEqualTo(2);
    assertThat(garbage.err()).contains("--ca-cert", "not.pem");
  }

  @Test
  void theTourShowsTheBrokerStep(@TempDir Path tourData) throws Exception {
    Run tour = run("demo", "--exit", "--json", "--data-dir", tourData.toString(), "--admin-port", "0",
        "--gateway-port", "0", "--orgsim-port", "0");

    assertThat(tour.exitCode()).as(tour.out() + tour.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(tour.out());
    assertThat(root.get("ok").asBoolean()).as(tour.out()).isTrue();
    JsonNode broker = StreamSupport.stream(root.get("steps").spliterator(), false)
        .filter(step -> step.get("step").asText().equals("broker")).findFirst().orElseThrow();
    assertThat(broker.get("ok").asBoolean()).as(broker.toString()).isTrue();
    JsonNode facts = broker.get("facts");
    assertThat(facts.at("/main/outcome").asText()).isEqualTo("issued");
    assertThat(facts.at("/main/scope").asText()).isEqualTo("api:read");
    assertThat(facts.at("/main/expires_in").asLong()).isBetween(840L, 900L);
    assertThat(facts.at("/feature/outcome").asText()).isEqualTo("refused");
    assertThat(facts.at("/feature/error").asText()).isEqualTo("access_denied");
    assertThat(facts.at("/feature/reason").asText()).contains("protected branch");
    assertThat(facts.at("/feature/decision_id").asText()).startsWith("dec_");
    assertThat(broker.get("detail").asText()).contains("…(redacted, sha256:", "refused, access_denied");
  }
}
