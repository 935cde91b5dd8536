package dev.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.demo.DemoBootstrap;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs the Salesforce org simulator on its own, with the demo's two orgs ({@code prod}, {@code
 * sandbox}) and their keys, so that real Salesforce clients (the {@code sf} CLI, jsforce) can log
 * in to it with the JWT bearer flow.
 */
@Command(
    name = "orgsim",
    mixinStandardHelpOptions = true,
    description = "Run the Salesforce org simulator (a test double) with a production and a sandbox org.",
    footer = {
      "",
      "Keys, certificates and a config are generated under DATA_DIR on first use and reused after.",
      "Each org listens on its own port: its login URL and instance URL.",
      "",
      "Examples:",
      "  portcullis orgsim --port 7501",
      "  portcullis orgsim --port 0 --json      # free ports, machine-readable details",
      "  sf org login jwt --client-id <consumer key> --jwt-key-file <key> \\",
      "     --username <username> --instance-url <url> --alias prod"
    })
final class OrgSimulatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the orgs' keys and certificates live. Default: ${DEFAULT-VALUE}.",
      defaultValue = DemoOptions.DEFAULT_DATA_DIR)
  java.nio.file.Path dataDir;

  @Option(names = "--port", paramLabel = "N", description = "The prod org's port; sandbox gets N+1; 0 picks free ports. Default: 7501.")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on. Default: 127.0.0.1.")
  String host;

  @Option(names = "--json", description = "Print the orgs' details as JSON.")
  boolean json;

  @Mixin ExitAfterStart exitAfterStart;

  @Override
  public Integer call() throws InterruptedException {
    DemoOptions options = new DemoOptions();
    options.dataDir = dataDir;
    options.orgsimPort = port;
    options.host = host;
    DemoBootstrap.Demo demo;
    Config config;
    try {
      demo = DemoBootstrap.prepare(dataDir, System.getenv(), options.bootstrapOptions());
      config = ConfigLoader.load(demo.configFile(), System.getenv());
    } catch (ConfigException e) {
      throw Problems.asCliException(e);
    } catch (IOException | RuntimeException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot start the org simulator: " + e.getMessage()
          + " (if a port is taken, try --port 0)", e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      stopped.countDown();
    }, "orgsim-shutdown"));
    print(demo, config);
    if (exitAfterStart.exit) {
      demo.close();
      return ExitCode.OK.code();
    }
    stopped.await();
    return ExitCode.OK.code();
  }

  private void print(DemoBootstrap.Demo demo, Config config) {
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ObjectNode orgs = root.putObject("orgs");
    for (Map.Entry<String, URI> entry : demo.orgUrls().entrySet()) {
      Config.Org org = config.org(entry.getKey()).orElseThrow();
      String key = org.credential() instanceof Config.Credential.PemFile pem ? pem.path().toString() : "";
      if (json) {
        ObjectNode node = orgs.putObject(entry.getKey());
        node.put("url", entry.getValue().toString());
        node.put("environment", org.environment().configName());
        node.put("username", org.username());
        node.put("consumer_key", org.consumerKey());
        node.put("private_key", key);
      } else {
        out.println(entry.getKey() + " (" + org.environment().configName() + ")");
        out.println("  url           " + entry.getValue());
        out.println("  username      " + org.username());
        out.println("  consumer key  " + org.consumerKey());
        out.println("  private key   " + key);
        out.println("  sf org login jwt --client-id " + org.consumerKey() + " --jwt-key-file " + key
            + " --username " + org.username() + " --instance-url " + entry.getValue() + " --alias "
            + entry.getKey());
      }
    }
    if (!demo.oidcIssuers().isEmpty()) {
      ObjectNode issuers = root.putObject("oidc_issuers");
      for (Map.Entry<String, URI> issuer : demo.oidcIssuers().entrySet()) {
        if (json) {
          issuers.put(issuer.getKey(), issuer.getValue().toString());
        } else {
          out.println(issuer.getKey() + " OIDC issuer  " + issuer.getValue() + "   (mint: POST " + issuer.getValue()
              .resolve("/_orgsim/oidc/" + issuer.getKey() + "/token") + ", docs/ORGSIM.md)");
        }
      }
    }
    if (json) {
      out.println(root.toPrettyString());
    } else {
      out.println("Ctrl-C to stop.");
    }
    out.flush();
  }
}
