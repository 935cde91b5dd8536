package dev.portcullis.certs.source;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Records the chain a server presents and accepts it, so that {@link CertificateSource#endpoint}
 * can examine a chain any validator would refuse. Only for a connection that carries no data.
 */
final class CapturingTrustManager extends X509ExtendedTrustManager {
  private final List<byte[]> served = new ArrayList<>();

  synchronized List<byte[]> served() {
    return List.copyOf(served);
  }

  private synchronized void capture(X509Certificate[] chain) {
    served.clear();
    for (X509Certificate certificate : chain) {
      try {
        served.add(certificate.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a served certificate does not encode", e);
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    capture(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    capture(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    capture(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException("a client never judges client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    throw new UnsupportedOperationException("a client never judges client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    throw new UnsupportedOperationException("a client never judges client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
