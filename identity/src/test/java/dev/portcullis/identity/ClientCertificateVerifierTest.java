package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.identity.ClientCertificatePolicy.IdentitySource;
import dev.portcullis.identity.TestPki.Issued;
import dev.portcullis.identity.TestPki.Leaf;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientCertificateVerifierTest {
  private static final String SPIFFE = "spiffe://acme.example/ci/deployer";
  private static final Instant NOW = TestPki.NOW;
  private static Issued root;
  private static Issued intermediate;
  private static ClientCertificateVerifier byUri;

  @BeforeAll
  static void pki() throws Exception {
    root = TestPki.ca("Acme CI Root");
    intermediate = TestPki.intermediate(root, "Acme CI Issuing", NOW.minusSeconds(86_400), NOW.plusSeconds(86_400 * 30));
    byUri = new ClientCertificateVerifier(ClientCertificatePolicy.of(List.of(root.certificate()), IdentitySource.SAN_URI));
  }

  private static List<X509Certificate> chain(Issued leaf) {
    return List.of(leaf.certificate(), intermediate.certificate());
  }

  private static void refused(IdentityErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(IdentityException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  @Test
  void acceptsAClientCertificateWithASpiffeId() throws Exception {
    Issued leaf = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE));
    Principal principal = byUri.verify(chain(leaf), NOW);

    assertThat(principal.kind()).isEqualTo(Principal.Kind.MTLS);
    assertThat(principal.subject()).isEqualTo(SPIFFE);
    assertThat(principal.issuer()).isEqualTo("CN=Acme CI Issuing");
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getEncoded());
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256);
    assertThat(principal.certificateThumbprint()).isEqualTo(expected).hasSize(43).doesNotContain("=", "+", "/");
    assertThat(principal.claims()).containsEntry("x5t#S256", expected).containsEntry("san_uri", List.of(SPIFFE))
        .containsEntry("subject_dn", "CN=deployer");
    assertThat(principal.expiresAt()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(principal.toPolicyInput()).containsEntry("kind", "mtls").containsEntry("thumbprint", expected);
  }

  @Test
  void acceptsAChainThatIncludesTheRoot() throws Exception {
    Issued leaf = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE));
    assertThat(byUri.verify(List.of(leaf.certificate(), intermediate.certificate(), root.certificate()), NOW).subject()).isEqualTo(SPIFFE);
  }

  @Test
  void emailIdentity() throws Exception {
    Issued leaf = TestPki.leaf(intermediate, "alice", Leaf.client(SPIFFE)
        .withSans(new GeneralName(GeneralName.rfc822Name, "alice@acme.example")));
    ClientCertificateVerifier byEmail = new ClientCertificateVerifier(ClientCertificatePolicy.of(List.of(root.certificate()), IdentitySource.SAN_EMAIL));
    assertThat(byEmail.verify(chain(leaf), NOW).subject()).isEqualTo("alice@acme.example");
    refused(IdentityErrorCode.CERT_NO_SAN_IDENTITY, () -> byUri.verify(chain(leaf), NOW));
  }

  @Test
  void missing() {
    refused(IdentityErrorCode.CERT_MISSING, () -> byUri.verify(List.of(), NOW));
    refused(IdentityErrorCode.CERT_MISSING, () -> byUri.verify(null, NOW));
  }

  @Test
  void untrustedChain() throws Exception {
    Issued otherRoot = TestPki.ca("Someone Else");
    Issued stranger = TestPki.leaf(otherRoot, "deployer", Leaf.client(SPIFFE));
    refused(IdentityErrorCode.CERT_CHAIN_UNTRUSTED, () -> byUri.verify(List.of(stranger.certificate()), NOW));
    // a leaf without its intermediate cannot be chained either
    Issued leaf = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE));
    refused(IdentityErrorCode.CERT_CHAIN_UNTRUSTED, () -> byUri.verify(List.of(leaf.certificate()), NOW));
    // a leaf of the real CA's name, signed by an impostor key
    Issued impostorCa = TestPki.ca("Acme CI Root");
    Issued forged = TestPki.leaf(impostorCa, "deployer", Leaf.client(SPIFFE));
    refused(IdentityErrorCode.CERT_CHAIN_UNTRUSTED, () -> byUri.verify(List.of(forged.certificate()), NOW));
  }

  @Test
  void noClientAuthUsage() throws Exception {
    Issued server = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withUsages(KeyPurposeId.id_kp_serverAuth));
    refused(IdentityErrorCode.CERT_NO_CLIENT_AUTH, () -> byUri.verify(chain(server), NOW));
    Issued none = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withUsages());
    refused(IdentityErrorCode.CERT_NO_CLIENT_AUTH, () -> byUri.verify(chain(none), NOW));
    Issued both = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withUsages(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth));
    assertThat(byUri.verify(chain(both), NOW).subject()).isEqualTo(SPIFFE);
  }

  @Test
  void expired() throws Exception {
    Issued leaf = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withValidity(NOW.minusSeconds(7200), NOW.minusSeconds(1)));
    refused(IdentityErrorCode.CERT_EXPIRED, () -> byUri.verify(chain(leaf), NOW));
    Issued valid = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE));
    refused(IdentityErrorCode.CERT_EXPIRED, () -> byUri.verify(chain(valid), NOW.plusSeconds(3601)));
    Issued oldIntermediate = TestPki.intermediate(root, "Old Issuing", NOW.minusSeconds(86_400), NOW.minusSeconds(10));
    Issued underOld = TestPki.leaf(oldIntermediate, "deployer", Leaf.client(SPIFFE));
    assertThatThrownBy(() -> byUri.verify(List.of(underOld.certificate(), oldIntermediate.certificate()), NOW))
        .isInstanceOfSatisfying(IdentityException.class, e -> {
          assertThat(e.code()).isEqualTo(IdentityErrorCode.CERT_EXPIRED);
          assertThat(e.getMessage()).contains("chain certificate 1", "Old Issuing");
        });
  }

  @Test
  void notYetValid() throws Exception {
    Issued leaf = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withValidity(NOW.plusSeconds(60), NOW.plusSeconds(7200)));
    refused(IdentityErrorCode.CERT_NOT_YET_VALID, () -> byUri.verify(chain(leaf), NOW));
    assertThat(byUri.verify(chain(leaf), NOW.plusSeconds(61)).subject()).isEqualTo(SPIFFE);
  }

  @Test
  void noUsableSanIdentity() throws Exception {
    Issued noSan = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withSans());
    refused(IdentityErrorCode.CERT_NO_SAN_IDENTITY, () -> byUri.verify(chain(noSan), NOW));
    Issued dnsOnly = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withSans(new GeneralName(GeneralName.dNSName, "ci.acme.example")));
    refused(IdentityErrorCode.CERT_NO_SAN_IDENTITY, () -> byUri.verify(chain(dnsOnly), NOW));
    Issued two = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE).withSans(
        new GeneralName(GeneralName.uniformResourceIdentifier, SPIFFE),
        new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://acme.example/ci/other")));
    refused(IdentityErrorCode.CERT_NO_SAN_IDENTITY, () -> byUri.verify(chain(two), NOW));

    ClientCertificateVerifier prefixed = new ClientCertificateVerifier(ClientCertificatePolicy.of(List.of(root.certificate()), IdentitySource.SAN_URI)
        .withAllowedIdentityPrefixes(List.of("spiffe://acme.example/ci/")));
    Issued outside = TestPki.leaf(intermediate, "deployer", Leaf.client("spiffe://acme.example/web/frontend"));
    refused(IdentityErrorCode.CERT_NO_SAN_IDENTITY, () -> prefixed.verify(chain(outside), NOW));
    assertThat(prefixed.verify(chain(TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE))), NOW).subject()).isEqualTo(SPIFFE);
  }

  @Test
  void revokedWhenRevocationIsCheckedAgainstAConfiguredCrl() throws Exception {
    Issued revoked = TestPki.leaf(intermediate, "stolen", Leaf.client(SPIFFE));
    Issued good = TestPki.leaf(intermediate, "deployer", Leaf.client(SPIFFE));
    ClientCertificateVerifier checking = new ClientCertificateVerifier(ClientCertificatePolicy.of(List.of(root.certificate()), IdentitySource.SAN_URI)
        .withRevocationChecking(List.of(TestPki.crl(intermediate, revoked.certificate()))));

    refused(IdentityErrorCode.CERT_REVOKED, () -> checking.verify(chain(revoked), NOW));
    assertThat(checking.verify(chain(good), NOW).subject()).isEqualTo(SPIFFE);
    assertThat(byUri.verify(chain(revoked), NOW).subject()).as("revocation is off by default").isEqualTo(SPIFFE);
  }
}
