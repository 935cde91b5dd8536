package dev.portcullis.certs.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signatures through the named providers (Conscrypt's where it loads, the JDK's, BouncyCastle's for ECDSA), the shared caches, and the fast reading of certificate times. */
class SignatureCheckerTest {
  private static final AtomicLong SERIALS = new AtomicLong(1);
  private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @ParameterizedTest
  @CsvSource({
      "RSA, 2048, SHA256withRSA, SHA256withRSA",
      "RSA, 3072, SHA384withRSA, SHA384withRSA",
      "RSA, 2048, SHA256withRSAandMGF1, RSASSA-PSS",
      "EC, secp256r1, SHA256withECDSA, SHA256withECDSA",
      "EC, secp384r1, SHA384withECDSA, SHA384withECDSA",
      "Ed25519, -, Ed25519, Ed25519"})
  void verifiesEachBaselineAlgorithmWithTheJdkAndRefusesAnotherKey(String keyType, String size, String signer, String jdkName)
      throws Exception {
    KeyPair issuerKey = key(keyType, size);
    ParsedCertificate issuer = ParsedCertificate.parse(1, certificate("CN=Issuer", issuerKey, "CN=Issuer", issuerKey, signer));
    ParsedCertificate subject = ParsedCertificate.parse(2, certificate("CN=Subject", key(keyType, size), "CN=Issuer", issuerKey, signer));
    ParsedCertificate impostor = ParsedCertificate.parse(3, certificate("CN=Issuer", key(keyType, size), "CN=Issuer", issuerKey, signer));

    assertThat(SignatureChecker.jdkAlgorithm(subject.certificate.getSignatureAlgorithm())).isEqualTo(jdkName);
    SignatureChecker checker = new SignatureChecker();
    assertThat(checker.verifies(subject, issuer)).isTrue();
    assertThat(checker.verifies(subject, impostor)).isFalse();
    assertThat(checker.performed).isEqualTo(2);
  }

  @Test
  void rsaAndNamedCurveKeysGoToConscryptWhereItLoadsAndTheRestStayWithTheJdkOrBouncyCastle() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(IssuerKey.CONSCRYPT != null,
        "Conscrypt's native library does not load on this platform: the JDK's and BouncyCastle's providers judge");
    assertThat(issuerKeyOf(key("RSA", "2048")).provider()).isSameAs(IssuerKey.CONSCRYPT);
    assertThat(issuerKeyOf(key("EC", "secp256r1")).provider()).isSameAs(IssuerKey.CONSCRYPT);
    assertThat(issuerKeyOf(key("EC", "secp384r1")).provider()).isSameAs(IssuerKey.CONSCRYPT);
    assertThat(issuerKeyOf(key("Ed25519", "-")).provider()).isSameAs(IssuerKey.SUN_EC);
    assertThat(issuerKeyOf(key("EC", "secp256r1")).withoutConscrypt(spki(key("EC", "secp256r1"))).provider())
        .isSameAs(IssuerKey.BOUNCY_CASTLE);
  }

  @Test
  void aKeyBoringSslRefusesIsStillJudgedByTheJdk() throws Exception {
    // RSA with a public exponent of 2^35 + 1: BoringSSL takes at most 33-bit exponents, the JDK and RFC 8017 more
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(new java.security.spec.RSAKeyGenParameterSpec(2048, BigInteger.ONE.shiftLeft(35).add(BigInteger.ONE)));
    KeyPair issuerKey = generator.generateKeyPair();
    ParsedCertificate issuer = ParsedCertificate.parse(1, certificate("CN=Big e", issuerKey, "CN=Big e", issuerKey, "SHA256withRSA"));
    ParsedCertificate subject = ParsedCertificate.parse(2, certificate("CN=Subject", key("RSA", "2048"), "CN=Big e", issuerKey,
        "SHA256withRSA"));
    ParsedCertificate impostor = ParsedCertificate.parse(3, certificate("CN=Big e", key("RSA", "2048"), "CN=Big e", issuerKey,
        "SHA256withRSA"));

    SignatureChecker checker = new SignatureChecker();
    assertThat(checker.verifies(subject, issuer)).isTrue();
    assertThat(checker.verifies(subject, impostor)).isFalse();
  }

  private static IssuerKey issuerKeyOf(KeyPair key) throws Exception {
    return IssuerKey.of(spki(key));
  }

  private static org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki(KeyPair key) {
    return org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
  }

  @Test
  void aTamperedSignatureFailsAndIsNotRemembered() throws Exception {
    KeyPair issuerKey = key("RSA", "2048");
    ParsedCertificate issuer = ParsedCertificate.parse(1, certificate("CN=Issuer", issuerKey, "CN=Issuer", issuerKey, "SHA256withRSA"));
    byte[] der = certificate("CN=Subject", key("RSA", "2048"), "CN=Issuer", issuerKey, "SHA256withRSA");
    byte[] tampered = der.clone();
    tampered[tampered.length - 1] ^= 0x01; // the last byte of the signature value
    ParsedCertificate bad = ParsedCertificate.parse(2, tampered);

    assertThat(new SignatureChecker().verifies(bad, issuer)).isFalse();
    assertThat(SignatureChecker.remembered(bad, issuer)).isFalse();
    assertThat(new SignatureChecker().verifies(bad, issuer)).isFalse();
  }

  @Test
  void aVerifiedPairIsRememberedAcrossSearchesAndNotForAnotherKey() throws Exception {
    KeyPair rootKey = key("EC", "secp256r1");
    byte[] rootDer = certificate("CN=Root", rootKey, "CN=Root", rootKey, "SHA256withECDSA");
    byte[] intermediateDer = certificate("CN=Intermediate", key("EC", "secp256r1"), "CN=Root", rootKey, "SHA256withECDSA");
    ParsedCertificate root = ParsedCertificate.parse(1, rootDer);
    ParsedCertificate intermediate = ParsedCertificate.parse(2, intermediateDer);
    ParsedCertificate otherRoot = ParsedCertificate.parse(3, certificate("CN=Root", key("EC", "secp256r1"), "CN=Root", rootKey, "SHA256withECDSA"));
    assertThat(SignatureChecker.remembered(intermediate, root)).isFalse();

    assertThat(new SignatureChecker().verifies(intermediate, root)).isTrue();

    assertThat(SignatureChecker.remembered(intermediate, root)).isTrue();
    // Another search parses the same bytes under other ids and finds the same fact; it still counts the check.
    SignatureChecker next = new SignatureChecker();
    assertThat(next.verifies(ParsedCertificate.parse(7, intermediateDer), ParsedCertificate.parse(9, rootDer))).isTrue();
    assertThat(next.performed).isEqualTo(1);
    assertThat(SignatureChecker.remembered(intermediate, otherRoot)).isFalse();
    assertThat(next.verifies(intermediate, otherRoot)).isFalse();
  }

  @Test
  void outerAndInnerAlgorithmIdentifiersMustBeIdentical() throws Exception {
    KeyPair issuerKey = key("RSA", "2048");
    ParsedCertificate issuer = ParsedCertificate.parse(1, certificate("CN=Issuer", issuerKey, "CN=Issuer", issuerKey, "SHA256withRSA"));
    // Signed with sha256WithRSAEncryption without parameters in tbsCertificate, then the outer field given NULL parameters.
    ContentSigner rsa = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate());
    AlgorithmIdentifier absent = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption);
    ContentSigner withoutParameters = new ContentSigner() {
      @Override public AlgorithmIdentifier getAlgorithmIdentifier() { return absent; }
      @Override public OutputStream getOutputStream() { return rsa.getOutputStream(); }
      @Override public byte[] getSignature() { return rsa.getSignature(); }
    };
    Certificate signed = builder("CN=Subject", key("RSA", "2048"), "CN=Issuer").build(withoutParameters).toASN1Structure();
    ASN1EncodableVector fields = new ASN1EncodableVector();
    fields.add(signed.getTBSCertificate());
    fields.add(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE));
    fields.add(signed.getSignature());
    byte[] mismatched = new DERSequence(fields).getEncoded(ASN1Encoding.DER);
    ParsedCertificate subject = ParsedCertificate.parse(2, mismatched);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(issuerKey.getPublic());
    jdk.update(signed.getTBSCertificate().getEncoded(ASN1Encoding.DER));
    assertThat(jdk.verify(signed.getSignature().getOctets())).isTrue(); // the signature itself is good

    assertThat(new SignatureChecker().verifies(subject, issuer)).isFalse();
  }

  @Test
  void theSameDerIsDecodedOnceAndAMalformedOneIsRefusedEveryTime() throws Exception {
    KeyPair key = key("EC", "secp256r1");
    byte[] der = certificate("CN=Shared", key, "CN=Shared", key, "SHA256withECDSA");
    ParsedCertificate first = ParsedCertificate.parse(1, der);
    ParsedCertificate second = ParsedCertificate.parse(5, der.clone());

    assertThat(second.certificate).isSameAs(first.certificate);
    assertThat(first.id).isEqualTo(1);
    assertThat(second.id).isEqualTo(5);
    assertThat(Arrays.equals(second.der, der)).isTrue();
    assertThat(Arrays.copyOfRange(der, first.tbsOffset, first.tbsOffset + first.tbsLength))
        .isEqualTo(first.certificate.getTBSCertificate().getEncoded(ASN1Encoding.DER));

    byte[] trailing = Arrays.copyOf(der, der.length + 1);
    assertThatThrownBy(() -> ParsedCertificate.parse(2, trailing)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ParsedCertificate.parse(2, trailing)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentValidationsSharingAnIntermediateAndRootGetEachChainsOwnAnswer() throws Exception {
    KeyPair rootKey = TestPki.newKey();
    KeyPair icaKey = TestPki.newKey();
    TestPki.Spec root = TestPki.ca("CN=Shared Root", rootKey);
    TestPki.Spec ica = TestPki.ca("CN=Shared CA", icaKey).issuedBy(root);
    byte[] icaDer = ica.der();
    byte[] rootDer = root.der();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      TestPki.Spec leaf = TestPki.leaf("CN=h" + i + ".example.com", TestPki.newKey()).dns("h" + i + ".example.com");
      byte[] der = leaf.issuedBy(ica).der();
      if (i % 2 == 1) {
        der[der.length - 1] ^= 0x01; // the last byte of the ECDSA signature's s: still DER, no longer valid
      }
      leaves.add(der);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ValidationResult>> results = new ArrayList<>();
      for (byte[] leaf : leaves) {
        results.add(pool.submit(() -> {
          start.await();
          return PathValidator.validate(ValidationRequest.builder(leaf).intermediates(List.of(icaDer))
              .trustAnchors(List.of(rootDer)).time(TestPki.NOW).build());
        }));
      }
      start.countDown();
      for (int i = 0; i < leaves.size(); i++) {
        ValidationResult result = results.get(i).get();
        if (i % 2 == 0) {
          assertThat(result.valid()).as("leaf %d", i).isTrue();
          assertThat(result.chain()).containsExactly(leaves.get(i), icaDer, rootDer);
        } else {
          assertThat(result.valid()).as("leaf %d", i).isFalse();
          assertThat(result.code()).isEqualTo(FailureCode.BAD_SIGNATURE);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @CsvSource({"491231235959Z", "500101000000Z", "260601120000Z", "000229000000Z"})
  void readsRfc5280UtcTimeAsBouncyCastleDoes(String text) throws Exception {
    Time time = new Time(new ASN1UTCTime(text));
    assertThat(CertificateTime.strict(time.toASN1Primitive().getEncoded(ASN1Encoding.DER))).isNotNull();
    assertThat(CertificateTime.of(time)).isEqualTo(time.getDate().toInstant());
  }

  @ParameterizedTest
  @CsvSource({"20500101000000Z", "99991231235959Z", "19700101000000Z"})
  void readsRfc5280GeneralizedTimeAsBouncyCastleDoes(String text) throws Exception {
    Time time = new Time(new ASN1GeneralizedTime(text));
    assertThat(CertificateTime.strict(time.toASN1Primitive().getEncoded(ASN1Encoding.DER))).isNotNull();
    assertThat(CertificateTime.of(time)).isEqualTo(time.getDate().toInstant());
  }

  @ParameterizedTest
  @CsvSource({"20500101000000.5Z", "20500101000000+0100"})
  void leavesOtherFormsToBouncyCastle(String text) throws Exception {
    Time time = new Time(new ASN1GeneralizedTime(text));
    assertThat(CertificateTime.strict(time.toASN1Primitive().getEncoded(ASN1Encoding.DER))).isNull();
    assertThat(CertificateTime.of(time)).isEqualTo(time.getDate().toInstant());
  }

  private static KeyPair key(String type, String size) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
    switch (type) {
      case "RSA" -> generator.initialize(Integer.parseInt(size));
      case "EC" -> generator.initialize(new ECGenParameterSpec(size));
      default -> { }
    }
    return generator.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(String subject, KeyPair key, String issuer) {
    return new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(NOW.minus(1, ChronoUnit.DAYS)), Date.from(NOW.plus(90, ChronoUnit.DAYS)), new X500Name(subject), key.getPublic());
  }

  private static byte[] certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey, String algorithm) throws Exception {
    // Signed by one provider and verified by another, two implementations that must agree: ECDSA is verified
    // with BouncyCastle's provider, so the JDK's signs it; everything else is verified by the JDK's.
    Provider signer = algorithm.endsWith("withECDSA") ? Security.getProvider("SunEC") : BOUNCY_CASTLE;
    return builder(subject, key, issuer)
        .build(new JcaContentSignerBuilder(algorithm).setProvider(signer).build(issuerKey.getPrivate())).getEncoded();
  }
}
