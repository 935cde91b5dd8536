package dev.portcullis.certs.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.check.CertificateChecks;
import dev.portcullis.certs.check.CheckContext;
import dev.portcullis.certs.check.Finding;
import dev.portcullis.certs.check.TrustAnchors;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.salesforce.rest.RestClient;
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
import java.time.YearMonth;
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
 * Certificate discovery against orgsim's demo org through the Metadata API (listMetadata, then one
 * retrieve), and the same metadata laid out as an SFDX project: every seeded certificate is found
 * with its use and consumers, duplicates are one item, owners come from FileProperties.
 */
class OrgCertificatesTest {
  static final String KEY = "3MVG9.portcullis.certs.inventory.test";
  static final String USER = "ci@acme.example";
  /** The org's first user (the built-in fixture's admin), whom orgsim gives the demo's login certificate. */
  static final String LOGIN_USER = "ada.admin@acme.example";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  static OrgSimulator orgs;
  static HttpClient http;
  static String session;
  static Inventory inventory;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-certs-inventory-test");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.parse("2026-01-01T00:00:00Z")),
        Date.from(Instant.parse("2028-01-01T00:00:00Z")), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    orgs = OrgSimulator.builder().clock(CLOCK)
        .org(OrgSpec.builder("prod").connectedApp(KEY, certificate).user(USER).demoCertificates(true).build())
        .start();
    http = HttpClient.newHttpClient();
    session = new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(
        new JwtBearerAssertion(KEY, USER, orgs.org("prod").url().toString(), keys.getPrivate(), CLOCK)).accessToken();
    inventory = new OrgCertificates(client(), rest(), Duration.ofMinutes(1)).discover("prod");
  }

  static MetadataClient client() {
    return MetadataClient.builder(orgs.org("prod").url(), () -> session, http).sleeper(d -> { }).build();
  }

  static RestClient rest() {
    return new RestClient(orgs.org("prod").url(), () -> session, http);
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (orgs != null) {
      orgs.close();
    }
  }

  static InventoryItem bySubject(Inventory inventory, String cn) {
    return inventory.items().stream().filter(i -> i.subject().equals("CN=" + cn) || i.subject().startsWith("CN=" + cn + ",")).findFirst()
        .orElseThrow(() -> new AssertionError("no item CN=" + cn + " in " + inventory.items()));
  }

  @Test
  void findsEverySeededCertificateWithItsUse() {
    assertThat(inventory.items()).hasSize(7);
    assertThat(bySubject(inventory, "SSO_Signing").uses()).containsExactly(Use.OUTBOUND_SSO);
    assertThat(bySubject(inventory, LOGIN_USER).uses()).containsExactly(Use.INBOUND_USER_MTLS);
    assertThat(bySubject(inventory, "www.acme.example").uses()).containsExactly(Use.INBOUND_TLS);
    assertThat(bySubject(inventory, "salesforce-billing-client").uses()).containsExactly(Use.OUTBOUND_MTLS);
    assertThat(bySubject(inventory, "orders.partner.example").uses()).containsExactly(Use.INBOUND_API_MTLS);
    assertThat(bySubject(inventory, "acme.okta.example").uses()).containsExactly(Use.INBOUND_SSO);
    assertThat(bySubject(inventory, "warehouse-sync").uses()).containsExactly(Use.INBOUND_SSO);
    assertThat(inventory.notes()).isEmpty();
  }

  @Test
  void aUserAuthenticationCertificateIsReadThroughRestWithItsUserAndOwner() {
    InventoryItem login = bySubject(inventory, LOGIN_USER);
    assertThat(login.consumers()).containsExactly(
        new InventoryItem.Consumer("User", LOGIN_USER, "UserAuthCertificate Login_Certificate", Use.INBOUND_USER_MTLS));
    assertThat(login.sources()).containsExactly(new InventoryItem.Source("org:prod", "UserAuthCertificate/Login_Certificate"));
    assertThat(login.chain()).singleElement().extracting(c -> c.getSubjectX500Principal().getName())
        .asString().startsWith("CN=orgsim Client Authentication CA 2026");
    assertThat(login.owner().isKnown()).isTrue();
    assertThat(login.owner().createdDate()).isEqualTo(CLOCK.instant());
    // the Metadata API alone does not see it
    Inventory metadataOnly = new OrgCertificates(client(), Duration.ofMinutes(1)).discover("prod");
    assertThat(metadataOnly.items()).extracting(InventoryItem::fingerprint).doesNotContain(login.fingerprint());
  }

  @Test
  void theOrgAnswersABase64FieldWithItsBlobPathAndThePathWithThePem() {
    RestClient rest = rest();
    JsonNode row = rest.query("SELECT Id, CertificateChain, ExpirationDate FROM UserAuthCertificate").records().getFirst();
    String id = row.get("Id").asText();
    assertThat(row.get("CertificateChain").asText())
        .isEqualTo("/services/data/v" + rest.apiVersion() + "/sobjects/UserAuthCertificate/" + id + "/CertificateChain");
    String pem = new String(rest.blob("UserAuthCertificate", id, "CertificateChain"), java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").containsOnlyOnce("-----END CERTIFICATE-----\n-----BEGIN");
    // ExpirationDate is the org's, computed from the chain's first certificate
    assertThat(row.get("ExpirationDate").asText()).startsWith(
        java.time.LocalDate.ofInstant(bySubject(inventory, LOGIN_USER).notAfter(), ZoneOffset.UTC).toString());
  }

  @Test
  void anInventoryItemAlwaysHasOneOfTheSevenUses() {
    InventoryItem any = inventory.items().getFirst();
    assertThatThrownBy(() -> Inventory.builder().add(any.certificate(), List.of(), Use.UNKNOWN, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not unknown");
  }

  @Test
  void eachItemNamesItsConsumers() {
    assertThat(bySubject(inventory, "SSO_Signing").consumers()).containsExactly(
        new InventoryItem.Consumer("SamlSsoConfig", "Okta", "requestSigningCertId", Use.OUTBOUND_SSO),
        new InventoryItem.Consumer("ExternalCredential", "Warehouse_JWT", "externalCredentialParameters/SigningCertificate",
            Use.OUTBOUND_SSO));
    assertThat(bySubject(inventory, "salesforce-billing-client").consumers()).containsExactly(
        new InventoryItem.Consumer("NamedCredential", "Billing_API", "namedCredentialParameters/ClientCertificate",
            Use.OUTBOUND_MTLS));
    assertThat(bySubject(inventory, "acme.okta.example").consumers()).containsExactly(
        new InventoryItem.Consumer("SamlSsoConfig", "Okta", "validationCert", Use.INBOUND_SSO));
    assertThat(bySubject(inventory, "www.acme.example").consumers()).isEmpty();
  }

  @Test
  void aCertificateFoundTwiceIsOneItemWithBothConsumersAndSources() {
    InventoryItem jwt = bySubject(inventory, "warehouse-sync");
    assertThat(jwt.consumers()).extracting(InventoryItem.Consumer::type)
        .containsExactly("ConnectedApp", "ExtlClntAppGlobalOauthSettings");
    assertThat(jwt.sources()).extracting(InventoryItem.Source::location).containsExactly(
        "connectedApps/Warehouse_Sync.connectedApp#oauthConfig/certificate",
        "extlClntAppGlobalOauthSets/Warehouse_Sync_Global.ecaGlblOauth#certificate");
    assertThat(jwt.sources()).extracting(InventoryItem.Source::origin).containsOnly("org:prod");
  }

  @Test
  void orgCertificatesCarrySalesforcesPrivateKeyExportableFlag() {
    assertThat(bySubject(inventory, "SSO_Signing").privateKeyExportable()).contains(true);
    assertThat(bySubject(inventory, "salesforce-billing-client").privateKeyExportable()).contains(true);
    // an InboundCertificate and a consumer's embedded copy are not org Certificates: nothing says
    assertThat(bySubject(inventory, "orders.partner.example").privateKeyExportable()).isEmpty();
    assertThat(bySubject(inventory, "warehouse-sync").privateKeyExportable()).isEmpty();
    // the flag survives a merge with another inventory
    assertThat(bySubject(Inventory.merge(List.of(Inventory.builder().build(), inventory)), "SSO_Signing")
        .privateKeyExportable()).contains(true);
  }

  @Test
  void theChecksOnTheOrgsInventoryFindThePlantedProblems() throws Exception {
    List<byte[]> roots = new java.util.ArrayList<>();
    for (X509Certificate root : orgs.publicRoots()) {
      roots.add(root.getEncoded());
    }
    // the custom domain chains to orgsim's simulated public root, as a real one to a root of the Mozilla store
    CheckContext context = CheckContext.of(CLOCK.instant(), TrustAnchors.mozilla().withSimulatedPublic(roots));
    Map<String, List<Finding>> bySubject = new java.util.HashMap<>();
    for (InventoryItem item : inventory.items()) {
      bySubject.put(item.subject().replaceFirst(",.*", ""), CertificateChecks.check(item, context));
    }
    assertThat(bySubject.get("CN=SSO_Signing")).extracting(f -> f.check().id())
        .contains("expiry-window", "exportable-key");
    assertThat(bySubject.get("CN=SSO_Signing")).filteredOn(f -> f.check().id().equals("expiry-window"))
        .singleElement().satisfies(f -> {
          assertThat(f.message()).contains("9 of 365 days left");
          assertThat(f.origin()).isEqualTo("org:prod certs/SSO_Signing.crt");
          assertThat(f.use()).isEqualTo(Use.OUTBOUND_SSO);
        });
    assertThat(bySubject.get("CN=orders.partner.example")).extracting(f -> f.check().id()).contains("client-auth-eku");
    assertThat(bySubject.get("CN=www.acme.example")).extracting(f -> f.check().id()).contains("br-lifetime");
    assertThat(bySubject.get("CN=salesforce-billing-client")).extracting(f -> f.check().id())
        .contains("signature-algorithm", "exportable-key");
    // the user's certificate is clientAuth, complete and chains to the (simulated) public root
    assertThat(bySubject.get("CN=" + LOGIN_USER)).extracting(f -> f.check().id())
        .doesNotContain("client-auth-eku", "trust-path", "chain-completeness", "validity-window");
    // C20 applies to the uses whose key Salesforce holds: not to an IdP's certificate the org only verifies with
    assertThat(bySubject.get("CN=acme.okta.example")).extracting(f -> f.check().id()).doesNotContain("exportable-key");
  }

  @Test
  void itemsCarryFingerprintKeyOwnerAndChain() {
    InventoryItem billing = bySubject(inventory, "salesforce-billing-client");
    assertThat(billing.fingerprint()).matches("[0-9a-f]{64}").isEqualTo(Inventory.fingerprint(billing.certificate()));
    assertThat(billing.keyType()).isEqualTo("RSA");
    assertThat(billing.keySize()).isEqualTo(2048);
    assertThat(billing.chain()).singleElement().extracting(X509Certificate::getSigAlgName).isEqualTo("SHA1withRSA");
    assertThat(billing.owner().isKnown()).isTrue();
    assertThat(billing.owner().createdDate()).isEqualTo(CLOCK.instant());
    assertThat(billing.sources()).containsExactly(new InventoryItem.Source("org:prod", "certs/Billing_Client_mTLS.crt"));
  }

  @Test
  void itemsAreSortedByExpiryAndTheCalendarGroupsThemByMonth() {
    assertThat(inventory.items().getFirst().subject()).startsWith("CN=SSO_Signing,");
    assertThat(inventory.items()).isSortedAccordingTo((a, b) -> a.notAfter().compareTo(b.notAfter()));
    Map<YearMonth, List<InventoryItem>> calendar = inventory.calendar();
    assertThat(calendar.keySet().iterator().next()).isEqualTo(YearMonth.of(2026, 12));
    assertThat(calendar.values().stream().mapToInt(List::size).sum()).isEqualTo(7);
  }

  @Test
  void anSfdxProjectWithTheSameMetadataGivesTheSameCertificatesAndUses(@TempDir Path dir) throws Exception {
    Org org = orgs.org("prod");
    Path root = dir.resolve("force-app/main/default");
    for (String type : List.of("Certificate", "InboundCertificate", "SamlSsoConfig", "ConnectedApp",
        "ExtlClntAppGlobalOauthSettings", "NamedCredential", "ExternalCredential")) {
      for (String name : org.metadataNames(type)) {
        for (Map.Entry<String, byte[]> file : org.metadataFiles(type, name).orElseThrow().entrySet()) {
          // Source format: XML-only files get -meta.xml appended; content files keep their meta file.
          String path = file.getKey();
          boolean xmlOnly = !type.equals("Certificate") && !type.equals("InboundCertificate");
          Path target = root.resolve(xmlOnly ? path + "-meta.xml" : path);
          Files.createDirectories(target.getParent());
          Files.write(target, file.getValue());
        }
      }
    }

    Inventory project = SourceDirectoryCertificates.discover(dir);

    // everything the Metadata API carries; a user's certificate is an sObject record, not metadata
    assertThat(project.items()).extracting(InventoryItem::fingerprint).containsExactlyInAnyOrderElementsOf(inventory.items()
        .stream().filter(i -> !i.uses().contains(Use.INBOUND_USER_MTLS)).map(InventoryItem::fingerprint).toList());
    assertThat(bySubject(project, "salesforce-billing-client").sources()).containsExactly(
        new InventoryItem.Source("dir:" + dir, "force-app/main/default/certs/Billing_Client_mTLS.crt"));
    assertThat(bySubject(project, "warehouse-sync").consumers()).hasSize(2);
    assertThat(bySubject(project, "salesforce-billing-client").owner().isKnown()).isFalse();
    // Source files carry no Certificate ids, so the SAML config's link to SSO_Signing cannot be followed.
    assertThat(project.notes()).singleElement().asString().contains("requestSigningCertId", "names no Certificate found");
  }

  @Test
  void mergingTwoSourcesKeepsOneItemPerCertificate(@TempDir Path dir) throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Org org = orgs.org("prod");
    for (Map.Entry<String, byte[]> file : org.metadataFiles("Certificate", "SSO_Signing").orElseThrow().entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    assertThat(certs).isDirectory();

    Inventory merged = Inventory.merge(List.of(inventory, SourceDirectoryCertificates.discover(dir)));

    assertThat(merged.items()).hasSize(7);
    InventoryItem signing = bySubject(merged, "SSO_Signing");
    assertThat(signing.sources()).extracting(InventoryItem.Source::origin).containsExactly("org:prod", "dir:" + dir);
    assertThat(signing.consumers()).hasSize(2);
    assertThat(signing.owner().isKnown()).isTrue();
  }

  @Test
  void aCertificateStillASigningRequestIsNotedNotListed(@TempDir Path dir) throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    Files.writeString(certs.resolve("Pending.crt"), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
    Files.writeString(certs.resolve("Pending.crt-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <Certificate xmlns="http://soap.sforce.com/2006/04/metadata"><caSigned>true</caSigned><masterLabel>Pending</masterLabel></Certificate>
        """);

    Inventory pending = SourceDirectoryCertificates.discover(dir);

    assertThat(pending.items()).isEmpty();
    assertThat(pending.notes()).singleElement().asString().contains("certs/Pending.crt", "signing request");
  }

  @Test
  void metadataWithADoctypeIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path named = Files.createDirectories(dir.resolve("namedCredentials"));
    Files.writeString(named.resolve("Evil.namedCredential-meta.xml"), """
        <?xml version="1.0"?>
        <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
        <NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata"><label>&e;</label></NamedCredential>
        """);

    assertThatThrownBy(() -> SourceDirectoryCertificates.discover(dir))
        .isInstanceOfSatisfying(InventoryException.class, e -> assertThat(e.code()).isEqualTo(InventoryException.Code.MALFORMED_METADATA))
        .hasMessageContaining("namedCredentials/Evil.namedCredential-meta.xml");
  }

  @Test
  void aSessionTheOrgRefusesIsOrgUnavailable() {
    MetadataClient bad = MetadataClient.builder(orgs.org("prod").url(), () -> "00Dbogus!session", http).build();
    assertThatThrownBy(() -> new OrgCertificates(bad, Duration.ofSeconds(5)).discover("prod"))
        .isInstanceOfSatisfying(InventoryException.class, e -> assertThat(e.code()).isEqualTo(InventoryException.Code.ORG_UNAVAILABLE))
        .hasMessageContaining("listMetadata");
  }
}
