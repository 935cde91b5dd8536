package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.salesforce.oauth.PrivateKeys;
import dev.portcullis.salesforce.rest.QueryResult;
import dev.portcullis.salesforce.rest.RestClient;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.ServerException;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.demo.DemoBootstrap;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The guided tour: starts the whole system on embedded defaults (SQLite under the data directory,
 * a simulated production org and sandbox, the server) on loopback, then shows each step working
 * against it. Later issues add their steps here.
 *
 * <p>Nothing secret is printed: access tokens appear as their org-id prefix and a fingerprint.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    subcommands = {DemoCiTokenCommand.class, DemoPersonTokenCommand.class},
    description = "Start everything on embedded defaults with two simulated orgs and run a guided tour.",
    footer = {
      "",
      "The first run generates a local CA, keys and DATA_DIR/portcullis.yaml (readable and editable);",
      "later runs reuse them. Without --exit the system keeps serving until Ctrl-C.",
      "",
      "Examples:",
      "  portcullis demo",
      "  portcullis demo --exit                              # tour, then leave",
      "  portcullis demo --exit --json                       # the tour's results for machines",
      "  portcullis demo --admin-port 0 --gateway-port 0 --orgsim-port 0   # free ports",
      "  portcullis demo ci-token --issuer github            # a CI identity token from the running demo"
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DemoOptions demoOptions;
  @Mixin ExitAfterStart exitAfterStart;

  @Option(names = "--json", description = "Print the tour's results as JSON instead of prose.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    Tour tour = new Tour(spec.commandLine().getOut(), json);
    tour.say("Starting Portcullis on embedded defaults (SQLite, two simulated Salesforce orgs) ...");
    PortcullisServer server = demoOptions.startDemo();
    boolean ok;
    try {
      ok = runTour(server, tour);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    tour.finish(ok);
    if (!ok || exitAfterStart.exit) {
      server.close();
      return ok ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
    }
    server.installShutdownHook();
    spec.commandLine().getErr().println("portcullis: serving; admin API at " + server.adminUrl() + ". Ctrl-C to stop.");
    server.awaitShutdown();
    return ExitCode.OK.code();
  }

  private boolean runTour(PortcullisServer server, Tour tour) {
    DemoLedger ledger = server.ledger().map(open -> new DemoLedger(open, server.endpointsFile().getParent()))
        .orElse(null);
    try {
      return runTour(server, tour, ledger);
    } finally {
      if (ledger != null && exitAfterStart.exit) {
        ledger.close();
      }
    }
  }

  private void record(DemoLedger ledger, String kind, Map<String, ?> fields) {
    if (ledger != null) {
      ledger.record(kind, fields);
    }
  }

  private boolean runTour(PortcullisServer server, Tour tour, DemoLedger ledger) {
    Config config = server.config();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    tour.step("server", true, "admin API at " + server.adminUrl() + "; configuration " + config.file()
        + "; storage " + config.storage().redactedUrl(), Map.of("admin_url", server.adminUrl().toString()));

    boolean ok = true;
    JwtBearerTokenClient tokens = new JwtBearerTokenClient(http, Duration.ofSeconds(30));
    Map<String, RestClient> clients = new LinkedHashMap<>();
    Map<String, String> usernames = new LinkedHashMap<>();
    Map<String, AccessToken> accessTokens = new LinkedHashMap<>();
    for (Config.Org org : config.orgs()) {
      try {
        if (!(org.credential() instanceof Config.Credential.PemFile pem)) {
          tour.step("token:" + org.alias(), false, "the demo signs with a PEM key file", Map.of());
          ok = false;
          continue;
        }
        JwtBearerAssertion assertion = new JwtBearerAssertion(
            org.consumerKey(), org.username(), org.loginUrl().toString(),
            PrivateKeys.readPkcs8Pem(pem.path()), Clock.systemUTC());
        AccessToken token = tokens.requestToken(assertion);
        clients.put(org.alias(), new RestClient(token.instanceUrl(), token::accessToken, http, config.salesforce().apiVersion(), Duration.ofSeconds(30)));
        usernames.put(org.alias(), org.username());
        accessTokens.put(org.alias(), token);
        record(ledger, "salesforce.token.obtained", Map.of("org", org.alias(), "actor", org.username(),
            "flow", "jwt-bearer", "org_id", token.orgId(), "user_id", token.userId(),
            "token_sha256", LedgerEntry.sha256(token.accessToken())));
        tour.step("token:" + org.alias(), true,
            org.alias() + " (" + org.environment().configName() + "): access token from the OAuth 2.0 JWT bearer flow"
                + " at " + org.loginUrl() + "/services/oauth2/token; org " + token.orgId() + ", user "
                + token.userId() + ", token " + redacted(token.accessToken()),
            Map.of("org_id", token.orgId(), "user_id", token.userId(), "instance_url", token.instanceUrl().toString()));
      } catch (SalesforceException | IllegalArgumentException e) {
        tour.step("token:" + org.alias(), false, org.alias() + ": " + e.getMessage(), Map.of());
        ok = false;
      }
    }

    java.util.concurrent.CompletableFuture<Long> queryEntry = null;
    RestClient prod = clients.get("prod");
    if (prod != null) {
      String soql = "SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 5";
      try {
        QueryResult result = prod.query(soql);
        StringBuilder names = new StringBuilder();
        for (JsonNode record : result.records()) {
          names.append(names.isEmpty() ? "" : ", ").append(record.path("Name").asText());
        }
        tour.step("query", true, "prod: " + soql + " -> " + result.records().size() + " of " + result.totalSize()
            + " rows: " + names, Map.of("soql", soql, "total_size", result.totalSize()));
        queryEntry = ledger == null ? null : ledger.record("salesforce.request", Map.of("org", "prod",
            "actor", usernames.get("prod"), "api", "rest", "operation", "query", "outcome", "succeeded",
            "object", "Account", "rows", result.records().size(), "query_sha256", LedgerEntry.sha256(soql)));
      } catch (SalesforceException e) {
        tour.step("query", false, "prod: " + soql + " failed: " + e.getMessage(), Map.of());
        record(ledger, "salesforce.request", Map.of("org", "prod", "actor", usernames.get("prod"), "api", "rest",
            "operation", "query", "outcome", "failed", "object", "Account", "query_sha256", LedgerEntry.sha256(soql)));
        ok = false;
      }
    }

    RestClient sandbox = clients.get("sandbox");
    if (sandbox != null) {
      String name = "Portcullis Demo " + Instant.now().toString();
      try {
        String id = sandbox.create("Account", Map.of("Name", name));
        JsonNode back = sandbox.retrieve("Account", id, "Id", "Name");
        boolean same = name.equals(back.path("Name").asText());
        tour.step("create", same, "sandbox: created Account " + id + " '" + name + "' and read it back"
            + (same ? "" : " (but the name differs: " + back.path("Name").asText() + ")"), Map.of("id", id));
        ok &= same;
        record(ledger, "salesforce.request", Map.of("org", "sandbox", "actor", usernames.get("sandbox"), "api", "rest",
            "operation", "create", "outcome", "succeeded", "object", "Account", "record_id", id));
      } catch (SalesforceException e) {
        tour.step("create", false, "sandbox: creating an Account failed: " + e.getMessage(), Map.of());
        record(ledger, "salesforce.request", Map.of("org", "sandbox", "actor", usernames.get("sandbox"), "api", "rest",
            "operation", "create", "outcome", "failed", "object", "Account"));
        ok = false;
      }
    }

    ok &= brokerStep(server, tour);
    ok &= gatewayStep(server, tour);
    ok &= deployStep(server, tour);
    ok &= certsStep(server, tour, ledger, accessTokens.get("prod"), http);

    for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
      URI uri = server.adminUrl().resolve(path);
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        boolean good = response.statusCode() == 200;
        String detail = path.equals("/metrics")
            ? response.body().lines().filter(l -> !l.startsWith("#")).count() + " Prometheus samples"
            : response.body().replaceAll("\\s+", " ").trim();
        tour.step("admin:" + path, good, "GET " + uri + " -> " + response.statusCode() + " " + truncate(detail),
            Map.of("status", response.statusCode()));
        ok &= good;
      } catch (IOException e) {
        tour.step("admin:" + path, false, "GET " + uri + " failed: " + e.getMessage(), Map.of());
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    // the sessions' use counts are ledger entries too: written now, so that the checkpoint the
    // witness cosigns below covers everything (the server would write them when it stops)
    server.broker().ifPresent(running -> running.broker().flushUses());
    return ok & ledgerStep(tour, ledger, queryEntry);
  }

  /**
   * Shows the token broker deciding two pipeline runs (see {@link DemoBroker}): ok when the run
   * from main gets a session with {@code api:read} on prod that ends within the configured maximum,
   * and the feature branch's {@code metadata:deploy} is refused by policy ({@code access_denied}).
   */
  private boolean brokerStep(PortcullisServer server, Tour tour) {
    Map<String, URI> issuers = server.demo().map(DemoBootstrap.Demo::oidcIssuers).orElse(Map.of());
    if (server.broker().isEmpty() || server.gatewayUrl().isEmpty() || !issuers.containsKey("github")) {
      tour.step("broker", false, "the demo runs no token broker: " + server.config().file() + " has no identity"
          + " and broker sections (it predates them, or they were removed); move it away and start the demo again"
          + " to generate a new one", Map.of());
      return false;
    }
    URI tokenUrl = URI.create(server.gatewayUrl().get() + PortcullisServer.TOKEN_PATH);
    Duration maxTtl = server.config().broker().maxTtl();
    List<DemoBroker.Attempt> attempts;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .sslContext(TlsTrust.withCertificates(server.demo().orElseThrow().caCertificate(), "the demo CA")).build();
      attempts = DemoBroker.run(issuers.get("github"), tokenUrl, http);
    } catch (CliException e) {
      tour.step("broker", false, "the token exchange at " + tokenUrl + " failed: " + e.getMessage(), Map.of());
      return false;
    }
    StringBuilder text = new StringBuilder("token exchange at " + tokenUrl + " with GitHub Actions identity tokens"
        + " from the demo's issuer (" + issuers.get("github") + ") for runs of " + DemoIssuerClient.DEMO_REPOSITORY);
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("token_url", tokenUrl.toString());
    boolean ok = true;
    for (DemoBroker.Attempt attempt : attempts) {
      boolean fromMain = attempt.branch().equals("main");
      Map<String, Object> fact = new LinkedHashMap<>();
      fact.put("branch", attempt.branch());
      fact.put("org", attempt.org());
      fact.put("requested", String.join(" ", attempt.scopes()));
      text.append("\n  a run from ").append(attempt.branch()).append(" asks for ").append(String.join(" ", attempt.scopes()))
          .append(" on ").append(attempt.org()).append(": ");
      switch (attempt.outcome()) {
        case TokenExchangeClient.Outcome.Issued issued -> {
          TokenExchangeClient.Session session = issued.session();
          fact.put("outcome", "issued");
          fact.put("session_id", session.sessionId());
          fact.put("scope", String.join(" ", session.scopes()));
          fact.put("expires_in", session.expiresInSeconds());
          // the policy's and the configuration's cap (15 minutes in the demo), give or take the second
          // between minting the token and the exchange
          boolean good = fromMain && session.scopes().contains("api:read")
              && session.expiresInSeconds() >= Math.min(maxTtl.toSeconds(), DemoBroker.DEMO_TOKEN_LIFETIME_SECONDS) - 60
              && session.expiresInSeconds() <= maxTtl.toSeconds();
          ok &= good;
          text.append("session ").append(session.sessionId()).append(" with ").append(String.join(" ", session.scopes()))
              .append(" for ").append(SessionTable.duration(session.expiresInSeconds()));
          if (session.expiresInSeconds() < maxTtl.toSeconds()) {
            text.append(" (policy and configuration allow ").append(SessionTable.duration(maxTtl.toSeconds()))
                .append("; a session never outlives the identity token it was exchanged for)");
          }
          text.append(", token ").append(redacted(session.accessToken()));
          if (!fromMain) {
            text.append(" — but this run should have been refused");
          }
        }
        case TokenExchangeClient.Outcome.Refused refused -> {
          fact.put("outcome", "refused");
          fact.put("error", refused.error().error());
          fact.put("reason", refused.error().description());
          fact.put("decision_id", refused.error().decisionId());
          ok &= !fromMain && refused.error().error().equals("access_denied");
          text.append("refused, ").append(refused.error().describe());
        }
      }
      facts.put(fromMain ? "main" : "feature", fact);
    }
    tour.step("broker", ok, text.toString(), facts);
    return ok;
  }

  /**
   * Shows the gateway (issue 6): a read-only pipeline session on prod queries Contact through it
   * and gets SSN__c redacted; a create with it is denied with the policy's reason; after revocation
   * the same session gets Salesforce's INVALID_SESSION_ID. Each decision is a ledger entry.
   */
  private boolean gatewayStep(PortcullisServer server, Tour tour) {
    Map<String, URI> issuers = server.demo().map(DemoBootstrap.Demo::oidcIssuers).orElse(Map.of());
    if (server.broker().isEmpty() || server.gatewayUrl().isEmpty() || !issuers.containsKey("github")) {
      tour.step("gateway", false, "the demo runs no gateway (no broker configured)", Map.of());
      return false;
    }
    URI gateway = server.gatewayUrl().get();
    DemoGateway.Result result;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .sslContext(TlsTrust.withCertificates(server.demo().orElseThrow().caCertificate(), "the demo CA")).build();
      result = DemoGateway.run(issuers.get("github"), URI.create(gateway + PortcullisServer.TOKEN_PATH), gateway, http,
          id -> server.broker().orElseThrow().broker().revoke(id, "demo", "revoked by the demo tour"));
    } catch (Exception e) {
      tour.step("gateway", false, "the gateway step failed: " + e.getMessage(), Map.of());
      return false;
    }
    boolean redacted = result.queryStatus() == 200 && result.redacted();
    boolean denied = result.createStatus() == 403 && result.createBody().contains("PORTCULLIS_DENIED");
    boolean cut = result.afterRevokeStatus() == 401 && result.afterRevokeBody().contains("INVALID_SESSION_ID");
    StringBuilder text = new StringBuilder("through the gateway at " + gateway + " with a read-only session ("
        + result.sessionId() + ") on prod, as sf or jsforce would use it (SF_INSTANCE_URL = the gateway):");
    text.append("\n  ").append(DemoGateway.QUERY).append(" -> ").append(result.queryStatus());
    if (result.queryBody() != null && result.queryBody().has("records")) {
      for (var record : result.queryBody().get("records")) {
        text.append("\n    ").append(record.path("LastName").asText()).append(": SSN__c=")
            .append(record.path("SSN__c").isNull() ? "null (redacted by the policy's redact_fields)" : "NOT REDACTED");
      }
    }
    text.append("\n  POST sobjects/Account -> ").append(result.createStatus()).append(" ")
        .append(truncate(result.createBody()));
    text.append("\n  after `portcullis session revoke ").append(result.sessionId()).append("`: ")
        .append(result.afterRevokeStatus()).append(" ").append(truncate(result.afterRevokeBody()));
    boolean ok = redacted && denied && cut;
    tour.step("gateway", ok, text.toString(), Map.of("session_id", result.sessionId(), "redacted", redacted,
        "create_denied", denied, "revoked_session_refused", cut));
    return ok;
  }

  /**
   * Shows deployment governance (issue 7) through the gateway: sandbox passes, production held for
   * two approvers, the author's vote refused, two others' votes let it through, recorded with its
   * story, and rolled back from its snapshot through the same gate.
   */
  private boolean deployStep(PortcullisServer server, Tour tour) {
    Map<String, URI> issuers = server.demo().map(DemoBootstrap.Demo::oidcIssuers).orElse(Map.of());
    if (server.broker().isEmpty() || server.gatewayUrl().isEmpty() || !issuers.containsKey("github")
        || !issuers.containsKey("people")) {
      tour.step("deploy", false, "the demo runs no gateway or no people's identity provider", Map.of());
      return false;
    }
    URI gateway = server.gatewayUrl().get();
    DemoDeploy.Result result;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .sslContext(TlsTrust.withCertificates(server.demo().orElseThrow().caCertificate(), "the demo CA")).build();
      String adminToken = java.nio.file.Files.readString(server.dataDir()
          .resolve(dev.portcullis.server.broker.AdminToken.FILE)).strip();
      result = new DemoDeploy(issuers.get("github"), issuers.get("people"),
          URI.create(gateway + PortcullisServer.TOKEN_PATH), gateway, server.adminUrl(), adminToken, http).run();
    } catch (Exception e) {
      tour.step("deploy", false, "the deployment step failed: " + e.getMessage(), Map.of());
      return false;
    }
    StringBuilder text = new StringBuilder("a pipeline deploys through the gateway (sf project deploy start with the"
        + " gateway as instance URL does the same):");
    for (String line : result.lines()) {
      text.append("\n  ").append(line);
    }
    text.append("\n  `portcullis deploy show ").append(result.deploymentId())
        .append("` prints its whole story with the ledger's inclusion proof");
    tour.step("deploy", result.ok(), text.toString(), Map.of("deployment_id", String.valueOf(result.deploymentId())));
    return result.ok();
  }

  /**
   * Shows certificate management (issue 8) on prod: the inventory by use, the checks' findings (orgsim's four planted
   * problems among them), and the rotation of the certificate expiring in 9 days through the private CA, its
   * consumers switched and its steps in the ledger (see {@link DemoCerts}).
   */
  private boolean certsStep(PortcullisServer server, Tour tour, DemoLedger ledger, AccessToken prod, HttpClient http) {
    if (ledger == null || prod == null) {
      tour.step("certs", false, ledger == null ? "the server has no ledger to record the rotation in"
          : "no access token for prod (see its token step)", Map.of());
      return false;
    }
    DemoCerts.Result result;
    try {
      // orgsim's custom domain chains to its simulated public root, as a real one to a root of the Mozilla store
      List<byte[]> simulatedRoots = new java.util.ArrayList<>();
      for (java.security.cert.X509Certificate root : server.demo().map(DemoBootstrap.Demo::publicRoots).orElse(List.of())) {
        simulatedRoots.add(root.getEncoded());
      }
      result = new DemoCerts(prod.instanceUrl(), prod::accessToken, http, server.dataDir(), ledger,
          dev.portcullis.certs.check.TrustAnchors.mozilla().withSimulatedPublic(simulatedRoots)).run();
    } catch (Exception e) {
      tour.step("certs", false, "the certificate step failed: " + e.getMessage(), Map.of());
      return false;
    }
    tour.step("certs", result.ok(), String.join("\n  ", result.lines()), result.facts());
    return result.ok();
  }

  /** Shows the ledger: every action above is in it, cosigned by a witness, provable, verifiable offline. */
  private boolean ledgerStep(Tour tour, DemoLedger ledger, java.util.concurrent.CompletableFuture<Long> queryEntry) {
    if (ledger == null) {
      tour.step("ledger", false, "the server has no ledger (its signing key did not load)", Map.of());
      return false;
    }
    try {
      long index = queryEntry == null ? 0 : queryEntry.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
      DemoLedger.Shown shown = ledger.show(index);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("entries", shown.entries());
      facts.put("checkpoint", shown.checkpoint());
      facts.put("proof_index", shown.proof().index());
      facts.put("proof_tree_size", shown.proof().treeSize());
      facts.put("leaf_hash", shown.proof().leafHash().base64());
      facts.put("inclusion_proof", shown.proof().proof().stream().map(dev.portcullis.ledger.Hash::base64).toList());
      facts.put("verify_command", shown.verifyCommand());
      tour.step("ledger", true, shown.entries() + " entries (server start, each token, API call, broker decision, deployment and certificate rotation above), checkpoint"
          + " signed by the server and cosigned by a witness:\n" + indent(shown.checkpoint())
          + "  inclusion proof of entry " + shown.proof().index() + " (" + new String(shown.proof().entry(),
              java.nio.charset.StandardCharsets.UTF_8) + ") in tree " + shown.proof().treeSize() + ": ["
          + DemoLedger.hashes(shown.proof().proof()) + "]\n  verified in full (every entry, tile, checkpoint, the"
          + " witness's cosignature); verify it yourself, offline:\n    " + shown.verifyCommand(), facts);
      return true;
    } catch (IOException | RuntimeException | ServerException e) {
      tour.step("ledger", false, "the ledger step failed: " + e.getMessage(), Map.of());
      return false;
    }
  }

  private static String indent(String text) {
    return text.lines().map(line -> "    " + line).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
  }

  /** {@code 00D…!} prefix, then a short SHA-256 fingerprint: enough to recognise, useless to steal. */
  static String redacted(String token) {
    int bang = token.indexOf('!');
    String prefix = bang > 0 ? token.substring(0, bang + 1) : "";
    return prefix + "…(redacted, sha256:" + Fingerprint.sha256Hex(token).substring(0, 12) + ")";
  }

  private static String truncate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 157) + "...";
  }

  /** Prints the tour as numbered steps, or collects them for one JSON document. */
  private final class Tour {
    private final PrintWriter out;
    private final boolean json;
    /** Created here, not when picocli instantiates every command (as it does for {@code serve}). */
    private final ObjectMapper mapper = new ObjectMapper();
    private final ArrayNode steps;
    private int number;

    Tour(PrintWriter out, boolean json) {
      this.out = out;
      this.json = json;
      this.steps = mapper.createArrayNode();
    }

    /** Progress for a person at a terminal: on standard error, never when piped or with --json. */
    void say(String text) {
      if (!json && System.console() != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(text);
        err.flush();
      }
    }

    void step(String name, boolean ok, String text, Map<String, ?> facts) {
      number++;
      if (json) {
        ObjectNode step = steps.addObject();
        step.put("step", name);
        step.put("ok", ok);
        step.put("detail", text);
        step.set("facts", mapper.valueToTree(facts));
      } else {
        out.printf("%2d. [%s] %s%n", number, ok ? " ok " : "FAIL", text);
        out.flush();
      }
    }

    void finish(boolean ok) {
      if (json) {
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", ok);
        root.set("steps", steps);
        out.println(root.toPrettyString());
      } else {
        out.println(ok ? "Tour complete: every step succeeded." : "Tour finished with failures (see FAIL above).");
      }
      out.flush();
    }
  }
}
