package dev.portcullis.server.config;

import dev.portcullis.salesforce.OrgEnvironment;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated {@code portcullis.yaml}. Produced by {@link ConfigLoader}; every path is absolute
 * (resolved against the configuration file's directory) and every {@code ${NAME}} is expanded.
 *
 * <h2>Schema</h2>
 *
 * <pre>{@code
 * server:                          # optional
 *   admin:   { host: 127.0.0.1, port: 7400 }   # admin API (healthz, readyz, metrics); port 0 = any free port
 *   gateway: { host: 127.0.0.1, port: 7443 }   # optional; the token exchange and the proxy
 *     # public_url: https://gw.acme.example     # optional: the gateway as clients reach it (a load balancer)
 *   tls: { certificate: certs/server.pem, private_key: certs/server-key.pem }   # optional, PEM (key PKCS#8)
 *   shutdown_grace: 10s            # in-flight requests get this long on shutdown (ms, s, m, h)
 * data_dir: ./data                 # optional; the CLI's --data-dir wins
 * storage:
 *   url: "sqlite:portcullis.db"    # or postgresql://HOST:PORT/DB?user=U&password=${PG_PASSWORD}
 * salesforce:
 *   api_version: "66.0"
 * logging:
 *   format: text                   # text | json (JSON lines)
 *   level: info                    # trace | debug | info | warn | error
 * ledger:                          # optional; the tamper-evident ledger
 *   origin: acme.example/portcullis # checkpoint origin and log key name; default portcullis/<key hash>
 *   backend: filesystem            # filesystem (DATA_DIR/ledger) | postgresql (storage.url's database)
 *   batch_wait: 0ms                # how long a lone append waits for others to share its commit
 *   max_batch: 4096                # entries per batch at most
 *   witness_interval: 10s          # how often the latest checkpoint goes to the witnesses
 *   witnesses:                     # optional: C2SP tlog-witness endpoints and their cosigner keys
 *     - { url: https://witness.example/, vkey: "witness.example+8d66cf3f+BJ...=" }
 * orgs:                            # optional list
 *   - alias: prod                  # [a-z][a-z0-9_-]*, unique
 *     environment: production      # production | sandbox
 *     login_url: https://login.salesforce.com     # optional; default from environment
 *     instance_url: https://acme.my.salesforce.com
 *     consumer_key: ${PROD_CONSUMER_KEY}
 *     username: integration@acme.com
 *     private_key: keys/prod.pem   # PEM PKCS#8 RSA key, or instead:
 *     # keystore: { path: keys/prod.p12, password: ${PROD_KEYSTORE_PASSWORD}, alias: prod }
 *     org_id: 00D5e000000AbCdEAA   # needed for sessions: Salesforce tokens must carry it
 *     integration_users:           # the users sessions act as, least privileged first
 *       - { username: ci-reader@acme.com, scopes: [api:read], private_key: keys/prod.pem }
 * identity:                        # optional: what the token broker accepts
 *   issuers:
 *     - issuer: https://token.actions.githubusercontent.com   # jwks_url, audiences, algorithms, dialect, clock_skew, max_token_age
 *   mtls: { certificate_authorities: [certs/ci-ca.pem], identity_from: san_uri, allowed_prefixes: [...] }
 * broker:                          # optional
 *   max_ttl: 15m
 *   policies: policies             # default DATA_DIR/policies (the default pack is written there)
 *   policy_poll_interval: 2s
 *   revoke_at_risk: 80             # a principal's risk score at or above this ends its sessions
 * }</pre>
 *
 * <p>Secrets ({@link Secret}, the storage URL's password) never appear in {@code toString()}.
 *
 * @param file the configuration file (absolute)
 * @param server listeners and shutdown
 * @param dataDir the data directory named in the file, if any
 * @param storage the store
 * @param salesforce Salesforce API settings
 * @param logging log format and level
 * @param ledger the tamper-evident ledger
 * @param orgs the orgs, in file order
 * @param identity the CI identities the token broker accepts
 * @param broker the token broker's limits and policy directory
 * @param warnings problems that did not stop loading (e.g. a literal password)
 */
public record Config(
    Path file,
    Server server,
    Optional<Path> dataDir,
    Storage storage,
    Salesforce salesforce,
    Logging logging,
    Ledger ledger,
    List<Org> orgs,
    Identity identity,
    Broker broker,
    List<Problem> warnings) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_ADMIN_PORT = 7400;
  public static final int DEFAULT_GATEWAY_PORT = 7443;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final String DEFAULT_STORAGE_URL = "sqlite:portcullis.db";
  public static final String DEFAULT_API_VERSION = "66.0";
  /**
   * No wait: a lone append commits at once, and appends arriving during a commit form the next one, so batches
   * still grow with load. Since {@code gateway.completed} rides with the next commit instead of starting one, a
   * wait no longer pays for itself under gateway load (docs/PERFORMANCE.md, "Gateway load").
   */
  public static final Duration DEFAULT_BATCH_WAIT = Duration.ZERO;
  public static final int DEFAULT_MAX_BATCH = 4096;
  public static final Duration DEFAULT_WITNESS_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(15);

  /** This configuration with the admin listener on {@code port} (0 = any free port). */
  public Config withAdminPort(int port) {
    Listener admin = new Listener(server.admin().host(), port);
    Server moved = new Server(admin, server.gateway(), server.tls(), server.shutdownGrace(), server.gatewayLimits(),
        server.gatewayPublicUrl());
    return new Config(file, moved, dataDir, storage, salesforce, logging, ledger, orgs, identity, broker, warnings);
  }

  /** This configuration with other request limits on the gateway listener. */
  public Config withGatewayLimits(GatewayLimits limits) {
    Server moved = new Server(server.admin(), server.gateway(), server.tls(), server.shutdownGrace(), limits,
        server.gatewayPublicUrl());
    return new Config(file, moved, dataDir, storage, salesforce, logging, ledger, orgs, identity, broker, warnings);
  }

  /** This configuration with the gateway's public URL (links in answers and the token exchange's {@code instance_url}). */
  public Config withGatewayPublicUrl(URI publicUrl) {
    Server moved = new Server(server.admin(), server.gateway(), server.tls(), server.shutdownGrace(),
        server.gatewayLimits(), Optional.of(publicUrl));
    return new Config(file, moved, dataDir, storage, salesforce, logging, ledger, orgs, identity, broker, warnings);
  }

  /** This configuration with the gateway listening on {@code port} (on its configured host, else {@link #DEFAULT_HOST}). */
  public Config withGatewayPort(int port) {
    Listener gateway = new Listener(server.gateway().map(Listener::host).orElse(DEFAULT_HOST), port);
    Server moved = new Server(server.admin(), Optional.of(gateway), server.tls(), server.shutdownGrace(),
        server.gatewayLimits(), server.gatewayPublicUrl());
    return new Config(file, moved, dataDir, storage, salesforce, logging, ledger, orgs, identity, broker, warnings);
  }

  public Config {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(salesforce, "salesforce");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(broker, "broker");
    orgs = List.copyOf(orgs);
    warnings = List.copyOf(warnings);
  }

  /** Whether {@code host} is a loopback address or {@code localhost} (names are never resolved). */
  public static boolean isLoopbackHost(String host) {
    return ConfigWalk.isLoopback(host);
  }

  /** The org with this alias. */
  public Optional<Org> org(String alias) {
    return orgs.stream().filter(org -> org.alias().equals(alias)).findFirst();
  }

  /**
   * @param admin the admin API listener
   * @param gateway the gateway listener, when configured
   * @param tls the server certificate and key, when configured
   * @param shutdownGrace how long in-flight requests may run on shutdown
   * @param gatewayLimits the gateway listener's request limits ({@code server.gateway})
   * @param gatewayPublicUrl the gateway's URL as clients reach it ({@code server.gateway.public_url}),
   *     when it is not the listener's own address: the token exchange's {@code instance_url} and the
   *     links in answers (docs/GATEWAY.md, "URLs in answers")
   */
  public record Server(Listener admin, Optional<Listener> gateway, Optional<Tls> tls, Duration shutdownGrace,
      GatewayLimits gatewayLimits, Optional<URI> gatewayPublicUrl) {
    public Server(Listener admin, Optional<Listener> gateway, Optional<Tls> tls, Duration shutdownGrace) {
      this(admin, gateway, tls, shutdownGrace, GatewayLimits.DEFAULTS);
    }

    public Server(Listener admin, Optional<Listener> gateway, Optional<Tls> tls, Duration shutdownGrace,
        GatewayLimits gatewayLimits) {
      this(admin, gateway, tls, shutdownGrace, gatewayLimits, Optional.empty());
    }
  }

  /**
   * Request limits on the gateway listener (docs/GATEWAY.md, "Hardening").
   *
   * @param maxHeaderBytes request line and headers together, as Salesforce counts its 16,384 bytes:
   *     a longer request line is answered 414, longer headers 431
   * @param maxBodyBytes request body limit per API family ({@link #FAMILIES}); 413 beyond it
   * @param idleTimeout a connection with nothing to read or write for this long is closed
   * @param minRequestBytesPerSecond a request body arriving slower than this is cut (0: no minimum)
   */
  public record GatewayLimits(int maxHeaderBytes, Map<String, Long> maxBodyBytes, Duration idleTimeout,
      long minRequestBytesPerSecond) {
    /** The API families with their own body limit, as {@code server.gateway.max_body_bytes} names them. */
    public static final List<String> FAMILIES = List.of("rest", "soap", "metadata", "bulk", "bulk2", "token");
    private static final long MB = 1000L * 1000L;
    public static final GatewayLimits DEFAULTS = new GatewayLimits(16_384,
        Map.of("rest", 50 * MB, "soap", 50 * MB, "metadata", 64 * MB, "bulk", 10 * MB, "bulk2", 150 * MB,
            "token", 64L * 1024),
        Duration.ofSeconds(30), 1024);

    public GatewayLimits {
      maxBodyBytes = Map.copyOf(maxBodyBytes);
      if (!maxBodyBytes.keySet().containsAll(FAMILIES)) {
        throw new IllegalArgumentException("a body limit for every family " + FAMILIES + " is needed: " + maxBodyBytes);
      }
    }

    /** The body limit of {@code family} (one of {@link #FAMILIES}). */
    public long maxBodyBytes(String family) {
      return maxBodyBytes.get(family);
    }
  }

  /** @param port 0 picks a free port */
  public record Listener(String host, int port) {}

  /** PEM certificate (chain) and PEM PKCS#8 private key, absolute paths. */
  public record Tls(Path certificate, Path privateKey) {}

  /** @param url {@code sqlite:PATH} or {@code postgresql://…}; {@code toString()} hides a password */
  public record Storage(String url) {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&]*");
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    /** The URL with any password replaced by {@code ***}. */
    public String redactedUrl() {
      String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
      return USER_INFO_PASSWORD.matcher(redacted).replaceAll("$1***@");
    }

    @Override
    public String toString() {
      return "Storage[url=" + redactedUrl() + "]";
    }
  }

  /** @param apiVersion e.g. {@code 66.0} */
  public record Salesforce(String apiVersion) {}

  public record Logging(Format format, Level level) {
    public enum Format {
      TEXT,
      JSON
    }

    public enum Level {
      TRACE,
      DEBUG,
      INFO,
      WARN,
      ERROR
    }
  }

  /**
   * The ledger's settings.
   *
   * @param origin the checkpoint origin (and log key name); empty: derived from the log key
   * @param backend where tiles and checkpoints are kept
   * @param batchWait the longest an append waits before its batch is committed
   * @param maxBatch the most entries one batch commits
   * @param witnesses the witnesses each new checkpoint is sent to
   * @param witnessInterval how often the latest checkpoint is sent to the witnesses
   */
  public record Ledger(Optional<String> origin, Backend backend, Duration batchWait, int maxBatch,
      List<Witness> witnesses, Duration witnessInterval) {
    public Ledger {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(backend, "backend");
      witnesses = List.copyOf(witnesses);
    }

    /** The defaults: file system, no witnesses. */
    public static Ledger defaults() {
      return new Ledger(Optional.empty(), Backend.FILESYSTEM, DEFAULT_BATCH_WAIT, DEFAULT_MAX_BATCH, List.of(),
          DEFAULT_WITNESS_INTERVAL);
    }

    public enum Backend {
      FILESYSTEM,
      POSTGRESQL
    }

    /**
     * A C2SP tlog-witness.
     *
     * @param url its submission prefix ({@code add-checkpoint} is resolved against it)
     * @param vkey its cosigner's verifier key, {@code <name>+<hex id>+<base64(0x04 ‖ key)>}
     */
    public record Witness(URI url, String vkey) {}
  }

  /**
   * One Salesforce org and the integration user Portcullis acts as (OAuth 2.0 JWT bearer flow).
   *
   * @param alias short unique name
   * @param environment production or sandbox
   * @param loginUrl the token endpoint's base (login.salesforce.com, test.salesforce.com, My Domain)
   * @param instanceUrl the org's My Domain URL
   * @param consumerKey the connected app's consumer key
   * @param username the integration user
   * @param credential the key that signs JWT bearer assertions
   * @param orgId the org's 18-character id ({@code 00D…}); the broker refuses a Salesforce token for
   *     any other org. Required for an org that sessions can be issued for
   * @param integrationUsers the users sessions act as, least privileged first; empty: no sessions
   *     are issued for this org
   */
  public record Org(
      String alias,
      OrgEnvironment environment,
      URI loginUrl,
      URI instanceUrl,
      String consumerKey,
      String username,
      Credential credential,
      Optional<String> orgId,
      List<IntegrationUser> integrationUsers) {
    public Org {
      Objects.requireNonNull(orgId, "orgId");
      integrationUsers = List.copyOf(integrationUsers);
    }

    /** An org without broker settings (no org id, no integration users). */
    public Org(String alias, OrgEnvironment environment, URI loginUrl, URI instanceUrl, String consumerKey,
        String username, Credential credential) {
      this(alias, environment, loginUrl, instanceUrl, consumerKey, username, credential, Optional.empty(), List.of());
    }

    /** Whether the token broker can issue sessions for this org. */
    public boolean brokered() {
      return orgId.isPresent() && !integrationUsers.isEmpty();
    }
  }

  /**
   * A Salesforce user a session may act as (OAuth 2.0 JWT bearer flow).
   *
   * @param username the Salesforce username
   * @param scopes the session scopes its access covers ({@code api:read}, {@code metadata:deploy}, …)
   * @param consumerKey the connected app's consumer key; the org's when not given
   * @param credential the key that signs its JWT bearer assertions
   */
  public record IntegrationUser(String username, java.util.Set<String> scopes, String consumerKey,
      Credential credential) {
    public IntegrationUser {
      scopes = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(scopes));
    }
  }

  /**
   * The CI identities the token broker accepts.
   *
   * @param issuers trusted OIDC issuers (GitHub Actions, GitLab, any issuer with a JWKS)
   * @param mtls client certificates accepted on the gateway listener, when configured
   * @param approvers the people who may approve what policy holds for approval ({@code require_approval});
   *     none: nothing can be approved
   */
  public record Identity(List<dev.portcullis.identity.TrustedIssuer> issuers, Optional<Mtls> mtls,
      List<Approver> approvers) {
    public static final Identity NONE = new Identity(List.of(), Optional.empty(), List.of());

    public Identity(List<dev.portcullis.identity.TrustedIssuer> issuers, Optional<Mtls> mtls) {
      this(issuers, mtls, List.of());
    }

    public Identity {
      issuers = List.copyOf(issuers);
      Objects.requireNonNull(mtls, "mtls");
      approvers = List.copyOf(approvers);
    }

    /** Whether any identity can be exchanged for a session. */
    public boolean any() {
      return !issuers.isEmpty() || mtls.isPresent();
    }
  }

  /**
   * People of one trusted issuer who may approve.
   *
   * @param issuer the {@code iss} of their ID tokens (one of {@code identity.issuers})
   * @param subjects who: each matches the token's {@code sub}, {@code preferred_username} or {@code email}
   */
  public record Approver(String issuer, List<String> subjects) {
    public Approver {
      Objects.requireNonNull(issuer, "issuer");
      subjects = List.copyOf(subjects);
    }
  }

  /**
   * mTLS client certificates as subjects of the token exchange.
   *
   * @param certificateAuthorities PEM files of the CAs client chains must lead to
   * @param identityFrom which SAN names the client
   * @param allowedPrefixes when not empty, the identity must start with one of these
   */
  public record Mtls(List<Path> certificateAuthorities,
      dev.portcullis.identity.ClientCertificatePolicy.IdentitySource identityFrom, List<String> allowedPrefixes) {
    public Mtls {
      certificateAuthorities = List.copyOf(certificateAuthorities);
      allowedPrefixes = List.copyOf(allowedPrefixes);
    }
  }

  /**
   * The token broker.
   *
   * @param maxTtl the longest session whatever policy says (policy may shorten it)
   * @param policies the policy directory; empty: {@code DATA_DIR/policies}, where the default pack
   *     is written on first start
   * @param policyPollInterval how often the directory is checked for changes besides file-system
   *     notifications
   * @param revokeAtRisk the risk score (above 0, at most 100) at or above which a principal's sessions
   *     are revoked (reason {@code RISK}) and no session is issued to it
   */
  public record Broker(Duration maxTtl, Optional<Path> policies, Duration policyPollInterval, double revokeAtRisk) {
    public static final double DEFAULT_REVOKE_AT_RISK = 80;
    public static final Broker DEFAULTS =
        new Broker(DEFAULT_MAX_TTL, Optional.empty(), Duration.ofSeconds(2), DEFAULT_REVOKE_AT_RISK);

    public Broker {
      Objects.requireNonNull(maxTtl, "maxTtl");
      Objects.requireNonNull(policies, "policies");
      Objects.requireNonNull(policyPollInterval, "policyPollInterval");
      if (!(revokeAtRisk > 0 && revokeAtRisk <= 100)) {
        throw new IllegalArgumentException("revokeAtRisk must be above 0 and at most 100, was " + revokeAtRisk);
      }
    }

    /** Without a risk cut-off given: the default, {@value #DEFAULT_REVOKE_AT_RISK}. */
    public Broker(Duration maxTtl, Optional<Path> policies, Duration policyPollInterval) {
      this(maxTtl, policies, policyPollInterval, DEFAULT_REVOKE_AT_RISK);
    }
  }

  /** Where the org's signing key lives. */
  public sealed interface Credential {
    /** A PEM file holding an unencrypted PKCS#8 RSA private key. */
    record PemFile(Path path) implements Credential {}

    /** A PKCS#12 or JKS keystore entry. */
    record KeyStoreEntry(Path path, Secret password, String alias) implements Credential {}
  }

  /** A secret value; {@code toString()} never shows it. */
  public record Secret(String value) {
    public Secret {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "***";
    }
  }
}
