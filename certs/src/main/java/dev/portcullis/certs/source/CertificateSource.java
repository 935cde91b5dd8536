package dev.portcullis.certs.source;

import dev.portcullis.certs.source.FoundChain.Kind;
import dev.portcullis.certs.source.FoundChain.PrivateKeyFacts;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Loads certificates as they are found: PEM files, PKCS#12 and JKS keystores, TLS endpoints.
 *
 * <p>Design note. Nothing is repaired on the way in: a PEM file's blocks keep their order, a
 * keystore alias keeps its chain, an endpoint's chain is recorded exactly as the server sent it
 * (through a trust manager that captures and accepts everything, so that a broken chain can be
 * examined instead of ending the handshake). The capture-all trust manager is safe only because no
 * application data is ever sent over that connection: the handshake completes and the socket is
 * closed. Every failure is a {@link SourceException} whose message names the file, alias or
 * endpoint; no other exception escapes on any input bytes ({@code CertificateSourcePropertiesTest}).
 * Passwords are never put in a message.
 */
public final class CertificateSource {
  /** Larger inputs are refused rather than read: no real chain or keystore comes near it. */
  static final long MAX_FILE_BYTES = 16L << 20;

  private CertificateSource() {}

  /**
   * The certificates of a PEM file (RFC 7468 {@code CERTIFICATE} blocks, a chain leaf first), or of a
   * file holding one DER certificate. A {@code PRIVATE KEY} block beside them is noted, not kept.
   */
  public static FoundChain pem(Path file) {
    byte[] bytes = read(file);
    String origin = file.toString();
    List<byte[]> certificates = new ArrayList<>();
    Optional<PrivateKeyFacts> key = Optional.empty();
    int blocks = 0;
    try (PemReader reader = new PemReader(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)))) {
      for (PemObject object = reader.readPemObject(); object != null; object = reader.readPemObject()) {
        blocks++;
        switch (object.getType()) {
          case "CERTIFICATE", "X509 CERTIFICATE" ->
              certificates.add(certificate(object.getContent(), origin + ": block " + blocks + " (" + object.getType() + ")"));
          case "PRIVATE KEY" -> key = Optional.of(pkcs8Facts(object.getContent(), origin + ": block " + blocks));
          case "RSA PRIVATE KEY" -> key = Optional.of(new PrivateKeyFacts("RSA", 0, "PKCS#1", true, "PEM"));
          case "EC PRIVATE KEY" -> key = Optional.of(new PrivateKeyFacts("EC", 0, "SEC1", true, "PEM"));
          case "ENCRYPTED PRIVATE KEY" -> key = Optional.of(new PrivateKeyFacts("unknown", 0, "PKCS#8 (encrypted)", true, "PEM"));
          default -> { } // CRLs, CSRs, parameters: not certificates of this chain
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof SourceException source) {
        throw source;
      }
      throw new SourceException(SourceException.Reason.MALFORMED,
          origin + ": PEM block " + (blocks + 1) + " does not decode: " + describe(e), e);
    }
    if (blocks == 0) {
      // Not PEM at all: perhaps one DER certificate (.cer/.crt files often are).
      certificates.add(certificate(bytes, origin + " (neither PEM nor a DER certificate)"));
    }
    if (certificates.isEmpty()) {
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": no CERTIFICATE block among " + blocks + " PEM blocks");
    }
    return new FoundChain(origin, Kind.FILE, certificates, key);
  }

  /**
   * Every entry of a PKCS#12 or JKS keystore (the format is detected from the bytes): a key entry
   * gives its chain and the facts of its key, a trusted-certificate entry a chain of one. Entries
   * come in alias order. {@code password} may be null for a JKS store read without an integrity
   * check; it is not kept.
   */
  public static List<FoundChain> keystore(Path file, char[] password) {
    read(file); // the same existence, size and readability rules as PEM
    String origin = file.toString();
    KeyStore store;
    try {
      store = KeyStore.getInstance(file.toFile(), password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).toLowerCase().contains("password")) {
        throw new SourceException(SourceException.Reason.WRONG_PASSWORD, origin + ": the keystore password is "
            + (password == null ? "missing" : "wrong") + " (give it with --keystore-password-env or --keystore-password-file)", e);
      }
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": not a readable keystore: " + describe(e), e);
    } catch (KeyStoreException e) {
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": not a PKCS#12 or JKS keystore: " + describe(e), e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": keystore does not load: " + describe(e), e);
    }
    List<FoundChain> chains = new ArrayList<>();
    try {
      List<String> aliases = Collections.list(store.aliases());
      Collections.sort(aliases);
      for (String alias : aliases) {
        String where = origin + "#" + alias;
        if (store.isKeyEntry(alias)) {
          Certificate[] chain = store.getCertificateChain(alias);
          if (chain == null || chain.length == 0) {
            continue; // a secret key entry: no certificates
          }
          chains.add(new FoundChain(where, Kind.KEY_ENTRY, encoded(chain, where), Optional.of(keyFacts(store, alias, password))));
        } else if (store.isCertificateEntry(alias)) {
          chains.add(new FoundChain(where, Kind.TRUSTED_ENTRY, encoded(new Certificate[] {store.getCertificate(alias)}, where),
              Optional.empty()));
        }
      }
    } catch (KeyStoreException | RuntimeException e) {
      if (e instanceof SourceException source) {
        throw source;
      }
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": keystore entries do not read: " + describe(e), e);
    }
    if (chains.isEmpty()) {
      throw new SourceException(SourceException.Reason.MALFORMED, origin + ": the keystore holds no certificate");
    }
    return chains;
  }

  /**
   * Connects to {@code endpoint}, completes a TLS handshake (SNI = the host name, none for an IP
   * literal), records the certificate chain exactly as served, and closes the connection.
   */
  public static FoundChain endpoint(Endpoint endpoint, Duration timeout) {
    String origin = endpoint.toString();
    CapturingTrustManager capture = new CapturingTrustManager();
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {capture}, null);
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), millis);
        plain.setSoTimeout(millis);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.host(), endpoint.port(), true)) {
          SSLParameters parameters = socket.getSSLParameters();
          parameters.setServerNames(endpoint.hostIsAddress() ? List.of() : List.of(new SNIHostName(endpoint.host())));
          socket.setSSLParameters(parameters);
          socket.startHandshake();
        }
      }
    } catch (UnknownHostException e) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": unknown host", e);
    } catch (SocketTimeoutException e) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": timed out after " + millis + " ms", e);
    } catch (SSLException e) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": TLS handshake failed: " + describe(e), e);
    } catch (IOException e) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": cannot connect: " + describe(e), e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": cannot set up TLS: " + describe(e), e);
    }
    List<byte[]> served = capture.served();
    if (served.isEmpty()) {
      throw new SourceException(SourceException.Reason.UNAVAILABLE, origin + ": the server sent no certificate");
    }
    return new FoundChain(origin, Kind.ENDPOINT, served, Optional.empty());
  }

  private static byte[] read(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new SourceException(SourceException.Reason.MALFORMED, file + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SourceException(SourceException.Reason.UNREADABLE, file + ": no such file", e);
    } catch (IOException e) {
      throw new SourceException(SourceException.Reason.UNREADABLE, file + ": cannot read: " + describe(e), e);
    }
  }

  /** The DER if it decodes as an X.509 certificate (RFC 5280 §4.1) with nothing after it. */
  private static byte[] certificate(byte[] der, String where) {
    try {
      org.bouncycastle.asn1.x509.Certificate.getInstance(ASN1Primitive.fromByteArray(der));
      return der;
    } catch (IOException | RuntimeException e) {
      throw new SourceException(SourceException.Reason.MALFORMED, where + ": not an X.509 certificate: " + describe(e), e);
    }
  }

  private static List<byte[]> encoded(Certificate[] chain, String where) {
    List<byte[]> der = new ArrayList<>();
    for (Certificate certificate : chain) {
      try {
        der.add(certificate(certificate.getEncoded(), where));
      } catch (GeneralSecurityException e) {
        throw new SourceException(SourceException.Reason.MALFORMED, where + ": certificate does not encode: " + describe(e), e);
      }
    }
    return der;
  }

  private static PrivateKeyFacts keyFacts(KeyStore store, String alias, char[] password) throws KeyStoreException {
    String type = store.getType().toUpperCase(java.util.Locale.ROOT);
    try {
      Key key = store.getKey(alias, password);
      if (!(key instanceof PrivateKey privateKey)) {
        return new PrivateKeyFacts("unknown", 0, "", true, type);
      }
      int bits = switch (privateKey) {
        case RSAKey rsa -> rsa.getModulus().bitLength();
        case ECKey ec -> ec.getParams().getOrder().bitLength();
        default -> 0;
      };
      return new PrivateKeyFacts(privateKey.getAlgorithm(), bits, String.valueOf(privateKey.getFormat()), true, type);
    } catch (UnrecoverableKeyException e) {
      // Salesforce's import needs the key password to equal the keystore password (help 000387714).
      return new PrivateKeyFacts("unknown", 0, "", false, type);
    } catch (GeneralSecurityException e) {
      return new PrivateKeyFacts("unknown", 0, "", false, type);
    }
  }

  private static PrivateKeyFacts pkcs8Facts(byte[] der, String where) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      var oid = info.getPrivateKeyAlgorithm().getAlgorithm();
      if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        int bits = RSAPrivateKey.getInstance(info.parsePrivateKey()).getModulus().bitLength();
        return new PrivateKeyFacts("RSA", bits, "PKCS#8", true, "PEM");
      }
      return new PrivateKeyFacts(oid.equals(X9ObjectIdentifiers.id_ecPublicKey) ? "EC" : oid.getId(), 0, "PKCS#8", true, "PEM");
    } catch (IOException | RuntimeException e) {
      throw new SourceException(SourceException.Reason.MALFORMED, where + " (PRIVATE KEY): not a PKCS#8 key: " + describe(e), e);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
