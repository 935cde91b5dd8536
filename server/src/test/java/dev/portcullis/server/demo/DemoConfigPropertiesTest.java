package dev.portcullis.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.OrgSimulatorProvider.SimulatedOrg;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Patching a demo configuration for the simulator's new ports gives exactly the configuration a
 * first start on those ports would have written: every org and issuer URL changes, nothing else
 * does (comments, keys and order included), and patching to the same ports changes no byte.
 */
class DemoConfigPropertiesTest {
  private static final DemoBootstrap.Options OPTIONS =
      new DemoBootstrap.Options("127.0.0.1", 7400, 7443, 7501, 7503, Optional::empty, Clock.systemUTC());
  private static final List<SimulatedOrg> ORGS = List.of(
      new SimulatedOrg("prod", OrgEnvironment.PRODUCTION, "integration@prod.demo.portcullis.dev", "3MVG9DEMOprod",
          null, DemoBootstrap.ORG_IDS.get("prod"), DemoBootstrap.integrationUsers("prod")),
      new SimulatedOrg("sandbox", OrgEnvironment.SANDBOX, "integration@sandbox.demo.portcullis.dev", "3MVG9DEMOsbx",
          null, DemoBootstrap.ORG_IDS.get("sandbox"), DemoBootstrap.integrationUsers("sandbox")));

  private Path file;

  @BeforeProperty
  void createFile() throws IOException {
    file = Files.createTempFile("portcullis-demo-", ".yaml");
  }

  @AfterProperty
  void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  record Ports(String host, int prod, int sandbox, int issuers) {
    Map<String, URI> orgs() {
      Map<String, URI> urls = new LinkedHashMap<>();
      urls.put("prod", URI.create("http://" + host + ":" + prod));
      urls.put("sandbox", URI.create("http://" + host + ":" + sandbox));
      return urls;
    }

    Map<String, URI> oidcIssuers() {
      Map<String, URI> urls = new LinkedHashMap<>();
      urls.put("github", URI.create("http://" + host + ":" + issuers + "/github"));
      urls.put("gitlab", URI.create("http://" + host + ":" + issuers + "/gitlab"));
      urls.put("people", URI.create("http://" + host + ":" + issuers + "/people"));
      return urls;
    }

    String render() {
      return DemoConfig.render(OPTIONS, ORGS, orgs(), oidcIssuers());
    }
  }

  @Provide
  Arbitrary<Ports> ports() {
    Arbitrary<Integer> port = Arbitraries.oneOf(Arbitraries.integers().between(1, 65535),
        Arbitraries.of(7501, 7502, 7503, 1, 65535, 80, 7400));
    return net.jqwik.api.Combinators.combine(Arbitraries.of("127.0.0.1", "localhost", "[::1]"), port, port, port)
        .as(Ports::new);
  }

  @Property(tries = 200)
  void patchingGivesWhatAFirstStartOnTheNewPortsWrites(@ForAll("ports") Ports before, @ForAll("ports") Ports after)
      throws IOException {
    Files.writeString(file, before.render(), StandardCharsets.UTF_8);

    DemoBootstrap.patchUrls(file, after.orgs(), after.orgs(), after.oidcIssuers());

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(after.render());
  }

  @Property(tries = 50)
  void patchingToTheSamePortsChangesNothing(@ForAll("ports") Ports ports) throws IOException {
    Files.writeString(file, ports.render(), StandardCharsets.UTF_8);
    long modified = Files.getLastModifiedTime(file).toMillis();
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(modified - 60_000));

    DemoBootstrap.patchUrls(file, ports.orgs(), ports.orgs(), ports.oidcIssuers());

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(ports.render());
    assertThat(Files.getLastModifiedTime(file).toMillis()).as("not rewritten").isEqualTo(modified - 60_000);
  }
}
