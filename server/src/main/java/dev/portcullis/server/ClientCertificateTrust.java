package dev.portcullis.server;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The gateway's TLS trust for client certificates: the handshake names the configured client CAs
 * (so clients pick the right certificate, RFC 8446 §4.2.4 certificate_authorities) and takes any
 * chain the client presents; the token endpoint then verifies it (PKIX to those CAs, validity,
 * clientAuth EKU, SAN identity) and answers a precise OAuth error instead of a failed handshake.
 * A connection with an unverified certificate gets nothing: no endpoint trusts the TLS layer's
 * acceptance.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {
  private final X509Certificate[] acceptedIssuers;

  ClientCertificateTrust(List<X509Certificate> certificateAuthorities) {
    this.acceptedIssuers = certificateAuthorities.toArray(X509Certificate[]::new);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // verified by the endpoint that uses it
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // verified by the endpoint that uses it
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // verified by the endpoint that uses it
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("the gateway's listener does not verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("the gateway's listener does not verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("the gateway's listener does not verify servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.clone();
  }
}
