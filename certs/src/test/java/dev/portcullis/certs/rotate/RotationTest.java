package dev.portcullis.certs.rotate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.inventory.OrgCertificates;
import dev.portcullis.certs.issue.PrivateCertificateAuthority;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Staged rotation against orgsim's demo org: the certificate expiring in 9 days ({@code
 * SSO_Signing}, used by SAML config Okta and external credential Warehouse_JWT) is rotated through
 * Salesforce's own CSR flow (the org makes the key pair, the private CA signs the org's CSR, the
 * chain is deployed back); the consumers name the new one afterwards, the old one is gone, the ledger holds
 * one entry per step; a failure injected at any step (before it, or after its effect but before the
 * state file knew) is finished by the next run without any effect made twice.
 */
class RotationTest {
  static final String KEY = "3MVG9.portcullis.certs.rotation.test";
  static final String USER = "ci@acme.example";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  static KeyPair appKeys;
  static X509Certificate appCertificate;
  static PrivateCertificateAuthority ca;
  static HttpClient http;
  @TempDir static Path caDir;

  OrgSimulator orgs;
  String session;
  final List<LedgerEntry> ledger = new ArrayList<>();
  @TempDir Path stateDir;

  @BeforeAll
  static void startOnce() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    appKeys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-certs-rotation-test");
    appCertificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.parse("2026-01-01T00:00:00Z")),
        Date.from(Instant.parse("2028-01-01T00:00:00Z")), name, appKeys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(appKeys.getPrivate())));
    ca = PrivateCertificateAuthority.openOrCreate(caDir.resolve("private-ca.p12"), PASSWORD.clone(),
        "CN=Portcullis Test Private CA, O=Acme Corporation", CLOCK, PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stopOnce() {
    if (http != null) {
      http.close();
    }
  }

  @BeforeEach
  void startOrg() throws Exception {
    orgs = OrgSimulator.builder().clock(CLOCK)
        .org(OrgSpec.builder("prod").connectedApp(KEY, appCertificate).user(USER).demoCertificates(true).build())
        .start();
    session = new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(
        new JwtBearerAssertion(KEY, USER, orgs.org("prod").url().toString(), appKeys.getPrivate(), CLOCK)).accessToken();
  }

  @AfterEach
  void stopOrg() {
    orgs.close();
  }

  MetadataClient client() {
    return MetadataClient.builder(orgs.org("prod").url(), () -> session, http).sleeper(d -> { }).build();
  }

  Rotation.Builder rotation() {
    return Rotation.builder().client(client()).org("prod").issuer(ca).stateDirectory(stateDir)
        .ledger(e -> {
          ledger.add(e);
          return ledger.size() - 1;
        }).clock(CLOCK).maxWait(Duration.ofMinutes(1)).actor("ada.admin@acme.example");
  }

  Inventory inventory() {
    return new OrgCertificates(client(), Duration.ofMinutes(1)).discover("prod");
  }

  static InventoryItem bySubject(Inventory inventory, String cn) {
    return inventory.items().stream().filter(i -> i.subject().startsWith("CN=" + cn + ",")).findFirst().orElseThrow();
  }

  String ssoSigning() {
    return bySubject(inventory(), "SSO_Signing").fingerprint();
  }

  String file(String type, String name, String path) {
    return new String(orgs.org("prod").metadataFiles(type, name).orElseThrow().get(path), UTF_8);
  }

  List<String> steps() {
    return ledger.stream().filter(e -> e.kind().equals("cert.rotation.step"))
        .map(e -> e.fields().get("step") + (e.fields().containsKey("consumer") ? " " + e.fields().get("consumer") : ""))
        .toList();
  }

  static final List<String> ALL_STEPS = List.of("request", "issue", "upload", "switch SamlSsoConfig Okta",
      "switch ExternalCredential Warehouse_JWT", "verify", "retire");

  @Test
  void planShowsTheExpiringCertificateWhyAndWhatChangesPerConsumer() {
    RotationPlan plan = RotationPlanner.plan(inventory(), "prod", CLOCK.instant(), Duration.ofDays(30));

    RotationPlan.Candidate sso = plan.candidates().getFirst();
    assertThat(sso.certificate()).isEqualTo("SSO_Signing");
    assertThat(sso.daysLeft()).isEqualTo(9);
    assertThat(sso.reasons()).singleElement().asString().startsWith("expires in 9 days");
    assertThat(sso.rotatable()).isTrue();
    assertThat(sso.issuer()).isEqualTo("private-ca");
    assertThat(sso.newCertificate()).isEqualTo("SSO_Signing_r20261128");
    assertThat(sso.changes()).containsExactly(
        new RotationPlan.Change("SamlSsoConfig", "Okta", "requestSigningCertId", "(record id of SSO_Signing)",
            "(record id of SSO_Signing_r20261128)"),
        new RotationPlan.Change("ExternalCredential", "Warehouse_JWT", "externalCredentialParameters/SigningCertificate",
            "SSO_Signing", "SSO_Signing_r20261128"));
    // Not expiring, but its intermediate is signed with SHA-1.
    assertThat(plan.candidates()).filteredOn(c -> c.certificate().equals("Billing_Client_mTLS")).singleElement()
        .satisfies(c -> assertThat(c.reasons()).singleElement().asString().contains("SHA-1"));
    assertThat(plan.candidates()).hasSize(2);
  }

  @Test
  void anOpenRenewalWindowFromTheCaMakesACandidateWhateverItsExpiry() throws Exception {
    Inventory inventory = inventory();
    java.time.Instant now = CLOCK.instant();
    RotationPlan usual = RotationPlanner.plan(inventory, "prod", now, Duration.ofDays(30));
    // a certificate of the org that is no candidate by expiry or algorithm, and that has a CertID (an AKI)
    InventoryItem quiet = inventory.items().stream()
        .filter(i -> i.sources().stream().anyMatch(src -> src.origin().equals("org:prod")))
        .filter(i -> usual.candidates().stream().noneMatch(c -> c.fingerprint().equals(i.fingerprint())))
        .filter(i -> certId(i).isPresent())
        .findFirst().orElseThrow();
    String id = certId(quiet).orElseThrow();

    RotationPlan opened = RotationPlanner.plan(inventory, "prod", now, Duration.ofDays(30), java.util.Map.of(id,
        new dev.portcullis.certs.check.RenewalInfo(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
            java.util.Optional.of("https://ca.example/incident-42"))));
    assertThat(opened.candidates()).filteredOn(c -> c.fingerprint().equals(quiet.fingerprint())).singleElement()
        .satisfies(c -> assertThat(c.reasons()).singleElement().asString()
            .contains("RFC 9773").contains("https://ca.example/incident-42"));
    assertThat(opened.candidates()).hasSize(usual.candidates().size() + 1);

    // a window that opens later, or one that is invalid (end before start), changes nothing yet
    for (dev.portcullis.certs.check.RenewalInfo later : List.of(
        new dev.portcullis.certs.check.RenewalInfo(now.plus(Duration.ofDays(3)), now.plus(Duration.ofDays(5)),
            java.util.Optional.empty()),
        new dev.portcullis.certs.check.RenewalInfo(now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(2)),
            java.util.Optional.empty()))) {
      assertThat(RotationPlanner.plan(inventory, "prod", now, Duration.ofDays(30), java.util.Map.of(id, later))
          .candidates()).hasSameSizeAs(usual.candidates());
    }
  }

  private static java.util.Optional<String> certId(InventoryItem item) {
    try {
      return dev.portcullis.certs.check.RenewalInfo.certId(item.certificate().getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void rotatesTheCertificateExpiringIn9DaysThroughThePrivateCa() throws Exception {
    String old = ssoSigning();

    Rotation.Result result = rotation().build().rotate(old);

    assertThat(result.resumed()).isFalse();
    assertThat(result.newCertificate()).isEqualTo("SSO_Signing_r20261128");
    Org org = orgs.org("prod");
    assertThat(org.metadataNames("Certificate")).contains("SSO_Signing_r20261128").doesNotContain("SSO_Signing");
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(org.metadataFiles("Certificate", "SSO_Signing_r20261128").orElseThrow()
            .get("certs/SSO_Signing_r20261128.crt")));
    assertThat(Inventory.fingerprint(leaf)).isEqualTo(result.newSha256());
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=SSO_Signing");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(CLOCK.instant().plus(Duration.ofDays(365)));
    assertThat(leaf.getExtendedKeyUsage()).as("SSO signing: no EKU").isNull();
    assertThat(file("Certificate", "SSO_Signing_r20261128", "certs/SSO_Signing_r20261128.crt-meta.xml"))
        .contains("<caSigned>true</caSigned>", "<privateKeyExportable>false</privateKeyExportable>",
            "<expirationDate>2027-11-28T12:00:00.000Z</expirationDate>");

    // The key is the org's: the ledger names the CSR it made, and Portcullis kept no key, only public material.
    String csrSha256 = (String) ledger.getFirst().fields().get("csr_sha256");
    assertThat(csrSha256).matches("[0-9a-f]{64}");
    assertThat(ledger).filteredOn(e -> e.kind().equals("cert.rotation.step"))
        .allSatisfy(e -> assertThat(e.fields()).containsEntry("csr_sha256", csrSha256));
    try (Stream<Path> kept = Files.list(stateDir)) {
      assertThat(kept.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("prod-" + old.substring(0, 16) + ".json", "prod-" + old.substring(0, 16) + ".crt");
    }
    assertThat(Files.readString(stateDir.resolve("prod-" + old.substring(0, 16) + ".crt"))).doesNotContain("PRIVATE KEY");

    // The consumers name the new certificate: by record id (SAML) and by name (external credential).
    String newId = org.metadataNames("Certificate").contains("SSO_Signing_r20261128") ? listedId("SSO_Signing_r20261128") : "";
    assertThat(file("SamlSsoConfig", "Okta", "samlssoconfigs/Okta.samlssoconfig"))
        .contains("<requestSigningCertId>" + newId.substring(0, 15) + "</requestSigningCertId>");
    assertThat(file("ExternalCredential", "Warehouse_JWT", "externalCredentials/Warehouse_JWT.externalCredential"))
        .contains("<certificate>SSO_Signing_r20261128</certificate>").doesNotContain(">SSO_Signing<");
    InventoryItem fresh = inventory().item(result.newSha256()).orElseThrow();
    assertThat(fresh.consumers()).extracting(InventoryItem.Consumer::name).containsExactly("Okta", "Warehouse_JWT");

    // The ledger: one entry per step, then cert.rotated.
    assertThat(steps()).containsExactlyElementsOf(ALL_STEPS);
    LedgerEntry rotated = ledger.getLast();
    assertThat(rotated.kind()).isEqualTo("cert.rotated");
    assertThat(rotated.fields()).containsEntry("old_sha256", old).containsEntry("new_sha256", result.newSha256())
        .containsEntry("certificate", "SSO_Signing").containsEntry("new_certificate", "SSO_Signing_r20261128")
        .containsEntry("org", "prod").containsEntry("issuer", "private-ca");

    // Running again finds the rotation complete: nothing done, nothing recorded.
    Rotation.Result again = rotation().build().rotate(old);
    assertThat(again.resumed()).isTrue();
    assertThat(ledger).hasSize(ALL_STEPS.size() + 1);
  }

  String listedId(String name) {
    return new OrgMetadata(client(), Duration.ofMinutes(1)).list("Certificate").get(name).id();
  }

  static Stream<Arguments> failures() {
    List<Arguments> out = new ArrayList<>();
    for (String step : ALL_STEPS) {
      out.add(Arguments.of(step, "before"));
      if (!step.equals("verify")) {
        out.add(Arguments.of(step, "performed"));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "a failure {1} {0}")
  @MethodSource("failures")
  void aRotationThatFailedAtAnyStepCompletesWhenRunAgainWithoutDoingAnythingTwice(String step, String when) {
    String old = ssoSigning();
    Map<String, AtomicInteger> performed = new HashMap<>();
    AtomicInteger armed = new AtomicInteger(1);
    StepHook failing = new StepHook() {
      @Override
      public void before(String label) {
        if (when.equals("before") && label.equals(step) && armed.getAndDecrement() > 0) {
          throw new RotationException(RotationException.Code.INJECTED, "injected before " + label);
        }
      }

      @Override
      public void performed(String label) {
        performed.computeIfAbsent(label, l -> new AtomicInteger()).incrementAndGet();
        if (when.equals("performed") && label.equals(step) && armed.getAndDecrement() > 0) {
          throw new RotationException(RotationException.Code.INJECTED, "injected after " + label);
        }
      }
    };

    assertThatThrownBy(() -> rotation().hook(failing).build().rotate(old))
        .isInstanceOf(RotationException.class).extracting(e -> ((RotationException) e).code())
        .isEqualTo(RotationException.Code.INJECTED);
    Rotation.Result result = rotation().hook(failing).build().rotate(old);

    assertThat(result.resumed()).isTrue();
    assertThat(steps()).as("one ledger entry per step").containsExactlyElementsOf(ALL_STEPS);
    assertThat(ledger.getLast().kind()).isEqualTo("cert.rotated");
    assertThat(performed).as("each effect made once").allSatisfy((label, count) -> assertThat(count.get()).isEqualTo(1));
    assertThat(performed.keySet()).containsExactlyInAnyOrder("request", "issue", "upload", "switch SamlSsoConfig Okta",
        "switch ExternalCredential Warehouse_JWT", "retire");
    assertThat(orgs.org("prod").metadataNames("Certificate")).contains("SSO_Signing_r20261128").doesNotContain("SSO_Signing");
    assertThat(inventory().item(result.newSha256()).orElseThrow().consumers()).hasSize(2);
  }

  @Test
  void aLedgerThatFailsLeavesTheStepDoneAndTheNextRunRecordsItOnce() {
    String old = ssoSigning();
    AtomicInteger calls = new AtomicInteger();
    Rotation flaky = rotation().ledger(e -> {
      if (calls.incrementAndGet() == 3) {
        throw new IllegalStateException("sequencer unavailable");
      }
      ledger.add(e);
      return ledger.size() - 1;
    }).build();

    assertThatThrownBy(() -> flaky.rotate(old)).isInstanceOf(RotationException.class)
        .hasMessageContaining("run again").extracting(e -> ((RotationException) e).code())
        .isEqualTo(RotationException.Code.NOT_RECORDED);
    assertThat(steps()).containsExactly("request", "issue");

    rotation().build().rotate(old);
    assertThat(steps()).containsExactlyElementsOf(ALL_STEPS);
  }

  @Test
  void aNewNameTakenByACertificateThatIsNoCsrStopsTheRequest() throws Exception {
    String old = ssoSigning();
    // Someone made a self-signed Certificate under the name the rotation would request.
    byte[] self = orgs.org("prod").metadataFiles("Certificate", "SSO_Signing").orElseThrow().get("certs/SSO_Signing.crt");
    Map<String, byte[]> deploy = new java.util.LinkedHashMap<>();
    deploy.put("certs/SSO_Signing_r20261128.crt", self);
    deploy.put("certs/SSO_Signing_r20261128.crt-meta.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <Certificate xmlns="http://soap.sforce.com/2006/04/metadata"><caSigned>false</caSigned>\
        <keySize>2048</keySize><masterLabel>Taken</masterLabel></Certificate>
        """.getBytes(UTF_8));
    new OrgMetadata(client(), Duration.ofMinutes(1)).deploy("a squatter", deploy,
        Map.of("Certificate", List.of("SSO_Signing_r20261128")), false);

    assertThatThrownBy(() -> rotation().build().rotate(old)).isInstanceOf(RotationException.class)
        .hasMessageContaining("not a CA-signed certificate waiting for its chain")
        .extracting(e -> ((RotationException) e).code()).isEqualTo(RotationException.Code.NAME_TAKEN);
    assertThat(ledger).isEmpty();
    assertThat(orgs.org("prod").metadataNames("Certificate")).contains("SSO_Signing");
  }

  @Test
  void aCsrTheIssuerRefusesStopsBeforeAnythingIsUploaded() {
    String old = ssoSigning();
    Rotation tooLong = rotation().lifetime(Duration.ofDays(398)).build();

    assertThatThrownBy(() -> tooLong.rotate(old)).isInstanceOf(RotationException.class)
        .hasMessageContaining("above the private CA's maximum")
        .extracting(e -> ((RotationException) e).code()).isEqualTo(RotationException.Code.ISSUE_FAILED);
    assertThat(steps()).containsExactly("request");
    assertThat(file("Certificate", "SSO_Signing_r20261128", "certs/SSO_Signing_r20261128.crt"))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
  }

  @Test
  void aStateFileOfTheFormerKeyMakingFormatIsRefusedWithWhatToDo() throws Exception {
    String old = ssoSigning();
    Files.writeString(stateDir.resolve("prod-" + old.substring(0, 16) + ".json"), "{\"version\": 1, \"id\": \"prod-"
        + old.substring(0, 16) + "\"}");

    assertThatThrownBy(() -> rotation().build().rotate(old)).isInstanceOf(RotationException.class)
        .hasMessageContaining("format 1").hasMessageContaining("org's own CSR")
        .extracting(e -> ((RotationException) e).code()).isEqualTo(RotationException.Code.STATE_UNREADABLE);
  }

  @Test
  void aCertificateHeldByAnotherPartyIsNotRotatable() {
    String idp = bySubject(inventory(), "acme.okta.example").fingerprint();

    assertThatThrownBy(() -> rotation().build().rotate(idp)).isInstanceOf(RotationException.class)
        .hasMessageContaining("not one of the org's Certificate records")
        .extracting(e -> ((RotationException) e).code()).isEqualTo(RotationException.Code.NOT_ROTATABLE);
    assertThat(ledger).isEmpty();
    assertThat(Files.exists(stateDir.resolve("prod-" + idp.substring(0, 16) + ".json"))).isFalse();
  }

  @Test
  void anUnknownFingerprintIsNotFound() {
    assertThatThrownBy(() -> rotation().build().rotate("00000000deadbeef")).isInstanceOf(RotationException.class)
        .extracting(e -> ((RotationException) e).code()).isEqualTo(RotationException.Code.NOT_FOUND);
    assertThatThrownBy(() -> rotation().build().rotate("SSO_Signing")).hasMessageContaining("not a certificate fingerprint");
  }
}
