package dev.portcullis.server.config;

import dev.portcullis.server.config.KeyFileCheck.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises what a PEM file holds (RFC 7468 labels) and says, in words a user can act on, why it
 * is not the unencrypted PKCS#8 private key Portcullis reads. Messages name the file, never its bytes.
 */
final class PemFiles {
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /** A file's text, or why it could not be read. */
  private record Read(String text, Finding problem) {}

  private static Read read(Path file, String what) {
    try {
      return new Read(Files.readString(file, StandardCharsets.US_ASCII), null);
    } catch (NoSuchFileException e) {
      return new Read(null, new Finding(
          ConfigErrorCode.FILE_NOT_FOUND,
          what + " " + file + " does not exist",
          "relative paths are resolved against the configuration file's directory"));
    } catch (IOException | RuntimeException e) {
      return new Read(null, new Finding(ConfigErrorCode.FILE_NOT_FOUND, "cannot read " + what + " " + file, readHint(file)));
    }
  }

  /** Checks a private key file; {@code requireRsa} for JWT bearer signing keys (RS256). */
  static Optional<Finding> checkPrivateKey(Path file, boolean requireRsa) {
    Read read = read(file, "private key file");
    if (read.problem() != null) {
      return Optional.of(read.problem());
    }
    String text = read.text();
    Matcher begin = BEGIN.matcher(text);
    if (!begin.find()) {
      return Optional.of(
          new Finding(
              ConfigErrorCode.BAD_KEY_FILE,
              file + " is not a PEM file (no -----BEGIN ...----- line)",
              "for a DER key run: openssl pkcs8 -inform DER -in KEY.der -nocrypt -out key.pem"));
    }
    String label = begin.group(1);
    String toPkcs8 = "convert it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem";
    return switch (label) {
      case "PRIVATE KEY" -> checkPkcs8(file, text, requireRsa);
      case "ENCRYPTED PRIVATE KEY" ->
          Optional.of(
              new Finding(
                  ConfigErrorCode.BAD_KEY_FILE,
                  file + " holds an encrypted private key; Portcullis reads unencrypted PKCS#8 PEM",
                  "decrypt it: openssl pkcs8 -in " + file
                      + " -out key.pem (keep it 0600), or use keystore: {path, password, alias}"));
      case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> {
        boolean encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
        yield Optional.of(
            new Finding(
                ConfigErrorCode.BAD_KEY_FILE,
                file + " holds " + (encrypted ? "an encrypted " : "a ")
                    + (label.startsWith("RSA") ? "PKCS#1" : "traditional") + " key (BEGIN " + label
                    + "); Portcullis reads unencrypted PKCS#8 (BEGIN PRIVATE KEY)",
                toPkcs8));
      }
      case "OPENSSH PRIVATE KEY" ->
          Optional.of(
              new Finding(
                  ConfigErrorCode.BAD_KEY_FILE,
                  file + " holds an OpenSSH key; Portcullis reads PKCS#8 PEM (BEGIN PRIVATE KEY)",
                  "convert a copy: ssh-keygen -p -m PKCS8 -f COPY_OF_KEY"));
      default ->
          Optional.of(
              new Finding(
                  ConfigErrorCode.BAD_KEY_FILE,
                  file + " contains a " + label + ", not a private key",
                  "name the PEM file that starts with -----BEGIN PRIVATE KEY-----"));
    };
  }

  /** Checks that a file holds at least one PEM certificate. */
  static Optional<Finding> checkCertificate(Path file) {
    Read read = read(file, "certificate file");
    if (read.problem() != null) {
      return Optional.of(read.problem());
    }
    String text = read.text();
    Matcher begin = BEGIN.matcher(text);
    if (!begin.find()) {
      return Optional.of(
          new Finding(ConfigErrorCode.BAD_KEY_FILE, file + " is not a PEM file", "expected -----BEGIN CERTIFICATE-----"));
    }
    if (!begin.group(1).equals("CERTIFICATE")) {
      return Optional.of(
          new Finding(
              ConfigErrorCode.BAD_KEY_FILE,
              file + " contains a " + begin.group(1) + ", not a CERTIFICATE",
              "name the PEM file that starts with -----BEGIN CERTIFICATE-----"));
    }
    return Optional.empty();
  }

  /** The DER bytes of the first PEM block with {@code label}. */
  static byte[] decode(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from + 1);
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("no " + label + " block");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  private static Optional<Finding> checkPkcs8(Path file, String text, boolean requireRsa) {
    byte[] der;
    try {
      der = decode(text, "PRIVATE KEY");
    } catch (IllegalArgumentException e) {
      return Optional.of(
          new Finding(
              ConfigErrorCode.BAD_KEY_FILE,
              file + " has a damaged PRIVATE KEY block (bad base64 or no END line)",
              null));
    }
    for (String algorithm : requireRsa ? List.of("RSA") : KEY_ALGORITHMS) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return Optional.empty();
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    return Optional.of(
        new Finding(
            ConfigErrorCode.BAD_KEY_FILE,
            requireRsa
                ? file + " is not an RSA private key; the JWT bearer flow signs with RS256"
                : file + " holds a PKCS#8 key of an unsupported algorithm (need RSA, EC or EdDSA)",
            requireRsa ? "make one: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem" : null));
  }

  private static String readHint(Path file) {
    return Files.isDirectory(file) ? "it is a directory, name a file" : "check the file's permissions";
  }
}
