package dev.portcullis.certs.check;

import static dev.portcullis.certs.check.CheckPki.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.certs.Use;
import dev.portcullis.certs.source.FoundChain.PrivateKeyFacts;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/** Each check of cert-anchors.md §7 on chains built to break exactly that rule. */
class CertificateChecksTest {
  private final KeyPair rootKey = CheckPki.ecKey();
  private final KeyPair intermediateKey = CheckPki.ecKey();
  private final KeyPair leafKey = CheckPki.ecKey();
  private final CheckPki.Spec root = CheckPki.ca("CN=Test Public Root,O=Test", rootKey)
      .validity(NOW.minus(3650, ChronoUnit.DAYS), NOW.plus(3650, ChronoUnit.DAYS));
  private final CheckPki.Spec intermediate = CheckPki.ca("CN=Test Issuing CA,O=Test", intermediateKey).issuedBy(root)
      .validity(NOW.minus(365, ChronoUnit.DAYS), NOW.plus(1825, ChronoUnit.DAYS));
  private final byte[] rootDer = root.der();
  private final byte[] intermediateDer = intermediate.der();

  private CheckPki.Spec leaf() {
    return CheckPki.leaf("CN=shop.example.com", leafKey).issuedBy(intermediate).dns("shop.example.com");
  }

  private CheckContext publicContext() {
    return CheckContext.of(NOW, CheckPki.publicRoots(null, rootDer));
  }

  private static List<Finding> check(Use use, CheckContext context, byte[]... chain) {
    return CertificateChecks.check(new Subject("chain.pem", use, List.of(chain), Optional.empty(), Optional.empty()), context);
  }

  private static List<String> ids(List<Finding> findings) {
    return findings.stream().map(f -> f.check().id()).toList();
  }

  @Test
  void aWellFormedPublicChainHasNoFindings() {
    List<Finding> findings = check(Use.OUTBOUND_TLS, publicContext().withExpectedNames(List.of("shop.example.com")),
        leaf().der(), intermediateDer);

    assertThat(findings).isEmpty();
  }

  private static List<String> orgListFindings(List<Finding> findings) {
    return findings.stream().filter(f -> f.check() == CheckId.TRUST_PATH && f.message().contains("trusted CA list"))
        .map(Finding::message).toList();
  }

  @Test
  void theOrgsTrustedCaListGovernsCalloutTargetsAndPublicClientCertificatesOnly() {
    byte[] otherRoot = CheckPki.ca("CN=Other Public Root,O=Other", CheckPki.ecKey())
        .validity(NOW.minus(3650, ChronoUnit.DAYS), NOW.plus(3650, ChronoUnit.DAYS)).der();
    CheckContext notListed = CheckContext.of(NOW, CheckPki.publicRoots(null, rootDer, otherRoot)
        .withOrgTrusted(List.of(otherRoot)));
    CheckContext listed = CheckContext.of(NOW, CheckPki.publicRoots(null, rootDer, otherRoot)
        .withOrgTrusted(List.of(otherRoot, rootDer)));
    byte[] server = leaf().der();
    byte[] client = leaf().purposes(KeyPurposeId.id_kp_clientAuth).der();

    // a callout target under a public root the org does not list: Salesforce refuses it
    assertThat(orgListFindings(check(Use.OUTBOUND_TLS, notListed, server, intermediateDer))).singleElement()
        .satisfies(m -> assertThat(m).contains("public root", "Test Public Root", "outbound-tls"));
    assertThat(check(Use.OUTBOUND_TLS, notListed, server, intermediateDer)).filteredOn(f -> f.check() == CheckId.TRUST_PATH)
        .singleElement().satisfies(f -> assertThat(f.rule()).contains("000385468"));
    assertThat(check(Use.OUTBOUND_TLS, listed, server, intermediateDer)).isEmpty();
    // a public CA's client certificate likewise; the same chain for a use the list does not govern: nothing
    assertThat(orgListFindings(check(Use.INBOUND_API_MTLS, notListed, client, intermediateDer))).hasSize(1);
    assertThat(orgListFindings(check(Use.INBOUND_USER_MTLS, listed, client, intermediateDer))).isEmpty();
    assertThat(orgListFindings(check(Use.INBOUND_TLS, notListed, server, intermediateDer))).isEmpty();
    // without the list, nothing of the kind
    assertThat(orgListFindings(check(Use.OUTBOUND_TLS, publicContext(), server, intermediateDer))).isEmpty();

    // a private root: never a callout target's, while a private CA's client certificate is matched by upload instead
    CheckContext privateRoot = CheckContext.of(NOW, TrustAnchors.none().withPrivate(List.of(rootDer))
        .withOrgTrusted(List.of(otherRoot)));
    assertThat(orgListFindings(check(Use.OUTBOUND_TLS, privateRoot, server, intermediateDer))).singleElement()
        .satisfies(m -> assertThat(m).contains("private root"));
    assertThat(orgListFindings(check(Use.INBOUND_API_MTLS, privateRoot, client, intermediateDer))).isEmpty();

    // a root that only the org's list has (not in the Mozilla snapshot) anchors the path
    CheckContext onlyTheOrg = CheckContext.of(NOW, TrustAnchors.none().withOrgTrusted(List.of(rootDer)));
    assertThat(check(Use.OUTBOUND_TLS, onlyTheOrg, server, intermediateDer))
        .filteredOn(f -> f.check() == CheckId.TRUST_PATH).isEmpty();
  }

  @Test
  void anOrgTrustedCaListThatIsEmptyOrDoesNotDecodeIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustAnchors.mozilla().withOrgTrusted(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no certificate");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustAnchors.mozilla().withOrgTrusted(
        List.of(rootDer, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate #2");
  }

  @Test
  void everyFindingCarriesTheLeafFingerprintSubjectUseRuleAndOrigin() {
    byte[] expired = leaf().validity(NOW.minus(90, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS)).der();

    Finding finding = check(Use.INBOUND_TLS, publicContext(), expired, intermediateDer).get(0);

    assertThat(finding.check()).isEqualTo(CheckId.VALIDITY_WINDOW);
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.fingerprint()).isEqualTo(Inspected.sha256(expired)).matches("[0-9a-f]{64}");
    assertThat(finding.subject()).isEqualTo("CN=shop.example.com");
    assertThat(finding.use()).isEqualTo(Use.INBOUND_TLS);
    assertThat(finding.rule()).isEqualTo("RFC 5280 §4.1.2.5");
    assertThat(finding.origin()).isEqualTo("chain.pem");
    assertThat(finding.message()).startsWith("expired on ");
  }

  @Test
  void anExpiredLeafIsOnlyAValidityFindingNotAlsoABrokenPath() {
    byte[] expired = leaf().validity(NOW.minus(90, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS)).der();

    assertThat(ids(check(Use.OUTBOUND_TLS, publicContext(), expired, intermediateDer))).containsExactly("validity-window");
  }

  @Test
  void a398DayPublicCertificateIssuedAfter2026_03_15BreaksTheBrSchedule() {
    Instant issued = Instant.parse("2026-04-01T00:00:00Z");
    byte[] long398 = leaf().validity(issued, issued.plus(398, ChronoUnit.DAYS).minusSeconds(1)).der();

    List<Finding> findings = check(Use.INBOUND_TLS, publicContext(), long398, intermediateDer);

    assertThat(findings).filteredOn(f -> f.check() == CheckId.BR_LIFETIME).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.message()).contains("398 days exceeds the 200-day maximum").contains("issued 2026-04-01");
    });
  }

  @Test
  void theSameLifetimeIssuedBefore2026_03_15IsAllowedButAboveTheShouldValue() {
    Instant issued = Instant.parse("2026-01-01T00:00:00Z");
    byte[] long398 = leaf().validity(issued, issued.plus(398, ChronoUnit.DAYS).minusSeconds(1)).der();

    assertThat(check(Use.INBOUND_TLS, publicContext(), long398, intermediateDer))
        .filteredOn(f -> f.check() == CheckId.BR_LIFETIME).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
  }

  @Test
  void brDaysCountNotBeforeThroughNotAfterInclusiveWithPartialDaysRoundedUp() {
    Instant start = Instant.parse("2026-04-01T00:00:00Z");
    assertThat(Checks.validityDays(start, start.plus(200, ChronoUnit.DAYS).minusSeconds(1))).isEqualTo(200);
    assertThat(Checks.validityDays(start, start.plus(200, ChronoUnit.DAYS))).isEqualTo(201);
    assertThat(Checks.brLimits(Instant.parse("2027-03-15T00:00:00Z"))).containsExactly(100, 99);
    assertThat(Checks.brLimits(Instant.parse("2029-03-15T00:00:00Z"))).containsExactly(47, 46);
  }

  @Test
  void aPrivateCertificateLongerThanThePolicyIsAFinding() {
    byte[] selfSigned = CheckPki.leaf("CN=IdP signing", leafKey).validity(NOW.minus(1, ChronoUnit.DAYS),
        NOW.plus(3 * 365, ChronoUnit.DAYS)).der();

    List<Finding> findings = check(Use.INBOUND_SSO, CheckContext.of(NOW, TrustAnchors.none()), selfSigned);

    assertThat(ids(findings)).containsExactly("private-lifetime");
    assertThat(ids(check(Use.INBOUND_SSO, CheckContext.of(NOW, TrustAnchors.none()).withPrivateLifetime(Duration.ofDays(1200)),
        selfSigned))).isEmpty();
  }

  @Test
  void aCertificateNineDaysFromExpiryIsCritical() {
    byte[] expiring = leaf().validity(NOW.minus(80, ChronoUnit.DAYS), NOW.plus(9, ChronoUnit.DAYS)).der();

    assertThat(check(Use.INBOUND_TLS, publicContext(), expiring, intermediateDer)).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.EXPIRY_WINDOW);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("9 of 89 days left");
    });
  }

  @Test
  void aCertificateInsideTheLastThirdOfItsLifetimeIsDueForRenewal() {
    byte[] due = leaf().validity(NOW.minus(65, ChronoUnit.DAYS), NOW.plus(25, ChronoUnit.DAYS)).der();

    assertThat(check(Use.INBOUND_TLS, publicContext(), due, intermediateDer)).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
  }

  @Test
  void theCertIdFollowsRfc9773WithTheLetsEncryptExample() {
    byte[] aki = java.util.HexFormat.of().parseHex("69885B6B87464041E1B37B847BA0AE2CDE01C8D4");

    assertThat(RenewalInfo.certId(aki, new java.math.BigInteger("87654321", 16)))
        .isEqualTo("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  }

  @Test
  void aPassedRenewalWindowIsCriticalAndAnOpenOneHigh() {
    byte[] leafDer = leaf().der();
    String certId = RenewalInfo.certId(leafDer).orElseThrow();
    var passed = new RenewalInfo(NOW.minus(3, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS), Optional.of("https://ca.test/incident"));
    var open = RenewalInfo.parse("{\"suggestedWindow\":{\"start\":\"" + NOW.minus(1, ChronoUnit.HOURS) + "\",\"end\":\""
        + NOW.plus(1, ChronoUnit.DAYS) + "\"}}");
    var inverted = new RenewalInfo(NOW.plus(2, ChronoUnit.DAYS), NOW.plus(1, ChronoUnit.DAYS), Optional.empty());

    assertThat(check(Use.INBOUND_TLS, publicContext().withRenewalInfo(Map.of(certId, passed)), leafDer, intermediateDer))
        .singleElement().satisfies(f -> {
          assertThat(f.check()).isEqualTo(CheckId.RENEWAL_INFO);
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
          assertThat(f.message()).contains("https://ca.test/incident");
        });
    assertThat(check(Use.INBOUND_TLS, publicContext().withRenewalInfo(Map.of(certId, open)), leafDer, intermediateDer))
        .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(check(Use.INBOUND_TLS, publicContext().withRenewalInfo(Map.of(certId, inverted)), leafDer, intermediateDer))
        .singleElement().satisfies(f -> assertThat(f.message()).contains("does not end after it starts"));
  }

  @Test
  void aTlsServerCertificateWithoutServerAuthOrWithCodeSigningIsAFinding() {
    byte[] clientOnly = leaf().purposes(KeyPurposeId.id_kp_clientAuth).der();
    byte[] codeSigning = leaf().purposes(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning).der();

    assertThat(check(Use.OUTBOUND_TLS, publicContext(), clientOnly, intermediateDer))
        .filteredOn(f -> f.check() == CheckId.SERVER_AUTH_EKU).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("lacks id-kp-serverAuth"));
    assertThat(check(Use.OUTBOUND_TLS, publicContext(), codeSigning, intermediateDer))
        .filteredOn(f -> f.check() == CheckId.SERVER_AUTH_EKU).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("codeSigning"));
  }

  @Test
  void aDualUsePublicCertificateIsAtRiskAtRenewal() {
    byte[] dualUse = leaf().purposes(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth).der();

    assertThat(check(Use.INBOUND_API_MTLS, publicContext(), dualUse, intermediateDer)).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.DUAL_USE_PUBLIC);
      assertThat(f.message()).contains("2027-03-15").contains("private CA");
    });
  }

  @Test
  void anApiMtlsClientCertificateWithoutClientAuthIsCritical() {
    byte[] serverOnly = leaf().der();
    byte[] noEku = leaf().noEku().der();

    assertThat(check(Use.INBOUND_API_MTLS, publicContext(), serverOnly, intermediateDer)).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.CLIENT_AUTH_EKU);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    });
    assertThat(check(Use.INBOUND_USER_MTLS, publicContext(), noEku, intermediateDer))
        .extracting(f -> f.check()).contains(CheckId.CLIENT_AUTH_EKU);
  }

  @Test
  void anOutboundClientCertificateWithOnlyServerAuthIsAMediumFinding() {
    byte[] serverOnly = CheckPki.leaf("CN=org client", leafKey).der();

    assertThat(check(Use.OUTBOUND_MTLS, CheckContext.of(NOW, TrustAnchors.none()), serverOnly)).singleElement()
        .satisfies(f -> assertThat(f.check()).isEqualTo(CheckId.CLIENT_AUTH_EKU_OUTBOUND));
  }

  @Test
  void rsa1024P192AndExplicitCurvesAreWeakKeys() {
    byte[] rsa1024 = CheckPki.leaf("CN=shop.example.com", CheckPki.rsa(1024)).issuedBy(intermediate).dns("shop.example.com").der();
    byte[] p192 = leaf().publicKeyInfo(CheckPki.ecKeyInfo(leafKey, new ASN1ObjectIdentifier("1.2.840.10045.3.1.1"), false)).der();
    byte[] explicit = leaf().publicKeyInfo(CheckPki.ecKeyInfo(leafKey, null, true)).der();

    assertThat(check(Use.INBOUND_TLS, publicContext(), rsa1024, intermediateDer)).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("the leaf (CN=shop.example.com): RSA key of 1024 bits (at least 2048, a multiple of 8)"));
    assertThat(check(Use.INBOUND_TLS, publicContext(), p192, intermediateDer)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("EC key on P-192"));
    assertThat(check(Use.INBOUND_TLS, publicContext(), explicit, intermediateDer)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("explicit curve parameters"));
  }

  @Test
  void anEcKeyInAKeystoreCannotBeImportedIntoSalesforce() {
    var facts = new PrivateKeyFacts("EC", 256, "PKCS#8", true, "PKCS12");
    Subject subject = new Subject("store.p12#client", Use.OUTBOUND_MTLS, List.of(CheckPki.leaf("CN=org client", leafKey)
        .purposes(KeyPurposeId.id_kp_clientAuth).der()), Optional.of(facts), Optional.of(true));

    List<Finding> findings = CertificateChecks.check(subject, CheckContext.of(NOW, TrustAnchors.none()));

    assertThat(findings).extracting(Finding::message).contains(
        "the private key is EC: Salesforce imports RSA keys only (\"The key is not an RSA key\")",
        "held in PKCS12: Salesforce's keystore import takes JKS (convert with keytool -importkeystore -deststoretype JKS)",
        "the private key is exportable from Salesforce (privateKeyExportable=true)");
  }

  @Test
  void aSha1IntermediateIsASignatureFindingNamingIt() {
    byte[] sha1Intermediate = CheckPki.ca("CN=Test Issuing CA,O=Test", intermediateKey).issuedBy(root)
        .validity(NOW.minus(365, ChronoUnit.DAYS), NOW.plus(1825, ChronoUnit.DAYS)).signature("SHA1withECDSA").der();

    assertThat(check(Use.OUTBOUND_TLS, publicContext(), leaf().der(), sha1Intermediate)).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.SIGNATURE_ALGORITHM);
      assertThat(f.message()).startsWith("certificate #2 (CN=Test Issuing CA) is signed with ecdsa-with-SHA1");
    });
  }

  @Test
  void aMissingIntermediateIsIncompleteNotAlsoUntrusted() {
    List<Finding> findings = check(Use.OUTBOUND_TLS, publicContext(), leaf().der());

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.CHAIN_COMPLETENESS);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.message()).contains("an intermediate is missing");
    });
  }

  @Test
  void outOfOrderAndUnrelatedCertificatesAreFlagged() {
    byte[] stranger = CheckPki.ca("CN=Stranger CA", CheckPki.ecKey()).der();
    byte[] leafDer = leaf().der();

    List<Finding> findings = check(Use.OUTBOUND_TLS, publicContext(), leafDer, stranger, intermediateDer);

    assertThat(findings).extracting(Finding::severity, Finding::message).contains(
        org.assertj.core.groups.Tuple.tuple(Severity.MEDIUM, "certificate #3 (CN=Test Issuing CA) issued #1 (CN=shop.example.com) "
            + "but is not next to it: send the chain in order, leaf first"),
        org.assertj.core.groups.Tuple.tuple(Severity.LOW, "certificate #2 (CN=Stranger CA) is not part of the leaf's chain: remove it"));
  }

  @Test
  void aSelfSignedCertificateIsUntrustedForACalloutButFineForSso() {
    byte[] selfSigned = CheckPki.leaf("CN=shop.example.com", leafKey).dns("shop.example.com").der();
    CheckContext context = CheckContext.of(NOW, TrustAnchors.mozilla());

    assertThat(check(Use.OUTBOUND_TLS, context, selfSigned)).extracting(Finding::check).containsExactly(CheckId.TRUST_PATH);
    assertThat(check(Use.INBOUND_SSO, context, selfSigned)).isEmpty();
  }

  @Test
  void aPrivateAnchorGivenForTheRunCompletesThePath() {
    CheckContext context = CheckContext.of(NOW, TrustAnchors.none().withPrivate(List.of(rootDer)));

    assertThat(check(Use.INBOUND_API_MTLS, context, leaf().purposes(KeyPurposeId.id_kp_clientAuth).der(), intermediateDer))
        .isEmpty();
  }

  @Test
  void nameConstraintsOnTheTrustAnchorAreEnforced() {
    CheckPki.Spec constrainedRoot = CheckPki.ca("CN=Constrained Root", rootKey).permitDns("corp.test")
        .validity(NOW.minus(3650, ChronoUnit.DAYS), NOW.plus(3650, ChronoUnit.DAYS));
    CheckPki.Spec ca = CheckPki.ca("CN=Constrained Issuing CA", intermediateKey).issuedBy(constrainedRoot);
    byte[] outside = CheckPki.leaf("CN=bank.test", leafKey).issuedBy(ca).dns("bank.test").der();
    CheckContext context = CheckContext.of(NOW, TrustAnchors.none().withPrivate(List.of(constrainedRoot.der())));

    assertThat(check(Use.OUTBOUND_TLS, context, outside, ca.der())).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.NAME_CONSTRAINTS);
      assertThat(f.message()).contains("bank.test");
    });
  }

  @Test
  void aLeafIssuedAfterItsRootsDistrustAfterDateIsUntrusted() {
    CheckContext context = CheckContext.of(NOW, CheckPki.publicRoots(Instant.parse("2024-11-30T23:59:59Z"), rootDer));

    assertThat(check(Use.OUTBOUND_TLS, context, leaf().der(), intermediateDer)).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.TRUST_PATH);
      assertThat(f.message()).contains("distrusts for certificates issued after 2024-11-30T23:59:59Z");
    });
  }

  @Test
  void anExpiredIntermediateFailsAndOneExpiringBeforeTheLeafWarns() {
    CheckPki.Spec expired = CheckPki.ca("CN=Test Issuing CA,O=Test", intermediateKey).issuedBy(root)
        .validity(NOW.minus(365, ChronoUnit.DAYS), NOW.minus(1, ChronoUnit.DAYS));
    CheckPki.Spec short_ = CheckPki.ca("CN=Test Issuing CA,O=Test", intermediateKey).issuedBy(root)
        .validity(NOW.minus(365, ChronoUnit.DAYS), NOW.plus(40, ChronoUnit.DAYS));

    assertThat(check(Use.OUTBOUND_TLS, publicContext(), leaf().der(), expired.der()))
        .filteredOn(f -> f.check() == CheckId.CHAIN_ELEMENT_EXPIRY).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(check(Use.OUTBOUND_TLS, publicContext(), leaf().der(), short_.der())).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.CHAIN_ELEMENT_EXPIRY);
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    });
  }

  @Test
  void hostNamesMatchSansOnlyAndWildcardsFollowTheRules() {
    byte[] wildcard = CheckPki.leaf("CN=*.example.com", leafKey).issuedBy(intermediate).dns("*.example.com").der();
    byte[] suffixWildcard = CheckPki.leaf("CN=*.co.uk", leafKey).issuedBy(intermediate).dns("*.co.uk").der();
    byte[] cnOnly = CheckPki.leaf("CN=shop.example.com", leafKey).issuedBy(intermediate).dns("other.example.com").der();
    CheckContext expecting = publicContext().withExpectedNames(List.of("shop.example.com"));

    assertThat(check(Use.OUTBOUND_TLS, expecting, wildcard, intermediateDer)).isEmpty();
    assertThat(check(Use.OUTBOUND_TLS, publicContext().withExpectedNames(List.of("a.b.example.com")), wildcard, intermediateDer))
        .extracting(Finding::check).containsExactly(CheckId.HOST_NAME);
    assertThat(check(Use.OUTBOUND_TLS, publicContext(), suffixWildcard, intermediateDer))
        .extracting(Finding::message).contains("wildcard subjectAltName '*.co.uk' covers a public suffix: it matches nothing (BR §3.2.2.6)");
    assertThat(check(Use.OUTBOUND_TLS, expecting, cnOnly, intermediateDer)).extracting(Finding::message).containsExactly(
        "'shop.example.com' matches no subjectAltName [other.example.com]; the CN is never used",
        "the CN 'shop.example.com' is not one of the subjectAltName values");
  }

  @Test
  void aLeafThatIsACaIsAStructureFinding() {
    byte[] caLeaf = leaf().markedCa().der();

    assertThat(check(Use.OUTBOUND_TLS, publicContext(), caLeaf, intermediateDer))
        .extracting(Finding::message).contains("the leaf (CN=shop.example.com): the leaf is a CA (basicConstraints cA=true)");
  }

  @Test
  void aPublicCertificateWithoutACrlDistributionPointUnlessShortLived() {
    byte[] noCrl = leaf().noCrlDistributionPoint().der();
    byte[] shortLived = leaf().noCrlDistributionPoint().validity(NOW.minus(1, ChronoUnit.DAYS), NOW.plus(5, ChronoUnit.DAYS)).der();

    assertThat(check(Use.OUTBOUND_TLS, publicContext(), noCrl, intermediateDer)).extracting(Finding::check)
        .containsExactly(CheckId.REVOCATION_INFO);
    assertThat(check(Use.OUTBOUND_TLS, publicContext(), shortLived, intermediateDer)).extracting(Finding::check)
        .doesNotContain(CheckId.REVOCATION_INFO);
  }

  @Test
  void bytesThatAreNotACertificateAreACriticalFindingNotAnException() {
    List<Finding> findings = check(Use.UNKNOWN, publicContext(), new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo(CheckId.STRUCTURE);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    });
  }

  @Test
  void aTrustStoreWithoutDigiCertGlobalRootG2IsNotReadyForSalesforce() {
    CheckContext context = CheckContext.of(NOW, TrustAnchors.mozilla());
    byte[] g2 = TrustAnchors.mozilla().byFingerprint(TrustStoreChecks.DIGICERT_GLOBAL_ROOT_G2).orElseThrow().certificate().der;

    assertThat(CertificateChecks.checkTrustStore("trust.jks", List.of(rootDer), context)).extracting(Finding::check)
        .containsExactly(CheckId.ROOT_MIGRATION);
    assertThat(CertificateChecks.checkTrustStore("trust.jks", List.of(rootDer, g2), context)).isEmpty();
  }

  @Test
  void aRootExpiringWithinAYearIsALifecycleFinding() {
    byte[] oldRoot = CheckPki.ca("CN=Old Root", CheckPki.ecKey()).validity(NOW.minus(5000, ChronoUnit.DAYS),
        NOW.plus(100, ChronoUnit.DAYS)).der();

    assertThat(CertificateChecks.checkTrustStore("trust.jks", List.of(oldRoot), CheckContext.of(NOW, TrustAnchors.none())))
        .extracting(Finding::check).contains(CheckId.ROOT_LIFECYCLE, CheckId.ROOT_MIGRATION);
  }

  @Test
  void theBundledMozillaSnapshotCarriesItsProvenanceAndCitedDistrustDates() {
    TrustAnchors mozilla = TrustAnchors.mozilla();

    assertThat(mozilla.size()).isEqualTo(142);
    assertThat(mozilla.snapshot()).contains("ca-certificates 20230311+deb12u1").contains("2023-03-11");
    assertThat(mozilla.byFingerprint("73c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c").orElseThrow()
        .distrustAfter()).contains(Instant.parse("2024-11-30T23:59:59Z"));
    assertThat(mozilla.byFingerprint(TrustStoreChecks.DIGICERT_GLOBAL_ROOT_G2).orElseThrow().distrustAfter()).isEmpty();
  }
}
