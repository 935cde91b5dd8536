package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for talking to a Portcullis server whose certificate a private CA signed (the demo's,
 * or a company's): the JDK's default trust anchors plus the CA certificates of one PEM file. The
 * added CAs extend the defaults, never replace them, so public servers stay trusted; chain
 * building, validity and hostname checks are the JDK's own (PKIX, then the HTTP client's endpoint
 * identification).
 */
final class TlsTrust {
  private TlsTrust() {}

  /**
   * An {@link SSLContext} trusting the JDK's defaults and every certificate in {@code pemFile}.
   *
   * @throws CliException (usage) when the file is missing, unreadable or holds no certificate
   */
  static SSLContext withCertificates(Path pemFile, String option) {
    List<X509Certificate> added = read(pemFile, option);
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int n = 0;
      for (X509Certificate certificate : defaultAnchors()) {
        anchors.setCertificateEntry("default-" + n++, certificate);
      }
      for (X509Certificate certificate : added) {
        anchors.setCertificateEntry("added-" + n++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot set up TLS trust with " + option + " " + pemFile + ": "
          + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> read(Path pemFile, String option) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, option + " " + pemFile + ": no such file");
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, option + " " + pemFile + ": cannot be read: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCode.USAGE, option + " " + pemFile + ": not PEM X.509 certificates ("
          + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new CliException(ExitCode.USAGE, option + " " + pemFile + ": holds no certificate (expected PEM"
          + " \"-----BEGIN CERTIFICATE-----\" blocks)");
    }
    return certificates.stream().map(X509Certificate.class::cast).toList();
  }

  /** The trust anchors of the JDK's default trust manager ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
  private static List<X509Certificate> defaultAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return List.of(x509.getAcceptedIssuers());
      }
    }
    return List.of();
  }
}
