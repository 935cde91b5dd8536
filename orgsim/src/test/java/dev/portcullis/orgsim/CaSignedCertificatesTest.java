package dev.portcullis.orgsim;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.MetadataClient.Soap;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Salesforce's CA-signed certificate flow through the Metadata API (meta_certificate.htm, Usage): a
 * CA-signed Certificate deployed with an empty {@code .crt} gets a key pair made by the org and
 * retrieves as a CSR; the chain a CA signed for that CSR installs it; a chain for another key, a
 * malformed chain, a chain for a Certificate the org does not hold, a CSR as content and a changed key
 * size are component failures that leave the org as it was; a self-signed Certificate is stored as
 * deployed.
 */
class CaSignedCertificatesTest {
  static KeyPair caKeys;
  static X509Certificate ca;
  static KeyPair otherKeys;

  RunningSimulator sim;
  MetadataClient metadata;

  @BeforeAll
  static void makeCa() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    caKeys = rsa.generateKeyPair();
    otherKeys = rsa.generateKeyPair();
    X500Name name = new X500Name("CN=Test Issuing CA, O=Acme Corporation");
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
        Date.from(Instant.parse("2026-01-01T00:00:00Z")), Date.from(Instant.parse("2030-01-01T00:00:00Z")), name,
        caKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    ca = new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
  }

  @BeforeEach
  void start() throws Exception {
    sim = new RunningSimulator(b -> b);
    metadata = new MetadataClient(sim.client, sim.org.url(), sim.login());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  static String meta(boolean caSigned, int keySize, String label) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <Certificate xmlns="http://soap.sforce.com/2006/04/metadata">
            <caSigned>%s</caSigned>
            <keySize>%d</keySize>
            <masterLabel>%s</masterLabel>
            <privateKeyExportable>false</privateKeyExportable>
        </Certificate>
        """.formatted(caSigned, keySize, label);
  }

  /** Deploys certs/NAME.crt with {@code content} and its meta; answers the finished deploy. */
  Soap deploy(String name, String content, String meta) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("certs/" + name + ".crt", content);
    files.put("certs/" + name + ".crt-meta.xml", meta);
    files.put("package.xml", MetadataClient.packageXml("Certificate", name));
    Soap deploy = metadata.deploy(MetadataClient.zip(files), "<rollbackOnError>true</rollbackOnError>"
        + "<singlePackage>true</singlePackage>");
    return metadata.await(deploy.text("result/id"));
  }

  String file(String name, String suffix) {
    return new String(sim.org.metadataFiles("Certificate", name).orElseThrow().get("certs/" + name + suffix), UTF_8);
  }

  static PKCS10CertificationRequest csr(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) parser.readObject();
    }
  }

  static X509Certificate sign(PublicKey key, String cn) throws Exception {
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(77),
        Date.from(Instant.parse("2026-11-28T00:00:00Z")), Date.from(Instant.parse("2027-11-28T00:00:00Z")),
        new X500Name("CN=" + cn), key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
  }

  static String pem(X509Certificate... chain) throws Exception {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : chain) {
      out.append("-----BEGIN CERTIFICATE-----\n").append(Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII))
          .encodeToString(c.getEncoded())).append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  static String problem(Soap done) {
    List<Element> failures = done.all("result/details", "componentFailures");
    assertThat(failures).singleElement();
    return MetadataXml.text(failures.getFirst(), "problem").orElseThrow();
  }

  /** Requests a CA-signed certificate and answers the org's CSR. */
  PKCS10CertificationRequest request(String name, String label) throws Exception {
    Soap done = deploy(name, "", meta(true, 2048, label));
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    return csr(file(name, ".crt"));
  }

  @Test
  void aCaSignedCertificateDeployedWithoutAChainGetsAKeyPairAndRetrievesAsACsr() throws Exception {
    PKCS10CertificationRequest csr = request("Portal_TLS", "portal.acme.example");

    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))).isTrue();
    RSAPublicKey key = (RSAPublicKey) new JcaPKCS10CertificationRequest(csr).getPublicKey();
    assertThat(key.getModulus().bitLength()).isEqualTo(2048);
    assertThat(csr.getSubject().toString()).isEqualTo("C=US,ST=CA,L=San Francisco,O=Salesforce.com,OU=orgsim,"
        + "CN=portal.acme.example");
    Extensions requested = Extensions.getInstance(
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttrValues().getObjectAt(0));
    assertThat(GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName).getNames())
        .extracting(n -> n.getName().toString()).containsExactly("portal.acme.example");
    assertThat(file("Portal_TLS", ".crt-meta.xml")).contains("<caSigned>true</caSigned>", "<keySize>2048</keySize>")
        .doesNotContain("expirationDate");

    // The Metadata API serves the CSR as the .crt (a retrieve, as sf project retrieve start does).
    Soap retrieve = metadata.retrieve("<apiVersion>62.0</apiVersion><singlePackage>true</singlePackage><unpackaged>"
        + "<types><members>Portal_TLS</members><name>Certificate</name></types><version>62.0</version></unpackaged>");
    Soap retrieved = metadata.awaitRetrieve(retrieve.text("result/id"));
    Map<String, String> files = MetadataClient.unzip(Base64.getDecoder().decode(retrieved.text("result/zipFile")));
    assertThat(files.get("certs/Portal_TLS.crt")).startsWith("-----BEGIN CERTIFICATE REQUEST-----")
        .isEqualTo(file("Portal_TLS", ".crt"));

    // A label that is no host name asks for no subjectAltName.
    PKCS10CertificationRequest signing = request("SAML_Signing", "SAML Signing");
    assertThat(signing.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)).isEmpty();
  }

  @Test
  void theSignedChainForTheCsrInstallsItAndSetsTheExpirationDate() throws Exception {
    PKCS10CertificationRequest csr = request("Portal_TLS", "portal.acme.example");
    X509Certificate leaf = sign(new JcaPKCS10CertificationRequest(csr).getPublicKey(), "portal.acme.example");

    Soap done = deploy("Portal_TLS", pem(leaf, ca), meta(true, 2048, "portal.acme.example"));

    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(file("Portal_TLS", ".crt")).isEqualTo(pem(leaf, ca));
    assertThat(file("Portal_TLS", ".crt-meta.xml")).contains("<caSigned>true</caSigned>",
        "<expirationDate>2027-11-28T00:00:00.000Z</expirationDate>");

    // Deploying the meta again without content keeps the installed chain (no new key).
    assertThat(deploy("Portal_TLS", "", meta(true, 2048, "Portal TLS")).text("result/status")).isEqualTo("Succeeded");
    assertThat(file("Portal_TLS", ".crt")).isEqualTo(pem(leaf, ca));
  }

  @Test
  void redeployingTheRequestKeepsTheKeyAndItsCsr() throws Exception {
    request("Portal_TLS", "portal.acme.example");
    String first = file("Portal_TLS", ".crt");

    assertThat(deploy("Portal_TLS", "", meta(true, 2048, "portal.acme.example")).text("result/status"))
        .isEqualTo("Succeeded");
    assertThat(deploy("Portal_TLS", first, meta(true, 2048, "portal.acme.example")).text("result/status"))
        .as("the CSR the org made, deployed back (a retrieve then a deploy)").isEqualTo("Succeeded");

    assertThat(file("Portal_TLS", ".crt")).isEqualTo(first);
  }

  @Test
  void aChainForAnotherKeyIsRefusedAndNothingChanges() throws Exception {
    request("Portal_TLS", "portal.acme.example");
    String before = file("Portal_TLS", ".crt");
    String beforeMeta = file("Portal_TLS", ".crt-meta.xml");

    Soap done = deploy("Portal_TLS", pem(sign(otherKeys.getPublic(), "portal.acme.example"), ca),
        meta(true, 2048, "portal.acme.example"));

    assertThat(done.text("result/status")).isEqualTo("Failed");
    assertThat(problem(done)).contains("is not for Certificate Portal_TLS's key", "sign the CSR");
    assertThat(file("Portal_TLS", ".crt")).isEqualTo(before);
    assertThat(file("Portal_TLS", ".crt-meta.xml")).isEqualTo(beforeMeta);
  }

  @Test
  void aMalformedChainIsRefusedNamingWhatIsWrong() throws Exception {
    PKCS10CertificationRequest csr = request("Portal_TLS", "portal.acme.example");
    String before = file("Portal_TLS", ".crt");
    X509Certificate leaf = sign(new JcaPKCS10CertificationRequest(csr).getPublicKey(), "portal.acme.example");

    Soap garbage = deploy("Portal_TLS", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        meta(true, 2048, "portal.acme.example"));
    assertThat(garbage.text("result/status")).isEqualTo("Failed");
    assertThat(problem(garbage)).startsWith("the certificate chain is malformed: not PEM X.509 certificates");

    Soap reversed = deploy("Portal_TLS", pem(ca, leaf), meta(true, 2048, "portal.acme.example"));
    assertThat(reversed.text("result/status")).isEqualTo("Failed");
    assertThat(problem(reversed)).contains("is not issued by certificate 2", "give the leaf first");

    assertThat(file("Portal_TLS", ".crt")).isEqualTo(before);
  }

  @Test
  void aChainForACertificateTheOrgDoesNotHoldIsRefused() throws Exception {
    Soap done = deploy("Imported", pem(sign(otherKeys.getPublic(), "imported.acme.example"), ca),
        meta(true, 2048, "Imported"));

    assertThat(done.text("result/status")).isEqualTo("Failed");
    assertThat(problem(done)).contains("the org has no CA-signed Certificate Imported", "doesn't import private keys");
    assertThat(sim.org.metadataNames("Certificate")).doesNotContain("Imported");
  }

  @Test
  void aCsrAsContentAndAChangedKeySizeAreRefused() throws Exception {
    request("Portal_TLS", "portal.acme.example");
    String before = file("Portal_TLS", ".crt");

    Soap bigger = deploy("Portal_TLS", "", meta(true, 4096, "portal.acme.example"));
    assertThat(bigger.text("result/status")).isEqualTo("Failed");
    assertThat(problem(bigger)).contains("2048-bit key", "can't change");

    Soap foreignCsr = deploy("Other", before, meta(true, 2048, "Other"));
    assertThat(foreignCsr.text("result/status")).isEqualTo("Failed");
    assertThat(problem(foreignCsr)).contains("holds a certificate signing request");

    Soap type = deploy("Portal_TLS", "", meta(false, 2048, "portal.acme.example"));
    assertThat(type.text("result/status")).isEqualTo("Failed");
    assertThat(problem(type)).contains("type can't change");

    assertThat(file("Portal_TLS", ".crt")).isEqualTo(before);
    assertThat(sim.org.metadataNames("Certificate")).doesNotContain("Other");
  }

  @Test
  void aSelfSignedCertificateIsStoredAsDeployed() throws Exception {
    KeyPair keys = otherKeys;
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Self"), BigInteger.TWO,
        Date.from(Instant.parse("2026-11-28T00:00:00Z")), Date.from(Instant.parse("2026-11-28T00:00:00Z")
        .plus(Duration.ofDays(365))), new X500Name("CN=Self"), keys.getPublic());
    String self = pem(new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()))));

    Soap done = deploy("Self", self, meta(false, 2048, "Self"));

    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(file("Self", ".crt")).isEqualTo(self);
    assertThat(file("Self", ".crt-meta.xml")).isEqualTo(meta(false, 2048, "Self"));
  }
}
