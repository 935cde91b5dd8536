package dev.portcullis.server;

import dev.portcullis.server.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway's TLS certificate chain and key (PEM, PKCS#8) as an in-memory PKCS#12 key store. */
final class TlsMaterial {
  private static final Pattern KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  /** The key store and its (random, in-memory) password. */
  record Loaded(KeyStore keyStore, char[] password) {}

  private TlsMaterial() {}

  static Loaded load(Config.Tls tls) throws IOException, GeneralSecurityException {
    List<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(tls.certificate() + " holds no certificate");
    }
    Matcher matcher = KEY.matcher(Files.readString(tls.privateKey(), StandardCharsets.US_ASCII));
    if (!matcher.find()) {
      throw new GeneralSecurityException(tls.privateKey() + " holds no PKCS#8 PRIVATE KEY block");
    }
    byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
    PrivateKey key = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    if (key == null) {
      throw new GeneralSecurityException(tls.privateKey() + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    char[] password = Base64.getEncoder().encodeToString(random).toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("gateway", key, password, chain.toArray(Certificate[]::new));
    return new Loaded(store, password);
  }
}
