package dev.portcullis.server.demo;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.salesforce.OrgSimulatorProvider.OrgSimulator;
import dev.portcullis.salesforce.OrgSimulatorProvider.SimulatedOrg;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Prepares {@code serve --demo}: everything a first-time user needs, in the data directory.
 *
 * <p>Design: on the first start it generates a local CA, a TLS server certificate for
 * 127.0.0.1/localhost, an RSA key pair and self-signed certificate per demo org ({@code prod},
 * {@code sandbox}) — all as PEM under {@code DATA_DIR/demo/}, keys 0600 — then starts the org
 * simulator (found through {@link ServiceLoader}, never named) and writes a commented {@code
 * DATA_DIR/portcullis.yaml} pointing at the simulator's URLs. The simulator starts first because
 * only then are its URLs known (port 0 picks free ports). On later starts the files are reused and
 * the configuration is read back — the user may have edited it — and only the demo orgs' URLs are
 * patched in place (by the YAML nodes' positions) when the simulator's ports changed.
 */
public final class DemoBootstrap {
  /** The demo orgs, in simulator port order. */
  static final List<String> ORGS = List.of("prod", "sandbox");
  /** The demo configuration's file name, in the data directory. */
  public static final String CONFIG_FILE = "portcullis.yaml";
  static final String DIRECTORY = "demo";
  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private DemoBootstrap() {}

  /**
   * @param host where the simulator and the admin API listen
   * @param adminPort the admin port written into a new configuration (0 = any free port)
   * @param orgsimFirstPort the simulator's first port ({@code prod}; {@code sandbox} gets the next), 0 = free ports
   * @param providers finds the simulator; {@link #defaults()} uses {@link ServiceLoader}
   * @param clock for certificate validity
   */
  public record Options(
      String host, int adminPort, int orgsimFirstPort, Supplier<Optional<OrgSimulatorProvider>> providers, Clock clock) {
    public static final int DEFAULT_ORGSIM_PORT = 7501;

    /** 127.0.0.1, admin 7400, simulator 7501 and 7502, the simulator from the class path. */
    public static Options defaults() {
      return new Options(Config.DEFAULT_HOST, Config.DEFAULT_ADMIN_PORT, DEFAULT_ORGSIM_PORT,
          () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
    }
  }

  /** A prepared demo: its configuration file and the running simulator. Closing stops the simulator. */
  public static final class Demo implements AutoCloseable {
    private final Path configFile;
    private final Path caCertificate;
    private final Map<String, URI> orgUrls;
    private final OrgSimulator simulator;

    Demo(Path configFile, Path caCertificate, Map<String, URI> orgUrls, OrgSimulator simulator) {
      this.configFile = configFile;
      this.caCertificate = caCertificate;
      this.orgUrls = Map.copyOf(orgUrls);
      this.simulator = simulator;
    }

    public Path configFile() {
      return configFile;
    }

    /** The demo CA's certificate (PEM); clients trust it for the server's TLS certificate. */
    public Path caCertificate() {
      return caCertificate;
    }

    /** The simulated orgs' base URLs by alias, in alias order. */
    public Map<String, URI> orgUrls() {
      Map<String, URI> sorted = new LinkedHashMap<>();
      orgUrls.keySet().stream().sorted(Comparator.comparingInt(ORGS::indexOf)).forEach(a -> sorted.put(a, orgUrls.get(a)));
      return sorted;
    }

    @Override
    public void close() {
      simulator.close();
    }
  }

  /** Generates what is missing, starts the simulator and writes or patches the configuration. */
  public static Demo prepare(Path dataDir, Map<String, String> env, Options options) throws IOException, ConfigException {
    Path data = dataDir.toAbsolutePath().normalize();
    DemoFiles files = DemoFiles.in(data);
    try {
      files.generateMissing(options.clock().instant());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate the demo keys and certificates: " + e.getMessage(), e);
    }
    OrgSimulatorProvider provider = options.providers().get().orElseThrow(() -> new IllegalStateException(
        "the org simulator is not in this build; --demo needs it (build with the orgsim module on the class path)"));
    Path configFile = data.resolve(CONFIG_FILE);
    boolean firstStart = !Files.exists(configFile);
    List<SimulatedOrg> orgs = firstStart ? newOrgs(files) : orgsFrom(ConfigLoader.load(configFile, env), files);
    OrgSimulator simulator = provider.start(new OrgSimulatorProvider.Options(options.host(), options.orgsimFirstPort(), orgs, null));
    try {
      Map<String, URI> urls = new LinkedHashMap<>();
      for (SimulatedOrg org : orgs) {
        urls.put(org.alias(), simulator.url(org.alias()));
      }
      if (firstStart) {
        AtomicFiles.write(configFile, DemoConfig.render(options, orgs, urls).getBytes(StandardCharsets.UTF_8), false);
      } else {
        patchUrls(configFile, urls);
      }
      return new Demo(configFile, files.caCertificate(), urls, simulator);
    } catch (IOException | RuntimeException e) {
      simulator.close();
      throw e;
    }
  }

  /** Writes the key material and a configuration pointing at {@code urls}, without a simulator (tests). */
  static Path generate(Path dataDir, Options options, Map<String, URI> urls) throws IOException, GeneralSecurityException {
    Path data = dataDir.toAbsolutePath().normalize();
    DemoFiles files = DemoFiles.in(data);
    files.generateMissing(options.clock().instant());
    Path configFile = data.resolve(CONFIG_FILE);
    AtomicFiles.write(configFile, DemoConfig.render(options, newOrgs(files), urls).getBytes(StandardCharsets.UTF_8), false);
    return configFile;
  }

  private static List<SimulatedOrg> newOrgs(DemoFiles files) throws IOException {
    SecureRandom random = new SecureRandom();
    List<SimulatedOrg> orgs = new ArrayList<>();
    for (String alias : ORGS) {
      StringBuilder consumerKey = new StringBuilder("3MVG9DEMO");
      for (int i = 0; i < 76; i++) {
        consumerKey.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
      }
      OrgEnvironment environment = alias.equals("prod") ? OrgEnvironment.PRODUCTION : OrgEnvironment.SANDBOX;
      orgs.add(new SimulatedOrg(alias, environment, "integration@" + alias + ".demo.portcullis.dev",
          consumerKey.toString(), files.orgCertificate(alias)));
    }
    return orgs;
  }

  private static List<SimulatedOrg> orgsFrom(Config config, DemoFiles files) throws IOException {
    List<SimulatedOrg> orgs = new ArrayList<>();
    for (String alias : ORGS) {
      Optional<Config.Org> org = config.org(alias);
      if (org.isPresent()) {
        orgs.add(new SimulatedOrg(alias, org.get().environment(), org.get().username(), org.get().consumerKey(),
            files.orgCertificate(alias)));
      }
    }
    return orgs;
  }

  /** Rewrites the demo orgs' login_url and instance_url scalars in place when they differ. */
  static void patchUrls(Path configFile, Map<String, URI> urls) throws IOException {
    String text = Files.readString(configFile, StandardCharsets.UTF_8);
    Optional<Node> root = new Compose(LoadSettings.builder().setUseMarks(true).build()).composeString(text);
    record Edit(int start, int end, String value) {}
    List<Edit> edits = new ArrayList<>();
    if (root.isPresent() && root.get() instanceof MappingNode top) {
      for (NodeTuple tuple : top.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals("orgs")
            && tuple.getValueNode() instanceof SequenceNode list) {
          for (Node item : list.getValue()) {
            if (!(item instanceof MappingNode org)) {
              continue;
            }
            Map<String, Node> fields = new LinkedHashMap<>();
            org.getValue().forEach(field -> {
              if (field.getKeyNode() instanceof ScalarNode name) {
                fields.put(name.getValue(), field.getValueNode());
              }
            });
            if (!(fields.get("alias") instanceof ScalarNode alias) || !urls.containsKey(alias.getValue())) {
              continue;
            }
            String url = urls.get(alias.getValue()).toString();
            for (String field : List.of("login_url", "instance_url")) {
              if (fields.get(field) instanceof ScalarNode value && !value.getValue().equals(url)
                  && value.getStartMark().isPresent() && value.getEndMark().isPresent()) {
                edits.add(new Edit(value.getStartMark().get().getIndex(), value.getEndMark().get().getIndex(), url));
              }
            }
          }
        }
      }
    }
    if (edits.isEmpty()) {
      return;
    }
    StringBuilder patched = new StringBuilder(text);
    edits.stream().sorted(Comparator.comparingInt(Edit::start).reversed()).forEach(edit -> patched.replace(
        text.offsetByCodePoints(0, edit.start()), text.offsetByCodePoints(0, edit.end()), edit.value()));
    AtomicFiles.write(configFile, patched.toString().getBytes(StandardCharsets.UTF_8), false);
  }
}
