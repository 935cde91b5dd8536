package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link OrgSimulatorProvider} implementation that {@code serve --demo} and {@code portcullis
 * orgsim} find through {@link java.util.ServiceLoader}. Each {@link SimulatedOrg} becomes an org
 * with its connected app, its integration user and its additional users, all active and
 * pre-authorized; ports are {@code firstPort}, {@code firstPort + 1}, … (or free ports when {@code
 * firstPort} is 0). Unless the options say {@link Options#NO_OIDC_ISSUERS}, an {@link
 * OidcIssuerSimulator} runs beside the orgs (its CI issuers and its people's issuer mint tokens for
 * the audience {@value #AUDIENCE}) and stops with them; {@code oidcIssuers()} names them {@code
 * github}, {@code gitlab} and {@code people}.
 */
public final class OrgSimulatorService implements OrgSimulatorProvider {
  /** The default {@code aud} of tokens minted by the issuers the service starts: what {@code portcullis login} asks for. */
  public static final String AUDIENCE = "portcullis";

  @Override
  public OrgSimulator start(Options options) throws IOException {
    String host = options.host() == null ? "127.0.0.1" : options.host();
    dev.portcullis.orgsim.OrgSimulator.Builder builder = dev.portcullis.orgsim.OrgSimulator.builder().host(host);
    List<SimulatedOrg> orgs = options.orgs();
    for (int i = 0; i < orgs.size(); i++) {
      SimulatedOrg org = orgs.get(i);
      OrgSpec.Builder spec = OrgSpec.builder(org.alias())
          .environment(org.environment())
          .port(options.firstPort() == 0 ? 0 : options.firstPort() + i)
          .orgId(org.orgId())
          .instanceUrl(org.instanceUrl())
          .connectedApp(org.consumerKey(), org.certificate())
          .demoCertificates(true)
          .user(org.username());
      for (String username : org.additionalUsers()) {
        if (!username.equalsIgnoreCase(org.username())) {
          spec.user(username);
        }
      }
      if (options.fixture() != null) {
        spec.fixture(options.fixture());
      }
      builder.org(spec.build());
    }
    dev.portcullis.orgsim.OrgSimulator simulator = builder.start();
    if (options.oidcIssuerPort() == Options.NO_OIDC_ISSUERS) {
      return simulator;
    }
    OidcIssuerSimulator issuers;
    try {
      issuers = OidcIssuerSimulator.builder()
          .host(advertisable(host))
          .port(options.oidcIssuerPort())
          .githubAudience(AUDIENCE)
          .gitlabAudience(AUDIENCE)
          .peopleAudience(AUDIENCE)
          .start();
    } catch (IOException | RuntimeException e) {
      simulator.close();
      throw e;
    }
    return new WithIssuers(simulator, issuers);
  }

  /**
   * The issuers' URLs are their {@code iss}: a wildcard bind address would make tokens name an
   * issuer nobody can reach, so the issuers bind where the orgs advertise themselves.
   */
  private static String advertisable(String host) {
    return switch (host) {
      case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
      default -> host;
    };
  }

  /** The orgs and the OIDC issuers, closed together. */
  private record WithIssuers(dev.portcullis.orgsim.OrgSimulator orgs, OidcIssuerSimulator issuers)
      implements OrgSimulator {
    @Override
    public URI url(String alias) {
      return orgs.url(alias);
    }

    @Override
    public String orgId(String alias) {
      return orgs.orgId(alias);
    }

    @Override
    public List<X509Certificate> publicRoots() {
      return orgs.publicRoots();
    }

    @Override
    public Map<String, URI> oidcIssuers() {
      Map<String, URI> urls = new LinkedHashMap<>();
      for (OidcIssuer issuer : List.of(issuers.github(), issuers.gitlab(), issuers.people())) {
        urls.put(issuer.shape().pathSegment(), URI.create(issuer.issuer()));
      }
      return urls;
    }

    @Override
    public void close() {
      try {
        issuers.close();
      } finally {
        orgs.close();
      }
    }
  }
}
