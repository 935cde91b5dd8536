package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.demo.DemoBootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis demo person-token} against a demo server running in this JVM: the token names the
 * person and comes from the people's issuer the demo configuration trusts, and with {@code portcullis
 * approval approve} a listed approver's vote counts while someone not listed, and the run's own
 * author, are refused. The demo's policy pack gets one extra rule here, holding creates for approval.
 */
class DemoPersonTokenCommandTest {
  @TempDir static Path dir;
  static Path data;
  static PortcullisServer server;

  @BeforeAll
  static void start() throws Exception {
    data = dir.resolve("data");
    DemoBootstrap.Options freePorts = new DemoBootstrap.Options("127.0.0.1", 0, 0, 0, 0,
        () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
    // The first start writes the configuration and the default policy pack; the second reads them back
    // with a rule that holds every create for one approval.
    PortcullisServer.startDemo(data, Map.of(), freePorts, OptionalInt.empty()).close();
    Files.writeString(data.resolve("policies/approvals.yaml"), """
        rules:
          - id: creates-need-an-approval
            effect: allow
            when: request.operation == "create"
            reason: new records are approved by a second person
            obligations:
              require_approval: { approvers: 1, reason: new records need a second person }
        """);
    server = PortcullisServer.startDemo(data, Map.of(), freePorts, OptionalInt.empty());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static DemoBrokerCommandTest.Run run(Map<String, String> env, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), env);
    return new DemoBrokerCommandTest.Run(code, out.toString(), err.toString());
  }

  static String personToken(String user) {
    DemoBrokerCommandTest.Run minted = run(Map.of(), "demo", "person-token", "--user", user, "--data-dir", data.toString());
    assertThat(minted.exitCode()).as(minted.err()).isZero();
    return minted.out().strip();
  }

  static JsonNode endpoints() throws Exception {
    return new ObjectMapper().readTree(Files.readString(data.resolve("endpoints.json")));
  }

  /** A create in the sandbox by the demo's main-branch CI run (actor alice-dev), which policy holds: the approval's id. */
  static String heldCreate() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .sslContext(TlsTrust.withCertificates(data.resolve("demo/ca.pem"), "the demo CA")).build();
    URI github = URI.create(endpoints().get("oidc_issuers").get("github").asText());
    String identity = new DemoIssuerClient(DemoIssuerClient.origin(github), http)
        .mint(DemoIssuerClient.Shape.GITHUB, DemoIssuerClient.run(DemoIssuerClient.Shape.GITHUB, "main"));
    TokenExchangeClient.Outcome outcome = new TokenExchangeClient(http, Duration.ofSeconds(30))
        .exchange(URI.create(endpoints().get("token_url").asText()), identity, "sandbox", List.of("api:write"));
    assertThat(outcome).isInstanceOf(TokenExchangeClient.Outcome.Issued.class);
    String session = ((TokenExchangeClient.Outcome.Issued) outcome).session().accessToken();
    URI gateway = server.gatewayUrl().orElseThrow();
    HttpResponse<String> held = http.send(HttpRequest.newBuilder(gateway.resolve("/services/data/v66.0/sobjects/Account"))
        .header("Authorization", "Bearer " + session).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"Held\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(held.statusCode()).as(held.body()).isEqualTo(403);
    Matcher id = Pattern.compile("approval (apr_[A-Za-z0-9]+)").matcher(held.body());
    assertThat(id.find()).as(held.body()).isTrue();
    return id.group(1);
  }

  @Test
  void theTokenNamesThePersonAndComesFromThePeoplesIssuerTheDemoTrusts() throws Exception {
    DemoBrokerCommandTest.Run minted = run(Map.of(), "demo", "person-token", "--user", "bob", "--json",
        "--data-dir", data.toString());
    assertThat(minted.exitCode()).as(minted.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(minted.out());
    String people = endpoints().get("oidc_issuers").get("people").asText();
    assertThat(people).matches("http://127\\.0\\.0\\.1:\\d+/people");
    assertThat(json.get("issuer").asText()).isEqualTo(people);
    var claims = SignedJWT.parse(json.get("token").asText()).getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(people);
    assertThat(claims.getSubject()).isEqualTo("bob");
    assertThat(claims.getStringClaim("preferred_username")).isEqualTo("bob");
    assertThat(claims.getStringClaim("email")).isEqualTo("bob@acme.example");
    assertThat(claims.getAudience()).containsExactly("portcullis");
    assertThat(Files.readString(data.resolve("portcullis.yaml"))).contains("approvers:", "- issuer: " + people,
        "subjects: [alice-dev, bob, carol]");
  }

  @Test
  void aListedApproversTokenIsAcceptedAndOthersAreRefused() throws Exception {
    String id = heldCreate();

    Path mallory = Files.writeString(dir.resolve("mallory.jwt"), personToken("mallory"));
    DemoBrokerCommandTest.Run stranger = run(Map.of(), "approval", "approve", id, "--token-file", mallory.toString(),
        "--data-dir", data.toString());
    assertThat(stranger.exitCode()).as(stranger.out() + stranger.err()).isEqualTo(2);
    assertThat(stranger.err()).contains("not listed under identity.approvers");

    DemoBrokerCommandTest.Run author = run(Map.of("PORTCULLIS_TOKEN", personToken("alice-dev")), "approval", "approve",
        id, "--data-dir", data.toString());
    assertThat(author.exitCode()).as(author.out() + author.err()).isEqualTo(2);
    assertThat(author.err()).contains("started the CI run", "alice-dev");

    String bobToken = personToken("bob");
    DemoBrokerCommandTest.Run bob = run(Map.of("PORTCULLIS_TOKEN", bobToken), "approval", "approve", id,
        "--comment", "CHG-42", "--data-dir", data.toString());
    assertThat(bob.exitCode()).as(bob.out() + bob.err()).isZero();
    assertThat(bob.out()).contains(id + " approved");
    assertThat(bob.out() + bob.err()).doesNotContain(bobToken);
  }

  @Test
  void aUserNameThatIsNoneIsAUsageError() {
    DemoBrokerCommandTest.Run run = run(Map.of(), "demo", "person-token", "--user", "bob; rm -rf /", "--data-dir",
        data.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--user");
  }

  @Test
  void withoutARunningDemoItSaysHowToStartOne(@TempDir Path empty) {
    DemoBrokerCommandTest.Run run = run(Map.of(), "demo", "person-token", "--user", "bob", "--data-dir", empty.toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("portcullis demo");
  }
}
