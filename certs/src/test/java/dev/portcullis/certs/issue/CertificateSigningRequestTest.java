package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.certs.Use;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading an org's CSR (RFC 2986, PEM per RFC 7468 §7) and the private CA signing it: the key, CN and
 * requested dNSNames come out as the requester put them; a request whose signature does not verify,
 * an EC key or text that is no CSR is {@code CSR_INVALID}, and no input makes the parser throw
 * anything else. The CA's certificate is for the CSR's key, with the use's EKU, and no key is made.
 */
class CertificateSigningRequestTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  static KeyPair rsa;
  static byte[] valid;

  @BeforeContainer
  static synchronized void keys() throws Exception {
    if (rsa != null) {
      return;
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    rsa = generator.generateKeyPair();
    valid = pem(csr(rsa, "CN=portal.acme.example, O=Salesforce.com", "portal.acme.example", "www.acme.example"));
  }

  static byte[] csr(KeyPair keys, String subject, String... dnsNames) throws Exception {
    JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject),
        keys.getPublic());
    if (dnsNames.length > 0) {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(Arrays.stream(dnsNames)
          .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
    }
    String algorithm = keys.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())).getEncoded();
  }

  static byte[] pem(byte[] der) {
    return ("-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n").getBytes(US_ASCII);
  }

  @Test
  void readsTheKeyTheCommonNameAndTheRequestedDnsNames() throws Exception {
    keys();
    CertificateSigningRequest csr = CertificateSigningRequest.parsePem(valid, "certs/Portal.crt");

    assertThat(csr.isFor(rsa.getPublic())).isTrue();
    assertThat(csr.rsaBits()).isEqualTo(2048);
    assertThat(csr.commonName()).isEqualTo("portal.acme.example");
    assertThat(csr.dnsNames()).containsExactly("portal.acme.example", "www.acme.example");
    assertThat(CertificateSigningRequest.parsePem(csr.pem().getBytes(US_ASCII), "again").der()).isEqualTo(csr.der());
    assertThat(csr.sha256()).matches("[0-9a-f]{64}");
  }

  @Test
  void refusesABadSignatureAnEcKeyAndACertificate() throws Exception {
    keys();
    byte[] der = csr(rsa, "CN=x");
    der[der.length - 1] ^= 1; // the last byte of the signature
    assertThatThrownBy(() -> CertificateSigningRequest.parsePem(pem(der), "certs/Bad.crt"))
        .isInstanceOf(IssueException.class).hasMessageStartingWith("certs/Bad.crt: ")
        .hasMessageContaining("signature does not verify")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.CSR_INVALID);

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    assertThatThrownBy(() -> CertificateSigningRequest.parsePem(pem(csr(ec.generateKeyPair(), "CN=x")), "certs/Ec.crt"))
        .hasMessageContaining("not RSA");

    assertThatThrownBy(() -> CertificateSigningRequest.parsePem(
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".getBytes(US_ASCII), "certs/Cert.crt"))
        .isInstanceOf(IssueException.class).hasMessageContaining("certs/Cert.crt");
  }

  @Test
  void thePrivateCaSignsTheCsrKeyWithTheUsesEkuAndMakesNoKey(@TempDir Path dir) throws Exception {
    keys();
    PrivateCertificateAuthority ca = PrivateCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), "pw".toCharArray(),
        "CN=Test CA", CLOCK, PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
    CertificateSigningRequest csr = CertificateSigningRequest.parsePem(valid, "csr");

    List<X509Certificate> chain = ca.sign(new IssueRequest("Billing_Client", List.of(), Use.OUTBOUND_MTLS, 2048,
        Duration.ofDays(200)), csr);

    X509Certificate leaf = chain.getFirst();
    assertThat(csr.isFor(leaf.getPublicKey())).isTrue();
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(chain.get(1)).isEqualTo(ca.certificate());
    assertThat(leaf.getSubjectX500Principal().getName()).as("the CA decides the subject").isEqualTo("CN=Billing_Client");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(CLOCK.instant().plus(Duration.ofDays(200)));

    assertThatThrownBy(() -> ca.sign(new IssueRequest("www", List.of("www.acme.example"), Use.INBOUND_TLS, 2048,
        Duration.ofDays(90)), csr)).extracting(e -> ((IssueException) e).code())
        .isEqualTo(IssueException.Code.POLICY_REFUSED);
    assertThatThrownBy(() -> ca.sign(new IssueRequest("sso", List.of(), Use.OUTBOUND_SSO, 2048, Duration.ofDays(398)),
        csr)).hasMessageContaining("above the private CA's maximum");
  }

  @Provide
  Arbitrary<byte[]> mangled() {
    Arbitrary<byte[]> flipped = Arbitraries.integers().between(0, valid.length - 1).tuple2()
        .map(t -> {
          byte[] copy = valid.clone();
          copy[t.get1()] = (byte) (copy[t.get1()] ^ (1 << (t.get2() % 8)));
          return copy;
        });
    Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, valid.length - 1)
        .map(n -> Arrays.copyOf(valid, n));
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<byte[]> wrappedNoise = noise.map(b -> pem(b));
    return Arbitraries.oneOf(flipped, truncated, noise, wrappedNoise);
  }

  @Property(tries = 400)
  void anyInputIsACsrOrCsrInvalidNeverAnotherFailure(@ForAll("mangled") byte[] input) {
    try {
      CertificateSigningRequest csr = CertificateSigningRequest.parsePem(input, "input");
      // What still parses is a request whose own signature verified: the key is the one that signed it.
      assertThat(csr.rsaBits()).isEqualTo(2048);
      assertThat(csr.isFor(rsa.getPublic())).isTrue();
    } catch (IssueException e) {
      assertThat(e.code()).isEqualTo(IssueException.Code.CSR_INVALID);
      assertThat(e.getMessage()).startsWith("input: ");
    }
  }
}
