package dev.portcullis.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks that a file holds an org's JWT signing key: an unencrypted PKCS#8 RSA private key in PEM.
 *
 * <p>An interface so that the implementation can move to the Salesforce client's {@code
 * PrivateKeys.readPkcs8Pem(Path)} without touching the loader: keep {@link PemFiles} for the
 * explanatory findings (certificate, encrypted, PKCS#1, with the openssl command that fixes each),
 * and when it finds nothing, call {@code readPkcs8Pem} and turn its exception into a {@link
 * Finding} with code {@link ConfigErrorCode#BAD_KEY_FILE}. The message must not quote the file.
 */
interface KeyFileCheck {

  /** The problem with {@code pemFile}, or empty when it is a usable key. Never reads out key bytes. */
  Optional<Finding> check(Path pemFile);

  /** @param suggestion how to fix it, or {@code null} */
  record Finding(ConfigErrorCode code, String message, String suggestion) {}

  /** The built-in check: {@link PemFiles#checkPrivateKey(Path, boolean)} requiring RSA. */
  KeyFileCheck RSA_PKCS8_PEM = pemFile -> PemFiles.checkPrivateKey(pemFile, true);
}
