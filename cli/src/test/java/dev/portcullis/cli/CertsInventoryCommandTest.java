package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis certs inventory} against orgsim's demo certificates (the simulator runs on the real clock, so
 * "expires in 9 days" is 9 days from now), and on an SFDX directory: JSON shape, the text and calendar views, and exit
 * codes (2 no input or unreadable directory, 4 the org refuses the session).
 */
class CertsInventoryCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "3MVG9.portcullis.cli.certs.inventory";
  static final String USER = "ci@acme.example";
  static OrgSimulator orgs;
  static String session;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-cli-certs-inventory");
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
  }

  @AfterAll
  static void stop() {
    if (orgs != null) {
      orgs.close();
    }
  }

  record Run(int exit, String out, String err) {}

  static Run run(String token, String... args) {
    return run(List.of("certs", "inventory"), token, args);
  }

  static Run run(List<String> command, String token, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SF_ACCESS_TOKEN", token);
    env.put("SF_INSTANCE_URL", orgs.org("prod").url().toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(args));
    int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), env);
    return new Run(exit, out.toString(), err.toString());
  }

  static JsonNode item(JsonNode report, String subjectStart) {
    for (JsonNode item : report.get("items")) {
      if (item.get("subject").asText().startsWith(subjectStart)) {
        return item;
      }
    }
    throw new AssertionError("no item " + subjectStart + " in " + report);
  }

  @Test
  void jsonListsEveryCertificateWithUseConsumersOwnerAndSources() throws Exception {
    Run run = run(session, "--org", "prod", "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("items")).hasSize(7);
    JsonNode signing = report.get("items").get(0);
    assertThat(signing.get("subject").asText()).startsWith("CN=SSO_Signing,");
    assertThat(signing.get("fingerprint").asText()).matches("[0-9a-f]{64}");
    assertThat(signing.get("days_left").asLong()).isBetween(8L, 9L);
    assertThat(signing.get("use").asText()).isEqualTo("outbound-sso");
    assertThat(signing.get("uses")).extracting(JsonNode::asText).containsExactly("outbound-sso");
    assertThat(signing.get("consumers")).extracting(c -> c.get("type").asText() + " " + c.get("name").asText())
        .containsExactly("SamlSsoConfig Okta", "ExternalCredential Warehouse_JWT");
    assertThat(signing.get("owner").get("created_by").asText()).isNotEmpty();
    assertThat(signing.get("sources").get(0).get("origin").asText()).isEqualTo("org:prod");
    assertThat(signing.get("sources").get(0).get("location").asText()).isEqualTo("certs/SSO_Signing.crt");
    assertThat(signing.get("key_type").asText()).isEqualTo("RSA");
    assertThat(signing.get("key_size").asInt()).isEqualTo(2048);

    JsonNode billing = item(report, "CN=salesforce-billing-client");
    assertThat(billing.get("use").asText()).isEqualTo("outbound-mtls");
    assertThat(billing.get("chain")).singleElement().extracting(c -> c.get("signature_algorithm").asText())
        .isEqualTo("SHA1withRSA");
    assertThat(item(report, "CN=orders.partner.example").get("use").asText()).isEqualTo("inbound-api-mtls");
    assertThat(item(report, "CN=warehouse-sync").get("consumers")).hasSize(2);
    assertThat(report.get("calendar").get(0).get("fingerprints").get(0).asText())
        .isEqualTo(signing.get("fingerprint").asText());
    JsonNode soonest = report.get("calendar").get(0).get("items").get(0);
    assertThat(soonest.get("fingerprint").asText()).isEqualTo(signing.get("fingerprint").asText());
    assertThat(soonest.get("days_left").asLong()).isBetween(8L, 9L);
    assertThat(soonest.get("uses")).extracting(JsonNode::asText).containsExactly("outbound-sso");
    assertThat(soonest.get("consumers")).extracting(JsonNode::asText)
        .containsExactly("SamlSsoConfig Okta (requestSigningCertId)",
            "ExternalCredential Warehouse_JWT (externalCredentialParameters/SigningCertificate)");
    // certificate-based login: a UserAuthCertificate record, read through REST, consumed by its user
    JsonNode login = item(report, "CN=ada.admin@acme.example");
    assertThat(login.get("use").asText()).isEqualTo("inbound-user-mtls");
    assertThat(login.get("consumers")).extracting(c -> c.get("type").asText() + " " + c.get("name").asText())
        .containsExactly("User ada.admin@acme.example");
    assertThat(login.get("sources").get(0).get("location").asText()).isEqualTo("UserAuthCertificate/Login_Certificate");
    assertThat(report.get("notes")).isEmpty();
  }

  @Test
  void textAndCalendarViewsNameUseAndConsumers() {
    Run table = run(session, "--org", "prod");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out()).startsWith("7 certificates\n")
        .contains("outbound-sso", "CN=SSO_Signing,", "used by: SamlSsoConfig Okta (requestSigningCertId)",
            "found:   org:prod certs/SSO_Signing.crt; owner ");

    Run calendar = run(session, "--org", "prod", "--calendar");
    assertThat(calendar.exit()).isZero();
    String firstMonth = calendar.out().lines().findFirst().orElseThrow();
    assertThat(firstMonth).matches("\\d{4}-\\d{2} \\(\\d+\\)");
    assertThat(calendar.out()).contains("inbound-api-mtls  CN=orders.partner.example",
        "used by: ConnectedApp Warehouse_Sync (oauthConfig/certificate), ExtlClntAppGlobalOauthSettings Warehouse_Sync_Global (certificate)");
  }

  @Test
  void checkOfTheOrgFindsTheFourPlantedProblemsEachWithItsCertificatesOwnUse(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("orgsim-public-root.pem");
    Files.writeString(root, "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(orgs.publicRoots().getFirst().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Path sarif = dir.resolve("certs.sarif");

    Run run = run(List.of("certs", "check"), session, "--org", "prod", "--simulated-public-root", root.toString(), "--json",
        "--sarif", sarif.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("subjects")).hasSize(7).allSatisfy(s -> assertThat(s.get("kind").asText()).isEqualTo("org"));
    List<String> found = new ArrayList<>();
    for (JsonNode finding : report.get("findings")) {
      java.util.regex.Matcher cn = java.util.regex.Pattern.compile("(?:^|,)(CN=[^,]+)").matcher(finding.get("subject").asText());
      found.add(finding.get("check").asText() + "@" + (cn.find() ? cn.group(1) : finding.get("subject").asText()) + "@"
          + finding.get("use").asText());
    }
    assertThat(found).contains(
        "expiry-window@CN=SSO_Signing@outbound-sso",
        "client-auth-eku@CN=orders.partner.example@inbound-api-mtls",
        "br-lifetime@CN=www.acme.example@inbound-tls",
        "signature-algorithm@CN=salesforce-billing-client@outbound-mtls");
    assertThat(found).filteredOn(f -> f.contains("@CN=ada.admin@acme.example@"))
        .allSatisfy(f -> assertThat(f).endsWith("@inbound-user-mtls"))
        .noneMatch(f -> f.startsWith("client-auth-eku@") || f.startsWith("trust-path@"));
    JsonNode expiring = report.get("findings").findParents("check").stream()
        .filter(f -> f.get("check").asText().equals("expiry-window")).findFirst().orElseThrow();
    assertThat(expiring.get("origin").asText()).isEqualTo("org:prod certs/SSO_Signing.crt");
    assertThat(Files.readString(sarif)).contains("\"uri\" : \"certs/SSO_Signing.crt\"").contains("br-lifetime");

    // without the simulated public root the custom domain's chain is private: its lifetime is then not the BR's concern
    Run text = run(List.of("certs", "check"), session, "--org", "prod");
    assertThat(text.exit()).as(text.err()).isEqualTo(1);
    assertThat(text.out()).contains("org:prod certs/SSO_Signing.crt", "expiry-window (C4)", "client-auth-eku (C8)",
        "signature-algorithm (C12)");

    Run refused = run(List.of("certs", "check"), "00Dnot!a-session", "--org", "prod");
    assertThat(refused.exit()).isEqualTo(4);
    assertThat(refused.err()).contains("ORG_UNAVAILABLE");
  }

  @Test
  void aSourceDirectoryIsReadWithoutAnOrg(@TempDir Path dir) throws Exception {
    Org org = orgs.org("prod");
    Path certs = Files.createDirectories(dir.resolve("force-app/main/default/certs"));
    for (Map.Entry<String, byte[]> file : org.metadataFiles("Certificate", "Billing_Client_mTLS").orElseThrow().entrySet()) {
      Files.write(certs.resolve(Path.of(file.getKey()).getFileName()), file.getValue());
    }

    Run run = run("", "--source-dir", dir.toString(), "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("items")).singleElement().satisfies(item -> {
      assertThat(item.get("use").asText()).isEqualTo("outbound-mtls");
      assertThat(item.get("consumers")).isEmpty();
      assertThat(item.get("sources").get(0).get("location").asText())
          .isEqualTo("force-app/main/default/certs/Billing_Client_mTLS.crt");
    });
  }

  @Test
  void noInputIsAUsageError() {
    Run run = run(session);
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("give at least one input: --org ALIAS, --source-dir DIR, --pem FILE");
  }

  @Test
  void aMissingDirectoryIsAUsageError(@TempDir Path dir) {
    Run run = run(session, "--source-dir", dir.resolve("nope").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("SOURCE_UNREADABLE", "nope is not a directory");
  }

  @Test
  void anOrgThatRefusesTheSessionIsUnavailable() {
    Run run = run("00Dnot!a-session", "--org", "prod");
    assertThat(run.exit()).isEqualTo(4);
    assertThat(run.err()).contains("ORG_UNAVAILABLE", "listMetadata");
    assertThat(run.err()).doesNotContain("00Dnot!a-session");
  }
}
