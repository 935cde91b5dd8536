package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
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
 * Inspection end to end against orgsim (a sandbox and a production org with the seeded metadata): an SFDX project
 * that widens the seeded permission set Integration_API with ModifyAllData, adds a class declared without sharing
 * and leaves a profile as the org has it is read, the same components are retrieved through the Metadata API,
 * diffed, and decided by the default pack: the sandbox deploy goes ahead, the production one is held for two
 * approvals (a critical grant), and without tests it is denied.
 */
class DeployInspectionTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.deploy.inspection.test";
  static final String DEPLOYER = "deployer@acme.example";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

  static OrgSimulator orgs;
  static HttpClient http;
  static KeyPair keys;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    X509Certificate certificate = selfSigned(keys);
    orgs = OrgSimulator.builder().clock(CLOCK)
        .org(OrgSpec.builder("uat").environment(OrgEnvironment.SANDBOX).connectedApp(CONSUMER_KEY, certificate)
            .user(DEPLOYER).build())
        .org(OrgSpec.builder("prod").environment(OrgEnvironment.PRODUCTION).connectedApp(CONSUMER_KEY, certificate)
            .user(DEPLOYER).build())
        .start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    if (orgs != null) {
      orgs.close();
    }
    if (http != null) {
      http.close();
    }
  }

  static DeployInspection.OrgMetadata org(String alias) throws Exception {
    Org org = orgs.org(alias);
    String session = new JwtBearerTokenClient(http, Duration.ofSeconds(30))
        .requestToken(new JwtBearerAssertion(CONSUMER_KEY, DEPLOYER, org.url().toString(), keys.getPrivate(), CLOCK))
        .accessToken();
    return new MetadataApiOrg(MetadataClient.builder(org.url(), () -> session, http).clock(CLOCK)
        .sleeper(d -> { }).build(), Duration.ofMinutes(5));
  }

  MetadataPackage project() throws Exception {
    Path root = dir.resolve("project");
    Path main = Files.createDirectories(root.resolve("force-app/main/default"));
    Files.writeString(root.resolve("sfdx-project.json"), """
        {"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "62.0"}
        """);
    Files.createDirectories(main.resolve("permissionsets"));
    Files.writeString(main.resolve("permissionsets/Integration_API.permissionset-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
            <description>API access for the CI integration user</description>
            <fieldPermissions>
                <editable>false</editable>
                <field>Contact.SSN__c</field>
                <readable>false</readable>
            </fieldPermissions>
            <hasActivationRequired>false</hasActivationRequired>
            <label>Integration API</label>
            <objectPermissions>
                <allowCreate>false</allowCreate>
                <allowDelete>false</allowDelete>
                <allowEdit>false</allowEdit>
                <allowRead>true</allowRead>
                <modifyAllRecords>false</modifyAllRecords>
                <object>Invoice__c</object>
                <viewAllRecords>true</viewAllRecords>
            </objectPermissions>
            <userPermissions>
                <enabled>true</enabled>
                <name>ViewAllData</name>
            </userPermissions>
            <userPermissions>
                <enabled>true</enabled>
                <name>ModifyAllData</name>
            </userPermissions>
            <userPermissions>
                <enabled>true</enabled>
                <name>ApiEnabled</name>
            </userPermissions>
        </PermissionSet>
        """);
    // the seeded permission set exactly as the org has it: unchanged
    try (java.io.InputStream seeded = OrgSimulator.class.getClassLoader()
        .getResourceAsStream("orgsim/metadata/permissionsets/Data_Steward.permissionset")) {
      Files.write(main.resolve("permissionsets/Data_Steward.permissionset-meta.xml"), seeded.readAllBytes());
    }
    Files.createDirectories(main.resolve("classes"));
    Files.writeString(main.resolve("classes/InvoiceSweeper.cls"),
        "public without sharing class InvoiceSweeper {\n  public static void run() {}\n}\n");
    Files.writeString(main.resolve("classes/InvoiceSweeper.cls-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
            <apiVersion>62.0</apiVersion>
            <status>Active</status>
        </ApexClass>
        """);
    return MetadataPackage.fromProject(root);
  }

  static DeployInspection.Context context(String alias, String environment, String testLevel) {
    DeployInput.Builder input = DeployInput.builder()
        .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com",
            "repo:acme/sf:ref:refs/heads/main", Map.of("repository", "acme/sf", "actor", "alice-dev")))
        .org(new DecisionInput.Org(alias, environment, ""))
        .git(new DeployInput.Git("acme/sf", "0123456789abcdef0123456789abcdef01234567", "main", "alice-dev", true))
        .now(Instant.parse("2026-11-28T12:00:00Z"));
    return new DeployInspection.Context(input, testLevel, List.of(), false, false);
  }

  @Test
  void theSandboxDeployGoesAheadAndTheSamePackageIsHeldInProductionForACriticalGrant() throws Exception {
    MetadataPackage pkg = project();
    PolicyBundle bundle = PolicyBundle.loadDefault();

    DeployInspection.Result sandbox = DeployInspection.inspect(pkg, org("uat"), bundle,
        context("uat", "sandbox", ""));
    DeployInspection.Result production = DeployInspection.inspect(pkg, org("prod"), bundle,
        context("prod", "production", "RunLocalTests"));

    for (DeployInspection.Result r : List.of(sandbox, production)) {
      assertThat(r.packageHash()).isEqualTo(pkg.sha256());
      assertThat(r.components()).extracting(DeployInput.Component::key, DeployInput.Component::status)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("ApexClass:InvoiceSweeper", DeployInput.Component.Status.NEW),
              org.assertj.core.groups.Tuple.tuple("PermissionSet:Integration_API",
                  DeployInput.Component.Status.CHANGED),
              org.assertj.core.groups.Tuple.tuple("PermissionSet:Data_Steward",
                  DeployInput.Component.Status.UNCHANGED));
      assertThat(r.changes()).noneMatch(c -> c.fullName().equals("Data_Steward"));
      // a reordered permission list is no change: only the new grant is, once
      assertThat(r.changes()).filteredOn(c -> c.type().equals("PermissionSet"))
          .extracting(c -> c.kind().id(), Change::subject)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("user-permission.granted", "ModifyAllData"));
      assertThat(r.changes()).extracting(c -> c.kind().id()).contains("apex.without-sharing");
      Change grant = r.changes().stream().filter(c -> c.subject().equals("ModifyAllData")).findFirst().orElseThrow();
      assertThat(grant.location().file()).endsWith("permissionsets/Integration_API.permissionset-meta.xml");
      assertThat(grant.location().line()).as("the <userPermissions> element of the grant").isEqualTo(24);
    }
    assertThat(sandbox.decision().allowed()).isTrue();
    assertThat(sandbox.approvalsRequired()).isZero();
    assertThat(sandbox.mayProceed(0)).isTrue();

    assertThat(production.decision().allowed()).isTrue();
    assertThat(production.approvalsRequired()).isEqualTo(2);
    assertThat(production.mayProceed(1)).isFalse();
    assertThat(production.mayProceed(2)).isTrue();
    assertThat(production.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.effect()).isEqualTo(dev.portcullis.deploy.report.PolicyOutcome.Effect.HOLD_FOR_APPROVAL);
      assertThat(o.ruleId()).contains("approve-critical-grants-in-production");
    });
  }

  @Test
  void aProductionDeployWithoutTestsIsDenied() throws Exception {
    DeployInspection.Result result = DeployInspection.inspect(project(), org("prod"), PolicyBundle.loadDefault(),
        context("prod", "production", "NoTestRun"));
    assertThat(result.decision().allowed()).isFalse();
    assertThat(result.decision().matchedRules()).contains("production-deploys-run-tests");
    assertThat(result.mayProceed(5)).isFalse();
  }

  @Test
  void anOrgThatRefusesTheRetrieveFailsTheInspectionNamingWhy() throws Exception {
    DeployInspection.OrgMetadata broken = (members, version) -> {
      throw new DeployException(DeployErrorCode.RETRIEVE_FAILED, "the org's retrieve 09S failed: boom");
    };
    assertThatThrownBy(() -> DeployInspection.inspect(project(), broken, PolicyBundle.loadDefault(),
        context("prod", "production", "RunLocalTests")))
        .isInstanceOf(DeployException.class).hasMessageContaining("boom");
  }

  static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Name name = new X500Name("CN=portcullis-deploy-test");
    Date from = Date.from(Instant.parse("2026-01-01T00:00:00Z"));
    Date to = Date.from(Instant.parse("2028-01-01T00:00:00Z"));
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from,
        to, name, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }

  @org.junit.jupiter.api.Test
  void aDecomposedObjectsFindingsPointAtItsOwnSourceFileNotAtItsFirstChild() {
    dev.portcullis.deploy.pkg.MetadataPackage.Component object = new dev.portcullis.deploy.pkg.MetadataPackage.Component(
        "CustomObject", "Invoice__c", List.of("objects/Invoice__c.object"), List.of(
            "force-app/main/default/objects/Invoice__c/fields/Amount__c.field-meta.xml",
            "force-app/main/default/objects/Invoice__c/Invoice__c.object-meta.xml",
            "force-app/main/default/objects/Invoice__c/listViews/All.listView-meta.xml"));
    org.assertj.core.api.Assertions.assertThat(DeployInspection.sourceFile(object))
        .isEqualTo("force-app/main/default/objects/Invoice__c/Invoice__c.object-meta.xml");
    dev.portcullis.deploy.pkg.MetadataPackage.Component field = new dev.portcullis.deploy.pkg.MetadataPackage.Component(
        "CustomField", "Invoice__c.Amount__c", List.of("objects/Invoice__c.object"),
        List.of("force-app/main/default/objects/Invoice__c/fields/Amount__c.field-meta.xml"));
    org.assertj.core.api.Assertions.assertThat(DeployInspection.sourceFile(field))
        .endsWith("fields/Amount__c.field-meta.xml");
    dev.portcullis.deploy.pkg.MetadataPackage.Component zipped = new dev.portcullis.deploy.pkg.MetadataPackage.Component(
        "ApexClass", "A", List.of("classes/A.cls", "classes/A.cls-meta.xml"), List.of());
    org.assertj.core.api.Assertions.assertThat(DeployInspection.sourceFile(zipped)).isEqualTo("classes/A.cls");
  }
}
