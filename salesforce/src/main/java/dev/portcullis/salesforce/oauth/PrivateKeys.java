package dev.portcullis.salesforce.oauth;

import static dev.portcullis.salesforce.SalesforceErrorCode.KEY_FILE_MISSING;
import static dev.portcullis.salesforce.SalesforceErrorCode.KEY_INVALID;

import dev.portcullis.salesforce.SalesforceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the connected app's private key: an unencrypted PKCS#8 RSA key in PEM form ({@code
 * -----BEGIN PRIVATE KEY-----}), as {@code openssl genpkey -algorithm RSA} writes it.
 *
 * <p>Each way a key file is commonly wrong gets its own message saying what the file holds and how
 * to fix it: a certificate or public key given by mistake, a PKCS#1 ({@code BEGIN RSA PRIVATE
 * KEY}) or encrypted key that needs {@code openssl pkcs8 -topk8 -nocrypt}, an EC key, a key shorter
 * than 2048 bits. No message contains key material.
 */
public final class PrivateKeys {
  /** RS256 with a shorter key is refused by Nimbus and by Salesforce's certificate upload. */
  static final int MIN_RSA_BITS = 2048;

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String CONVERT = "openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8.pem";

  private PrivateKeys() {}

  /**
   * Reads an RSA private key from a PEM file holding a {@code PRIVATE KEY} block (other blocks,
   * e.g. a certificate in the same file, are skipped).
   *
   * @throws SalesforceException {@code KEY_FILE_MISSING} when the file does not exist or cannot be
   *     read, {@code KEY_INVALID} when it does not hold an unencrypted PKCS#8 RSA key of at least
   *     2048 bits
   */
  public static RSAPrivateKey readPkcs8Pem(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SalesforceException(KEY_FILE_MISSING, "private key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new SalesforceException(
          KEY_FILE_MISSING, "cannot read private key file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    return parsePkcs8Pem(new String(bytes, StandardCharsets.ISO_8859_1), file.toString());
  }

  /** Like {@link #readPkcs8Pem(Path)} for PEM text; {@code source} names it in messages. */
  static RSAPrivateKey parsePkcs8Pem(String pem, String source) {
    if (pem.isBlank()) {
      throw invalid(source, "is empty; expected -----BEGIN PRIVATE KEY-----");
    }
    List<String> labels = new ArrayList<>();
    String body = null;
    Matcher block = PEM_BLOCK.matcher(pem);
    while (block.find()) {
      labels.add(block.group(1));
      if (body == null && block.group(1).equals("PRIVATE KEY")) {
        body = block.group(2);
      }
    }
    if (body == null) {
      throw invalid(source, explainMissingPrivateKey(pem, labels));
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw invalid(source, "has a PRIVATE KEY block whose body is not valid Base64");
    }
    return toRsaKey(der, source);
  }

  private static String explainMissingPrivateKey(String pem, List<String> labels) {
    if (labels.isEmpty()) {
      if (pem.contains("-----BEGIN ")) {
        return "is not a complete PEM file (a -----BEGIN line without a matching -----END line)";
      }
      boolean binary = pem.chars().anyMatch(c -> c < 0x09 || c > 0x7e && c < 0xa0);
      return binary
          ? "is not a PEM file (binary, perhaps DER); convert it with openssl pkcs8 -topk8 -nocrypt -inform DER -in <key> -out <key>.pk8.pem"
          : "is not a PEM file; expected -----BEGIN PRIVATE KEY-----";
    }
    if (labels.contains("ENCRYPTED PRIVATE KEY")) {
      return "contains an encrypted private key; Portcullis needs it unencrypted (protect the file instead): " + CONVERT;
    }
    if (labels.contains("RSA PRIVATE KEY")) {
      return pem.contains("Proc-Type: 4,ENCRYPTED")
          ? "contains an encrypted PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); convert it to unencrypted PKCS#8: " + CONVERT
          : "contains a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8: " + CONVERT;
    }
    if (labels.contains("EC PRIVATE KEY")) {
      return "contains an EC private key; Salesforce's JWT bearer flow needs an RSA key (RS256)";
    }
    if (labels.contains("OPENSSH PRIVATE KEY")) {
      return "contains an OpenSSH private key; Salesforce's JWT bearer flow needs a PKCS#8 RSA key (BEGIN PRIVATE KEY)";
    }
    return "contains a " + labels.get(0) + ", not a private key; expected -----BEGIN PRIVATE KEY-----";
  }

  private static RSAPrivateKey toRsaKey(byte[] der, String source) {
    RSAPrivateKey key;
    try {
      key = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      String algorithm = otherAlgorithm(der);
      throw invalid(
          source,
          algorithm == null
              ? "has a PRIVATE KEY block that is not a valid PKCS#8 RSA key"
              : "holds a private key of type " + algorithm + ", not RSA; Salesforce's JWT bearer flow needs an RSA key (RS256)");
    }
    int bits = key.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) {
      throw invalid(source, "holds a " + bits + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
    }
    return key;
  }

  /** The name of a non-RSA algorithm the JDK can read the PKCS#8 key as, or null. */
  private static String otherAlgorithm(byte[] der) {
    for (String algorithm : List.of("EC", "Ed25519", "Ed448", "DSA", "X25519", "X448", "RSASSA-PSS")) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return algorithm;
      } catch (GeneralSecurityException | RuntimeException ignored) {
        // try the next algorithm
      }
    }
    return null;
  }

  private static SalesforceException invalid(String source, String problem) {
    return new SalesforceException(KEY_INVALID, "private key file " + source + " " + problem);
  }
}
