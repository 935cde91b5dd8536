package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Salesforce org simulator: one Jetty listener per simulated org, each the org's login URL and
 * instance URL ({@code http://127.0.0.1:PORT}), speaking Salesforce's OAuth and REST wire
 * formats. A test double in the spirit of OkHttp's mockwebserver:
 *
 * <pre>{@code
 * try (OrgSimulator sim = OrgSimulator.builder()
 *     .org(OrgSpec.builder("prod").connectedApp(consumerKey, certificate).user("ci@acme.example").build())
 *     .start()) {
 *   Org prod = sim.org("prod");
 *   // POST prod.url() + "/services/oauth2/token" ...
 * }
 * }</pre>
 */
public final class OrgSimulator implements OrgSimulatorProvider.OrgSimulator {
  private final List<Server> servers;
  private final Map<String, Org> orgs;
  private final List<X509Certificate> publicRoots;

  private OrgSimulator(List<Server> servers, Map<String, Org> orgs, List<X509Certificate> publicRoots) {
    this.servers = servers;
    this.orgs = orgs;
    this.publicRoots = publicRoots;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The running org named {@code alias}. */
  public Org org(String alias) {
    Org org = orgs.get(alias);
    if (org == null) {
      throw new IllegalArgumentException("no simulated org '" + alias + "' (known: " + orgs.keySet() + ")");
    }
    return org;
  }

  /** Every running org, in the order given to the builder. */
  public List<Org> orgs() {
    return List.copyOf(orgs.values());
  }

  @Override
  public URI url(String alias) {
    return org(alias).url();
  }

  @Override
  public String orgId(String alias) {
    return org(alias).orgId();
  }

  /** The simulated public root that issued the demo certificates' custom domain chain, when an org has them. */
  @Override
  public List<X509Certificate> publicRoots() {
    return publicRoots;
  }

  /** Stops every listener. */
  @Override
  public void close() {
    for (Server server : servers) {
      try {
        server.stop();
      } catch (Exception e) {
        // Closing is best effort; a listener that fails to stop is gone with the JVM.
      }
    }
  }

  /** Builds and starts an {@link OrgSimulator}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private Clock clock = Clock.systemUTC();
    private final List<OrgSpec> specs = new ArrayList<>();

    private Builder() {}

    /** The address to bind; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The clock for token expiry, JWT {@code exp} checks, audit dates and relative date literals. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder org(OrgSpec spec) {
      specs.add(Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /**
     * Starts one listener per org and returns once all accept requests.
     *
     * @throws IllegalArgumentException for duplicate aliases or a bad fixture (naming its line)
     * @throws IOException when a port cannot be bound
     */
    public OrgSimulator start() throws IOException {
      if (specs.isEmpty()) {
        throw new IllegalArgumentException("an org simulator needs at least one org");
      }
      Map<String, Org> orgs = new LinkedHashMap<>();
      List<OrgState> states = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        OrgSpec spec = specs.get(i);
        if (orgs.containsKey(spec.alias())) {
          throw new IllegalArgumentException("duplicate org alias '" + spec.alias() + "'");
        }
        OrgState state = new OrgState(spec, clock, i);
        states.add(state);
        orgs.put(spec.alias(), new Org(state));
      }
      List<Server> servers = new ArrayList<>();
      OrgSimulator simulator = new OrgSimulator(servers, orgs,
          specs.stream().anyMatch(OrgSpec::demoCertificates) ? List.of(CertificateSeed.publicRoot(clock.instant())) : List.of());
      try {
        for (OrgState state : states) {
          QueuedThreadPool pool = new QueuedThreadPool(32, 2);
          pool.setName("orgsim-" + state.spec.alias());
          Server server = new Server(pool);
          // Salesforce answers paths with empty segments ("//services/data/..."), and the sf CLI
          // sends them after `sf org login access-token`, whose stored instance URL ends in "/".
          HttpConfiguration http = new HttpConfiguration();
          http.setUriCompliance(UriCompliance.DEFAULT.with("orgsim", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
          ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
          connector.setHost(host);
          connector.setPort(state.spec.port());
          server.addConnector(connector);
          server.setHandler(new OrgHandler(state));
          servers.add(server);
          server.start();
          String urlHost = switch (host) {
            case "0.0.0.0", "::", "[::]" -> "127.0.0.1"; // bound to every address: advertise loopback
            default -> host.contains(":") ? "[" + host + "]" : host;
          };
          state.url("http://" + urlHost + ":" + connector.getLocalPort());
        }
      } catch (Exception e) {
        simulator.close();
        if (e instanceof IOException io) {
          throw io;
        }
        throw new IOException("cannot start the org simulator: " + e.getMessage(), e);
      }
      return simulator;
    }
  }
}
