package dev.portcullis.server;

import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server with the broker and its gateway in front of a fake Salesforce that records every
 * request it receives (a refused request must never reach it), and a session from the token
 * exchange. Subclasses may change the policies, the identity section, the org and the scope.
 */
abstract class GatewayServerFixture {
  static final String PROD_ID = BrokerTestConfig.PROD_ID;

  @TempDir Path dir;
  OidcIssuerSimulator issuers;
  PortcullisServer server;
  /** Salesforce as the gateway sees it; null when a subclass brings its own ({@link #startUpstream}). */
  RecordingUpstream upstream;
  /** What reached the recording upstream, {@code METHOD /path?query}, in order. */
  List<String> forwarded = List.of();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String session;
  int port;

  /**
   * Starts Salesforce as the gateway sees it and returns its URL: a {@link RecordingUpstream} (every
   * request recorded, answered {@code {}}) unless a subclass brings its own, which it then stops.
   */
  java.net.URI startUpstream() throws Exception {
    upstream = RecordingUpstream.start();
    forwarded = upstream.requests;
    return upstream.url();
  }

  /** The policy directory's content: the default pack, allowing the test repository. */
  void writePolicies(Path policies) throws Exception {
    PolicyBundle.writeDefault(policies);
    Path params = policies.resolve("params.yaml");
    Files.writeString(params, Files.readString(params).replace("allowed_github_repositories: []",
        "allowed_github_repositories: [\"acme/salesforce-app\"]"));
  }

  /** The {@code identity:} section. */
  String identityYaml() {
    return BrokerTestConfig.githubIssuer(issuers.github().issuer(), issuers.github().jwksUri());
  }

  /** The {@code orgs:} section. */
  String orgsYaml() {
    return BrokerTestConfig.prodOrgWithReader(PROD_ID);
  }

  /** The scope of the test's session. */
  String scope() {
    return "api:read";
  }

  /** The configuration as loaded, before the server starts. */
  Config adjust(Config config) {
    return config;
  }

  @BeforeEach
  void start() throws Exception {
    java.net.URI upstreamUrl = startUpstream();
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    Path policies = Files.createDirectories(dir.resolve("policies"));
    writePolicies(policies);
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    Config config = adjust(ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        broker:
          policies: policies
        """ + identityYaml() + orgsYaml()), Map.of()));
    SalesforceTokens salesforce = BrokerTestConfig.salesforceAt(upstreamUrl, PROD_ID);
    server = new PortcullisServer.Builder(config, dir.resolve("data")).salesforceTokens(c -> salesforce).start();
    port = server.gatewayUrl().orElseThrow().getPort();
    session = exchange(issuers.github().mint(Map.of()));
  }

  /** A session for {@code idToken} from the token exchange, with {@link #scope()}. */
  String exchange(String idToken) throws Exception {
    return BrokerTestConfig.exchange(http, server.gatewayUrl().orElseThrow(), idToken, scope())
        .get("access_token").asText();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (issuers != null) {
      issuers.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }
}
