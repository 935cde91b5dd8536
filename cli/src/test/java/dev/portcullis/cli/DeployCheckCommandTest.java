package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.OrgEnvironment;
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
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
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
 * {@code portcullis deploy check} against orgsim's production org, as a GitHub Actions job would run it with the
 * session {@code portcullis login} printed: a new permission set granting ModifyAllData is held for approval (exit 1),
 * the report and the SARIF say why and where; the same check in a sandbox goes ahead (exit 0); bad input is exit 2.
 */
class DeployCheckCommandTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.cli.deploy.check.test";
  static final String DEPLOYER = "deployer@acme.example";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  static OrgSimulator orgs;
  static Map<String, String> sessions = new HashMap<>();

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-cli-deploy-check");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.parse("2026-01-01T00:00:00Z")),
        Date.from(Instant.parse("2028-01-01T00:00:00Z")), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    orgs = OrgSimulator.builder().clock(CLOCK)
        .org(OrgSpec.builder("prod").environment(OrgEnvironment.PRODUCTION).connectedApp(CONSUMER_KEY, certificate)
            .user(DEPLOYER).build())
        .org(OrgSpec.builder("uat").environment(OrgEnvironment.SANDBOX).connectedApp(CONSUMER_KEY, certificate)
            .user(DEPLOYER).build())
        .start();
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (String alias : new String[] {"prod", "uat"}) {
        Org org = orgs.org(alias);
        sessions.put(alias, new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(
            new JwtBearerAssertion(CONSUMER_KEY, DEPLOYER, org.url().toString(), keys.getPrivate(), CLOCK))
            .accessToken());
      }
    }
  }

  @AfterAll
  static void stop() {
    if (orgs != null) {
      orgs.close();
    }
  }

  record Run(int exit, String out, String err) {}

  Run run(String alias, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SF_ACCESS_TOKEN", sessions.get(alias));
    env.put("SF_INSTANCE_URL", orgs.org(alias).url().toString());
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_REPOSITORY", "acme/sf");
    env.put("GITHUB_REF", "refs/heads/main");
    env.put("GITHUB_REF_NAME", "main");
    env.put("GITHUB_REF_PROTECTED", "true");
    env.put("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    env.put("GITHUB_ACTOR", "alice-dev");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
    return new Run(exit, out.toString(), err.toString());
  }

  Path project() throws Exception {
    Path root = dir.resolve("project");
    Path sets = Files.createDirectories(root.resolve("force-app/main/default/permissionsets"));
    Files.writeString(root.resolve("sfdx-project.json"), """
        {"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}
        """);
    Files.writeString(sets.resolve("Support_Ops.permissionset-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
            <label>Support Ops</label>
            <userPermissions>
                <enabled>true</enabled>
                <name>ModifyAllData</name>
            </userPermissions>
        </PermissionSet>
        """);
    return root;
  }

  @Test
  void aCriticalGrantToProductionIsHeldAndTheSarifPointsAtIt() throws Exception {
    Path root = project();
    Path sarif = dir.resolve("findings.sarif");

    Run run = run("prod", "deploy", "check", "--org", "prod", "--project", root.toString(), "--test-level",
        "RunLocalTests", "--sarif", sarif.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out()).contains("ModifyAllData").contains("approve-critical-grants-in-production");
    assertThat(run.out() + run.err()).doesNotContain(sessions.get("prod"));
    JsonNode log = new ObjectMapper().readTree(sarif.toFile());
    assertThat(log.get("version").asText()).isEqualTo("2.1.0");
    JsonNode grant = null;
    for (JsonNode result : log.at("/runs/0/results")) {
      if (result.get("ruleId").asText().equals("user-permission.granted")) {
        grant = result;
      }
    }
    assertThat(grant).as("a result for the grant").isNotNull();
    assertThat(grant.at("/message/text").asText()).contains("ModifyAllData");
    assertThat(grant.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("force-app/main/default/permissionsets/Support_Ops.permissionset-meta.xml");
    assertThat(grant.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(4);
  }

  @Test
  void theSameCheckInASandboxGoesAhead() throws Exception {
    Run run = run("uat", "deploy", "check", "--org", "uat", "--environment", "sandbox", "--project",
        project().toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("ModifyAllData");
  }

  @Test
  void withFailOnCriticalTheSandboxCheckFailsOnTheGrant() throws Exception {
    Run run = run("uat", "deploy", "check", "--org", "uat", "--environment", "sandbox", "--project",
        project().toString(), "--fail-on", "critical");
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
  }

  @Test
  void badInputIsAUsageErrorNamingIt() throws Exception {
    Path root = project();
    Files.writeString(root.resolve("force-app/main/default/permissionsets/Evil.permissionset-meta.xml"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<PermissionSet>&e;</PermissionSet>\n");
    Run run = run("prod", "deploy", "check", "--org", "prod", "--project", root.toString(), "--test-level",
        "RunLocalTests");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Evil.permissionset-meta.xml");
    Run badFailOn = run("prod", "deploy", "check", "--org", "prod", "--project", root.toString(), "--fail-on", "loud");
    assertThat(badFailOn.exit()).isEqualTo(2);
  }
}
