package dev.portcullis.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The floor of the gateway load benchmark (bench/gateway-load.sh, target "jetty"): Jetty 12's own
 * {@code ProxyHandler.Reverse} over TLS with the gateway's connector set-up (same thread pool size, one acceptor and
 * one selector, HTTP/1.1 and HTTP/2 by ALPN, TLS 1.2/1.3 with the same certificate) and nothing of Portcullis: no
 * session, classification, policy, ledger or answer filter. What the gateway costs beyond it is Portcullis's own
 * work; what it costs beyond nginx is Jetty and the JVM.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.portcullis.bench.BareJettyProxy PORT UPSTREAM_URL CERT_PEM KEY_PEM}
 * (the key PKCS#8 PEM, EC or RSA). Prints {@code listening PORT} and serves until killed.
 */
public final class BareJettyProxy {
  private BareJettyProxy() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: BareJettyProxy PORT UPSTREAM_URL CERT_PEM KEY_PEM");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String upstream = args[1].replaceAll("/+$", "");
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("bare-proxy");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.addCustomizer(new SecureRequestCustomizer(false));
    SslContextFactory.Server tls = new SslContextFactory.Server();
    char[] password = "bench".toCharArray();
    tls.setKeyStore(keyStore(Path.of(args[2]), Path.of(args[3]), password));
    tls.setKeyStorePassword(new String(password));
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    ServerConnector connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, alpn.getProtocol()),
        alpn, http2, http11);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new ProxyHandler.Reverse(clientToProxy -> org.eclipse.jetty.http.HttpURI.from(upstream + clientToProxy.getHttpURI().getPathQuery())));
    server.start();
    System.out.println("listening " + connector.getLocalPort());
    server.join();
  }

  private static KeyStore keyStore(Path certificate, Path privateKey, char[] password) throws Exception {
    List<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certificate)) {
      chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    String pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
    String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(body);
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (java.security.GeneralSecurityException e) {
      key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
    return store;
  }
}
