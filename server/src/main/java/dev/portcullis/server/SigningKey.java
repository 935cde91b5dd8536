package dev.portcullis.server;

import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The server's Ed25519 signing key (JDK provider), kept as PEM under {@code DATA_DIR/keys/}: the
 * private key PKCS#8 in a 0600 file, the public key SubjectPublicKeyInfo beside it. Generated on
 * first start, loaded afterwards; the ledger signs checkpoints with it.
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey) {
  static final String PRIVATE_FILE = "server-signing-ed25519.pem";
  static final String PUBLIC_FILE = "server-signing-ed25519.pub.pem";

  /**
   * Loads the key a server made earlier under {@code DATA_DIR/keys/} (offline tools: {@code portcullis ledger}).
   *
   * @throws IOException naming the file when there is none or it cannot be read
   */
  public static SigningKey load(Path dataDir) throws IOException, GeneralSecurityException {
    Path keys = dataDir.resolve("keys");
    if (!Files.exists(keys.resolve(PRIVATE_FILE))) {
      throw new java.nio.file.NoSuchFileException(keys.resolve(PRIVATE_FILE).toString(), null,
          "no server signing key: start the server once with this data directory to create it");
    }
    return loadOrCreate(keys);
  }

  /** The ledger identity this key signs as. */
  public dev.portcullis.server.ledger.LedgerIdentity ledgerIdentity(java.util.Optional<String> origin) {
    return dev.portcullis.server.ledger.LedgerIdentity.of(privateKey.getEncoded(), publicKey.getEncoded(), origin);
  }

  static SigningKey loadOrCreate(Path keysDirectory) throws IOException, GeneralSecurityException {
    Path privateFile = keysDirectory.resolve(PRIVATE_FILE);
    Path publicFile = keysDirectory.resolve(PUBLIC_FILE);
    KeyFactory factory = KeyFactory.getInstance("Ed25519");
    if (Files.exists(privateFile) || Files.exists(publicFile)) {
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der(privateFile, "PRIVATE KEY")));
      PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(der(publicFile, "PUBLIC KEY")));
      return new SigningKey(privateKey, publicKey);
    }
    AtomicFiles.createPrivateDirectory(keysDirectory);
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    AtomicFiles.write(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
    AtomicFiles.write(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
    return new SigningKey(pair.getPrivate(), pair.getPublic());
  }

  static byte[] pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] der(Path file, String label) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IOException(file + " holds no " + label + " block");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  @Override
  public String toString() {
    return "SigningKey[Ed25519, private key hidden]";
  }
}
