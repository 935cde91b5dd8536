package dev.portcullis.server.config;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.server.config.Config.Credential;
import dev.portcullis.server.config.Config.Listener;
import dev.portcullis.server.config.Config.Logging;
import dev.portcullis.server.config.Config.Org;
import dev.portcullis.server.config.Config.Secret;
import dev.portcullis.server.config.YamlNodes.Fields;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One walk over one configuration file's nodes, in schema order (see {@link Config}). Each fault
 * becomes a {@link Problem} and the walk carries on with a default, so one run reports everything.
 */
final class ConfigWalk {
  private static final List<String> TOP = List.of("server", "data_dir", "storage", "salesforce", "logging", "ledger", "orgs", "identity", "broker");
  private static final List<String> SERVER = List.of("admin", "gateway", "tls", "shutdown_grace");
  private static final List<String> LISTENER = List.of("host", "port");
  private static final List<String> GATEWAY = List.of("host", "port", "max_header_bytes", "max_body_bytes",
      "idle_timeout", "min_request_bytes_per_second", "public_url");
  private static final List<String> TLS = List.of("certificate", "private_key");
  private static final List<String> STORAGE = List.of("url");
  private static final List<String> SALESFORCE = List.of("api_version");
  private static final List<String> LOGGING = List.of("format", "level");
  private static final List<String> ORG =
      List.of("alias", "environment", "login_url", "instance_url", "consumer_key", "username", "private_key", "keystore",
          "org_id", "integration_users");
  private static final List<String> INTEGRATION_USER =
      List.of("username", "scopes", "consumer_key", "private_key", "keystore");
  private static final List<String> IDENTITY = List.of("issuers", "mtls", "approvers");
  private static final List<String> APPROVER = List.of("issuer", "subjects");
  private static final List<String> ISSUER =
      List.of("issuer", "jwks_url", "audiences", "algorithms", "dialect", "clock_skew", "max_token_age");
  private static final List<String> MTLS = List.of("certificate_authorities", "identity_from", "allowed_prefixes");
  private static final List<String> BROKER = List.of("max_ttl", "policies", "policy_poll_interval", "revoke_at_risk");
  private static final Pattern ORG_ID_18 = Pattern.compile("00D[0-9A-Za-z]{15}");
  private static final Pattern ORG_ID_15 = Pattern.compile("00D[0-9A-Za-z]{12}");
  private static final List<String> LEDGER =
      List.of("origin", "backend", "batch_wait", "max_batch", "witnesses", "witness_interval");
  private static final List<String> WITNESS = List.of("url", "vkey");
  /** C2SP signed-note key names (and tlog-checkpoint origins): no spaces, no '+', printable. */
  private static final Pattern ORIGIN = Pattern.compile("[\\x21-\\x2a\\x2c-\\x7e]{1,255}");
  private static final List<String> KEYSTORE = List.of("path", "password", "alias");
  private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern API_VERSION = Pattern.compile("\\d{2,3}\\.0");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern LITERAL_PASSWORD = Pattern.compile("(?i)password=(?!\\$\\{)[^&]+|//[^/@:]+:(?!\\$\\{)[^/@]+@");

  /** The audience trusted issuers accept when none is configured; {@code portcullis login}'s default. */
  static final String DEFAULT_AUDIENCE = "portcullis";

  private final YamlNodes yaml;
  private final Path base;
  private final KeyFileCheck keyFileCheck;

  ConfigWalk(YamlNodes yaml, Path base, KeyFileCheck keyFileCheck) {
    this.yaml = yaml;
    this.base = base;
    this.keyFileCheck = keyFileCheck;
  }

  Config emptyConfig(Path file) {
    return new Config(file, defaultServer(), Optional.empty(), new Config.Storage(Config.DEFAULT_STORAGE_URL),
        new Config.Salesforce(Config.DEFAULT_API_VERSION), new Logging(Logging.Format.TEXT, Logging.Level.INFO),
        Config.Ledger.defaults(), List.of(), Config.Identity.NONE, Config.Broker.DEFAULTS, List.of());
  }

  Optional<Config> config(Path file, Node root) {
    Optional<Fields> top = yaml.mapping(root, "the configuration", TOP);
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = top.get();
    Config.Server server = fields.value("server").map(this::server).orElseGet(this::defaultServer);
    Optional<Path> dataDir = fields.value("data_dir").flatMap(node -> yaml.text(node, "data_dir"))
        .map(text -> base.resolve(text.trim()).normalize());
    Config.Storage storage = fields.value("storage").map(this::storage)
        .orElse(new Config.Storage(Config.DEFAULT_STORAGE_URL));
    Config.Salesforce salesforce = fields.value("salesforce").map(this::salesforce)
        .orElse(new Config.Salesforce(Config.DEFAULT_API_VERSION));
    Logging logging = fields.value("logging").map(this::logging)
        .orElse(new Logging(Logging.Format.TEXT, Logging.Level.INFO));
    Config.Ledger ledger = fields.value("ledger").map(node -> ledger(node, storage)).orElseGet(Config.Ledger::defaults);
    List<Org> orgs = fields.value("orgs").map(this::orgs).orElse(List.of());
    Config.Identity identity = fields.value("identity").map(this::identity).orElse(Config.Identity.NONE);
    Config.Broker broker = fields.value("broker").map(this::broker).orElse(Config.Broker.DEFAULTS);
    if (identity.any() && orgs.stream().noneMatch(Org::brokered)) {
      yaml.warning(fields.value("identity").orElseThrow(), ConfigErrorCode.MISSING_FIELD,
          "identities are configured but no org has org_id and integration_users, so no session can be issued",
          "give the orgs that pipelines reach an org_id and integration_users");
    }
    return Optional.of(new Config(file, server, dataDir, storage, salesforce, logging, ledger, orgs, identity, broker,
        List.of()));
  }

  private Config.Server defaultServer() {
    return new Config.Server(new Listener(Config.DEFAULT_HOST, Config.DEFAULT_ADMIN_PORT), Optional.empty(),
        Optional.empty(), Config.DEFAULT_SHUTDOWN_GRACE);
  }

  private Config.Server server(Node node) {
    Optional<Fields> server = yaml.mapping(node, "server", SERVER);
    if (server.isEmpty()) {
      return defaultServer();
    }
    Fields fields = server.get();
    Listener admin = fields.value("admin").map(value -> listener(value, "server.admin", Config.DEFAULT_ADMIN_PORT))
        .orElse(new Listener(Config.DEFAULT_HOST, Config.DEFAULT_ADMIN_PORT));
    Optional<Node> gatewayNode = fields.value("gateway");
    Optional<Fields> gatewayFields = gatewayNode.flatMap(value -> yaml.mapping(value, "server.gateway", GATEWAY));
    Optional<Listener> gateway = gatewayNode.map(value -> gatewayFields
        .map(listener -> listener(listener, "server.gateway", Config.DEFAULT_GATEWAY_PORT))
        .orElse(new Listener(Config.DEFAULT_HOST, Config.DEFAULT_GATEWAY_PORT)));
    Config.GatewayLimits limits = gatewayFields.map(this::gatewayLimits).orElse(Config.GatewayLimits.DEFAULTS);
    Optional<Config.Tls> tls = fields.value("tls").flatMap(this::tls);
    Duration grace = fields.value("shutdown_grace").flatMap(value -> duration(value, "server.shutdown_grace"))
        .orElse(Config.DEFAULT_SHUTDOWN_GRACE);
    Optional<URI> publicUrl = gatewayFields.flatMap(listener -> listener.value("public_url"))
        .flatMap(value -> orgUrl(value, "server.gateway.public_url"));
    return new Config.Server(admin, gateway, tls, grace, limits, publicUrl);
  }

  private Config.GatewayLimits gatewayLimits(Fields fields) {
    Config.GatewayLimits defaults = Config.GatewayLimits.DEFAULTS;
    int header = fields.value("max_header_bytes")
        .flatMap(value -> count(value, "server.gateway.max_header_bytes", 1024, 1024 * 1024).map(Math::toIntExact))
        .orElse(defaults.maxHeaderBytes());
    Map<String, Long> bodies = new java.util.LinkedHashMap<>(defaults.maxBodyBytes());
    fields.value("max_body_bytes").flatMap(value -> yaml.mapping(value, "server.gateway.max_body_bytes",
        Config.GatewayLimits.FAMILIES)).ifPresent(families -> {
          for (String family : Config.GatewayLimits.FAMILIES) {
            families.value(family).flatMap(value -> count(value, "server.gateway.max_body_bytes." + family, 0,
                Long.MAX_VALUE)).ifPresent(limit -> bodies.put(family, limit));
          }
        });
    Duration idle = fields.value("idle_timeout").flatMap(value -> duration(value, "server.gateway.idle_timeout"))
        .orElse(defaults.idleTimeout());
    long rate = fields.value("min_request_bytes_per_second")
        .flatMap(value -> count(value, "server.gateway.min_request_bytes_per_second", 0, Long.MAX_VALUE))
        .orElse(defaults.minRequestBytesPerSecond());
    return new Config.GatewayLimits(header, bodies, idle, rate);
  }

  /** A whole number of bytes (or bytes a second) from {@code min} to {@code max}. */
  private Optional<Long> count(Node node, String what, long min, long max) {
    return yaml.text(node, what).flatMap(text -> {
      try {
        long value = Long.parseLong(text.trim().replace("_", ""));
        if (value >= min && value <= max) {
          return Optional.of(value);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " '" + text + "' is not a whole number from " + min
          + " to " + max, "give a number of bytes, e.g. 16384");
      return Optional.empty();
    });
  }

  private Listener listener(Node node, String what, int defaultPort) {
    Optional<Fields> listener = yaml.mapping(node, what, LISTENER);
    if (listener.isEmpty()) {
      return new Listener(Config.DEFAULT_HOST, defaultPort);
    }
    return listener(listener.get(), what, defaultPort);
  }

  private Listener listener(Fields fields, String what, int defaultPort) {
    String host = fields.value("host").flatMap(value -> yaml.text(value, what + ".host")).orElse(Config.DEFAULT_HOST);
    if (what.equals("server.admin") && !isLoopback(host)) {
      yaml.warning(fields.value("host").orElseThrow(), ConfigErrorCode.INSECURE_URL,
          "the admin API will listen on " + host + "; it has no authentication",
          "keep it on 127.0.0.1, or expose it only to your monitoring network");
    }
    int port = fields.value("port").flatMap(value -> port(value, what + ".port")).orElse(defaultPort);
    return new Listener(host, port);
  }

  private Optional<Integer> port(Node node, String what) {
    Optional<String> text = yaml.text(node, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(text.get().trim());
      if (port >= 0 && port <= 65535) {
        return Optional.of(port);
      }
    } catch (NumberFormatException e) {
      yaml.error(node, ConfigErrorCode.WRONG_TYPE, what + " must be a whole number, found '" + text.get() + "'",
          "use a port between 1 and 65535, or 0 to pick a free port");
      return Optional.empty();
    }
    yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " " + text.get() + " is out of range",
        "use a port between 1 and 65535, or 0 to pick a free port");
    return Optional.empty();
  }

  private Optional<Duration> duration(Node node, String what) {
    Optional<String> text = yaml.text(node, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Matcher matcher = DURATION.matcher(text.get().trim());
    if (!matcher.matches()) {
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " '" + text.get() + "' is not a duration",
          "write a number and a unit (ms, s, m or h), e.g. 10s");
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    return Optional.of(switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    });
  }

  private Optional<Config.Tls> tls(Node node) {
    Optional<Fields> tls = yaml.mapping(node, "server.tls", TLS);
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = tls.get();
    Optional<Path> certificate = requiredPath(fields, "certificate", "server.tls");
    Optional<Path> privateKey = requiredPath(fields, "private_key", "server.tls");
    certificate.ifPresent(path -> PemFiles.checkCertificate(path).ifPresent(
        finding -> report(fields.value("certificate").orElseThrow(), finding)));
    privateKey.ifPresent(path -> PemFiles.checkPrivateKey(path, false).ifPresent(
        finding -> report(fields.value("private_key").orElseThrow(), finding)));
    if (certificate.isEmpty() || privateKey.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Config.Tls(certificate.get(), privateKey.get()));
  }

  private Config.Storage storage(Node node) {
    Optional<Fields> storage = yaml.mapping(node, "storage", STORAGE);
    Optional<Node> urlNode = storage.flatMap(fields -> fields.value("url"));
    if (urlNode.isEmpty()) {
      return new Config.Storage(Config.DEFAULT_STORAGE_URL);
    }
    if (urlNode.get() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar
        && LITERAL_PASSWORD.matcher(scalar.getValue()).find()) {
      yaml.warning(urlNode.get(), ConfigErrorCode.LITERAL_SECRET,
          "storage.url contains a password written in the file",
          "write password=${PG_PASSWORD} and set PG_PASSWORD in the environment");
    }
    Optional<String> url = yaml.text(urlNode.get(), "storage.url");
    if (url.isEmpty()) {
      return new Config.Storage(Config.DEFAULT_STORAGE_URL);
    }
    String value = url.get().trim();
    if (value.startsWith("sqlite:")) {
      if (value.length() == "sqlite:".length()) {
        yaml.error(urlNode.get(), ConfigErrorCode.BAD_URL, "storage.url names no SQLite file", "e.g. sqlite:portcullis.db");
      }
    } else if (value.startsWith("postgresql://")) {
      try {
        URI uri = new URI(value);
        if (uri.getHost() == null) {
          yaml.error(urlNode.get(), ConfigErrorCode.BAD_URL, "storage.url has no host",
              "e.g. postgresql://127.0.0.1:5432/portcullis?user=portcullis&password=${PG_PASSWORD}");
        }
      } catch (URISyntaxException e) {
        yaml.error(urlNode.get(), ConfigErrorCode.BAD_URL, "storage.url is not a valid URL: " + e.getReason(),
            "e.g. postgresql://127.0.0.1:5432/portcullis?user=portcullis&password=${PG_PASSWORD}");
      }
    } else {
      String redacted = new Config.Storage(value).redactedUrl();
      yaml.error(urlNode.get(), ConfigErrorCode.BAD_URL, "storage.url '" + redacted + "' is neither sqlite: nor postgresql://",
          value.startsWith("jdbc:") ? "drop the jdbc: prefix" : "use sqlite:portcullis.db or postgresql://HOST:PORT/DATABASE");
    }
    return new Config.Storage(value);
  }

  private Config.Ledger ledger(Node node, Config.Storage storage) {
    Optional<Fields> ledger = yaml.mapping(node, "ledger", LEDGER);
    if (ledger.isEmpty()) {
      return Config.Ledger.defaults();
    }
    Fields fields = ledger.get();
    Optional<String> origin = fields.value("origin").flatMap(value -> yaml.text(value, "ledger.origin").flatMap(text -> {
      if (!ORIGIN.matcher(text).matches()) {
        yaml.error(value, ConfigErrorCode.INVALID_VALUE, "ledger.origin '" + text
            + "' is not a C2SP checkpoint origin (printable ASCII, no spaces, no '+', at most 255 characters)",
            "use a schema-less URL naming this installation, e.g. portcullis.acme.example/ledger");
        return Optional.empty();
      }
      return Optional.of(text);
    }));
    Config.Ledger.Backend backend = fields.value("backend")
        .flatMap(value -> choice(value, "ledger.backend", Config.Ledger.Backend.class))
        .orElse(Config.Ledger.Backend.FILESYSTEM);
    if (backend == Config.Ledger.Backend.POSTGRESQL && !storage.url().startsWith("postgresql://")) {
      yaml.error(fields.value("backend").orElseThrow(), ConfigErrorCode.INVALID_VALUE,
          "ledger.backend postgresql needs storage.url to be a postgresql:// URL",
          "set storage.url to the PostgreSQL database the replicas share, or use backend: filesystem");
    }
    Duration batchWait = fields.value("batch_wait").flatMap(value -> boundedDuration(value, "ledger.batch_wait",
        Duration.ZERO, Duration.ofSeconds(1))).orElse(Config.DEFAULT_BATCH_WAIT);
    int maxBatch = fields.value("max_batch").flatMap(value -> wholeNumber(value, "ledger.max_batch", 1, 65_536))
        .orElse(Config.DEFAULT_MAX_BATCH);
    Duration witnessInterval = fields.value("witness_interval").flatMap(value -> boundedDuration(value,
        "ledger.witness_interval", Duration.ofSeconds(1), Duration.ofHours(24))).orElse(Config.DEFAULT_WITNESS_INTERVAL);
    List<Config.Ledger.Witness> witnesses = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node item : fields.value("witnesses").flatMap(value -> yaml.sequence(value, "ledger.witnesses")).orElse(List.of())) {
      witness(item, seen).ifPresent(witnesses::add);
    }
    return new Config.Ledger(origin, backend, batchWait, maxBatch, witnesses, witnessInterval);
  }

  private Optional<Config.Ledger.Witness> witness(Node node, Map<String, Node> seen) {
    String where = "ledger.witnesses";
    Optional<Fields> witness = yaml.mapping(node, where + " entry", WITNESS);
    if (witness.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = witness.get();
    Optional<URI> url = fields.value("url").flatMap(value -> orgUrl(value, where + " url"));
    Optional<String> vkey = required(fields, "vkey", where);
    if (url.isEmpty() && fields.value("url").isEmpty()) {
      missing(fields, "url", where, "the witness's submission URL, e.g. https://witness.example/");
    }
    if (vkey.isPresent()) {
      Node vkeyNode = fields.value("vkey").orElseThrow();
      try {
        dev.portcullis.ledger.CosignatureVerifier verifier = dev.portcullis.ledger.CosignatureVerifier.parse(vkey.get().trim());
        Node earlier = seen.putIfAbsent(verifier.name(), vkeyNode);
        if (earlier != null) {
          yaml.error(vkeyNode, ConfigErrorCode.INVALID_VALUE, where + " names witness key '" + verifier.name() + "' twice",
              "list each witness once");
        }
      } catch (dev.portcullis.ledger.NoteException e) {
        yaml.error(vkeyNode, ConfigErrorCode.INVALID_VALUE, where + " vkey is not a witness cosignature key: " + e.getMessage(),
            "use the vkey the witness prints (portcullis witness key), <name>+<hex id>+<base64>");
        return Optional.empty();
      }
    }
    if (url.isEmpty() || vkey.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Config.Ledger.Witness(url.get(), vkey.get().trim()));
  }

  private Optional<Duration> boundedDuration(Node node, String what, Duration min, Duration max) {
    return duration(node, what).filter(value -> {
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " " + value.toMillis() + "ms is out of range",
            "use between " + min.toMillis() + "ms and " + max.toMillis() + "ms");
        return false;
      }
      return true;
    });
  }

  private Optional<Integer> wholeNumber(Node node, String what, int min, int max) {
    return yaml.text(node, what).flatMap(text -> {
      try {
        int value = Integer.parseInt(text.trim());
        if (value >= min && value <= max) {
          return Optional.of(value);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " '" + text + "' is not a whole number from " + min + " to "
          + max, "e.g. " + Config.DEFAULT_MAX_BATCH);
      return Optional.empty();
    });
  }

  private Config.Salesforce salesforce(Node node) {
    Optional<Fields> salesforce = yaml.mapping(node, "salesforce", SALESFORCE);
    Optional<Node> versionNode = salesforce.flatMap(fields -> fields.value("api_version"));
    if (versionNode.isEmpty()) {
      return new Config.Salesforce(Config.DEFAULT_API_VERSION);
    }
    String version = yaml.text(versionNode.get(), "salesforce.api_version").orElse(Config.DEFAULT_API_VERSION).trim();
    if (version.startsWith("v")) {
      version = version.substring(1);
    }
    if (version.matches("\\d{2,3}")) {
      version = version + ".0";
    }
    if (!API_VERSION.matcher(version).matches()) {
      yaml.error(versionNode.get(), ConfigErrorCode.INVALID_VALUE,
          "salesforce.api_version '" + version + "' is not a Salesforce API version",
          "quote it, e.g. api_version: \"" + Config.DEFAULT_API_VERSION + "\"");
    }
    return new Config.Salesforce(version);
  }

  private Logging logging(Node node) {
    Optional<Fields> logging = yaml.mapping(node, "logging", LOGGING);
    Logging.Format format = logging.flatMap(fields -> fields.value("format"))
        .flatMap(value -> choice(value, "logging.format", Logging.Format.class)).orElse(Logging.Format.TEXT);
    Logging.Level level = logging.flatMap(fields -> fields.value("level"))
        .flatMap(value -> choice(value, "logging.level", Logging.Level.class)).orElse(Logging.Level.INFO);
    return new Logging(format, level);
  }

  private <E extends Enum<E>> Optional<E> choice(Node node, String what, Class<E> type) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    return yaml.text(node, what).flatMap(text -> {
      String word = text.trim().toLowerCase(Locale.ROOT);
      if (word.equals("warning")) {
        word = "warn";
      }
      int index = names.indexOf(word);
      if (index >= 0) {
        return Optional.of(type.getEnumConstants()[index]);
      }
      String suggestion = Suggestions.closest(word, names).map(best -> "did you mean '" + best + "'? ").orElse("")
          + "choose one of " + String.join(", ", names);
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, "unknown " + what + " '" + text + "'", suggestion);
      return Optional.empty();
    });
  }

  private List<Org> orgs(Node node) {
    List<Org> orgs = new ArrayList<>();
    Map<String, Node> aliases = new HashMap<>();
    for (Node item : yaml.sequence(node, "orgs").orElse(List.of())) {
      org(item, aliases).ifPresent(orgs::add);
    }
    return orgs;
  }

  private Optional<Org> org(Node node, Map<String, Node> aliases) {
    Optional<Fields> org = yaml.mapping(node, "an org", ORG);
    if (org.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = org.get();
    Optional<String> alias = required(fields, "alias", "the org");
    String where = alias.map(a -> "org '" + a + "'").orElse("the org");
    alias.ifPresent(value -> {
      Node aliasNode = fields.value("alias").orElseThrow();
      if (!ALIAS.matcher(value).matches()) {
        yaml.error(aliasNode, ConfigErrorCode.INVALID_VALUE, "alias '" + value + "' is not a short lowercase name",
            "use lowercase letters, digits, '-' and '_', starting with a letter, e.g. prod");
      } else if (aliases.containsKey(value)) {
        yaml.error(aliasNode, ConfigErrorCode.DUPLICATE_ALIAS, "duplicate org alias '" + value + "'",
            "the first is on line " + YamlNodes.line(aliases.get(value)) + "; aliases must be unique");
      } else {
        aliases.put(value, aliasNode);
      }
    });
    Optional<OrgEnvironment> environment = fields.value("environment")
        .flatMap(value -> environment(value, where));
    if (fields.value("environment").isEmpty()) {
      missing(fields, "environment", where, "production or sandbox");
    }
    Optional<URI> loginUrl = fields.value("login_url").flatMap(value -> orgUrl(value, where + " login_url"));
    if (fields.value("login_url").isEmpty()) {
      loginUrl = environment.map(env -> URI.create(env.standardLoginUrl()));
    } else if (environment.isPresent() && loginUrl.isPresent()) {
      checkEnvironment(fields.value("login_url").get(), environment.get(), loginUrl.get(), where);
    }
    Optional<URI> instanceUrl = fields.value("instance_url").flatMap(value -> orgUrl(value, where + " instance_url"));
    if (fields.value("instance_url").isEmpty()) {
      missing(fields, "instance_url", where, "the org's My Domain URL, e.g. https://acme.my.salesforce.com");
    }
    Optional<String> consumerKey = required(fields, "consumer_key", where);
    Optional<String> username = required(fields, "username", where);
    Optional<Credential> credential = credential(fields, where);
    Optional<String> orgId = fields.value("org_id").flatMap(value -> orgId(value, where));
    List<Config.IntegrationUser> users = new ArrayList<>();
    Optional<Node> usersNode = fields.value("integration_users");
    if (usersNode.isPresent()) {
      Map<String, Node> seen = new HashMap<>();
      for (Node item : yaml.sequence(usersNode.get(), where + " integration_users").orElse(List.of())) {
        integrationUser(item, where, consumerKey, seen).ifPresent(users::add);
      }
      if (fields.value("org_id").isEmpty()) {
        missing(fields, "org_id", where, "the org's 18-character id (Setup > Company Information, or sf org display):"
            + " sessions are checked against it");
      }
    }
    if (alias.isEmpty() || environment.isEmpty() || loginUrl.isEmpty() || instanceUrl.isEmpty()
        || consumerKey.isEmpty() || username.isEmpty() || credential.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Org(alias.get(), environment.get(), loginUrl.get(), instanceUrl.get(),
        consumerKey.get(), username.get(), credential.get(), orgId, users));
  }

  private Optional<String> orgId(Node node, String where) {
    return yaml.text(node, where + " org_id").map(String::trim).flatMap(text -> {
      if (ORG_ID_18.matcher(text).matches()) {
        return Optional.of(text);
      }
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, where + " org_id '" + text + "' is not an 18-character org id",
          ORG_ID_15.matcher(text).matches()
              ? "this is the 15-character form; use the 18-character id (sf org display, or the id URL of a token)"
              : "00D followed by 15 letters or digits, e.g. 00D5e000000AbCdEAA");
      return Optional.empty();
    });
  }

  private Optional<Config.IntegrationUser> integrationUser(
      Node node, String orgWhere, Optional<String> orgConsumerKey, Map<String, Node> seen) {
    Optional<Fields> user = yaml.mapping(node, orgWhere + " integration user", INTEGRATION_USER);
    if (user.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = user.get();
    Optional<String> username = required(fields, "username", orgWhere + " integration user").map(String::trim);
    String where = orgWhere + " integration user" + username.map(name -> " '" + name + "'").orElse("");
    username.ifPresent(name -> {
      Node earlier = seen.putIfAbsent(name, fields.value("username").orElseThrow());
      if (earlier != null) {
        yaml.error(fields.value("username").orElseThrow(), ConfigErrorCode.DUPLICATE_ALIAS,
            where + " is listed twice", "the first is on line " + YamlNodes.line(earlier));
      }
    });
    java.util.Set<String> scopes = new java.util.TreeSet<>();
    Optional<Node> scopesNode = fields.value("scopes");
    if (scopesNode.isEmpty()) {
      missing(fields, "scopes", where, "the session scopes this user's access covers, e.g. [api:read, metadata:retrieve]");
    } else {
      for (Node item : yaml.sequence(scopesNode.get(), where + " scopes").orElse(List.of())) {
        yaml.text(item, where + " scope").map(String::trim).ifPresent(scope -> {
          if (dev.portcullis.policy.SessionLimits.KNOWN_SCOPES.contains(scope)) {
            scopes.add(scope);
          } else {
            yaml.error(item, ConfigErrorCode.INVALID_VALUE, where + ": unknown scope '" + scope + "'",
                Suggestions.closest(scope, List.copyOf(dev.portcullis.policy.SessionLimits.KNOWN_SCOPES))
                    .map(best -> "did you mean '" + best + "'? ").orElse("")
                    + "known: " + String.join(", ", dev.portcullis.policy.SessionLimits.KNOWN_SCOPES));
          }
        });
      }
      if (scopes.isEmpty() && yaml.sequence(scopesNode.get(), where + " scopes").map(List::isEmpty).orElse(false)) {
        yaml.error(scopesNode.get(), ConfigErrorCode.MISSING_FIELD, where + " has no scopes",
            "list the session scopes it serves, e.g. [api:read]");
      }
    }
    Optional<String> consumerKey = fields.value("consumer_key").isPresent()
        ? required(fields, "consumer_key", where) : orgConsumerKey;
    Optional<Credential> credential = credential(fields, where);
    if (username.isEmpty() || scopes.isEmpty() || consumerKey.isEmpty() || credential.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Config.IntegrationUser(username.get(), scopes, consumerKey.get(), credential.get()));
  }

  private Config.Identity identity(Node node) {
    Optional<Fields> identity = yaml.mapping(node, "identity", IDENTITY);
    if (identity.isEmpty()) {
      return Config.Identity.NONE;
    }
    Fields fields = identity.get();
    List<dev.portcullis.identity.TrustedIssuer> issuers = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node item : fields.value("issuers").flatMap(value -> yaml.sequence(value, "identity.issuers")).orElse(List.of())) {
      issuer(item, seen).ifPresent(issuers::add);
    }
    Optional<Config.Mtls> mtls = fields.value("mtls").flatMap(this::mtls);
    List<Config.Approver> approvers = new ArrayList<>();
    for (Node item : fields.value("approvers").flatMap(value -> yaml.sequence(value, "identity.approvers"))
        .orElse(List.of())) {
      approver(item, seen).ifPresent(approvers::add);
    }
    return new Config.Identity(issuers, mtls, approvers);
  }

  /** An {@code identity.approvers} entry: people of a trusted issuer, by name. */
  private Optional<Config.Approver> approver(Node node, Map<String, Node> issuers) {
    Optional<Fields> approver = yaml.mapping(node, "identity.approvers entry", APPROVER);
    if (approver.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = approver.get();
    Optional<String> issuer = required(fields, "issuer", "identity.approvers entry").map(String::trim);
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    if (!issuers.containsKey(issuer.get())) {
      yaml.error(fields.value("issuer").orElseThrow(), ConfigErrorCode.INVALID_VALUE, "identity.approvers issuer "
          + issuer.get() + " is not one of identity.issuers", "list the people's identity provider under"
          + " identity.issuers first (its tokens are verified like any other)");
      return Optional.empty();
    }
    List<String> subjects = new ArrayList<>();
    for (Node item : fields.value("subjects").flatMap(value -> yaml.sequence(value, "identity.approvers subjects"))
        .orElse(List.of())) {
      yaml.text(item, "identity.approvers subject").map(String::trim).filter(text -> !text.isEmpty())
          .ifPresent(subjects::add);
    }
    if (subjects.isEmpty()) {
      missing(fields, "subjects", "identity.approvers entry", "the people (sub, preferred_username or email) who may approve");
      return Optional.empty();
    }
    return Optional.of(new Config.Approver(issuer.get(), subjects));
  }

  private Optional<dev.portcullis.identity.TrustedIssuer> issuer(Node node, Map<String, Node> seen) {
    Optional<Fields> issuer = yaml.mapping(node, "identity.issuers entry", ISSUER);
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = issuer.get();
    Optional<String> name = required(fields, "issuer", "identity.issuers entry").map(String::trim);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    Node nameNode = fields.value("issuer").orElseThrow();
    String where = "issuer " + name.get();
    Node earlier = seen.putIfAbsent(name.get(), nameNode);
    if (earlier != null) {
      yaml.error(nameNode, ConfigErrorCode.DUPLICATE_ALIAS, where + " is listed twice",
          "the first is on line " + YamlNodes.line(earlier));
      return Optional.empty();
    }
    dev.portcullis.identity.TrustedIssuer.Dialect defaultDialect =
        name.get().equals(dev.portcullis.identity.TrustedIssuer.GITHUB_ACTIONS_ISSUER)
            ? dev.portcullis.identity.TrustedIssuer.Dialect.GITHUB_ACTIONS
            : name.get().equals(dev.portcullis.identity.TrustedIssuer.GITLAB_COM_ISSUER)
                ? dev.portcullis.identity.TrustedIssuer.Dialect.GITLAB
                : dev.portcullis.identity.TrustedIssuer.Dialect.GENERIC;
    dev.portcullis.identity.TrustedIssuer.Dialect dialect = fields.value("dialect")
        .flatMap(value -> choice(value, where + " dialect", dev.portcullis.identity.TrustedIssuer.Dialect.class))
        .orElse(defaultDialect);
    String bare = name.get().endsWith("/") ? name.get().substring(0, name.get().length() - 1) : name.get();
    Optional<URI> jwks;
    if (fields.value("jwks_url").isPresent()) {
      jwks = yaml.text(fields.value("jwks_url").get(), where + " jwks_url").map(String::trim).map(text -> {
        try {
          return new URI(text);
        } catch (URISyntaxException e) {
          yaml.error(fields.value("jwks_url").get(), ConfigErrorCode.BAD_URL, where + " jwks_url '" + text
              + "' is not a valid URL: " + e.getReason(), null);
          return null;
        }
      });
    } else if (dialect == dev.portcullis.identity.TrustedIssuer.Dialect.GITHUB_ACTIONS) {
      jwks = Optional.of(URI.create(bare + "/.well-known/jwks"));
    } else if (dialect == dev.portcullis.identity.TrustedIssuer.Dialect.GITLAB) {
      jwks = Optional.of(URI.create(bare + "/oauth/discovery/keys"));
    } else {
      missing(fields, "jwks_url", where, "the issuer's JWKS URL (its discovery document's jwks_uri);"
          + " it is configured, never discovered");
      jwks = Optional.empty();
    }
    List<String> audiences = new ArrayList<>();
    if (fields.value("audiences").isPresent()) {
      for (Node item : yaml.sequence(fields.value("audiences").get(), where + " audiences").orElse(List.of())) {
        yaml.text(item, where + " audience").map(String::trim).filter(text -> !text.isEmpty()).ifPresent(audiences::add);
      }
      if (audiences.isEmpty()) {
        yaml.error(fields.value("audiences").get(), ConfigErrorCode.MISSING_FIELD, where + " allows no audience",
            "list the aud values tokens must carry, e.g. [portcullis]");
      }
    } else {
      audiences.add(DEFAULT_AUDIENCE);
    }
    List<String> algorithms = new ArrayList<>();
    if (fields.value("algorithms").isPresent()) {
      for (Node item : yaml.sequence(fields.value("algorithms").get(), where + " algorithms").orElse(List.of())) {
        yaml.text(item, where + " algorithm").map(String::trim).ifPresent(algorithms::add);
      }
    } else {
      algorithms.addAll(dev.portcullis.identity.TrustedIssuer.DEFAULT_ALGORITHMS);
    }
    Duration skew = fields.value("clock_skew").flatMap(value -> duration(value, where + " clock_skew"))
        .orElse(dev.portcullis.identity.TrustedIssuer.DEFAULT_CLOCK_SKEW);
    Duration maxAge = fields.value("max_token_age").flatMap(value -> duration(value, where + " max_token_age"))
        .orElse(dev.portcullis.identity.TrustedIssuer.DEFAULT_MAX_TOKEN_AGE);
    if (jwks.isEmpty() || audiences.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new dev.portcullis.identity.TrustedIssuer(name.get(), jwks.get(), java.util.Set.copyOf(audiences),
          java.util.Set.copyOf(algorithms), skew, maxAge, dialect));
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      Node at = message.contains("algorithm") ? fields.value("algorithms").orElse(nameNode)
          : message.startsWith("jwksUri") ? fields.value("jwks_url").orElse(nameNode)
          : message.contains("clock skew") ? fields.value("clock_skew").orElse(nameNode)
          : message.contains("token age") ? fields.value("max_token_age").orElse(nameNode)
          : nameNode;
      yaml.error(at, ConfigErrorCode.INVALID_VALUE, where + ": " + message, null);
      return Optional.empty();
    }
  }

  private Optional<Config.Mtls> mtls(Node node) {
    String where = "identity.mtls";
    Optional<Fields> mtls = yaml.mapping(node, where, MTLS);
    if (mtls.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = mtls.get();
    List<Path> cas = new ArrayList<>();
    if (fields.value("certificate_authorities").isEmpty()) {
      missing(fields, "certificate_authorities", where, "PEM files of the CAs that issue your CI client certificates");
    }
    for (Node item : fields.value("certificate_authorities")
        .flatMap(value -> yaml.sequence(value, where + ".certificate_authorities")).orElse(List.of())) {
      yaml.text(item, where + " certificate authority").map(text -> base.resolve(text.trim()).normalize()).ifPresent(path -> {
        PemFiles.checkCertificate(path).ifPresentOrElse(finding -> report(item, finding), () -> cas.add(path));
      });
    }
    dev.portcullis.identity.ClientCertificatePolicy.IdentitySource from = fields.value("identity_from")
        .flatMap(value -> choice(value, where + ".identity_from",
            dev.portcullis.identity.ClientCertificatePolicy.IdentitySource.class))
        .orElse(dev.portcullis.identity.ClientCertificatePolicy.IdentitySource.SAN_URI);
    List<String> prefixes = new ArrayList<>();
    for (Node item : fields.value("allowed_prefixes")
        .flatMap(value -> yaml.sequence(value, where + ".allowed_prefixes")).orElse(List.of())) {
      yaml.text(item, where + " allowed prefix").map(String::trim).filter(text -> !text.isEmpty()).ifPresent(prefixes::add);
    }
    if (cas.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Config.Mtls(cas, from, prefixes));
  }

  private Config.Broker broker(Node node) {
    Optional<Fields> broker = yaml.mapping(node, "broker", BROKER);
    if (broker.isEmpty()) {
      return Config.Broker.DEFAULTS;
    }
    Fields fields = broker.get();
    Duration maxTtl = fields.value("max_ttl").flatMap(value -> boundedDuration(value, "broker.max_ttl",
        Duration.ofSeconds(1), Duration.ofHours(12))).orElse(Config.DEFAULT_MAX_TTL);
    Optional<Path> policies = fields.value("policies").flatMap(value -> yaml.text(value, "broker.policies"))
        .map(text -> base.resolve(text.trim()).normalize());
    policies.ifPresent(path -> {
      if (!Files.isDirectory(path)) {
        yaml.error(fields.value("policies").orElseThrow(), ConfigErrorCode.FILE_NOT_FOUND,
            "broker.policies " + path + " is not a directory",
            "create it with: portcullis policy init " + path + "   (writes the default pack)");
      }
    });
    Duration poll = fields.value("policy_poll_interval").flatMap(value -> boundedDuration(value,
        "broker.policy_poll_interval", Duration.ofMillis(100), Duration.ofHours(1))).orElse(Config.Broker.DEFAULTS.policyPollInterval());
    double revokeAtRisk = fields.value("revoke_at_risk").flatMap(value -> riskScore(value, "broker.revoke_at_risk"))
        .orElse(Config.Broker.DEFAULTS.revokeAtRisk());
    return new Config.Broker(maxTtl, policies, poll, revokeAtRisk);
  }

  /** A risk score cut-off: a number above 0 and at most 100 (policy's {@code risk.score} scale). */
  private Optional<Double> riskScore(Node node, String what) {
    return yaml.text(node, what).flatMap(text -> {
      if (text.trim().matches("[0-9]{1,3}(\\.[0-9]{1,6})?")) { // plain decimals only: no 1e2, NaN or 80d
        double value = Double.parseDouble(text.trim());
        if (value > 0 && value <= 100) {
          return Optional.of(value);
        }
      }
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, what + " '" + text + "' is not a risk score above 0 and at most"
          + " 100", "risk scores run from 0 to 100 (docs/POLICY.md); the default is 80");
      return Optional.empty();
    });
  }

  private Optional<OrgEnvironment> environment(Node node, String where) {
    return yaml.text(node, where + " environment").flatMap(text -> {
      for (OrgEnvironment environment : OrgEnvironment.values()) {
        if (environment.configName().equalsIgnoreCase(text.trim())) {
          return Optional.of(environment);
        }
      }
      List<String> names = Arrays.stream(OrgEnvironment.values()).map(OrgEnvironment::configName).toList();
      yaml.error(node, ConfigErrorCode.INVALID_VALUE, "unknown environment '" + text + "' for " + where,
          Suggestions.closest(text.trim(), names).map(best -> "did you mean '" + best + "'?")
              .orElse("choose production or sandbox"));
      return Optional.empty();
    });
  }

  private void checkEnvironment(Node node, OrgEnvironment environment, URI loginUrl, String where) {
    String host = loginUrl.getHost() == null ? "" : loginUrl.getHost().toLowerCase(Locale.ROOT);
    if (environment == OrgEnvironment.SANDBOX && host.equals("login.salesforce.com")) {
      yaml.error(node, ConfigErrorCode.ENVIRONMENT_MISMATCH,
          where + " is a sandbox but its login_url is the production login " + loginUrl,
          "use https://test.salesforce.com or the sandbox's My Domain URL");
    } else if (environment == OrgEnvironment.PRODUCTION && host.equals("test.salesforce.com")) {
      yaml.error(node, ConfigErrorCode.ENVIRONMENT_MISMATCH,
          where + " is a production org but its login_url is the sandbox login " + loginUrl,
          "use https://login.salesforce.com or the org's My Domain URL, or set environment: sandbox");
    }
  }

  private Optional<URI> orgUrl(Node node, String what) {
    return yaml.text(node, what).flatMap(text -> {
      URI uri;
      try {
        uri = new URI(text.trim());
      } catch (URISyntaxException e) {
        yaml.error(node, ConfigErrorCode.BAD_URL, what + " '" + text + "' is not a valid URL: " + e.getReason(),
            "e.g. https://acme.my.salesforce.com");
        return Optional.empty();
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        yaml.error(node, ConfigErrorCode.BAD_URL, what + " '" + text + "' needs https:// and a host name",
            "e.g. https://" + (uri.getHost() == null ? text.replaceFirst("^[a-z]+://", "") : uri.getHost()));
        return Optional.empty();
      }
      if (scheme.equals("http") && !isLoopback(uri.getHost())) {
        yaml.error(node, ConfigErrorCode.INSECURE_URL, what + " '" + text + "' uses plain http",
            "use https://; http is allowed only for loopback hosts (127.0.0.1, ::1, localhost)");
        return Optional.empty();
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      String normalized = scheme + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      return Optional.of(URI.create(normalized));
    });
  }

  private Optional<Credential> credential(Fields fields, String where) {
    Optional<Node> pem = fields.value("private_key");
    Optional<Node> keystore = fields.value("keystore");
    if (pem.isPresent() && keystore.isPresent()) {
      yaml.error(keystore.get(), ConfigErrorCode.INVALID_VALUE, where + " has both private_key and keystore",
          "keep one of them");
      return Optional.empty();
    }
    if (pem.isPresent()) {
      Optional<Path> path = yaml.text(pem.get(), where + " private_key").map(text -> base.resolve(text.trim()).normalize());
      path.ifPresent(p -> keyFileCheck.check(p).ifPresent(finding -> report(pem.get(), finding)));
      return path.map(Credential.PemFile::new);
    }
    if (keystore.isPresent()) {
      return keyStore(keystore.get(), where);
    }
    missing(fields, "private_key", where, "a PEM PKCS#8 key file, or keystore: {path, password, alias}");
    return Optional.empty();
  }

  private Optional<Credential> keyStore(Node node, String where) {
    Optional<Fields> keystore = yaml.mapping(node, where + " keystore", KEYSTORE);
    if (keystore.isEmpty()) {
      return Optional.empty();
    }
    Fields fields = keystore.get();
    String what = where + " keystore";
    Optional<Path> path = requiredPath(fields, "path", what);
    fields.value("password").filter(YamlNodes::isLiteral).ifPresent(passwordNode -> yaml.warning(passwordNode,
        ConfigErrorCode.LITERAL_SECRET, what + " password is written in the file",
        "write password: ${KEYSTORE_PASSWORD} and set it in the environment"));
    Optional<String> password = required(fields, "password", what);
    Optional<String> alias = required(fields, "alias", what);
    if (path.isEmpty() || password.isEmpty() || alias.isEmpty()) {
      return Optional.empty();
    }
    Node pathNode = fields.value("path").orElseThrow();
    if (!Files.isRegularFile(path.get())) {
      yaml.error(pathNode, ConfigErrorCode.FILE_NOT_FOUND, "keystore " + path.get() + " does not exist",
          "relative paths are resolved against the configuration file's directory");
    } else {
      checkKeyStore(path.get(), password.get(), alias.get(), pathNode, fields.value("alias").orElseThrow());
    }
    return Optional.of(new Credential.KeyStoreEntry(path.get(), new Secret(password.get()), alias.get()));
  }

  private void checkKeyStore(Path path, String password, String alias, Node pathNode, Node aliasNode) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(path.toFile(), password.toCharArray());
    } catch (Exception e) {
      yaml.error(pathNode, ConfigErrorCode.BAD_KEY_FILE,
          "cannot open keystore " + path + ": wrong password, or not a PKCS#12/JKS file",
          "check the password variable; list it with keytool -list -keystore " + path);
      return;
    }
    try {
      if (!store.isKeyEntry(alias)) {
        String known = String.join(", ", java.util.Collections.list(store.aliases()));
        yaml.error(aliasNode, ConfigErrorCode.BAD_KEY_FILE,
            "keystore " + path + " has no private key entry '" + alias + "'", "its entries: " + known);
      }
    } catch (Exception e) {
      yaml.error(aliasNode, ConfigErrorCode.BAD_KEY_FILE, "cannot read keystore " + path, null);
    }
  }

  private Optional<Path> requiredPath(Fields fields, String key, String where) {
    return required(fields, key, where).map(text -> base.resolve(text.trim()).normalize());
  }

  private Optional<String> required(Fields fields, String key, String where) {
    Optional<Node> node = fields.value(key);
    if (node.isEmpty()) {
      missing(fields, key, where, null);
      return Optional.empty();
    }
    Optional<String> text = yaml.text(node.get(), where + " " + key);
    if (text.isPresent() && text.get().isBlank()) {
      yaml.error(node.get(), ConfigErrorCode.MISSING_FIELD, where + " " + key + " is empty", null);
      return Optional.empty();
    }
    return text;
  }

  private void missing(Fields fields, String key, String where, String hint) {
    if (fields.misspelled().contains(key)) {
      return; // already reported as an unknown field with this name as the suggestion
    }
    Node at = fields.key(key).orElse(fields.node());
    yaml.error(at, ConfigErrorCode.MISSING_FIELD, where + " needs '" + key + "'", hint);
  }

  private void report(Node at, KeyFileCheck.Finding finding) {
    yaml.error(at, finding.code(), finding.message(), finding.suggestion());
  }

  static boolean isLoopback(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
      return false; // a name: never resolved here
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }
}
