package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import java.io.IOException;
import java.util.List;

/**
 * The {@link OrgSimulatorProvider} implementation that {@code serve --demo} and {@code portcullis
 * orgsim} find through {@link java.util.ServiceLoader}. Each {@link SimulatedOrg} becomes an org
 * with its connected app and one active, pre-authorized user; ports are {@code firstPort},
 * {@code firstPort + 1}, … (or free ports when {@code firstPort} is 0).
 */
public final class OrgSimulatorService implements OrgSimulatorProvider {

  @Override
  public OrgSimulator start(Options options) throws IOException {
    dev.portcullis.orgsim.OrgSimulator.Builder builder = dev.portcullis.orgsim.OrgSimulator.builder()
        .host(options.host() == null ? "127.0.0.1" : options.host());
    List<SimulatedOrg> orgs = options.orgs();
    for (int i = 0; i < orgs.size(); i++) {
      SimulatedOrg org = orgs.get(i);
      OrgSpec.Builder spec = OrgSpec.builder(org.alias())
          .environment(org.environment())
          .port(options.firstPort() == 0 ? 0 : options.firstPort() + i)
          .connectedApp(org.consumerKey(), org.certificate())
          .user(org.username());
      if (options.fixture() != null) {
        spec.fixture(options.fixture());
      }
      builder.org(spec.build());
    }
    return builder.start();
  }
}
