package dev.portcullis.salesforce;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Service-provider interface through which {@code serve --demo} and {@code portcullis orgsim}
 * start an in-process Salesforce org simulator without a compile-time dependency on it.
 *
 * <p>Production code finds an implementation with {@link java.util.ServiceLoader} and never names
 * one. The only implementation lives in the {@code orgsim} module, a test double that speaks
 * Salesforce's wire formats. When no implementation is on the class path, the demo says so.
 */
public interface OrgSimulatorProvider {

  /** Starts one listener per org on {@code options.host()} and returns once all accept requests. */
  OrgSimulator start(Options options) throws IOException;

  /**
   * One simulated org.
   *
   * @param alias short name, e.g. {@code prod}
   * @param environment production or sandbox; decides which standard {@code aud} is accepted
   * @param username the pre-authorized integration user
   * @param consumerKey the connected app's consumer key ({@code iss} of the JWT bearer assertion)
   * @param certificate the certificate registered on the connected app; verifies assertions
   * @param orgId the org's 15- or 18-character id ({@code 00D…}), or {@code null} for a generated one
   * @param additionalUsers more active users, pre-authorized on the same connected app (e.g. the
   *     broker's integration users)
   * @param instanceUrl what the org's token answers name as {@code instance_url} (where clients
   *     of its tokens send their API calls), or {@code null} for the org's own URL
   */
  record SimulatedOrg(
      String alias,
      OrgEnvironment environment,
      String username,
      String consumerKey,
      X509Certificate certificate,
      String orgId,
      List<String> additionalUsers,
      URI instanceUrl) {
    public SimulatedOrg {
      additionalUsers = List.copyOf(additionalUsers);
    }

    /** An org whose token answers name its own URL as {@code instance_url}. */
    public SimulatedOrg(String alias, OrgEnvironment environment, String username, String consumerKey,
        X509Certificate certificate, String orgId, List<String> additionalUsers) {
      this(alias, environment, username, consumerKey, certificate, orgId, additionalUsers, null);
    }

    /** An org with a generated id and only its integration user. */
    public SimulatedOrg(
        String alias, OrgEnvironment environment, String username, String consumerKey, X509Certificate certificate) {
      this(alias, environment, username, consumerKey, certificate, null, List.of(), null);
    }
  }

  /**
   * @param host the address to bind, normally {@code 127.0.0.1}
   * @param firstPort the first org's port, the next org gets the next port; 0 picks free ports
   * @param orgs the orgs to simulate
   * @param fixture a YAML data fixture, or {@code null} for the built-in demo data
   * @param oidcIssuerPort the port of the simulated CI OIDC issuers (GitHub-Actions-shaped and
   *     GitLab-shaped, on one listener); 0 picks a free port; {@link #NO_OIDC_ISSUERS} starts none
   */
  record Options(String host, int firstPort, List<SimulatedOrg> orgs, Path fixture, int oidcIssuerPort) {
    /** {@link #oidcIssuerPort()}: start no OIDC issuer. */
    public static final int NO_OIDC_ISSUERS = -1;

    public Options {
      Objects.requireNonNull(orgs, "orgs");
      if (oidcIssuerPort < NO_OIDC_ISSUERS || oidcIssuerPort > 65535) {
        throw new IllegalArgumentException("oidcIssuerPort must be 0..65535 or NO_OIDC_ISSUERS, was " + oidcIssuerPort);
      }
    }

    /** The orgs alone, without OIDC issuers. */
    public Options(String host, int firstPort, List<SimulatedOrg> orgs, Path fixture) {
      this(host, firstPort, orgs, fixture, NO_OIDC_ISSUERS);
    }
  }

  /** A running simulator. Closing it stops every listener. */
  interface OrgSimulator extends AutoCloseable {
    /**
     * The org's base URL, no trailing slash: its login URL, and its instance URL (My Domain) unless
     * {@link SimulatedOrg#instanceUrl()} names another.
     */
    URI url(String alias);

    /** The org's 18-character id ({@code 00D…}). */
    String orgId(String alias);

    /**
     * The simulated CI OIDC issuers by shape ({@code github}, {@code gitlab}): each URL is the
     * issuer identifier ({@code iss}) and the base of its discovery document and JWKS, as the
     * provider it imitates lays them out. Empty when the simulator was started without issuers.
     */
    default Map<String, URI> oidcIssuers() {
      return Map.of();
    }

    /**
     * The roots of the simulated public certificate authorities that issued the orgs' seeded certificates (a real
     * org's chain to a root of the Mozilla store): checks trust them as public roots when they judge the simulated
     * orgs' certificates. Empty when the simulator seeds none.
     */
    default List<X509Certificate> publicRoots() {
      return List.of();
    }

    @Override
    void close();
  }
}
