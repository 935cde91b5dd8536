package dev.portcullis.cli;

import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.ServerException;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.logging.LogConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the server until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Portcullis server until SIGTERM or Ctrl-C.",
    footer = {
      "",
      "The server writes DATA_DIR/endpoints.json when it is ready (admin_url, gateway_url, token_url;",
      "with --demo also the orgsim and oidc_issuers URLs and ca_cert)",
      "and removes it when it stops. SIGTERM or Ctrl-C stops it gracefully.",
      "",
      "Examples:",
      "  portcullis serve --demo --data-dir ./data        # generate a demo setup and run it",
      "  portcullis serve --config /etc/portcullis/portcullis.yaml",
      "  portcullis serve --demo --admin-port 0 --gateway-port 0 --orgsim-port 0   # free ports; see endpoints.json"
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DemoOptions demoOptions;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file. Default: DATA_DIR/portcullis.yaml, else ./portcullis.yaml.")
  Path config;

  @Option(
      names = "--demo",
      description = "Generate a demo setup on first start (local CA, keys, config) and run the org simulator in-process.")
  boolean demo;

  @Override
  public Integer call() throws InterruptedException {
    PortcullisServer server = start();
    server.installShutdownHook();
    boolean ready = Files.exists(server.endpointsFile());
    spec.commandLine().getErr().println("portcullis: " + (ready ? "ready" : "started, not ready yet (see /readyz)")
        + "; admin API at " + server.adminUrl() + (ready ? " (" + server.endpointsFile() + ")" : "")
        + "; Ctrl-C to stop");
    server.awaitShutdown();
    return ExitCode.OK.code();
  }

  private PortcullisServer start() {
    try {
      if (demo) {
        return demoOptions.startDemo();
      }
      Path file = configFile();
      Config loaded = ConfigLoader.load(file, System.getenv());
      LogConfigurator.configure(loaded.logging());
      Config withAdmin =
          demoOptions.adminPort == null ? loaded : loaded.withAdminPort(demoOptions.adminPort);
      Config effective =
          demoOptions.gatewayPort == null ? withAdmin : withAdmin.withGatewayPort(demoOptions.gatewayPort);
      Path dataDir = demoOptions.dataDirGiven() ? demoOptions.dataDir : loaded.dataDir().orElse(demoOptions.dataDir);
      return PortcullisServer.start(effective, dataDir);
    } catch (ConfigException e) {
      throw Problems.asCliException(e);
    } catch (ServerException e) {
      throw new CliException(
          e.code() == ServerException.Code.STORAGE_UNAVAILABLE ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
          e.getMessage(), e);
    }
  }

  private Path configFile() {
    if (config != null) {
      return config;
    }
    Path inDataDir = demoOptions.dataDir.resolve("portcullis.yaml");
    if (Files.exists(inDataDir)) {
      return inDataDir;
    }
    Path here = Path.of("portcullis.yaml");
    if (Files.exists(here)) {
      return here;
    }
    throw new CliException(
        ExitCode.USAGE,
        "no configuration: give --config FILE, put portcullis.yaml in the data directory ("
            + demoOptions.dataDir + ") or the current directory, or use --demo");
  }

  static OptionalInt optional(Integer value) {
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }
}
