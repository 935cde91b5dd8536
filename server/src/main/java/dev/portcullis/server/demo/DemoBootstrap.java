package dev.portcullis.server.demo;

import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.OrgSimulatorProvider.OrgSimulator;
import dev.portcullis.salesforce.OrgSimulatorProvider.SimulatedOrg;
import dev.portcullis.salesforce.OrgSimulatorProvider;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
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
 * simulator (found through {@link ServiceLoader}, never named) with its simulated CI OIDC issuers,
 * writes the default policy pack to {@code DATA_DIR/policies} (allowing runs of the demo
 * repository) and a commented {@code DATA_DIR/portcullis.yaml} pointing at the simulator's URLs
 * and trusting its issuers. The simulator starts first because only then are its URLs known (port
 * 0 picks free ports). On later starts the files are reused and the configuration is read back —
 * the user may have edited it — and only the demo orgs' URLs and the simulated issuers' URLs are
 * patched in place (by the YAML nodes' positions) when the simulator's ports changed.
 *
 * <p>Each demo org has a fixed org id ({@link #ORG_IDS}), so that a configuration written by one
 * start matches the simulator of the next: the broker checks every Salesforce token against the
 * configured {@code org_id}. The simulator is fed from the configuration (org ids, integration
 * users), so users added or renamed there exist in the simulated org.
 */
public final class DemoBootstrap {
  /** The demo orgs, in simulator port order. */
  static final List<String> ORGS = List.of("prod", "sandbox");
  /** Each demo org's fixed 18-character id (the 15-character {@code 00DDE0000000PRD} and {@code …SBX}, case-safe). */
  static final Map<String, String> ORG_IDS = Map.of("prod", "00DDE0000000PRD2A2", "sandbox", "00DDE0000000SBX2A2");
  /** The policy bundle's directory, in the data directory. */
  static final String POLICIES = "policies";
  /** The repository (GitHub) and project (GitLab) of the simulated issuers' default tokens. */
  static final String DEMO_REPOSITORY = "acme/salesforce-app";
  /** The demo configuration's file name, in the data directory. */
  public static final String CONFIG_FILE = "portcullis.yaml";
  static final String DIRECTORY = "demo";
  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private DemoBootstrap() {}

  /**
   * @param host where the simulator, the admin API and the gateway listen
   * @param adminPort the admin port written into a new configuration (0 = any free port)
   * @param gatewayPort the gateway port (the token exchange) written into a new configuration (0 = any free port)
   * @param orgsimFirstPort the simulator's first port ({@code prod}; {@code sandbox} gets the next), 0 = free ports
   * @param oidcIssuerPort the simulated CI OIDC issuers' port, 0 = a free port
   * @param providers finds the simulator; {@link #defaults()} uses {@link ServiceLoader}
   * @param clock for certificate validity
   * @param orgInstanceUrls by demo org alias, what the simulated org's token answers name as {@code
   *     instance_url} instead of its own URL ({@code http(s)://host[:port]}): the gateway then forwards
   *     that org's sessions' calls there, e.g. to a fixed upstream for a load test
   *     ({@code bench/gateway-load.sh}). The configuration's {@code instance_url} follows
   */
  public record Options(
      String host,
      int adminPort,
      int gatewayPort,
      int orgsimFirstPort,
      int oidcIssuerPort,
      Supplier<Optional<OrgSimulatorProvider>> providers,
      Clock clock,
      Map<String, URI> orgInstanceUrls) {
    public static final int DEFAULT_ORGSIM_PORT = 7501;
    /** The port after the orgs' ({@code 7501}, {@code 7502}). */
    public static final int DEFAULT_OIDC_ISSUER_PORT = DEFAULT_ORGSIM_PORT + 2;

    /** @throws IllegalArgumentException naming the alias that is not a demo org, or the URL that is not a base URL */
    public Options {
      orgInstanceUrls = Map.copyOf(orgInstanceUrls);
      for (Map.Entry<String, URI> entry : orgInstanceUrls.entrySet()) {
        if (!ORGS.contains(entry.getKey())) {
          throw new IllegalArgumentException("'" + entry.getKey() + "' is not a demo org (the demo orgs are "
              + String.join(", ", ORGS) + ")");
        }
        URI url = entry.getValue();
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
            || url.getRawUserInfo() != null || !(url.getRawPath() == null || url.getRawPath().isEmpty())
            || url.getRawQuery() != null || url.getRawFragment() != null) {
          throw new IllegalArgumentException(entry.getKey() + ": instance URL '" + url
              + "' must be http(s)://host[:port] only, e.g. http://127.0.0.1:8080");
        }
      }
    }

    /** The simulated orgs name their own URLs as {@code instance_url}. */
    public Options(String host, int adminPort, int gatewayPort, int orgsimFirstPort, int oidcIssuerPort,
        Supplier<Optional<OrgSimulatorProvider>> providers, Clock clock) {
      this(host, adminPort, gatewayPort, orgsimFirstPort, oidcIssuerPort, providers, clock, Map.of());
    }

    /**
     * The gateway on 7443, or on a free port when {@code adminPort} is 0; the issuers on the port
     * after the orgs', or on a free port when {@code orgsimFirstPort} is 0.
     */
    public Options(
        String host, int adminPort, int orgsimFirstPort, Supplier<Optional<OrgSimulatorProvider>> providers, Clock clock) {
      this(host, adminPort, adminPort == 0 ? 0 : Config.DEFAULT_GATEWAY_PORT, orgsimFirstPort,
          issuerPortAfter(orgsimFirstPort), providers, clock);
    }

    /** The issuers' port for orgs from {@code orgsimFirstPort}: the port after the orgs', or 0 (free) for 0. */
    public static int issuerPortAfter(int orgsimFirstPort) {
      return orgsimFirstPort == 0 ? 0 : orgsimFirstPort + ORGS.size();
    }

    /** 127.0.0.1, admin 7400, gateway 7443, simulator 7501 and 7502, issuers 7503, the simulator from the class path. */
    public static Options defaults() {
      return new Options(Config.DEFAULT_HOST, Config.DEFAULT_ADMIN_PORT, Config.DEFAULT_GATEWAY_PORT,
          DEFAULT_ORGSIM_PORT, DEFAULT_OIDC_ISSUER_PORT,
          () -> ServiceLoader.load(OrgSimulatorProvider.class).findFirst(), Clock.systemUTC());
    }
  }

  /** A prepared demo: its configuration file and the running simulator. Closing stops the simulator. */
  public static final class Demo implements AutoCloseable {
    private final Path configFile;
    private final Path caCertificate;
    private final Map<String, URI> orgUrls;
    private final Map<String, URI> oidcIssuers;
    private final OrgSimulator simulator;

    Demo(Path configFile, Path caCertificate, Map<String, URI> orgUrls, Map<String, URI> oidcIssuers,
        OrgSimulator simulator) {
      this.configFile = configFile;
      this.caCertificate = caCertificate;
      this.orgUrls = Map.copyOf(orgUrls);
      this.oidcIssuers = Collections.unmodifiableMap(new LinkedHashMap<>(oidcIssuers));
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

    /**
     * The simulated CI OIDC issuers by shape ({@code github}, {@code gitlab}), each URL the
     * issuer's {@code iss}; empty when the simulator runs none.
     */
    public Map<String, URI> oidcIssuers() {
      return oidcIssuers;
    }

    /** The simulated public roots the demo orgs' certificates chain to (checks trust them as public roots). */
    public List<X509Certificate> publicRoots() {
      return simulator.publicRoots();
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
    List<SimulatedOrg> orgs = firstStart ? newOrgs(files, options.orgInstanceUrls())
        : orgsFrom(ConfigLoader.load(configFile, env), files, options.orgInstanceUrls());
    OrgSimulator simulator = provider.start(new OrgSimulatorProvider.Options(options.host(), options.orgsimFirstPort(),
        orgs, null, options.oidcIssuerPort()));
    try {
      Map<String, URI> urls = new LinkedHashMap<>();
      Map<String, URI> instanceUrls = new LinkedHashMap<>();
      for (SimulatedOrg org : orgs) {
        urls.put(org.alias(), simulator.url(org.alias()));
        instanceUrls.put(org.alias(), org.instanceUrl() != null ? org.instanceUrl() : simulator.url(org.alias()));
      }
      Map<String, URI> issuers = simulator.oidcIssuers();
      if (firstStart) {
        if (!issuers.isEmpty()) {
          writePolicies(data.resolve(POLICIES));
        }
        AtomicFiles.write(configFile, DemoConfig.render(options, orgs, urls, issuers).getBytes(StandardCharsets.UTF_8),
            false);
      } else {
        patchUrls(configFile, urls, instanceUrls, issuers);
      }
      return new Demo(configFile, files.caCertificate(), urls, issuers, simulator);
    } catch (IOException | RuntimeException e) {
      simulator.close();
      throw e;
    }
  }

  /**
   * Writes the key material, the policy pack (when there are issuers) and a configuration pointing
   * at {@code urls} and {@code issuers}, without a simulator (tests).
   */
  static Path generate(Path dataDir, Options options, Map<String, URI> urls, Map<String, URI> issuers)
      throws IOException, GeneralSecurityException {
    Path data = dataDir.toAbsolutePath().normalize();
    DemoFiles files = DemoFiles.in(data);
    files.generateMissing(options.clock().instant());
    if (!issuers.isEmpty()) {
      writePolicies(data.resolve(POLICIES));
    }
    Path configFile = data.resolve(CONFIG_FILE);
    AtomicFiles.write(configFile, DemoConfig.render(options, newOrgs(files, options.orgInstanceUrls()), urls, issuers)
        .getBytes(StandardCharsets.UTF_8), false);
    return configFile;
  }

  /** The broker's integration users of a demo org: a reader and a deployer. */
  static List<String> integrationUsers(String alias) {
    return List.of("reader@" + alias + ".demo.portcullis.dev", "deployer@" + alias + ".demo.portcullis.dev");
  }

  /**
   * Writes the default policy pack to {@code directory} unless it exists, with {@code params.yaml}
   * allowing runs of {@link #DEMO_REPOSITORY} (GitHub repository and GitLab project): written in a
   * sibling directory and renamed into place, so that a crash leaves no half-written pack behind.
   */
  static void writePolicies(Path directory) throws IOException {
    if (Files.exists(directory)) {
      return;
    }
    Path staging = Files.createTempDirectory(directory.getParent(), "." + directory.getFileName() + "-");
    try {
      PolicyBundle.writeDefault(staging);
      Path params = staging.resolve("params.yaml");
      String text = Files.readString(params, StandardCharsets.UTF_8);
      String allowed = "[\"" + DEMO_REPOSITORY + "\"]";
      String patched = text
          .replace("allowed_github_repositories: []", "allowed_github_repositories: " + allowed)
          .replace("allowed_gitlab_projects: []", "allowed_gitlab_projects: " + allowed);
      if (!text.contains("allowed_github_repositories: []") || !text.contains("allowed_gitlab_projects: []")) {
        throw new IOException("the default policy pack's params.yaml no longer has empty allowed_github_repositories"
            + " and allowed_gitlab_projects lists; the demo cannot allow " + DEMO_REPOSITORY + " in it");
      }
      Files.writeString(params, patched, StandardCharsets.UTF_8);
      Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
  }

  private static void deleteTree(Path directory) {
    try (var walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover staging directory is ignored by later starts
    }
  }

  private static List<SimulatedOrg> newOrgs(DemoFiles files, Map<String, URI> instanceUrls) throws IOException {
    SecureRandom random = new SecureRandom();
    List<SimulatedOrg> orgs = new ArrayList<>();
    for (String alias : ORGS) {
      StringBuilder consumerKey = new StringBuilder("3MVG9DEMO");
      for (int i = 0; i < 76; i++) {
        consumerKey.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
      }
      OrgEnvironment environment = alias.equals("prod") ? OrgEnvironment.PRODUCTION : OrgEnvironment.SANDBOX;
      orgs.add(new SimulatedOrg(alias, environment, "integration@" + alias + ".demo.portcullis.dev",
          consumerKey.toString(), files.orgCertificate(alias), ORG_IDS.get(alias), integrationUsers(alias),
          instanceUrls.get(alias)));
    }
    return orgs;
  }

  private static List<SimulatedOrg> orgsFrom(Config config, DemoFiles files, Map<String, URI> instanceUrls)
      throws IOException {
    List<SimulatedOrg> orgs = new ArrayList<>();
    for (String alias : ORGS) {
      Optional<Config.Org> org = config.org(alias);
      if (org.isPresent()) {
        // The configuration (possibly edited) decides the org id and who exists in the simulated org.
        List<String> users = org.get().integrationUsers().stream().map(Config.IntegrationUser::username).toList();
        orgs.add(new SimulatedOrg(alias, org.get().environment(), org.get().username(), org.get().consumerKey(),
            files.orgCertificate(alias), org.get().orgId().orElse(ORG_IDS.get(alias)), users, instanceUrls.get(alias)));
      }
    }
    return orgs;
  }

  /**
   * Rewrites, in place and only where they differ, the demo orgs' {@code login_url} (to {@code
   * urls}) and {@code instance_url} (to {@code instanceUrls}), and the {@code issuer} and {@code
   * jwks_url} of the trusted issuers that are the simulated ones: an {@code http} issuer whose path
   * is {@code /github}, {@code /gitlab} or {@code /people} (so a real issuer the user added is never
   * touched), and the {@code issuer} of the approvers of the simulated people's issuer.
   * Everything else, comments included, stays as written.
   */
  static void patchUrls(Path configFile, Map<String, URI> urls, Map<String, URI> instanceUrls, Map<String, URI> issuers)
      throws IOException {
    String text = Files.readString(configFile, StandardCharsets.UTF_8);
    Optional<Node> root = new Compose(LoadSettings.builder().setUseMarks(true).build()).composeString(text);
    List<Edit> edits = new ArrayList<>();
    if (root.isPresent() && root.get() instanceof MappingNode top) {
      Map<String, Node> sections = fields(top);
      if (sections.get("orgs") instanceof SequenceNode list) {
        for (Node item : list.getValue()) {
          if (item instanceof MappingNode org && fields(org).get("alias") instanceof ScalarNode alias
              && urls.containsKey(alias.getValue())) {
            String url = urls.get(alias.getValue()).toString();
            Map<String, Node> fields = fields(org);
            edit(edits, fields.get("login_url"), url);
            edit(edits, fields.get("instance_url"), instanceUrls.getOrDefault(alias.getValue(), URI.create(url)).toString());
          }
        }
      }
      if (sections.get("identity") instanceof MappingNode identity) {
        for (String list : List.of("issuers", "approvers")) {
          if (!(fields(identity).get(list) instanceof SequenceNode items)) {
            continue;
          }
          for (Node item : items.getValue()) {
            if (!(item instanceof MappingNode issuer) || !(fields(issuer).get("issuer") instanceof ScalarNode name)) {
              continue;
            }
            Optional<String> shape = simulatedShape(name.getValue());
            if (shape.isPresent() && issuers.containsKey(shape.get())) {
              URI url = issuers.get(shape.get());
              edit(edits, name, url.toString());
              edit(edits, fields(issuer).get("jwks_url"), DemoConfig.jwksUrl(shape.get(), url).toString());
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

  /** A replacement of the characters {@code start} (inclusive) to {@code end} (exclusive), in code points. */
  private record Edit(int start, int end, String value) {}

  private static void edit(List<Edit> edits, Node node, String value) {
    if (node instanceof ScalarNode scalar && !scalar.getValue().equals(value)
        && scalar.getStartMark().isPresent() && scalar.getEndMark().isPresent()) {
      edits.add(new Edit(scalar.getStartMark().get().getIndex(), scalar.getEndMark().get().getIndex(), value));
    }
  }

  private static Map<String, Node> fields(MappingNode mapping) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (NodeTuple field : mapping.getValue()) {
      if (field.getKeyNode() instanceof ScalarNode name) {
        fields.putIfAbsent(name.getValue(), field.getValueNode());
      }
    }
    return fields;
  }

  /** {@code github}, {@code gitlab} or {@code people} when {@code issuer} is an issuer of the simulator ({@code http://HOST:PORT/github}). */
  static Optional<String> simulatedShape(String issuer) {
    try {
      URI uri = new URI(issuer.trim());
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null) {
        return Optional.empty();
      }
      return switch (String.valueOf(uri.getRawPath())) {
        case "/github" -> Optional.of("github");
        case "/gitlab" -> Optional.of("gitlab");
        case "/people" -> Optional.of("people");
        default -> Optional.empty();
      };
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }
}
