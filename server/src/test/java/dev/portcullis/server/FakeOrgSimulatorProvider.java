package dev.portcullis.server;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the org simulator: records what it was asked to simulate and hands out URLs
 * (nothing listens on them). Port 0 gets a different made-up port on every start.
 */
public final class FakeOrgSimulatorProvider implements OrgSimulatorProvider {
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(40100);

  public volatile Options lastOptions;
  public volatile boolean closed;

  @Override
  public OrgSimulator start(Options options) {
    lastOptions = options;
    closed = false;
    int first = options.firstPort() == 0 ? NEXT_PORT.getAndAdd(10) : options.firstPort();
    Map<String, URI> urls = new LinkedHashMap<>();
    for (int i = 0; i < options.orgs().size(); i++) {
      urls.put(options.orgs().get(i).alias(), URI.create("http://" + options.host() + ":" + (first + i)));
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
      public void close() {
        closed = true;
      }
    };
  }
}
