package dev.portcullis.cli;

import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.ServerException;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.demo.DemoBootstrap;
import dev.portcullis.server.logging.LogConfigurator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine.Option;

/** The data directory and port options shared by {@code serve}, {@code demo} and {@code orgsim}. */
final class DemoOptions {
  static final String DEFAULT_DATA_DIR = "${env:PORTCULLIS_DATA_DIR:-./data}";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (database, keys, endpoints.json). Default: ${DEFAULT-VALUE} "
          + "(or $PORTCULLIS_DATA_DIR).",
      defaultValue = DEFAULT_DATA_DIR)
  Path dataDir;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description = "Admin API port, overriding the configuration; 0 picks a free port. Default: 7400.")
  Integer adminPort;

  @Option(
      names = "--gateway-port",
      paramLabel = "PORT",
      description = "Gateway port (the token exchange), overriding the configuration; 0 picks a free port. "
          + "Default: 7443.")
  Integer gatewayPort;

  @Option(
      names = "--orgsim-port",
      paramLabel = "PORT",
      description = "With --demo: the simulated prod org's port (sandbox gets the next, the simulated CI issuers"
          + " the one after); 0 picks free ports. Default: 7501.")
  Integer orgsimPort;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "With --demo: the address to listen on. Default: 127.0.0.1.")
  String host;

  @Option(
      names = "--orgsim-instance-url",
      paramLabel = "ALIAS=URL",
      description = "With --demo: the simulated org ALIAS (prod, sandbox) names URL (http(s)://host[:port]) as its"
          + " instance_url, so the gateway forwards that org's calls there (e.g. a fixed upstream for"
          + " bench/gateway-load.sh). Logins stay on the simulator. Repeatable.")
  Map<String, URI> orgInstanceUrls = Map.of();

  boolean dataDirGiven() {
    return !Path.of("./data").equals(dataDir) || System.getenv("PORTCULLIS_DATA_DIR") != null;
  }

  DemoBootstrap.Options bootstrapOptions() {
    int firstOrgPort = orgsimPort == null ? DemoBootstrap.Options.DEFAULT_ORGSIM_PORT : orgsimPort;
    try {
      return new DemoBootstrap.Options(
          host == null ? Config.DEFAULT_HOST : host,
          adminPort == null ? Config.DEFAULT_ADMIN_PORT : adminPort,
          gatewayPort == null ? Config.DEFAULT_GATEWAY_PORT : gatewayPort,
          firstOrgPort,
          DemoBootstrap.Options.issuerPortAfter(firstOrgPort),
          () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(),
          Clock.systemUTC(),
          orgInstanceUrls);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--orgsim-instance-url " + e.getMessage(), e);
    }
  }

  /** A demo started before left its (editable) configuration: log as it says from the first line. */
  private void configureLoggingFromAnEarlierDemo() {
    Path earlier = dataDir.resolve("portcullis.yaml");
    if (java.nio.file.Files.isRegularFile(earlier)) {
      try {
        LogConfigurator.configure(ConfigLoader.load(earlier, System.getenv()).logging());
      } catch (ConfigException e) {
        // startDemo reports the problems with their positions
      }
    }
  }

  PortcullisServer startDemo() {
    try {
      configureLoggingFromAnEarlierDemo();
      PortcullisServer server = PortcullisServer.startDemo(
          dataDir, System.getenv(), bootstrapOptions(), ServeCommand.optional(adminPort),
          ServeCommand.optional(gatewayPort));
      LogConfigurator.configure(server.config().logging());
      return server;
    } catch (ConfigException e) {
      throw Problems.asCliException(e);
    } catch (ServerException e) {
      throw new CliException(
          e.code() == ServerException.Code.PORT_UNAVAILABLE || e.code() == ServerException.Code.DEMO
              ? ExitCode.UNAVAILABLE
              : ExitCode.USAGE,
          e.getMessage()
              + (e.code() == ServerException.Code.DEMO
                  ? " (if a port is taken, try --admin-port 0 --orgsim-port 0)"
                  : ""),
          e);
    }
  }
}
