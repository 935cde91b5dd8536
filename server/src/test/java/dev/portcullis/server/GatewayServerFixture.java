package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
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
  Server upstream;
  final List<String> forwarded = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String session;
  int port;

  /** Salesforce as the gateway sees it: records the method, path and query of every request, answers {}. */
  void startUpstream() throws Exception {
    upstream = new Server();
    ServerConnector connector = new ServerConnector(upstream);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    upstream.addConnector(connector);
    upstream.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        // recorded once the whole request arrived: a body cut on the way is not a request Salesforce serves
        Content.Source.asString(request, StandardCharsets.UTF_8, org.eclipse.jetty.util.Promise.from(body -> {
          forwarded.add(request.getMethod() + " " + request.getHttpURI().getPathQuery());
          response.setStatus(200);
          response.getHeaders().put("Content-Type", "application/json");
          Content.Sink.write(response, true, "{}", callback);
        }, callback::failed));
        return true;
      }
    });
    upstream.start();
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
    startUpstream();
    URI upstreamUrl = URI.create("http://127.0.0.1:" + ((ServerConnector) upstream.getConnectors()[0]).getLocalPort());
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
    SalesforceTokens salesforce = new SalesforceTokens() {
      @Override
      public AccessToken obtain(IntegrationUser user, OrgTarget org) {
        return new AccessToken(PROD_ID + "!upstream", upstreamUrl,
            URI.create("https://login.salesforce.com/id/" + PROD_ID + "/005000000000001AAA"), "Bearer", "api", null,
            PROD_ID, "005000000000001AAA");
      }

      @Override
      public void revoke(OrgTarget org, AccessToken token) {}
    };
    server = new PortcullisServer.Builder(config, dir.resolve("data")).salesforceTokens(c -> salesforce).start();
    port = server.gatewayUrl().orElseThrow().getPort();
    session = exchange(issuers.github().mint(Map.of()));
  }

  /** A session for {@code idToken} from the token exchange, with {@link #scope()}. */
  String exchange(String idToken) throws Exception {
    String form = BrokerTestConfig.exchangeForm(idToken, "prod", scope());
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(server.gatewayUrl().orElseThrow().resolve("/oauth2/token"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body()).get("access_token").asText();
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
      upstream.stop();
    }
  }
}
