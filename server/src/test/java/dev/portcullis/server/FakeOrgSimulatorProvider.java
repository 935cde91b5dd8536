package dev.portcullis.server;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the org simulator: records what it was asked to simulate and hands out URLs
 * (nothing listens on them). Port 0 gets a different made-up port on every start. Built with
 * {@code oidcIssuers}, it also hands out simulated issuer URLs ({@code http://HOST:PORT/github},
 * {@code …/gitlab}, {@code …/people}) when asked for issuers.
 */
public final class FakeOrgSimulatorProvider implements OrgSimulatorProvider {
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(40100);

  private final boolean oidcIssuers;
  public volatile Options lastOptions;
  public volatile boolean closed;

  /** Without OIDC issuers, as a simulator built before they existed. */
  public FakeOrgSimulatorProvider() {
    this(false);
  }

  public FakeOrgSimulatorProvider(boolean oidcIssuers) {
    this.oidcIssuers = oidcIssuers;
  }

  @Override
  public OrgSimulator start(Options options) {
    lastOptions = options;
    closed = false;
    int first = options.firstPort() == 0 ? NEXT_PORT.getAndAdd(10) : options.firstPort();
    Map<String, URI> urls = new LinkedHashMap<>();
    for (int i = 0; i < options.orgs().size(); i++) {
      urls.put(options.orgs().get(i).alias(), URI.create("http://" + options.host() + ":" + (first + i)));
    }
    Map<String, URI> issuers = new LinkedHashMap<>();
    if (oidcIssuers && options.oidcIssuerPort() != Options.NO_OIDC_ISSUERS) {
      int port = options.oidcIssuerPort() == 0 ? NEXT_PORT.getAndAdd(10) : options.oidcIssuerPort();
      issuers.put("github", URI.create("http://" + options.host() + ":" + port + "/github"));
      issuers.put("gitlab", URI.create("http://" + options.host() + ":" + port + "/gitlab"));
      issuers.put("people", URI.create("http://" + options.host() + ":" + port + "/people"));
    }
    return new OrgSimulator() {
      @Override
      public URI url(String alias) {
        return urls.get(alias);
      }

      @Override
      public String orgId(String alias) {
        return "00D000000000001AAA";
      }

      @Override
      public Map<String, URI> oidcIssuers() {
        return issuers;
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }
}
