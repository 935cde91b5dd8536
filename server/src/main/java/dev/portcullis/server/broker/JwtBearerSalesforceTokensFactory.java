package dev.portcullis.server.broker;

import dev.portcullis.identity.broker.JwtBearerSalesforceTokens;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import dev.portcullis.salesforce.oauth.PrivateKeys;
import dev.portcullis.server.config.Config;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.interfaces.RSAPrivateKey;

/**
 * The production Salesforce token source: the OAuth 2.0 JWT bearer flow for each configured
 * integration user, with its key from {@code private_key} (PEM PKCS#8) or {@code keystore}.
 */
public final class JwtBearerSalesforceTokensFactory {
  private JwtBearerSalesforceTokensFactory() {}

  /** The longest wait for Salesforce's token endpoint. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * One JWT bearer signer per integration user of every brokered org.
   *
   * @throws IllegalArgumentException when a key cannot be read or is not an RSA key of 2048 bits or more
   */
  public static SalesforceTokens create(Config config) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    JwtBearerSalesforceTokens.Builder builder =
        JwtBearerSalesforceTokens.builder(new JwtBearerTokenClient(http, REQUEST_TIMEOUT), Clock.systemUTC());
    for (Config.Org org : config.orgs()) {
      if (!org.brokered()) {
        continue;
      }
      for (Config.IntegrationUser user : org.integrationUsers()) {
        builder.user(org.alias(), user.username(), user.consumerKey(), key(user.credential()));
      }
    }
    return builder.build();
  }

  /** The RSA key a credential names. */
  static RSAPrivateKey key(Config.Credential credential) {
    return switch (credential) {
      case Config.Credential.PemFile pem -> PrivateKeys.readPkcs8Pem(pem.path());
      case Config.Credential.KeyStoreEntry entry -> fromKeyStore(entry.path(), entry.password().value(), entry.alias());
    };
  }

  private static RSAPrivateKey fromKeyStore(Path path, String password, String alias) {
    try {
      KeyStore store = KeyStore.getInstance(path.toFile(), password.toCharArray());
      Key key = store.getKey(alias, password.toCharArray());
      if (key instanceof RSAPrivateKey rsa) {
        return rsa;
      }
      throw new IllegalArgumentException("keystore " + path + " entry '" + alias + "' is "
          + (key == null ? "not a private key" : "a " + key.getAlgorithm() + " key, not RSA"));
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read keystore " + path + ": " + e.getMessage(), e);
    }
  }
}
