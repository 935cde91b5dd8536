package dev.portcullis.orgsim;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.MetadataClient.Soap;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The demo's certificates, as the Metadata API serves them: listMetadata names them with their
 * ids and owners, retrieve returns {@code certs/NAME.crt} plus {@code -meta.xml} and the consumers'
 * XML, and the seeded problems hold relative to the simulator's clock.
 */
class CertificateSeedTest {
  static RunningSimulator sim;
  static MetadataClient metadata;
  static Map<String, String> files;

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b.demoCertificates(true));
    metadata = new MetadataClient(sim.client, sim.org.url(), sim.login());
    Soap retrieve = metadata.retrieve("<apiVersion>62.0</apiVersion><singlePackage>true</singlePackage><unpackaged>"
        + "<types><members>*</members><name>Certificate</name></types>"
        + "<types><members>*</members><name>InboundCertificate</name></types>"
        + "<types><members>*</members><name>SamlSsoConfig</name></types>"
        + "<types><members>Warehouse_Sync</members><name>ConnectedApp</name></types>"
        + "<types><members>*</members><name>ExtlClntAppGlobalOauthSettings</name></types>"
        + "<types><members>*</members><name>NamedCredential</name></types>"
        + "<types><members>*</members><name>ExternalCredential</name></types>"
        + "<version>62.0</version></unpackaged>");
    Soap retrieved = metadata.awaitRetrieve(retrieve.text("result/id"));
    assertThat(retrieved.text("result/status")).isEqualTo("Succeeded");
    files = MetadataClient.unzip(Base64.getDecoder().decode(retrieved.text("result/zipFile")));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static List<X509Certificate> chain(String pem) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(US_ASCII))).forEach(c -> out.add((X509Certificate) c));
    return out;
  }

  @Test
  void listMetadataNamesTheCertificatesWithIdsAndOwners() throws Exception {
    Soap list = metadata.soap("<listMetadata><queries><type>Certificate</type></queries><asOfVersion>62.0</asOfVersion>"
        + "</listMetadata>");
    List<Element> results = MetadataXml.children(list.element(), "result");
    assertThat(results).extracting(e -> MetadataXml.text(e, "fullName").orElseThrow())
        .containsExactlyInAnyOrder("Acme_Custom_Domain", "Billing_Client_mTLS", "SSO_Signing");
    for (Element e : results) {
      assertThat(MetadataXml.text(e, "id").orElseThrow()).startsWith("0P1");
      assertThat(MetadataXml.text(e, "fileName").orElseThrow()).startsWith("certs/").endsWith(".crt");
      assertThat(MetadataXml.text(e, "createdByName")).isPresent();
    }
  }

  @Test
  void retrieveReturnsEachCertificateAsCrtAndMetaXml() throws Exception {
    assertThat(files).containsKeys("certs/SSO_Signing.crt", "certs/SSO_Signing.crt-meta.xml",
        "inboundCertificates/Partner_Orders_Client.inboundCertificate",
        "inboundCertificates/Partner_Orders_Client.inboundCertificate-meta.xml",
        "samlssoconfigs/Okta.samlssoconfig", "connectedApps/Warehouse_Sync.connectedApp",
        "extlClntAppGlobalOauthSets/Warehouse_Sync_Global.ecaGlblOauth", "namedCredentials/Billing_API.namedCredential",
        "externalCredentials/Warehouse_JWT.externalCredential", "package.xml");
    assertThat(files.get("certs/SSO_Signing.crt-meta.xml")).contains("<Certificate xmlns=\"http://soap.sforce.com/2006/04/metadata\">",
        "<caSigned>false</caSigned>", "<encryptedWithPlatformEncryption>false</encryptedWithPlatformEncryption>",
        "<keySize>2048</keySize>", "<masterLabel>SSO Signing</masterLabel>", "<privateKeyExportable>true</privateKeyExportable>",
        "<expirationDate>2026-12-07T12:00:00.000Z</expirationDate>");
    assertThat(files.get("namedCredentials/Billing_API.namedCredential"))
        .contains("<certificate>Billing_Client_mTLS</certificate>", "<parameterType>ClientCertificate</parameterType>");
    assertThat(files.get("externalCredentials/Warehouse_JWT.externalCredential"))
        .contains("<certificate>SSO_Signing</certificate>", "<parameterType>SigningCertificate</parameterType>");
    assertThat(files.get("inboundCertificates/Partner_Orders_Client.inboundCertificate-meta.xml"))
        .contains("<issuer>CN=Acme Partner Issuing CA,O=Acme Corporation,C=US</issuer>", "<serialId>");
  }

  @Test
  void theSeededProblemsHoldRelativeToTheClock() throws Exception {
    Instant now = sim.clock.instant();
    X509Certificate expiring = chain(files.get("certs/SSO_Signing.crt")).getFirst();
    assertThat(Duration.between(now, expiring.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(9));

    List<X509Certificate> domain = chain(files.get("certs/Acme_Custom_Domain.crt"));
    assertThat(domain).hasSize(2);
    X509Certificate leaf = domain.getFirst();
    assertThat(leaf.getNotBefore().toInstant()).isAfter(Instant.parse("2026-03-15T00:00:00Z"));
    assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(398));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    List<X509Certificate> billing = chain(files.get("certs/Billing_Client_mTLS.crt"));
    assertThat(billing.get(1).getSigAlgName()).isEqualTo("SHA1withRSA");
    assertThat(billing.get(0).getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");

    X509Certificate partner = chain(files.get("inboundCertificates/Partner_Orders_Client.inboundCertificate")).getFirst();
    assertThat(partner.getExtendedKeyUsage()).doesNotContain("1.3.6.1.5.5.7.3.2");
  }

  @Test
  void theSamlConfigNamesTheSigningCertificateByIdAndHoldsTheIdpCertificate() throws Exception {
    Soap list = metadata.soap("<listMetadata><queries><type>Certificate</type></queries><asOfVersion>62.0</asOfVersion>"
        + "</listMetadata>");
    String signingId = MetadataXml.children(list.element(), "result").stream()
        .filter(e -> MetadataXml.text(e, "fullName").orElseThrow().equals("SSO_Signing"))
        .map(e -> MetadataXml.text(e, "id").orElseThrow()).findFirst().orElseThrow();
    String saml = files.get("samlssoconfigs/Okta.samlssoconfig");
    assertThat(saml).contains("<requestSigningCertId>" + signingId.substring(0, 15) + "</requestSigningCertId>");
    String validationCert = saml.substring(saml.indexOf("<validationCert>") + 16, saml.indexOf("</validationCert>"));
    X509Certificate idp = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(validationCert)));
    assertThat(idp.getSubjectX500Principal().getName()).isEqualTo("CN=acme.okta.example,OU=SSOProvider,O=Okta,C=US");
  }

  @Test
  void theConnectedAppAndTheExternalClientAppHoldTheSameJwtCertificate() {
    String app = files.get("connectedApps/Warehouse_Sync.connectedApp");
    String eca = files.get("extlClntAppGlobalOauthSets/Warehouse_Sync_Global.ecaGlblOauth");
    String pemInApp = app.substring(app.indexOf("-----BEGIN CERTIFICATE-----"), app.indexOf("-----END CERTIFICATE-----"));
    assertThat(eca).contains(pemInApp);
  }

  @Test
  void orgsWithoutTheSeedHoldNoCertificates() throws Exception {
    try (RunningSimulator plain = new RunningSimulator(b -> b)) {
      assertThat(plain.org.metadataNames("Certificate")).isEmpty();
      assertThat(sim.org.metadataNames("NamedCredential")).containsExactly("Billing_API");
    }
  }
}
