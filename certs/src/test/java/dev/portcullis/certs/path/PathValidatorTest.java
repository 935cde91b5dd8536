package dev.portcullis.certs.path;

import static dev.portcullis.certs.path.TestPki.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

class PathValidatorTest {
  private static final KeyPair ROOT_KEY = TestPki.newKey();
  private static final KeyPair ICA_KEY = TestPki.newKey();
  private static final KeyPair OTHER_KEY = TestPki.newKey();
  private static final KeyPair LEAF_KEY = TestPki.newKey();

  private final TestPki.Spec root = TestPki.ca("CN=Test Root", ROOT_KEY);
  private final TestPki.Spec ica = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(root);

  private static ValidationRequest.Builder request(byte[] leaf, List<byte[]> intermediates, byte[] anchor) {
    return ValidationRequest.builder(leaf).intermediates(intermediates).trustAnchors(List.of(anchor)).time(NOW);
  }

  private ValidationResult serve(TestPki.Spec leaf, String host) {
    return PathValidator.validate(request(leaf.der(), List.of(ica.der()), root.der())
        .peerName(new PeerName.Dns(host)).build());
  }

  @Test
  void aWellFormedChainIsValidAndComesBackLeafFirst() {
    byte[] leaf = TestPki.leaf("CN=www.example.com", LEAF_KEY).issuedBy(ica).dns("www.example.com").der();
    byte[] intermediate = ica.der();
    byte[] anchor = root.der();

    ValidationResult result = PathValidator.validate(request(leaf, List.of(intermediate), anchor)
        .peerName(new PeerName.Dns("WWW.Example.COM")).build());

    assertThat(result.failures()).isEmpty();
    assertThat(result.valid()).isTrue();
    assertThat(result.chain()).containsExactly(leaf, intermediate, anchor);
  }

  @Test
  void aDecodingHandedWithTheRequestStandsOnlyForTheDerItWasMadeFrom() {
    byte[] good = TestPki.leaf("CN=www.example.com", LEAF_KEY).issuedBy(ica).dns("www.example.com").der();
    byte[] stranger = TestPki.leaf("CN=www.example.com", OTHER_KEY).issuedBy(ica).dns("www.example.com").der();
    byte[] intermediate = ica.der();
    byte[] anchor = root.der();
    DecodedCertificate decodedGood = DecodedCertificate.decode(good);
    DecodedCertificate decodedStranger = DecodedCertificate.decode(stranger);
    byte[] forged = good.clone();
    forged[forged.length - 1] ^= 0x01; // the same certificate but for the last byte of its signature

    ValidationResult reused = PathValidator.validate(request(good, List.of(intermediate), anchor)
        .decoded(List.of(decodedStranger, decodedGood, DecodedCertificate.decode(intermediate))).build());
    ValidationResult notReused = PathValidator.validate(request(forged, List.of(intermediate), anchor)
        .decoded(List.of(decodedGood, decodedStranger)).build());

    assertThat(decodedGood.decodingOf(good)).isNotNull();
    assertThat(decodedGood.decodingOf(forged)).isNull();
    assertThat(decodedGood.der()).isEqualTo(good);
    assertThat(reused.valid()).isTrue();
    assertThat(reused.chain()).containsExactly(good, intermediate, anchor);
    assertThat(notReused.valid()).isFalse();
    assertThat(notReused.code()).isEqualTo(FailureCode.BAD_SIGNATURE);
  }

  @Test
  void nameConstraintsOnTheTrustAnchorBindEveryCertificateBelowIt() {
    TestPki.Spec constrainedRoot = TestPki.ca("CN=Constrained Root", ROOT_KEY).permitDns("example.com");
    TestPki.Spec issuing = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(constrainedRoot);
    byte[] inside = TestPki.leaf("CN=a.example.com", LEAF_KEY).issuedBy(issuing).dns("a.example.com").der();
    byte[] outside = TestPki.leaf("CN=a.example.com", LEAF_KEY).issuedBy(issuing).dns("a.example.com", "bank.test").der();

    ValidationResult good = PathValidator.validate(request(inside, List.of(issuing.der()), constrainedRoot.der())
        .peerName(new PeerName.Dns("a.example.com")).build());
    ValidationResult bad = PathValidator.validate(request(outside, List.of(issuing.der()), constrainedRoot.der())
        .peerName(new PeerName.Dns("a.example.com")).build());

    assertThat(good.valid()).isTrue();
    assertThat(bad.valid()).isFalse();
    assertThat(bad.code()).isEqualTo(FailureCode.NAME_CONSTRAINTS_VIOLATED);
    assertThat(bad.failures().get(0).message()).contains("bank.test").contains("CN=Constrained Root");
  }

  @Test
  void aWildcardSanMatchingAnExcludedNameIsRefused() {
    TestPki.Spec constrained = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(root).excludeDns("admin.example.com");
    byte[] leaf = TestPki.leaf("CN=example", LEAF_KEY).issuedBy(constrained).dns("*.example.com").der();

    ValidationResult result = PathValidator.validate(request(leaf, List.of(constrained.der()), root.der())
        .peerName(new PeerName.Dns("www.example.com")).build());

    assertThat(result.code()).isEqualTo(FailureCode.NAME_CONSTRAINTS_VIOLATED);
  }

  @Test
  void aWildcardStandsForExactlyTheLeftMostLabel() {
    TestPki.Spec leaf = TestPki.leaf("CN=wild", LEAF_KEY).issuedBy(ica).dns("*.example.com");

    assertThat(serve(leaf, "foo.example.com").valid()).isTrue();
    assertThat(serve(leaf, "example.com").code()).isEqualTo(FailureCode.NAME_MISMATCH);
    assertThat(serve(leaf, "a.b.example.com").code()).isEqualTo(FailureCode.NAME_MISMATCH);
  }

  @Test
  void aWildcardOverAPublicSuffixMatchesNothing() {
    TestPki.Spec leaf = TestPki.leaf("CN=wild", LEAF_KEY).issuedBy(ica).dns("*.co.uk", "shop.example.co.uk");

    assertThat(serve(leaf, "example.co.uk").code()).isEqualTo(FailureCode.NAME_MISMATCH);
    assertThat(serve(leaf, "shop.example.co.uk").valid()).isTrue();
  }

  @Test
  void theCommonNameIsNeverAHostName() {
    TestPki.Spec noSan = TestPki.leaf("CN=www.example.com", LEAF_KEY).issuedBy(ica);
    TestPki.Spec otherSan = TestPki.leaf("CN=www.example.com", LEAF_KEY).issuedBy(ica).dns("api.example.com");

    assertThat(serve(noSan, "www.example.com").code()).isEqualTo(FailureCode.SUBJECT_ALT_NAME);
    assertThat(serve(otherSan, "www.example.com").code()).isEqualTo(FailureCode.NAME_MISMATCH);
  }

  @Test
  void anIpAddressMatchesOnlyAnIpSanByteForByte() {
    byte[] leaf = TestPki.leaf("CN=10.0.0.1", LEAF_KEY).issuedBy(ica).ip("10.0.0.1").dns("10.0.0.2").der();

    ValidationResult exact = PathValidator.validate(request(leaf, List.of(ica.der()), root.der())
        .peerName(new PeerName.Ip("10.0.0.1")).build());
    ValidationResult onlyInDnsName = PathValidator.validate(request(leaf, List.of(ica.der()), root.der())
        .peerName(new PeerName.Ip("10.0.0.2")).build());
    ValidationResult leadingZero = PathValidator.validate(request(leaf, List.of(ica.der()), root.der())
        .peerName(new PeerName.Ip("010.0.0.1")).build());

    assertThat(exact.valid()).isTrue();
    assertThat(onlyInDnsName.code()).isEqualTo(FailureCode.NAME_MISMATCH);
    assertThat(leadingZero.code()).isEqualTo(FailureCode.INVALID_PEER_NAME);
  }

  @Test
  void pathLenConstraintCountsTheIntermediatesBelow() {
    TestPki.Spec limited = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(root).pathLength(0);
    TestPki.Spec sub = TestPki.ca("CN=Sub CA", OTHER_KEY).issuedBy(limited);
    byte[] leafUnderSub = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(sub).dns("x.example.com").der();
    byte[] leafUnderLimited = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(limited).dns("x.example.com").der();

    ValidationResult tooDeep = PathValidator.validate(request(leafUnderSub, List.of(sub.der(), limited.der()), root.der()).build());
    ValidationResult fine = PathValidator.validate(request(leafUnderLimited, List.of(limited.der()), root.der()).build());

    assertThat(tooDeep.code()).isEqualTo(FailureCode.PATH_LENGTH_EXCEEDED);
    assertThat(fine.valid()).isTrue();
  }

  @Test
  void theEndEntityMustCarryTheKeyPurposeAskedFor() {
    byte[] client = TestPki.leaf("CN=client", LEAF_KEY).issuedBy(ica).dns("client.example.com")
        .keyPurposes(KeyPurposeId.id_kp_clientAuth).der();
    byte[] any = TestPki.leaf("CN=any", LEAF_KEY).issuedBy(ica).dns("any.example.com")
        .keyPurposes(KeyPurposeId.anyExtendedKeyUsage).der();
    byte[] none = TestPki.leaf("CN=none", LEAF_KEY).issuedBy(ica).dns("none.example.com").keyPurposes().der();

    assertThat(PathValidator.validate(request(client, List.of(ica.der()), root.der()).build()).code())
        .isEqualTo(FailureCode.EXTENDED_KEY_USAGE);
    assertThat(PathValidator.validate(request(client, List.of(ica.der()), root.der())
        .purpose(new Purpose.ClientAuth()).build()).valid()).isTrue();
    assertThat(PathValidator.validate(request(any, List.of(ica.der()), root.der()).build()).code())
        .isEqualTo(FailureCode.EXTENDED_KEY_USAGE);
    assertThat(PathValidator.validate(request(none, List.of(ica.der()), root.der()).build()).code())
        .isEqualTo(FailureCode.EXTENDED_KEY_USAGE);
  }

  @Test
  void expiryIsCheckedOnEveryCertificateAtTheRequestedTime() {
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com")
        .validity(NOW.minus(10, ChronoUnit.DAYS), NOW.minusSeconds(1)).der();
    TestPki.Spec expiredIca = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(root)
        .validity(NOW.minus(400, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS));
    byte[] leafUnderExpired = TestPki.leaf("CN=y", LEAF_KEY).issuedBy(expiredIca).dns("y.example.com").der();

    ValidationResult expiredLeaf = PathValidator.validate(request(leaf, List.of(ica.der()), root.der()).build());
    ValidationResult sameLeafBefore = PathValidator.validate(request(leaf, List.of(ica.der()), root.der())
        .time(NOW.minus(2, ChronoUnit.DAYS)).build());
    ValidationResult expiredIntermediate = PathValidator.validate(
        request(leafUnderExpired, List.of(expiredIca.der()), root.der()).build());

    assertThat(expiredLeaf.code()).isEqualTo(FailureCode.EXPIRED);
    assertThat(sameLeafBefore.valid()).isTrue();
    assertThat(expiredIntermediate.code()).isEqualTo(FailureCode.EXPIRED);
    assertThat(expiredIntermediate.failures().get(0).certificate()).isEqualTo("CN=Test Issuing CA");
  }

  @Test
  void anExpiredCrossSignDoesNotHideAGoodPath() {
    TestPki.Spec expiredCopy = TestPki.ca("CN=Test Issuing CA", ICA_KEY).issuedBy(root)
        .validity(NOW.minus(400, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS));
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com").der();
    byte[] good = ica.der();

    ValidationResult result = PathValidator.validate(request(leaf, List.of(expiredCopy.der(), good), root.der()).build());

    assertThat(result.valid()).isTrue();
    assertThat(result.chain().get(1)).isEqualTo(good);
  }

  @Test
  void aCrlFromTheIssuerRevokes() {
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com").der();
    byte[] otherLeaf = TestPki.leaf("CN=y", LEAF_KEY).issuedBy(ica).dns("y.example.com").der();
    List<byte[]> crl = List.of(TestPki.crl(ica, TestPki.serial(leaf)));

    ValidationResult revoked = PathValidator.validate(request(leaf, List.of(ica.der()), root.der()).crls(crl).build());
    ValidationResult notListed = PathValidator.validate(request(otherLeaf, List.of(ica.der()), root.der()).crls(crl).build());

    assertThat(revoked.code()).isEqualTo(FailureCode.REVOKED);
    assertThat(notListed.valid()).isTrue();
  }

  @Test
  void aPoolOfMutuallySigningCasIsSearchedWithBoundedWork() {
    // Forty CAs sharing one name and one key: each appears to have signed every other, and none
    // chains to the root (Go's TestPathologicalChains worst case).
    List<byte[]> pool = new ArrayList<>();
    TestPki.Spec stranger = TestPki.ca("CN=Elsewhere", ROOT_KEY);
    for (int i = 0; i < 40; i++) {
      pool.add(TestPki.ca("CN=Loop CA", OTHER_KEY).issuedBy(TestPki.ca("CN=Loop CA", OTHER_KEY)).der());
    }
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(TestPki.ca("CN=Loop CA", OTHER_KEY)).dns("x.example.com").der();

    long started = System.nanoTime();
    ValidationResult result = PathValidator.validate(request(leaf, pool, stranger.der()).budget(Duration.ofSeconds(60)).build());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.valid()).isFalse();
    // The candidate bound stopped it, not the (generous) clock.
    assertThat(result.failures()).filteredOn(f -> f.code() == FailureCode.BUDGET_EXHAUSTED)
        .extracting(ValidationFailure::message).containsExactly("gave up after examining 10000 candidate issuers");
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anUnrelatedBrokenAnchorFailsNothing() {
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com").der();
    byte[] garbage = {0x30, 0x03, 0x02, 0x01, 0x01};

    ValidationResult result = PathValidator.validate(ValidationRequest.builder(leaf).intermediates(List.of(ica.der()))
        .trustAnchors(List.of(garbage, root.der())).time(NOW).build());

    assertThat(result.valid()).isTrue();
  }

  @Test
  void anUndecodableLeafIsAMalformedCertificate() {
    ValidationResult result = PathValidator.validate(request(new byte[] {1, 2, 3}, List.of(), root.der()).build());

    assertThat(result.code()).isEqualTo(FailureCode.MALFORMED_CERTIFICATE);
  }

  @Test
  void aCoveringCrlWithoutACrlNumberFailsClosed() throws Exception {
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com").der();
    var builder = new org.bouncycastle.cert.X509v2CRLBuilder(
        new org.bouncycastle.asn1.x500.X500Name(ica.subject), java.util.Date.from(NOW.minusSeconds(60)));
    byte[] crl = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
        .build(ICA_KEY.getPrivate())).getEncoded();

    ValidationResult result = PathValidator.validate(request(leaf, List.of(ica.der()), root.der()).crls(List.of(crl)).build());

    assertThat(result.code()).isEqualTo(FailureCode.INVALID_CRL);
    assertThat(result.failures().get(0).message()).contains("cRLNumber");
  }

  @Test
  void theDepthLimitCountsIntermediates() {
    TestPki.Spec sub = TestPki.ca("CN=Sub CA", OTHER_KEY).issuedBy(ica);
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(sub).dns("x.example.com").der();

    ValidationResult two = PathValidator.validate(request(leaf, List.of(sub.der(), ica.der()), root.der()).maxIntermediates(2).build());
    ValidationResult one = PathValidator.validate(request(leaf, List.of(sub.der(), ica.der()), root.der()).maxIntermediates(1).build());

    assertThat(two.valid()).isTrue();
    assertThat(one.code()).isEqualTo(FailureCode.MAX_DEPTH_EXCEEDED);
  }

  @Test
  void aMissingIssuerNamesItAndTheCertificatesThatDidNotDecode() {
    byte[] leaf = TestPki.leaf("CN=x", LEAF_KEY).issuedBy(ica).dns("x.example.com").der();

    ValidationResult result = PathValidator.validate(request(leaf, List.of(new byte[] {0x30, 0x00}), root.der()).build());

    assertThat(result.failures()).extracting(ValidationFailure::code)
        .containsExactly(FailureCode.NO_PATH, FailureCode.MALFORMED_CERTIFICATE);
    assertThat(result.failures().get(0).message()).contains("CN=Test Issuing CA");
    assertThat(result.failures().get(1).certificate()).isEqualTo("intermediate #1");
  }

  @Test
  void emailConstraintsReachTheSubjectEmailAddressWhenThereIsNoSan() {
    TestPki.Spec mailRoot = TestPki.ca("CN=Mail Root", ROOT_KEY).permitEmail("example.com");
    TestPki.Spec inside = TestPki.leaf("CN=Alice,E=alice@example.com", LEAF_KEY).issuedBy(mailRoot)
        .keyPurposes(KeyPurposeId.id_kp_clientAuth);
    TestPki.Spec outside = TestPki.leaf("CN=Mallory,E=mallory@evil.test", LEAF_KEY).issuedBy(mailRoot)
        .keyPurposes(KeyPurposeId.id_kp_clientAuth);

    ValidationResult good = PathValidator.validate(ValidationRequest.builder(inside.der())
        .trustAnchors(List.of(mailRoot.der())).time(NOW).purpose(new Purpose.ClientAuth()).build());
    ValidationResult bad = PathValidator.validate(ValidationRequest.builder(outside.der())
        .trustAnchors(List.of(mailRoot.der())).time(NOW).purpose(new Purpose.ClientAuth()).build());

    assertThat(good.failures()).isEmpty();
    assertThat(bad.code()).isEqualTo(FailureCode.NAME_CONSTRAINTS_VIOLATED);
    assertThat(bad.failures().get(0).message()).contains("mallory@evil.test");
  }
}
