package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.certs.Use;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private CA (keystore, EKUs per use, policy) and the two challenge responders, without an ACME server. */
class IssuersTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  @TempDir static Path dir;
  static Path keystore;
  static PrivateCertificateAuthority ca;

  @BeforeAll
  static void makeCa() {
    keystore = dir.resolve("certs/private-ca.p12");
    ca = PrivateCertificateAuthority.openOrCreate(keystore, "s3cret-pass".toCharArray(), "CN=Test Private CA, O=Acme",
        CLOCK, PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
  }

  @Test
  void theCaKeystoreIsOwnerOnlyAndReopensWithItsPasswordOnly() throws Exception {
    assertThat(Files.getPosixFilePermissions(keystore)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    PrivateCertificateAuthority again = PrivateCertificateAuthority.openOrCreate(keystore, "s3cret-pass".toCharArray(),
        "CN=ignored", CLOCK, PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME);
    assertThat(again.certificate()).isEqualTo(ca.certificate());

    assertThatThrownBy(() -> PrivateCertificateAuthority.openOrCreate(keystore, "wrong".toCharArray(), "CN=x", CLOCK,
        PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME)).isInstanceOf(IssueException.class)
        .hasMessageContaining("the password does not open it").hasMessageNotContaining("wrong")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.KEYSTORE_UNREADABLE);
    assertThatThrownBy(() -> PrivateCertificateAuthority.openOrCreate(keystore, new char[0], "CN=x", CLOCK,
        PrivateCertificateAuthority.DEFAULT_MAX_LIFETIME)).extracting(e -> ((IssueException) e).code())
        .isEqualTo(IssueException.Code.PASSWORD_MISSING);
  }

  @Test
  void mtlsCertificatesCarryClientAuthAndSsoCertificatesNoEku() throws Exception {
    IssuedCertificate client = ca.issue(new IssueRequest("billing-client", List.of(), Use.OUTBOUND_MTLS, 3072,
        Duration.ofDays(365)));
    X509Certificate leaf = client.leaf();
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getSerialNumber().bitLength()).isEqualTo(127);
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(CLOCK.instant().plus(Duration.ofDays(365)));
    assertThat(client.chain()).containsExactly(leaf, ca.certificate());
    assertThat(client.privateKey().getAlgorithm()).isEqualTo("RSA");

    X509Certificate signing = ca.issue(new IssueRequest("SSO_Signing", List.of(), Use.OUTBOUND_SSO, 2048,
        Duration.ofDays(365))).leaf();
    assertThat(signing.getExtendedKeyUsage()).isNull();
    assertThat(signing.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(signing.getSubjectX500Principal().getName()).isEqualTo("CN=SSO_Signing");
  }

  @Test
  void thePolicyRefusesTlsServerUsesAndLongLifetimes() {
    assertThatThrownBy(() -> ca.issue(new IssueRequest("www", List.of("www.acme.example"), Use.INBOUND_TLS, 2048,
        Duration.ofDays(90)))).hasMessageContaining("use --issuer acme")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.POLICY_REFUSED);
    assertThatThrownBy(() -> ca.issue(new IssueRequest("x", List.of(), Use.OUTBOUND_MTLS, 2048, Duration.ofDays(398))))
        .hasMessageContaining("above the private CA's maximum of 397 days");
    assertThatThrownBy(() -> new IssueRequest("x", List.of(), Use.UNKNOWN, 2048, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not unknown");
    assertThatThrownBy(() -> new IssueRequest("x", List.of(), Use.OUTBOUND_MTLS, 1024, Duration.ofDays(1)))
        .hasMessageContaining("2048, 3072 or 4096");
  }

  @Test
  void theHttp01ResponderServesTheKeyAuthorizationForItsTokenOnly() throws Exception {
    try (Http01Responder responder = Http01Responder.onLoopback(0); HttpClient http = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + responder.address().getPort() + Http01Responder.PREFIX);
      responder.present("www.acme.example", "tok_EN-1", "tok_EN-1.thumbprint");

      HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(base.resolve("tok_EN-1")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(new String(ok.body(), US_ASCII)).isEqualTo("tok_EN-1.thumbprint");
      assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("other")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode()).isEqualTo(404);
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("tok_EN-1")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

      responder.cleanup("www.acme.example", "tok_EN-1", "tok_EN-1.thumbprint");
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("tok_EN-1")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode()).isEqualTo(404);
      assertThatThrownBy(() -> responder.present("www.acme.example", "../etc", "x"))
          .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.CHALLENGE_FAILED);
    }
  }

  @Test
  void aDnsHookThatRunsPastItsTimeoutIsStoppedAndFails() {
    Dns01Hook hook = new Dns01Hook(List.of("/bin/sh", "-c", "sleep 30", "hook"), Duration.ofMillis(300));
    assertThatThrownBy(() -> hook.present("a.acme.example", "", "digest")).hasMessageContaining("was stopped")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.CHALLENGE_FAILED);
    assertThat(Dns01Hook.recordName("*.acme.example")).isEqualTo("_acme-challenge.acme.example.");
  }
}
