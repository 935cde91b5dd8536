package dev.portcullis.deploy.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.deploy.DeployErrorCode;
import dev.portcullis.deploy.DeployException;
import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.MetadataApiOrg;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.store.Approval;
import dev.portcullis.store.ApprovalRepository;
import dev.portcullis.store.Deployment;
import dev.portcullis.store.Store;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy gate end to end against orgsim (sandboxes and a production org with the seeded metadata), a SQLite
 * store in a temporary directory, the default policy pack and an in-memory ledger: a package that grants the
 * seeded permission set Integration_API ModifyAllData and adds a class declared without sharing.
 */
class DeployGatekeeperTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.deploy.gate.test";
  static final String DEPLOYER = "deployer@acme.example";
  static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  static OrgSimulator orgs;
  static HttpClient http;
  static KeyPair keys;

  @TempDir Path dir;
  Store store;
  final List<LedgerEntry> ledger = new ArrayList<>();
  boolean ledgerFails;
  DeployGatekeeper gate;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    X509Certificate certificate = selfSigned(keys);
    OrgSimulator.Builder builder = OrgSimulator.builder().clock(CLOCK);
    for (String alias : List.of("uat", "uat-rollback", "uat-quick")) {
      builder.org(OrgSpec.builder(alias).environment(OrgEnvironment.SANDBOX).connectedApp(CONSUMER_KEY, certificate)
          .user(DEPLOYER).build());
    }
    orgs = builder.org(OrgSpec.builder("prod").environment(OrgEnvironment.PRODUCTION)
        .connectedApp(CONSUMER_KEY, certificate).user(DEPLOYER).build()).start();
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

  @BeforeEach
  void open() {
    store = Store.open("sqlite:portcullis.db", dir.resolve("data"));
    gate = DeployGatekeeper.builder().policy(PolicyBundle::loadDefault).approvals(store.approvals())
        .deployments(store.deployments()).snapshots(dir.resolve("snapshots")).clock(CLOCK)
        .ledgerTimeout(Duration.ofSeconds(5))
        .ledger(entry -> {
          if (ledgerFails) {
            return CompletableFuture.failedFuture(new IllegalStateException("the sequencer is down"));
          }
          ledger.add(entry);
          return CompletableFuture.completedFuture((long) ledger.size() - 1);
        }).build();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static MetadataClient client(String alias) throws Exception {
    Org org = orgs.org(alias);
    String session = new JwtBearerTokenClient(http, Duration.ofSeconds(30))
        .requestToken(new JwtBearerAssertion(CONSUMER_KEY, DEPLOYER, org.url().toString(), keys.getPrivate(), CLOCK))
        .accessToken();
    return MetadataClient.builder(org.url(), () -> session, http).clock(CLOCK).sleeper(d -> { }).build();
  }

  static DeployInspection.OrgMetadata org(String alias) throws Exception {
    return new MetadataApiOrg(client(alias), Duration.ofMinutes(5));
  }

  static String seededPermissionSet() throws Exception {
    try (java.io.InputStream in = OrgSimulator.class.getClassLoader()
        .getResourceAsStream("orgsim/metadata/permissionsets/Integration_API.permissionset")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The seeded Integration_API with {@code grant} added, and a new class InvoiceSweeper with {@code body}. */
  static byte[] zip(String grant, String body) throws Exception {
    SortedMap<String, byte[]> entries = new TreeMap<>();
    entries.put("permissionsets/Integration_API.permissionset", seededPermissionSet().replace("</PermissionSet>",
        "    <userPermissions>\n        <enabled>true</enabled>\n        <name>" + grant
            + "</name>\n    </userPermissions>\n</PermissionSet>").getBytes(StandardCharsets.UTF_8));
    entries.put("classes/InvoiceSweeper.cls", ("public without sharing class InvoiceSweeper {\n" + body + "\n}\n")
        .getBytes(StandardCharsets.UTF_8));
    entries.put("classes/InvoiceSweeper.cls-meta.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
            <apiVersion>62.0</apiVersion>
            <status>Active</status>
        </ApexClass>
        """.getBytes(StandardCharsets.UTF_8));
    entries.put("package.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <Package xmlns="http://soap.sforce.com/2006/04/metadata">
            <types><members>InvoiceSweeper</members><name>ApexClass</name></types>
            <types><members>Integration_API</members><name>PermissionSet</name></types>
            <version>62.0</version>
        </Package>
        """.getBytes(StandardCharsets.UTF_8));
    return MetadataPackage.zip(entries);
  }

  static DeployRequest request(String org, String environment, byte[] zip, DeployRequest.Options options) {
    return new DeployRequest(org, environment, zip, options,
        new DeployRequest.Requester("https://token.actions.githubusercontent.com", "repo:acme/sf:ref:refs/heads/main",
            "alice-dev", "ses_01", "oidc"),
        new DeployRequest.Git("acme/sf", COMMIT, "main", "https://github.com/acme/sf/actions/runs/7", true),
        "gateway-soap", null);
  }

  static DeployRequest.Options tests(String level) {
    return new DeployRequest.Options(level, List.of(), false, null);
  }

  List<LedgerEntry> entries(String kind) {
    return ledger.stream().filter(e -> e.kind().equals(kind)).toList();
  }

  void vote(String approval, String who) {
    assertThat(store.approvals().vote(approval, new Approval.Vote("https://people.example", who, true, "ok", T0), T0))
        .isIn(ApprovalRepository.VoteOutcome.RECORDED, ApprovalRepository.VoteOutcome.APPROVED);
  }

  @Test
  void aSandboxDeployIsAdmittedSnapshottedAndRecorded() throws Exception {
    Admission admission = gate.admit(request("uat", "sandbox", zip("ModifyAllData", ""), tests("")), org("uat"));

    assertThat(admission).isInstanceOf(Admission.Admitted.class);
    Deployment d = admission.deployment();
    assertThat(gate.find(d.id())).contains(d);
    assertThat(d.state()).isEqualTo(Deployment.State.ADMITTED);
    assertThat(d.componentList()).containsExactlyInAnyOrder("ApexClass:InvoiceSweeper", "PermissionSet:Integration_API");
    assertThat(d.changeList()).anyMatch(c -> c.contains("ModifyAllData"));
    assertThat(d.snapshotSha256()).matches("[0-9a-f]{64}");
    assertThat(d.rollbackSha256()).matches("[0-9a-f]{64}");
    assertThat(d.approvalId()).isNull();
    assertThat(entries("deploy.requested")).singleElement().satisfies(e -> {
      assertThat(e.fields()).containsEntry("deployment_id", d.id()).containsEntry("org", "uat")
          .containsEntry("actor", "alice-dev").containsEntry("commit", COMMIT).containsEntry("effect", "admitted")
          .containsEntry("package_sha256", d.packageSha256()).containsEntry("snapshot_sha256", d.snapshotSha256())
          .containsEntry("components", 2L).containsEntry("via", "gateway-soap");
      assertThat(e.toString()).doesNotContain("InvoiceSweeper {"); // never file contents
    });
  }

  @Test
  void aCriticalGrantInProductionIsHeldForTwoApproversThenAdmittedOnceAndTheApprovalIsUsed() throws Exception {
    byte[] zip = zip("ModifyAllData", "");
    Admission first = gate.admit(request("prod", "production", zip, tests("RunLocalTests")), org("prod"));

    assertThat(first).isInstanceOfSatisfying(Admission.Held.class, held -> {
      assertThat(held.requested()).isTrue();
      assertThat(held.required()).isEqualTo(2);
      assertThat(held.votes()).isZero();
      assertThat(held.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(24)));
      assertThat(held.deployment().state()).isEqualTo(Deployment.State.HELD);
      assertThat(held.deployment().rules()).contains("approve-critical-grants-in-production");
    });
    String approval = ((Admission.Held) first).approvalId();
    Approval asked = store.approvals().findById(approval).orElseThrow();
    assertThat(asked.kind()).isEqualTo("deploy");
    assertThat(asked.binding()).isEqualTo(DeployGatekeeper.binding("prod", first.deployment().packageSha256()));
    assertThat(asked.requesterActor()).isEqualTo("alice-dev");
    assertThat(asked.summary()).contains("ModifyAllData").contains("prod");
    assertThat(entries("approval.requested")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("approval", approval).containsEntry("required", 2L));

    vote(approval, "bob");
    assertThat(gate.admit(request("prod", "production", zip, tests("RunLocalTests")), org("prod")))
        .isInstanceOfSatisfying(Admission.Held.class, held -> {
          assertThat(held.approvalId()).isEqualTo(approval);
          assertThat(held.requested()).isFalse();
          assertThat(held.votes()).isEqualTo(1);
        });
    vote(approval, "carol");

    Admission admitted = gate.admit(request("prod", "production", zip, tests("RunLocalTests")), org("prod"));
    assertThat(admitted).isInstanceOfSatisfying(Admission.Admitted.class, a -> {
      assertThat(a.approvalId()).isEqualTo(approval);
      assertThat(a.approvers()).containsExactly("bob", "carol");
      assertThat(a.deployment().approvers()).containsExactly("bob", "carol");
      assertThat(a.deployment().snapshotSha256()).isNotNull();
    });
    assertThat(store.approvals().findById(approval).orElseThrow().state()).isEqualTo(Approval.State.USED);
    assertThat(entries("approval.used")).singleElement().satisfies(e -> assertThat(e.fields())
        .containsEntry("approval", approval).containsEntry("decision", admitted.deployment().decisionId()));
    assertThat(entries("deploy.requested")).extracting(e -> e.fields().get("effect"))
        .containsExactly("held", "held", "admitted");

    assertThat(gate.admit(request("prod", "production", zip, tests("RunLocalTests")), org("prod")))
        .as("an approval is used once").isInstanceOfSatisfying(Admission.Held.class,
            held -> assertThat(held.approvalId()).isNotEqualTo(approval));
  }

  @Test
  void aChangedPackageVoidsTheApproval() throws Exception {
    byte[] approvedZip = zip("ModifyAllData", "");
    String approval = ((Admission.Held) gate.admit(request("prod", "production", approvedZip, tests("RunLocalTests")),
        org("prod"))).approvalId();
    vote(approval, "bob");
    vote(approval, "carol");

    Admission changed = gate.admit(request("prod", "production", zip("ModifyAllData", "  // one more line"),
        tests("RunLocalTests")), org("prod"));

    assertThat(changed).isInstanceOfSatisfying(Admission.Held.class, held -> {
      assertThat(held.approvalId()).isNotEqualTo(approval);
      assertThat(held.requested()).isTrue();
    });
    assertThat(store.approvals().findById(approval).orElseThrow().state()).isEqualTo(Approval.State.APPROVED);
  }

  @Test
  void policyDenialsAndUnreadablePackagesAreRefusedAndRecorded() throws Exception {
    Admission noTests = gate.admit(request("prod", "production", zip("ModifyAllData", ""), tests("NoTestRun")),
        org("prod"));
    Admission garbage = gate.admit(request("uat", "sandbox", "not a zip".getBytes(StandardCharsets.UTF_8),
        tests("")), org("uat"));

    assertThat(noTests).isInstanceOfSatisfying(Admission.Refused.class, r -> {
      assertThat(r.rules()).contains("production-deploys-run-tests");
      assertThat(r.reason()).contains("must run tests");
      assertThat(r.deployment().snapshotSha256()).isNull();
    });
    assertThat(garbage).isInstanceOfSatisfying(Admission.Refused.class,
        r -> assertThat(r.reason()).startsWith("the deployment could not be admitted: ").contains("zip"));
    for (Admission a : List.of(noTests, garbage)) {
      assertThat(gate.find(a.deployment().id())).get().extracting(Deployment::state)
          .isEqualTo(Deployment.State.REFUSED);
    }
    assertThat(entries("deploy.requested")).extracting(e -> e.fields().get("effect"))
        .containsExactly("refused", "refused");
    assertThat(store.approvals().list(null, 10)).isEmpty();
  }

  @Test
  void aLedgerThatDoesNotRecordRefusesTheDeployment() throws Exception {
    ledgerFails = true;

    Admission admission = gate.admit(request("uat", "sandbox", zip("ModifyAllData", ""), tests("")), org("uat"));

    assertThat(admission).isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.reason())
        .contains("could not be recorded in the ledger").contains("the sequencer is down"));
    assertThat(gate.find(admission.deployment().id())).get().satisfies(d -> {
      assertThat(d.state()).isEqualTo(Deployment.State.REFUSED);
      assertThat(d.reason()).contains("could not be recorded");
    });
  }

  @Test
  void theRollbackPackageRestoresWhatWasReplacedAndDeletesWhatWasAdded() throws Exception {
    MetadataClient client = client("uat-rollback");
    byte[] zip = zip("ModifyAllData", "");
    Admission.Admitted admitted = (Admission.Admitted) gate.admit(request("uat-rollback", "sandbox", zip, tests("")),
        org("uat-rollback"));
    String id = admitted.deployment().id();
    String sfId = client.deploy(zip, DeployOptions.builder().singlePackage(true).build()).id();
    gate.started(id, sfId);
    DeployResult done = client.awaitDeploy(sfId, Duration.ofMinutes(5), p -> { });
    gate.finished(id, done);
    assertThat(orgs.org("uat-rollback").metadataNames("ApexClass")).contains("InvoiceSweeper");
    assertThat(gate.find(id)).get().extracting(Deployment::state).isEqualTo(Deployment.State.SUCCEEDED);
    assertThat(gate.findBySalesforceId("uat-rollback", sfId)).get().extracting(Deployment::id).isEqualTo(id);

    RollbackPackage rollback = gate.rollbackPackage(id);
    assertThat(gate.rollbackPackage(id).zip()).as("deterministic").isEqualTo(rollback.zip());
    assertThat(rollback.sha256()).isEqualTo(admitted.deployment().rollbackSha256());
    Admission undo = gate.admit(new DeployRequest("uat-rollback", "sandbox", rollback.zip(), tests(""),
        new DeployRequest.Requester("https://people.example", "carol", null, null, "person"), null, "rollback", null),
        org("uat-rollback"));
    assertThat(undo).isInstanceOf(Admission.Admitted.class);
    assertThat(undo.deployment().rollbackOf()).isEqualTo(id);
    assertThat(undo.deployment().destructive()).isTrue();
    String undoId = client.deploy(rollback.zip(), DeployOptions.builder().singlePackage(true).build()).id();
    gate.started(undo.deployment().id(), undoId);
    gate.finished(undo.deployment().id(), client.awaitDeploy(undoId, Duration.ofMinutes(5), p -> { }));

    Org org = orgs.org("uat-rollback");
    assertThat(org.metadataNames("ApexClass")).doesNotContain("InvoiceSweeper");
    String restored = new String(org.metadataFiles("PermissionSet", "Integration_API").orElseThrow().values()
        .iterator().next(), StandardCharsets.UTF_8);
    assertThat(restored).isEqualTo(seededPermissionSet()).doesNotContain("ModifyAllData");
    assertThat(entries("deploy.completed")).hasSize(2).last().satisfies(e -> assertThat(e.fields())
        .containsEntry("rollback_of", id).containsEntry("outcome", "succeeded").containsEntry("actor", "carol")
        .doesNotContainKey("commit"));
    assertThatThrownBy(() -> gate.finished(id, done)).isInstanceOfSatisfying(DeployException.class,
        e -> assertThat(e.code()).isEqualTo(DeployErrorCode.WRONG_STATE));
  }

  @Test
  void aValidatedDeploymentIsQuickDeployedByItsSalesforceIdAndAnUnknownIdIsRefused() throws Exception {
    MetadataClient client = client("uat-quick");
    byte[] zip = zip("ViewSetup", "");
    Admission validation = gate.admit(request("uat-quick", "sandbox", zip,
        new DeployRequest.Options("RunLocalTests", List.of(), true, null)), org("uat-quick"));
    assertThat(validation).isInstanceOf(Admission.Admitted.class);
    assertThat(validation.deployment().checkOnly()).isTrue();
    assertThat(validation.deployment().snapshotSha256()).as("a validation changes nothing").isNull();
    String sfId = client.deploy(zip, DeployOptions.builder().singlePackage(true).checkOnly(true)
        .testLevel(DeployOptions.TestLevel.RunLocalTests).build()).id();
    gate.started(validation.deployment().id(), sfId);
    gate.finished(validation.deployment().id(), client.awaitDeploy(sfId, Duration.ofMinutes(5), p -> { }));

    Admission quick = gate.admit(request("uat-quick", "sandbox", new byte[0],
        new DeployRequest.Options("", List.of(), false, sfId)), org("uat-quick"));
    Admission unknown = gate.admit(request("uat-quick", "sandbox", new byte[0],
        new DeployRequest.Options("", List.of(), false, "0Af000000000999AAA")), org("uat-quick"));
    Admission otherOrg = gate.admit(request("uat", "sandbox", new byte[0],
        new DeployRequest.Options("", List.of(), false, sfId)), org("uat"));

    assertThat(quick).isInstanceOfSatisfying(Admission.Admitted.class, a -> {
      assertThat(a.deployment().quickDeployOf()).isEqualTo(sfId);
      assertThat(a.deployment().checkOnly()).isFalse();
      assertThat(a.deployment().packageSha256()).isEqualTo(validation.deployment().packageSha256());
      assertThat(a.deployment().snapshotSha256()).isNotNull();
      assertThat(a.deployment().testLevel()).isEqualTo("RunLocalTests");
    });
    assertThat(unknown).isInstanceOfSatisfying(Admission.Refused.class,
        r -> assertThat(r.reason()).contains("no admitted validation 0Af000000000999AAA on org uat-quick"));
    assertThat(otherOrg).isInstanceOf(Admission.Refused.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void finishedWritesOneDeployCompletedWithTestsAndCoverage() throws Exception {
    Admission admitted = gate.admit(request("uat", "sandbox", zip("ModifyAllData", ""), tests("RunLocalTests")),
        org("uat"));
    String id = admitted.deployment().id();
    gate.started(id, "0Af000000000042AAA");
    RunTestsResult tests = new RunTestsResult(3, 1, 1.5, List.of(), List.of(new RunTestsResult.RunTestFailure(
        "01p", "InvoiceSweeperTest", "", "sweeps", "System.AssertException: Assertion Failed",
        "Class.InvoiceSweeperTest.sweeps: line 5, column 1", "Class", 0.1)),
        List.of(new RunTestsResult.CodeCoverageResult("01p1", "InvoiceSweeper", "", "Class", 8, 2, List.of()),
            new RunTestsResult.CodeCoverageResult("01p2", "AccountService", "", "Class", 2, 0, List.of())),
        List.of());
    DeployResult failed = new DeployResult("0Af000000000042AAA", DeployResult.Status.Failed, true, false, false,
        false, true, true, "", "", "", 0, 0, 2, 3, 1, 3, "", "", T0, T0, T0, T0, "", "", List.of(), List.of(),
        tests);

    gate.finished(id, failed);

    assertThat(entries("deploy.completed")).singleElement().satisfies(e -> {
      Map<String, Object> f = e.fields();
      assertThat(f).containsEntry("deployment_id", id).containsEntry("outcome", "failed")
          .containsEntry("status", "Failed").containsEntry("salesforce_deploy_id", "0Af000000000042AAA")
          .containsEntry("tests_run", 3L).containsEntry("test_failures", 1L).containsEntry("component_errors", 0L)
          .containsEntry("commit", COMMIT).containsEntry("test_level", "RunLocalTests")
          .containsEntry("snapshot_sha256", admitted.deployment().snapshotSha256());
      assertThat(((Number) f.get("coverage_percent")).doubleValue()).isEqualTo(80.0);
      assertThat((List<Object>) f.get("component_list"))
          .containsExactlyInAnyOrder("ApexClass:InvoiceSweeper", "PermissionSet:Integration_API");
      assertThat((List<Object>) f.get("changes")).anySatisfy(c -> assertThat((String) c).contains("ModifyAllData"));
    });
    Deployment d = gate.find(id).orElseThrow();
    assertThat(d.state()).isEqualTo(Deployment.State.FAILED);
    assertThat(d.result()).contains("\"testFailures\":[\"InvoiceSweeperTest.sweeps: System.AssertException");
    assertThatThrownBy(() -> gate.rollbackPackage("dpl_nope")).isInstanceOfSatisfying(DeployException.class,
        e -> assertThat(e.code()).isEqualTo(DeployErrorCode.NOT_FOUND));
  }

  static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Name name = new X500Name("CN=portcullis-deploy-gate-test");
    Date from = Date.from(Instant.parse("2026-01-01T00:00:00Z"));
    Date to = Date.from(Instant.parse("2028-01-01T00:00:00Z"));
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from,
        to, name, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }
}
