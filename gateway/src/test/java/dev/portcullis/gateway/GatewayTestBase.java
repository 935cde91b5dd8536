package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.TrustedIssuer;
import dev.portcullis.identity.broker.ExchangeResult;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.JwtBearerSalesforceTokens;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.orgsim.Endpoint;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import dev.portcullis.store.Store;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of orgsim: sessions from the real broker (OIDC exchange, JWT bearer
 * tokens per session), a policy bundle ({@link #policy()}), a Jetty listener, and a recorder that
 * can fail.
 */
abstract class GatewayTestBase {
  static final String CONSUMER_KEY = "3MVG9.portcullis.gateway.test";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<GatewayDecision> decisions = new CopyOnWriteArrayList<>();
  volatile boolean recorderFails;
  final List<GatewayCompletion> completions = new CopyOnWriteArrayList<>();
  /** The first allowed decision: the request is then about to be forwarded. */
  final CompletableFuture<GatewayDecision> allowed = new CompletableFuture<>();
  /** The first completion. */
  final CompletableFuture<GatewayCompletion> completed = new CompletableFuture<>();
  OrgSimulator orgs;
  Org sandbox;
  OidcIssuerSimulator issuers;
  Store store;
  TokenBroker broker;
  Server jetty;
  URI gateway;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    orgs = OrgSimulator.builder().org(OrgSpec.builder("sbx").environment(OrgEnvironment.SANDBOX)
        .connectedApp(CONSUMER_KEY, selfSigned(keys)).user("reader@acme.example").user("writer@acme.example").user("deployer@acme.example")
        .user("bulk@acme.example").build())
        .start();
    sandbox = orgs.org("sbx");
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    store = Store.open("sqlite:" + dir.resolve("portcullis.db"), dir);
    store.orgs().upsert(new dev.portcullis.store.Org("sbx", sandbox.orgId(), dev.portcullis.store.Org.Environment.SANDBOX,
        sandbox.url(), sandbox.url(), Instant.now(), Instant.now()));
    OrgTarget target = new OrgTarget("sbx", "sandbox", sandbox.orgId(), sandbox.url(), List.of(
        new IntegrationUser("reader@acme.example", Set.of("api:read")),
        new IntegrationUser("writer@acme.example", Set.of("api:read", "api:write")),
        new IntegrationUser("deployer@acme.example", Set.of("api:read", "metadata:deploy", "metadata:retrieve", "tooling")),
        new IntegrationUser("bulk@acme.example", Set.of("api:read", "api:write", "bulk"))));
    PolicyBundle policy = policy();
    broker = TokenBroker.builder()
        .verifier(OidcVerifier.builder().issuer(TrustedIssuer.of(issuers.github().issuer(), issuers.github().jwksUri(),
            Set.of("portcullis")).withDialect(TrustedIssuer.Dialect.GITHUB_ACTIONS))
            .issuer(TrustedIssuer.of(issuers.gitlab().issuer(), issuers.gitlab().jwksUri(), Set.of("portcullis"))
                .withDialect(TrustedIssuer.Dialect.GITLAB)).build())
        .policy(() -> policy).sessions(store.sessions()).revocations(store.sessionRevocations())
        .salesforceTokens(salesforceTokens(keys)).org(target).build();
    DecisionRecorder recorder = new DecisionRecorder() {
      @Override
      public CompletableFuture<?> record(GatewayDecision decision) {
        if (recorderFails) {
          return CompletableFuture.failedFuture(new IllegalStateException("the ledger is down"));
        }
        decisions.add(decision);
        if (decision.allowed()) {
          allowed.complete(decision);
        }
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void completed(GatewayCompletion completion) {
        completions.add(completion);
        completed.complete(completion);
      }
    };
    jetty = new Server();
    org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
    http.setUriCompliance(GatewayProxy.URI_COMPLIANCE);
    ServerConnector connector = new ServerConnector(jetty, new org.eclipse.jetty.server.HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    GatewayProxy proxy = new GatewayProxy(broker, () -> policy, recorder, Map.of("sbx", "sandbox"), Clock.systemUTC(),
        Duration.ofSeconds(5), approvalGate(), publicUrl());
    if (deployGate() != null) {
      proxy.deployGate(deployGate());
    }
    jetty.setHandler(proxy);
    jetty.start();
    gateway = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    if (broker != null) {
      broker.close();
    }
    if (store != null) {
      store.close();
    }
    if (issuers != null) {
      issuers.close();
    }
    if (orgs != null) {
      orgs.close();
    }
  }

  /** Where the broker gets Salesforce tokens: the JWT bearer flow against orgsim here. */
  dev.portcullis.identity.broker.SalesforceTokens salesforceTokens(KeyPair keys) throws Exception {
    JwtBearerSalesforceTokens.Builder tokens = JwtBearerSalesforceTokens.builder(
        new JwtBearerTokenClient(HttpClient.newHttpClient(), Duration.ofSeconds(10)), Clock.systemUTC());
    tokens.user("sbx", "reader@acme.example", CONSUMER_KEY, keys.getPrivate());
    tokens.user("sbx", "writer@acme.example", CONSUMER_KEY, keys.getPrivate());
    tokens.user("sbx", "deployer@acme.example", CONSUMER_KEY, keys.getPrivate());
    tokens.user("sbx", "bulk@acme.example", CONSUMER_KEY, keys.getPrivate());
    return tokens.build();
  }

  /** Where require_approval is answered; none here. */
  ApprovalGate approvalGate() {
    return ApprovalGate.NONE;
  }

  /** Where deployments are governed; none here (a deployment is decided like any call). */
  DeployGate deployGate() {
    return null;
  }

  /** The gateway's configured public URL; none here. */
  java.util.Optional<URI> publicUrl() {
    return java.util.Optional.empty();
  }

  /** The bundle in force; the default pack here. */
  PolicyBundle policy() throws Exception {
    return PolicyBundle.loadDefault();
  }

  String session(String scope) {
    ExchangeResult result = broker.exchange(issuers.github().mint(Map.of()), "sbx", scope);
    assertThat(result).isInstanceOf(ExchangeResult.Issued.class);
    return ((ExchangeResult.Issued) result).accessToken();
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An HTTP/1.0 GET with this {@code Host} (which java.net.http does not let a caller set): the whole answer. */
  String rawGet(String path, String host, String token) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(gateway.getHost(), gateway.getPort()), 30_000);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nAuthorization: Bearer "
          + token + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String query(String soql) {
    return "/services/data/v62.0/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
  }

  static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Name name = new X500Name("CN=portcullis-gateway-test");
    Instant now = Instant.now();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }
}
