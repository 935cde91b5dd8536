package dev.portcullis.server.config;

import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.oauth.PrivateKeys;
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

  /**
   * The built-in check: {@link PemFiles#checkPrivateKey(Path, boolean)} requiring RSA for the
   * explanatory findings, then the very loader the token broker signs with, so that a key the
   * configuration accepts is a key the JWT bearer flow can use (RSA, 2048 bits or more).
   */
  KeyFileCheck RSA_PKCS8_PEM =
      pemFile -> {
        Optional<Finding> explained = PemFiles.checkPrivateKey(pemFile, true);
        if (explained.isPresent()) {
          return explained;
        }
        try {
          PrivateKeys.readPkcs8Pem(pemFile);
          return Optional.empty();
        } catch (SalesforceException e) {
          return Optional.of(new Finding(ConfigErrorCode.BAD_KEY_FILE, e.getMessage(), null));
        }
      };
}
