package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one simulated org looks like: its alias, environment, connected app, users, data and
 * limits. Build with {@link #builder(String)}.
 *
 * @param alias short name the simulator knows the org by
 * @param environment production or sandbox: decides the standard {@code aud} accepted
 * @param port the port to listen on; 0 picks a free one
 * @param orgId the 15- or 18-character org id, or {@code null} to generate one
 * @param consumerKey the connected app's consumer key ({@code iss} of JWT bearer assertions)
 * @param certificate the certificate registered on the connected app
 * @param users users to create (in addition to fixture users) with their OAuth status
 * @param fixtureName a name for the fixture in error messages
 * @param fixtureYaml the YAML fixture, or {@code null} for the built-in {@code orgsim/default-fixture.yaml}
 * @param sessionTimeout inactivity after which an access token stops working (Salesforce's
 *     session timeout setting; default 2 hours)
 * @param queryBatchSize records per query batch before {@code nextRecordsUrl} (default 2000)
 * @param maxAssertionLifetime the furthest in the future a JWT {@code exp} given in seconds may
 *     lie (default 10 minutes; see {@link JwtBearerGrant})
 * @param instanceUrl what the org's token answers name as {@code instance_url}, or {@code null}
 *     for its own URL. Salesforce's login hosts ({@code login.salesforce.com}) answer with the
 *     org's My Domain, another host; this puts, say, a fixed upstream or a recording proxy where
 *     clients of the token send their API calls
 * @param demoCertificates whether the org holds the demo's certificates of every use with their
 *     consumers, problems included (see {@link CertificateSeed})
 * @param bulkCertificates how many more certificates to seed, each with a named credential using
 *     it (for inventory benchmarks); 0 for none
 */
public record OrgSpec(
    String alias,
    OrgEnvironment environment,
    int port,
    String orgId,
    String consumerKey,
    X509Certificate certificate,
    List<UserSpec> users,
    String fixtureName,
    String fixtureYaml,
    Duration sessionTimeout,
    int queryBatchSize,
    Duration maxAssertionLifetime,
    URI instanceUrl,
    boolean demoCertificates,
    int bulkCertificates) {

  public OrgSpec {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(environment, "environment");
    users = List.copyOf(users);
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(maxAssertionLifetime, "maxAssertionLifetime");
    if (orgId != null && (!SalesforceId.isValid(orgId) || !orgId.startsWith("00D"))) {
      throw new IllegalArgumentException("org '" + alias + "': orgId must be a 15- or 18-character id starting with 00D");
    }
    if (queryBatchSize < 1 || queryBatchSize > 2000) {
      throw new IllegalArgumentException("org '" + alias + "': queryBatchSize must be 1..2000, was " + queryBatchSize);
    }
    if (bulkCertificates < 0 || bulkCertificates > 10_000) {
      throw new IllegalArgumentException("org '" + alias + "': bulkCertificates must be 0..10000, was " + bulkCertificates);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("org '" + alias + "': port must be 0..65535, was " + port);
    }
    if (instanceUrl != null && !isBaseUrl(instanceUrl)) {
      throw new IllegalArgumentException("org '" + alias + "': instanceUrl must be http(s)://host[:port] with no path,"
          + " query or fragment, was " + instanceUrl);
    }
  }

  /** {@code http(s)://host[:port]}, as Salesforce's {@code instance_url} is. */
  static boolean isBaseUrl(URI url) {
    String scheme = url.getScheme();
    return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && url.getHost() != null
        && url.getRawUserInfo() == null && (url.getRawPath() == null || url.getRawPath().isEmpty())
        && url.getRawQuery() == null && url.getRawFragment() == null;
  }

  /**
   * A user the org creates.
   *
   * @param username the login name ({@code sub} of JWT bearer assertions)
   * @param active whether the user is active; inactive users cannot log in
   * @param preAuthorized whether the user is pre-authorized for the connected app
   */
  public record UserSpec(String username, boolean active, boolean preAuthorized) {
    public UserSpec {
      Objects.requireNonNull(username, "username");
    }
  }

  public static Builder builder(String alias) {
    return new Builder(alias);
  }

  @Override
  public String toString() {
    return "OrgSpec[" + alias + ", " + environment.configName() + ", port " + port + ", consumerKey present "
        + (consumerKey != null) + ", " + users.size() + " users]";
  }

  /** Builds an {@link OrgSpec}. */
  public static final class Builder {
    private final String alias;
    private OrgEnvironment environment = OrgEnvironment.PRODUCTION;
    private int port;
    private String orgId;
    private String consumerKey;
    private X509Certificate certificate;
    private final List<UserSpec> users = new ArrayList<>();
    private String fixtureName = "orgsim/default-fixture.yaml";
    private String fixtureYaml;
    private Duration sessionTimeout = Duration.ofHours(2);
    private int queryBatchSize = 2000;
    private Duration maxAssertionLifetime = Duration.ofMinutes(10);
    private URI instanceUrl;
    private boolean demoCertificates;
    private int bulkCertificates;

    private Builder(String alias) {
      this.alias = alias;
    }

    public Builder environment(OrgEnvironment environment) {
      this.environment = environment;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder orgId(String orgId) {
      this.orgId = orgId;
      return this;
    }

    /** The connected app: its consumer key and the certificate that verifies assertions. */
    public Builder connectedApp(String consumerKey, X509Certificate certificate) {
      this.consumerKey = consumerKey;
      this.certificate = certificate;
      return this;
    }

    /** Adds an active user, pre-authorized for the connected app. */
    public Builder user(String username) {
      return user(new UserSpec(username, true, true));
    }

    public Builder user(UserSpec user) {
      users.add(user);
      return this;
    }

    /** Uses the YAML fixture in {@code file}. */
    public Builder fixture(Path file) {
      try {
        return fixture(file.toString(), Files.readString(file));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read fixture " + file, e);
      }
    }

    /** Uses {@code yaml} as the fixture; {@code name} appears in error messages. */
    public Builder fixture(String name, String yaml) {
      this.fixtureName = name;
      this.fixtureYaml = yaml;
      return this;
    }

    public Builder sessionTimeout(Duration sessionTimeout) {
      this.sessionTimeout = sessionTimeout;
      return this;
    }

    public Builder queryBatchSize(int queryBatchSize) {
      this.queryBatchSize = queryBatchSize;
      return this;
    }

    public Builder maxAssertionLifetime(Duration maxAssertionLifetime) {
      this.maxAssertionLifetime = maxAssertionLifetime;
      return this;
    }

    /** What token answers name as {@code instance_url}; {@code null} (the default) for the org's own URL. */
    public Builder instanceUrl(URI instanceUrl) {
      this.instanceUrl = instanceUrl;
      return this;
    }

    /**
     * Seeds the demo's certificates of every use with their consumers, issued relative to the
     * simulator's clock at start (docs/ORGSIM.md, "Certificates").
     */
    public Builder demoCertificates(boolean demoCertificates) {
      this.demoCertificates = demoCertificates;
      return this;
    }

    /** Seeds {@code count} more certificates, each used by a named credential of its own (benchmarks). */
    public Builder bulkCertificates(int count) {
      this.bulkCertificates = count;
      return this;
    }

    public OrgSpec build() {
      return new OrgSpec(alias, environment, port, orgId, consumerKey, certificate, users, fixtureName,
          fixtureYaml, sessionTimeout, queryBatchSize, maxAssertionLifetime, instanceUrl, demoCertificates,
          bulkCertificates);
    }
  }
}
