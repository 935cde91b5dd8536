package dev.portcullis.certs.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading chains from PEM files, PKCS#12 and JKS keystores, and a real TLS server on loopback. */
class CertificateSourceTest {
  private static final char[] PASSWORD = "store-secret".toCharArray();
  private final SourcePki pki = new SourcePki();
  @TempDir Path dir;

  @Test
  void aPemFileGivesItsBlocksInOrderAndNotesAPrivateKey() throws Exception {
    Path file = dir.resolve("chain.pem");
    String key = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(pki.leafKey.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(file, "subject=CN=localhost\n" + SourcePki.pem(pki.leaf, pki.intermediate) + key);

    FoundChain found = CertificateSource.pem(file);

    assertThat(found.origin()).isEqualTo(file.toString());
    assertThat(found.kind()).isEqualTo(FoundChain.Kind.FILE);
    assertThat(found.certificates()).containsExactly(pki.leaf, pki.intermediate);
    assertThat(found.privateKey()).hasValueSatisfying(facts -> {
      assertThat(facts.algorithm()).isEqualTo("EC");
      assertThat(facts.encoding()).isEqualTo("PKCS#8");
    });
  }

  @Test
  void aDerFileIsOneCertificate() throws Exception {
    Path file = Files.write(dir.resolve("leaf.cer"), pki.leaf);

    assertThat(CertificateSource.pem(file).certificates()).containsExactly(pki.leaf);
  }

  @Test
  void badFilesAreRefusedWithTheFileAndTheReason() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    Path keyOnly = Files.writeString(dir.resolve("key.pem"), "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n");
    Path notCertificate = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> CertificateSource.pem(broken)).isInstanceOfSatisfying(SourceException.class, e -> {
      assertThat(e.reason()).isEqualTo(SourceException.Reason.MALFORMED);
      assertThat(e.getMessage()).startsWith(broken + ": PEM block 1 does not decode");
    });
    assertThatThrownBy(() -> CertificateSource.pem(keyOnly)).hasMessage(keyOnly + ": no CERTIFICATE block among 1 PEM blocks");
    assertThatThrownBy(() -> CertificateSource.pem(notCertificate))
        .hasMessageStartingWith(notCertificate + ": block 1 (CERTIFICATE): not an X.509 certificate");
    assertThatThrownBy(() -> CertificateSource.pem(dir.resolve("absent.pem"))).isInstanceOfSatisfying(SourceException.class,
        e -> assertThat(e.reason()).isEqualTo(SourceException.Reason.UNREADABLE));
  }

  @Test
  void aPkcs12KeystoreGivesEachAliasWithItsChainAndKeyFacts() {
    Path file = pki.write(pki.keyStore("PKCS12", PASSWORD, PASSWORD), dir.resolve("store.p12"), PASSWORD);

    List<FoundChain> chains = CertificateSource.keystore(file, PASSWORD);

    assertThat(chains).extracting(FoundChain::origin).containsExactly(file + "#root", file + "#server");
    assertThat(chains.get(0).kind()).isEqualTo(FoundChain.Kind.TRUSTED_ENTRY);
    assertThat(chains.get(0).certificates()).containsExactly(pki.root);
    FoundChain server = chains.get(1);
    assertThat(server.kind()).isEqualTo(FoundChain.Kind.KEY_ENTRY);
    // The JDK's PKCS#12 reader rebuilds each key entry's chain from all the certificates in the file,
    // so the trusted root joins the chain stored as leaf + intermediate.
    assertThat(server.certificates()).containsExactly(pki.leaf, pki.intermediate, pki.root);
    assertThat(server.privateKey()).hasValueSatisfying(facts -> {
      assertThat(facts.algorithm()).isEqualTo("EC");
      assertThat(facts.bits()).isEqualTo(256);
      assertThat(facts.storeType()).isEqualTo("PKCS12");
      assertThat(facts.storePasswordOpensKey()).isTrue();
    });
  }

  @Test
  void aJksKeyWhosePasswordDiffersFromTheStoresIsNoted() {
    Path file = pki.write(pki.keyStore("JKS", PASSWORD, "other".toCharArray()), dir.resolve("store.jks"), PASSWORD);

    FoundChain server = CertificateSource.keystore(file, PASSWORD).get(1);

    assertThat(server.privateKey()).hasValueSatisfying(facts -> {
      assertThat(facts.storeType()).isEqualTo("JKS");
      assertThat(facts.storePasswordOpensKey()).isFalse();
    });
  }

  @Test
  void aWrongPasswordIsNamedWithoutRevealingIt() {
    Path file = pki.write(pki.keyStore("PKCS12", PASSWORD, PASSWORD), dir.resolve("store.p12"), PASSWORD);

    assertThatThrownBy(() -> CertificateSource.keystore(file, "guess".toCharArray()))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.reason()).isEqualTo(SourceException.Reason.WRONG_PASSWORD);
          assertThat(e.getMessage()).startsWith(file + ": the keystore password is wrong").doesNotContain("guess", "store-secret");
        });
  }

  @Test
  void theEndpointChainIsRecordedExactlyAsServedWithSni() throws Exception {
    KeyStore store = pki.keyStore("PKCS12", PASSWORD, PASSWORD);
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
        InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<List<String>> sni = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.startHandshake();
          return ((ExtendedSSLSession) socket.getSession()).getRequestedServerNames().stream()
              .map(name -> ((SNIHostName) name).getAsciiName()).toList();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      FoundChain found = CertificateSource.endpoint(new Endpoint("localhost", server.getLocalPort()), Duration.ofSeconds(10));

      assertThat(found.kind()).isEqualTo(FoundChain.Kind.ENDPOINT);
      assertThat(found.origin()).isEqualTo("localhost:" + server.getLocalPort());
      assertThat(found.certificates()).containsExactlyElementsOf(pki.servedChain());
      assertThat(sni.get(10, TimeUnit.SECONDS)).containsExactly("localhost");
    }
  }

  @Test
  void aClosedPortIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(() -> CertificateSource.endpoint(new Endpoint("127.0.0.1", port), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.reason()).isEqualTo(SourceException.Reason.UNAVAILABLE);
          assertThat(e.getMessage()).startsWith("127.0.0.1:" + port + ": cannot connect");
        });
  }

  @Test
  void aPlainTextServerFailsTheHandshake() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<Void> reply = CompletableFuture.runAsync(() -> {
        try (var socket = server.accept()) {
          socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      assertThatThrownBy(() -> CertificateSource.endpoint(new Endpoint("127.0.0.1", server.getLocalPort()), Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(SourceException.Reason.UNAVAILABLE));
      reply.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void endpointsParseHostAndPort() {
    assertThat(Endpoint.parse("login.salesforce.com:8443")).isEqualTo(new Endpoint("login.salesforce.com", 8443));
    assertThat(Endpoint.parse("[::1]:443")).isEqualTo(new Endpoint("::1", 443));
    assertThat(Endpoint.parse("[::1]:443").toString()).isEqualTo("[::1]:443");
    assertThatThrownBy(() -> Endpoint.parse("example.com")).hasMessage("endpoint 'example.com' is not HOST:PORT");
    assertThatThrownBy(() -> Endpoint.parse("example.com:99999")).hasMessage("port 99999 is outside 1..65535");
  }
}
