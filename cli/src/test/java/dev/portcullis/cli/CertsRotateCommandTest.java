package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.PortcullisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis certs plan} and {@code certs rotate} against orgsim's demo org (real clock) and a server's data
 * directory: the plan names the certificate expiring in 9 days and its consumers' changes; the rotation runs through
 * the private CA, records each step in the data directory's ledger, never prints the password, and a second run
 * reports it finished; usage errors exit 2.
 */
class CertsRotateCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "3MVG9.portcullis.cli.certs.rotate";
  static final String USER = "ci@acme.example";
  static final String PASSWORD = "pw-for-the-private-ca-7391";

  @TempDir Path dir;
  Path data;
  OrgSimulator orgs;
  String session;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-cli-certs-rotate");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.now().minus(Duration.ofDays(1))),
        Date.from(Instant.now().plus(Duration.ofDays(365))), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    orgs = OrgSimulator.builder()
        .org(OrgSpec.builder("prod").connectedApp(KEY, certificate).user(USER).demoCertificates(true).build())
        .start();
    try (HttpClient http = HttpClient.newHttpClient()) {
      session = new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(new JwtBearerAssertion(KEY, USER,
          orgs.org("prod").url().toString(), keys.getPrivate(), Clock.systemUTC())).accessToken();
    }
    data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("portcullis.yaml"), "server:\n  admin: { host: 127.0.0.1, port: 0 }\n");
    PortcullisServer.start(ConfigLoader.load(data.resolve("portcullis.yaml"), Map.of()), data).close();
  }

  @AfterEach
  void stop() {
    orgs.close();
  }

  record Run(int exit, String out, String err) {}

  Run run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("SF_ACCESS_TOKEN", session);
    env.put("SF_INSTANCE_URL", orgs.org("prod").url().toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
    return new Run(exit, out.toString(), err.toString());
  }

  JsonNode ssoSigning() throws Exception {
    Run plan = run(Map.of(), "certs", "plan", "--org", "prod", "--json");
    assertThat(plan.exit()).as(plan.err()).isZero();
    JsonNode candidate = JSON.readTree(plan.out()).get("candidates").get(0);
    assertThat(candidate.get("certificate").asText()).isEqualTo("SSO_Signing");
    return candidate;
  }

  @Test
  void planNamesTheExpiringCertificateWhyAndTheChangePerConsumer() throws Exception {
    JsonNode sso = ssoSigning();
    assertThat(sso.get("days_left").asLong()).isBetween(8L, 9L);
    assertThat(sso.get("reasons").get(0).asText()).startsWith("expires in");
    assertThat(sso.get("rotatable").asBoolean()).isTrue();
    assertThat(sso.get("issuer").asText()).isEqualTo("private-ca");
    assertThat(sso.get("changes")).extracting(c -> c.get("type").asText() + " " + c.get("name").asText())
        .containsExactly("SamlSsoConfig Okta", "ExternalCredential Warehouse_JWT");

    Run text = run(Map.of(), "certs", "plan", "--org", "prod", "--within", "10");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("SSO_Signing").contains("why:     expires in")
        .contains("rotate:  portcullis certs rotate " + sso.get("fingerprint").asText().substring(0, 16))
        .contains("switch:  ExternalCredential Warehouse_JWT externalCredentialParameters/SigningCertificate: SSO_Signing -> ");
  }

  @Test
  void planAsksTheCaForRenewalInformationWhenGivenItsAcmeDirectory() throws Exception {
    // an ACME directory on loopback whose CA (RFC 9773) says every certificate's renewal window opened yesterday
    com.sun.net.httpserver.HttpServer ca = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    String base = "http://127.0.0.1:" + ca.getAddress().getPort();
    java.util.List<String> asked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    ca.createContext("/dir", exchange -> reply(exchange, "{\"newNonce\":\"" + base + "/nonce\",\"renewalInfo\":\""
        + base + "/ari\"}"));
    ca.createContext("/plain", exchange -> reply(exchange, "{\"newNonce\":\"" + base + "/nonce\"}"));
    ca.createContext("/ari/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      Instant opened = Instant.now().minus(Duration.ofDays(1));
      reply(exchange, "{\"suggestedWindow\":{\"start\":\"" + opened + "\",\"end\":\"" + opened.plus(Duration.ofDays(2))
          + "\"},\"explanationURL\":\"https://ca.example/incident-7\"}");
    });
    ca.start();
    try {
      Run usual = run(Map.of(), "certs", "plan", "--org", "prod", "--within", "0", "--json");
      assertThat(usual.exit()).as(usual.err()).isZero();
      Run ari = run(Map.of(), "certs", "plan", "--org", "prod", "--within", "0", "--json", "--acme-directory",
          base + "/dir");
      assertThat(ari.exit()).as(ari.err()).isZero();
      assertThat(asked).isNotEmpty();
      JsonNode candidates = JSON.readTree(ari.out()).get("candidates");
      assertThat(candidates.size()).isGreaterThan(JSON.readTree(usual.out()).get("candidates").size());
      java.util.List<String> reasons = new java.util.ArrayList<>();
      candidates.forEach(c -> c.get("reasons").forEach(r -> reasons.add(r.asText())));
      assertThat(reasons).anySatisfy(r -> assertThat(r).contains("RFC 9773").contains("https://ca.example/incident-7"));

      Run plain = run(Map.of(), "certs", "plan", "--org", "prod", "--within", "0", "--json", "--acme-directory",
          base + "/plain");
      assertThat(plain.exit()).as(plain.err()).isZero();
      assertThat(plain.err()).contains("does not offer Renewal Information");
      assertThat(JSON.readTree(plain.out()).get("candidates").size())
          .isEqualTo(JSON.readTree(usual.out()).get("candidates").size());

      Run down = run(Map.of(), "certs", "plan", "--org", "prod", "--acme-directory", "http://127.0.0.1:1/dir");
      assertThat(down.exit()).as(down.err()).isEqualTo(4);
      assertThat(down.err()).contains("ACME Renewal Information from http://127.0.0.1:1/dir");
    } finally {
      ca.stop(0);
    }
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, String json) throws java.io.IOException {
    byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (java.io.OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void rotateRecordsEachStepInTheLedgerAndASecondRunReportsItFinished() throws Exception {
    String fingerprint = ssoSigning().get("fingerprint").asText();

    Run rotate = run(Map.of("PORTCULLIS_CA_PASSWORD", PASSWORD), "certs", "rotate", fingerprint.substring(0, 16),
        "--org", "prod", "--data-dir", data.toString(), "--json");

    assertThat(rotate.exit()).as(rotate.err()).isZero();
    assertThat(rotate.out() + rotate.err()).doesNotContain(PASSWORD);
    JsonNode result = JSON.readTree(rotate.out());
    assertThat(result.get("certificate").asText()).isEqualTo("SSO_Signing");
    assertThat(result.get("new_certificate").asText()).startsWith("SSO_Signing_r");
    assertThat(result.get("old_sha256").asText()).isEqualTo(fingerprint);
    assertThat(result.get("resumed").asBoolean()).isFalse();
    assertThat(orgs.org("prod").metadataNames("Certificate")).doesNotContain("SSO_Signing")
        .contains(result.get("new_certificate").asText());
    assertThat(data.resolve("certs/private-ca.p12")).exists();

    Run steps = run(Map.of(), "ledger", "search", "--data-dir", data.toString(), "--kind", "cert.rotation.step", "--json");
    assertThat(steps.exit()).as(steps.err()).isZero();
    List<String> recorded = new ArrayList<>();
    for (JsonNode e : JSON.readTree(steps.out()).get("entries")) {
      recorded.add(e.get("entry").get("step").asText());
    }
    assertThat(recorded).containsExactly("request", "issue", "upload", "switch", "switch", "verify", "retire");
    // The new key is the org's: the rotation kept only its state and the public chain, no keystore of its own.
    String newName = result.get("new_certificate").asText();
    assertThat(new String(orgs.org("prod").metadataFiles("Certificate", newName).orElseThrow()
        .get("certs/" + newName + ".crt-meta.xml"), java.nio.charset.StandardCharsets.UTF_8))
        .contains("<caSigned>true</caSigned>", "<expirationDate>");
    try (java.util.stream.Stream<java.nio.file.Path> kept = java.nio.file.Files.list(data.resolve("certs/rotations"))) {
      assertThat(kept.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.endsWith(".json") || n.endsWith(".crt"));
    }
    Run rotated = run(Map.of(), "ledger", "search", "--data-dir", data.toString(), "--kind", "cert.rotated", "--json");
    assertThat(JSON.readTree(rotated.out()).get("entries")).hasSize(1);

    Run again = run(Map.of("PORTCULLIS_CA_PASSWORD", PASSWORD), "certs", "rotate", fingerprint, "--org", "prod",
        "--data-dir", data.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("rotation prod-" + fingerprint.substring(0, 16) + " finished: SSO_Signing -> ");
  }

  @Test
  void rotateWhileTheServerHoldsTheLedgerHandsEachStepToIt() throws Exception {
    String fingerprint = ssoSigning().get("fingerprint").asText();
    try (PortcullisServer server = PortcullisServer.start(ConfigLoader.load(data.resolve("portcullis.yaml"), Map.of()),
        data)) {
      Run rotate = run(Map.of("PORTCULLIS_CA_PASSWORD", PASSWORD), "certs", "rotate", fingerprint.substring(0, 16),
          "--org", "prod", "--data-dir", data.toString(), "--json");

      assertThat(rotate.exit()).as(rotate.err()).isZero();
      assertThat(rotate.out() + rotate.err()).doesNotContain(PASSWORD);
      // seven steps and the end, sequenced by the running server (its ledger, its search index)
      Run rotated = run(Map.of(), "ledger", "search", "--url", server.adminUrl().toString(), "--kind", "cert.rotated",
          "--json");
      assertThat(JSON.readTree(rotated.out()).get("entries")).hasSize(1);
      Run steps = run(Map.of(), "ledger", "search", "--url", server.adminUrl().toString(), "--kind",
          "cert.rotation.step", "--json");
      assertThat(steps.exit()).as(steps.err()).isZero();
      List<String> recorded = new ArrayList<>();
      for (JsonNode e : JSON.readTree(steps.out()).get("entries")) {
        recorded.add(e.get("entry").get("step").asText());
      }
      assertThat(recorded).containsExactly("request", "issue", "upload", "switch", "switch", "verify", "retire");
    }
  }

  @Test
  void usageErrorsExit2AndNameWhatIsMissing() throws Exception {
    String fingerprint = ssoSigning().get("fingerprint").asText();
    Run noPassword = run(Map.of(), "certs", "rotate", fingerprint, "--org", "prod", "--data-dir", data.toString());
    assertThat(noPassword.exit()).isEqualTo(2);
    assertThat(noPassword.err()).contains("PORTCULLIS_CA_PASSWORD");

    Run badIssuer = run(Map.of("PORTCULLIS_CA_PASSWORD", PASSWORD), "certs", "rotate", fingerprint, "--org", "prod",
        "--data-dir", data.toString(), "--issuer", "self");
    assertThat(badIssuer.exit()).isEqualTo(2);
    assertThat(badIssuer.err()).contains("--issuer must be private-ca or acme");

    Run wrongIssuer = run(Map.of("PORTCULLIS_CA_PASSWORD", PASSWORD), "certs", "rotate", fingerprint, "--org", "prod",
        "--data-dir", data.toString(), "--issuer", "acme", "--acme-directory", "https://127.0.0.1:1/dir", "--dns01-hook", "/bin/true");
    assertThat(wrongIssuer.exit()).isEqualTo(2);
    assertThat(wrongIssuer.err()).contains("NOT_ROTATABLE").contains("takes --issuer private-ca");
  }
}
