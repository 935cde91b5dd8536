package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis certs check} through Main: exit codes, the text report, JSON and SARIF. */
class CertsCheckCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
  private final KeyPair rootKey = ec();
  private final KeyPair leafKey = ec();
  private final byte[] root = certificate("CN=Corp Root", rootKey, "CN=Corp Root", rootKey, true, AT.plus(3650, ChronoUnit.DAYS));
  @TempDir Path dir;

  private static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey, boolean ca, Instant notAfter) {
    try {
      JcaX509ExtensionUtils utilities = new JcaX509ExtensionUtils();
      var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
          Date.from(AT.minus(30, ChronoUnit.DAYS)), Date.from(notAfter), new X500Name(subject), key.getPublic());
      builder.addExtension(Extension.subjectKeyIdentifier, false, utilities.createSubjectKeyIdentifier(key.getPublic()));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.authorityKeyIdentifier, false, utilities.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "client.corp.test")));
      }
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] leaf(Instant notAfter) {
    return certificate("CN=client.corp.test", leafKey, "CN=Corp Root", rootKey, false, notAfter);
  }

  private Path pem(String name, byte[]... certificates) throws Exception {
    StringBuilder text = new StringBuilder();
    for (byte[] der : certificates) {
      text.append("-----BEGIN CERTIFICATE-----\n").append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return Files.writeString(dir.resolve(name), text);
  }

  private static MainTest.Run run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), environment);
    return new MainTest.Run(code, out.toString(), err.toString());
  }

  @Test
  void aCleanPrivateChainExitsZero() throws Exception {
    Path chain = pem("client.pem", leaf(AT.plus(300, ChronoUnit.DAYS)));
    Path anchor = pem("root.pem", root);

    MainTest.Run run = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "inbound-api-mtls",
        "--trust-anchor", anchor.toString(), "--at", AT.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).startsWith("certs check at 2026-06-01T12:00:00Z: 1 chain, 0 findings")
        .contains("trust: 143 anchors (Mozilla snapshot: Debian package ca-certificates 20230311+deb12u1")
        .contains(chain + ": no findings");
  }

  @Test
  void theOrgsTrustedCaListIsReadFromPemOrASavedPageAndAPathOutsideItIsAFinding() throws Exception {
    Path chain = pem("client.pem", leaf(AT.plus(300, ChronoUnit.DAYS)));
    KeyPair otherKey = ec();
    byte[] other = certificate("CN=Other Root", otherKey, "CN=Other Root", otherKey, true, AT.plus(3650, ChronoUnit.DAYS));
    String rootPem = Files.readString(pem("root-only.pem", root));
    // the page saved from a browser: markup around and inside the PEM text, entities as a browser saves them
    Path page = Files.writeString(dir.resolve("cacerts.html"), "<html><body><h1>Trusted CA &amp; roots</h1><table><tr>"
        + "<td>Corp Root</td><td><pre>" + rootPem.replace("\n", "<br/>\n") + "</pre></td></tr></table></body></html>");
    Path otherOnly = pem("other.pem", other);

    MainTest.Run outside = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "outbound-tls",
        "--trust-anchor", pem("root.pem", root).toString(), "--org-trusted-cas", otherOnly.toString(), "--at", AT.toString());
    assertThat(outside.exitCode()).as(outside.err()).isEqualTo(1);
    assertThat(outside.out()).contains("trust-path").contains("not in the org's trusted CA list");

    MainTest.Run inside = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "outbound-tls",
        "--org-trusted-cas", page.toString(), "--at", AT.toString());
    assertThat(inside.out()).as(inside.err()).doesNotContain("trusted CA list").doesNotContain("trust-path");

    // the list alone anchors a client certificate of that root
    MainTest.Run client = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "inbound-api-mtls",
        "--org-trusted-cas", page.toString(), "--at", AT.toString());
    assertThat(client.exitCode()).as(client.out() + client.err()).isZero();

    Path noPem = Files.writeString(dir.resolve("names.html"), "<table><tr><td>CN=Corp Root</td></tr></table>");
    MainTest.Run refused = MainTest.run("certs", "check", "--pem", chain.toString(), "--org-trusted-cas", noPem.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("--org-trusted-cas", "names.html", "no PEM certificate");
  }

  @Test
  void anExpiredCertificateExitsOneWithTheFindingAndItsRule() throws Exception {
    Path chain = pem("client.pem", leaf(AT.minus(1, ChronoUnit.DAYS)));

    MainTest.Run run = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "inbound-api-mtls",
        "--trust-anchor", pem("root.pem", root).toString(), "--at", AT.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("  CRITICAL validity-window (C1): expired on 2026-05-31T12:00:00Z")
        .contains("           rule: RFC 5280 §4.1.2.5");
  }

  @Test
  void failOnRaisesTheThreshold() throws Exception {
    Path chain = pem("client.pem", leaf(AT.plus(5 * 365, ChronoUnit.DAYS))); // medium: private-lifetime

    MainTest.Run run = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "outbound-mtls",
        "--trust-anchor", pem("root.pem", root).toString(), "--at", AT.toString());
    MainTest.Run strict = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "outbound-mtls",
        "--trust-anchor", pem("root.pem", root).toString(), "--at", AT.toString(), "--fail-on", "medium");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("MEDIUM   private-lifetime (C3)");
    assertThat(strict.exitCode()).isEqualTo(1);
  }

  @Test
  void jsonCarriesEveryFieldOfAFinding() throws Exception {
    byte[] leaf = leaf(AT.minus(1, ChronoUnit.DAYS));
    Path chain = pem("client.pem", leaf);

    MainTest.Run run = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "inbound-api-mtls",
        "--trust-anchor", pem("root.pem", root).toString(), "--at", AT.toString(), "--json");

    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("at").asText()).isEqualTo("2026-06-01T12:00:00Z");
    assertThat(report.at("/trust_anchors/count").asInt()).isEqualTo(143);
    assertThat(report.at("/subjects/0/origin").asText()).isEqualTo(chain.toString());
    JsonNode finding = report.at("/findings/0");
    assertThat(finding.get("check").asText()).isEqualTo("validity-window");
    assertThat(finding.get("number").asText()).isEqualTo("C1");
    assertThat(finding.get("severity").asText()).isEqualTo("critical");
    assertThat(finding.get("fingerprint").asText()).isEqualTo(dev.portcullis.certs.check.CertificateChecks.fingerprint(leaf));
    assertThat(finding.get("subject").asText()).isEqualTo("CN=client.corp.test");
    assertThat(finding.get("use").asText()).isEqualTo("inbound-api-mtls");
    assertThat(finding.get("rule").asText()).isEqualTo("RFC 5280 §4.1.2.5");
    assertThat(finding.get("origin").asText()).isEqualTo(chain.toString());
    assertThat(report.at("/summary/critical").asInt()).isEqualTo(1);
  }

  @Test
  void sarifPointsAtTheInputFile() throws Exception {
    Path chain = pem("client.pem", leaf(AT.minus(1, ChronoUnit.DAYS)));
    Path sarif = dir.resolve("certs.sarif");

    MainTest.Run run = MainTest.run("certs", "check", "--pem", chain.toString(), "--use", "inbound-api-mtls",
        "--trust-anchor", pem("root.pem", root).toString(), "--at", AT.toString(), "--sarif", sarif.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode log = JSON.readTree(sarif.toFile());
    assertThat(log.get("version").asText()).isEqualTo("2.1.0");
    assertThat(log.at("/runs/0/tool/driver/rules/0/id").asText()).isEqualTo("validity-window");
    assertThat(log.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo(chain.toUri().toASCIIString());
  }

  @Test
  void aKeystoreIsReadWithThePasswordFromTheEnvironmentAndItsTrustStoreChecked() throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    store.load(null, null);
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Certificate leafCertificate = factory.generateCertificate(new java.io.ByteArrayInputStream(leaf(AT.plus(300, ChronoUnit.DAYS))));
    Certificate rootCertificate = factory.generateCertificate(new java.io.ByteArrayInputStream(root));
    store.setKeyEntry("client", leafKey.getPrivate(), "pw-123".toCharArray(), new Certificate[] {leafCertificate, rootCertificate});
    store.setCertificateEntry("corp-root", rootCertificate);
    Path file = dir.resolve("client.jks");
    try (var out = Files.newOutputStream(file)) {
      store.store(out, "pw-123".toCharArray());
    }

    MainTest.Run run = run(Map.of("KS_PW", "pw-123"), "certs", "check", "--keystore", file.toString(),
        "--keystore-password-env", "KS_PW", "--use", "outbound-mtls", "--at", AT.toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.findValuesAsText("check")).contains("salesforce-import", "root-migration");
    assertThat(run.out() + run.err()).doesNotContain("pw-123");
  }

  @Test
  void usageErrorsAndUnreadableInputExitTwo() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");

    assertThat(MainTest.run("certs", "check").exitCode()).isEqualTo(2);
    MainTest.Run bad = MainTest.run("certs", "check", "--pem", junk.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains(junk + " (neither PEM nor a DER certificate): not an X.509 certificate");
    MainTest.Run badUse = MainTest.run("certs", "check", "--pem", junk.toString(), "--use", "inbound");
    assertThat(badUse.exitCode()).isEqualTo(2);
    assertThat(badUse.err()).contains("unknown use 'inbound' (one of inbound-tls, outbound-tls");
    MainTest.Run noPassword = run(Map.of(), "certs", "check", "--keystore", junk.toString(), "--keystore-password-env", "NOPE");
    assertThat(noPassword.err()).contains("environment variable NOPE (--keystore-password-env) is not set");
  }

  @Test
  void anUnreachableEndpointExitsFour() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }

    MainTest.Run run = MainTest.run("certs", "check", "--endpoint", "127.0.0.1:" + port);

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("127.0.0.1:" + port + ": cannot connect");
  }

  @Test
  void theSameFileInputsFeedTheInventoryWithTheUseGiven() throws Exception {
    Path chain = pem("client.pem", leaf(AT.plus(300, ChronoUnit.DAYS)), root);

    MainTest.Run run = MainTest.run("certs", "inventory", "--pem", chain.toString(), "--use", "outbound-mtls", "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode items = JSON.readTree(run.out()).get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("use").asText()).isEqualTo("outbound-mtls");
    assertThat(items.get(0).get("subject").asText()).contains("client.corp.test");
    assertThat(items.get(0).get("fingerprint").asText()).hasSize(64);
    MainTest.Run noUse = MainTest.run("certs", "inventory", "--pem", chain.toString());
    assertThat(noUse.exitCode()).isEqualTo(2);
    assertThat(noUse.err()).contains("--use", "outbound-mtls");
    MainTest.Run badUse = MainTest.run("certs", "inventory", "--pem", chain.toString(), "--use", "callouts");
    assertThat(badUse.exitCode()).isEqualTo(2);
  }
}
