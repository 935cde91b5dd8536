package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.certs.Use;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME issuance against a real Pebble (Let's Encrypt's test CA; Debian package {@code pebble} 2.4.0,
 * which {@code .ci/run} installs) started by the test on loopback with its own TLS certificate, made
 * here. As cert-anchors.md §3.2 says: {@code PEBBLE_VA_ALWAYS_VALID=1} (Pebble does not fetch the
 * challenge answers, so the responders' own tests prove what they serve), {@code
 * PEBBLE_WFE_NONCEREJECT=0} (no random badNonce), {@code PEBBLE_AUTHZREUSE=0} (every order has
 * pending authorizations, so the challenge path always runs). Pebble's roots are trusted from its
 * management API, in this test only. Skipped with a reason when no pebble binary is installed.
 */
class AcmeIssuerPebbleTest {
  @TempDir static Path dir;
  static Process pebble;
  static SSLContext trustPebbleTls;
  static URI directory;
  static URI management;
  static KeyPair account;

  @BeforeAll
  static void startPebble() throws Exception {
    Path binary = findPebble();
    Assumptions.assumeTrue(binary != null, "no pebble binary on PATH: install the Debian package (apt-get install -y pebble),"
        + " as .ci/run does");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair tlsKeys = rsa.generateKeyPair();
    account = rsa.generateKeyPair();
    X500Name name = new X500Name("CN=localhost");
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
        Date.from(Instant.now().minusSeconds(300)), Date.from(Instant.now().plus(Duration.ofDays(1))), name, tlsKeys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    X509Certificate tls = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(tlsKeys.getPrivate())));
    Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", tls.getEncoded()));
    Path key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", tlsKeys.getPrivate().getEncoded()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    int[] ports = freePorts(4);
    Files.writeString(dir.resolve("pebble.json"), """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
          "ocspResponderURL": "", "externalAccountBindingRequired": false, "certificateValidityPeriod": 518400}}
        """.formatted(ports[0], ports[1], dir.resolve("cert.pem"), key, ports[2], ports[3]));
    ProcessBuilder process = new ProcessBuilder(binary.toString(), "-config", dir.resolve("pebble.json").toString())
        .redirectErrorStream(true);
    process.environment().putAll(Map.of("PEBBLE_VA_ALWAYS_VALID", "1", "PEBBLE_VA_NOSLEEP", "1",
        "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
    pebble = process.start();
    // Pebble prints the directory URL once both listeners are up: wait for that line, with a deadline.
    List<String> output = new ArrayList<>();
    CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
      // Not closed here: the reader drains Pebble's log until it stops (a closed pipe would kill it).
      BufferedReader lines = new BufferedReader(new InputStreamReader(pebble.getInputStream(), UTF_8));
      try {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (output) {
            output.add(line);
          }
          if (line.contains("ACME directory available at")) {
            Thread.ofVirtual().start(() -> drain(lines));
            return true;
          }
        }
        return false;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    boolean started = ready.completeOnTimeout(false, 30, TimeUnit.SECONDS).get();
    assertThat(started).as("pebble started: %s", output).isTrue();
    directory = URI.create("https://127.0.0.1:" + ports[0] + "/dir");
    management = URI.create("https://127.0.0.1:" + ports[1]);
    trustPebbleTls = trusting(List.of(tls));
  }

  private static void drain(BufferedReader lines) {
    try (lines) {
      while (lines.readLine() != null) {
        // keep Pebble's pipe from filling
      }
    } catch (java.io.IOException e) {
      // Pebble stopped
    }
  }

  @AfterAll
  static void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.destroy();
      if (!pebble.waitFor(10, TimeUnit.SECONDS)) {
        pebble.destroyForcibly();
      }
    }
  }

  static Path findPebble() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "pebble");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static int[] freePorts(int count) throws Exception {
    int[] ports = new int[count];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return ports;
  }

  static SSLContext trusting(List<X509Certificate> anchors) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < anchors.size(); i++) {
      trust.setCertificateEntry("anchor-" + i, anchors.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Pebble's root of this run (regenerated at every start), from its management API. */
  static X509Certificate pebbleRoot() throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(trustPebbleTls).build()) {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(management.resolve("/roots/0")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(response.body()));
    }
  }

  static void assertIssuedByPebble(IssuedCertificate issued, String dnsName) throws Exception {
    X509Certificate leaf = issued.leaf();
    assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList()).contains(dnsName);
    assertThat(leaf.getPublicKey()).isInstanceOf(RSAPublicKey.class);
    assertThat(((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(issued.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    // leaf <- intermediate <- Pebble's root of this run
    assertThat(issued.chain()).hasSizeGreaterThanOrEqualTo(2);
    leaf.verify(issued.chain().get(1).getPublicKey());
    issued.chain().get(1).verify(pebbleRoot().getPublicKey());
  }

  @Test
  void issuesATlsServerCertificateWithAnRsaKeyThroughHttp01() throws Exception {
    try (Http01Responder responder = Http01Responder.onLoopback(0)) {
      AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account).responder(responder)
          .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(30)).build();

      IssuedCertificate issued = issuer.issue(new IssueRequest("rotation.acme.example", List.of("rotation.acme.example"),
          Use.INBOUND_TLS, 2048, Duration.ofDays(90)));

      assertIssuedByPebble(issued, "rotation.acme.example");
    }
  }

  @Test
  void issuesThroughDns01WithTheHookCommand() throws Exception {
    Path calls = dir.resolve("dns01-calls.txt");
    Path hook = Files.writeString(dir.resolve("dns01-hook.sh"), "#!/bin/sh\necho \"$@\" >> '" + calls + "'\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account)
        .responder(new Dns01Hook(List.of(hook.toString()), Duration.ofSeconds(10)))
        .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(30)).build();

    IssuedCertificate issued = issuer.issue(new IssueRequest("dns.acme.example", List.of("dns.acme.example"),
        Use.OUTBOUND_TLS, 2048, Duration.ofDays(90)));

    assertIssuedByPebble(issued, "dns.acme.example");
    List<String> lines = Files.readAllLines(calls);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("present _acme-challenge\\.dns\\.acme\\.example\\. [A-Za-z0-9_-]{43}");
    assertThat(lines.get(1)).isEqualTo(lines.get(0).replace("present", "cleanup"));
  }

  @Test
  void finalizesTheOrderWithAnOrgsCsrAsItIsAndMakesNoKey() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair orgKey = rsa.generateKeyPair();
    // As orgsim makes it for a CA-signed Certificate whose masterLabel is a host name (docs/ORGSIM.md).
    CertificateSigningRequest csr = CertificateSigningRequest.parsePem(CertificateSigningRequestTest.pem(
        CertificateSigningRequestTest.csr(orgKey, "C=US, O=Salesforce.com, OU=orgsim, CN=portal.acme.example",
            "portal.acme.example")), "certs/Portal_TLS.crt");
    try (Http01Responder responder = Http01Responder.onLoopback(0)) {
      AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account).responder(responder)
          .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(30)).build();

      List<X509Certificate> chain = issuer.sign(new IssueRequest("portal.acme.example", List.of("portal.acme.example"),
          Use.INBOUND_TLS, 2048, Duration.ofDays(90)), csr);

      X509Certificate leaf = chain.getFirst();
      assertThat(csr.isFor(leaf.getPublicKey())).as("the certificate is for the org's key").isTrue();
      assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
          .containsExactly("portal.acme.example");
      assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
      leaf.verify(chain.get(1).getPublicKey());
      chain.get(1).verify(pebbleRoot().getPublicKey());
    }
  }

  @Test
  void aRotationOfATwoNameCertificateStopsAtIssueBecauseTheOrgsCsrNamesOne() throws Exception {
    java.time.Clock clock = java.time.Clock.systemUTC();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair app = rsa.generateKeyPair();
    X500Name appName = new X500Name("CN=pebble-rotation-test");
    X509Certificate appCertificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        appName, BigInteger.ONE, Date.from(Instant.now().minusSeconds(300)), Date.from(Instant.now().plus(Duration.ofDays(1))),
        appName, app.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(app.getPrivate())));
    try (dev.portcullis.orgsim.OrgSimulator orgs = dev.portcullis.orgsim.OrgSimulator.builder().clock(clock)
            .org(dev.portcullis.orgsim.OrgSpec.builder("prod").connectedApp("3MVG9.pebble", appCertificate)
                .user("ci@acme.example").demoCertificates(true).build()).start();
        HttpClient http = HttpClient.newHttpClient();
        Http01Responder responder = Http01Responder.onLoopback(0)) {
      String session = new dev.portcullis.salesforce.oauth.JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(
          new dev.portcullis.salesforce.oauth.JwtBearerAssertion("3MVG9.pebble", "ci@acme.example",
              orgs.org("prod").url().toString(), app.getPrivate(), clock)).accessToken();
      dev.portcullis.salesforce.metadata.MetadataClient client = dev.portcullis.salesforce.metadata.MetadataClient
          .builder(orgs.org("prod").url(), () -> session, http).sleeper(d -> { }).build();
      dev.portcullis.certs.inventory.InventoryItem domain = new dev.portcullis.certs.inventory.OrgCertificates(client,
          Duration.ofMinutes(1)).discover("prod").items().stream()
          .filter(i -> i.subject().startsWith("CN=www.acme.example")).findFirst().orElseThrow();
      List<dev.portcullis.ledger.LedgerEntry> ledger = new ArrayList<>();
      AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account).responder(responder)
          .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(30)).build();

      dev.portcullis.certs.rotate.Rotation rotation = dev.portcullis.certs.rotate.Rotation.builder().client(client)
          .org("prod").issuer(issuer).stateDirectory(dir.resolve("rotations")).clock(clock).maxWait(Duration.ofMinutes(1))
          .ledger(e -> {
            ledger.add(e);
            return ledger.size() - 1;
          }).build();

      // The org's CSR names its masterLabel (the old CN, www.acme.example) only; the old certificate also served
      // acme.example, which a certificate for that CSR could not: refused before any order, nothing uploaded.
      assertThatThrownBy(() -> rotation.rotate(domain.fingerprint()))
          .isInstanceOf(dev.portcullis.certs.rotate.RotationException.class)
          .hasMessageContaining("the CSR names [www.acme.example]").hasMessageContaining("also serves [acme.example]")
          .extracting(e -> ((dev.portcullis.certs.rotate.RotationException) e).code())
          .isEqualTo(dev.portcullis.certs.rotate.RotationException.Code.ISSUE_FAILED);
      assertThat(ledger).extracting(e -> e.fields().get("step")).containsExactly("request");
      assertThat(orgs.org("prod").metadataNames("Certificate")).contains("Acme_Custom_Domain");
    }
  }

  @Test
  void aCsrThatDoesNotCoverTheReplacedCertificatesNamesIsRefusedBeforeOrdering() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    CertificateSigningRequest cnOnly = CertificateSigningRequest.parsePem(CertificateSigningRequestTest.pem(
        CertificateSigningRequestTest.csr(rsa.generateKeyPair(), "CN=www.acme.example")), "certs/Www.crt");
    AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account)
        .responder(new Dns01Hook(List.of("/bin/false"), Duration.ofSeconds(5))).sslContext(trustPebbleTls).build();

    assertThatThrownBy(() -> issuer.sign(new IssueRequest("www.acme.example", List.of("www.acme.example", "acme.example"),
        Use.INBOUND_TLS, 2048, Duration.ofDays(90)), cnOnly)).isInstanceOf(IssueException.class)
        .hasMessageContaining("the CSR names [www.acme.example]").hasMessageContaining("[acme.example]")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.POLICY_REFUSED);
  }

  @Test
  void refusesClientCertificatesBeforeAskingTheServer() {
    AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account)
        .responder(new Dns01Hook(List.of("/bin/false"), Duration.ofSeconds(5))).sslContext(trustPebbleTls).build();

    assertThatThrownBy(() -> issuer.issue(new IssueRequest("client", List.of("client.acme.example"), Use.OUTBOUND_MTLS, 2048,
        Duration.ofDays(90)))).isInstanceOf(IssueException.class).hasMessageContaining("use --issuer private-ca")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.POLICY_REFUSED);
  }

  @Test
  void aFailingDnsHookFailsTheChallengeAndNamesTheHook() {
    AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).accountKey(account)
        .responder(new Dns01Hook(List.of("/bin/sh", "-c", "echo 'zone not found' >&2; exit 3", "hook"), Duration.ofSeconds(5)))
        .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(30)).build();

    assertThatThrownBy(() -> issuer.issue(new IssueRequest("fail.acme.example", List.of("fail.acme.example"),
        Use.INBOUND_TLS, 2048, Duration.ofDays(90)))).isInstanceOf(IssueException.class)
        .hasMessageContaining("exited 3").hasMessageContaining("zone not found")
        .extracting(e -> ((IssueException) e).code()).isEqualTo(IssueException.Code.CHALLENGE_FAILED);
  }

  @Test
  void anUnreachableServerIsUnavailable() throws Exception {
    int closed = freePorts(1)[0];
    AcmeIssuer issuer = AcmeIssuer.builder().directory(URI.create("https://127.0.0.1:" + closed + "/dir"))
        .accountKey(account).responder(new Dns01Hook(List.of("/bin/true"), Duration.ofSeconds(5)))
        .sslContext(trustPebbleTls).timeout(Duration.ofSeconds(5)).build();

    assertThatThrownBy(() -> issuer.issue(new IssueRequest("x", List.of("x.acme.example"), Use.INBOUND_TLS, 2048,
        Duration.ofDays(90)))).isInstanceOf(IssueException.class)
        .extracting(e -> ((IssueException) e).code()).isIn(IssueException.Code.ACME_UNAVAILABLE, IssueException.Code.ACME_FAILED);
  }
}
