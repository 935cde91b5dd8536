package dev.portcullis.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.identity.TrustedIssuer;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceId;
import dev.portcullis.server.FakeOrgSimulatorProvider;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoBootstrapTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  @TempDir Path dir;
  private final FakeOrgSimulatorProvider simulator = new FakeOrgSimulatorProvider(true);

  private DemoBootstrap.Options options(int orgsimPort) {
    return new DemoBootstrap.Options("127.0.0.1", 0, orgsimPort, () -> Optional.of(simulator),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static final Map<String, URI> URLS =
      Map.of("prod", URI.create("http://127.0.0.1:7501"), "sandbox", URI.create("http://127.0.0.1:7502"));
  private static final Map<String, URI> ISSUERS = issuers(7503);

  private static Map<String, URI> issuers(int port) {
    Map<String, URI> issuers = new java.util.LinkedHashMap<>();
    issuers.put("github", URI.create("http://127.0.0.1:" + port + "/github"));
    issuers.put("gitlab", URI.create("http://127.0.0.1:" + port + "/gitlab"));
    issuers.put("people", URI.create("http://127.0.0.1:" + port + "/people"));
    return issuers;
  }

  @Test
  void theCaSignsTheTlsCertificateFor127001AndLocalhost() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    X509Certificate ca = DemoCertificates.readCertificate(dir.resolve("demo/ca.pem"));
    X509Certificate server = DemoCertificates.readCertificate(dir.resolve("demo/server.pem"));

    server.verify(ca.getPublicKey());
    ca.verify(ca.getPublicKey());
    server.checkValidity(java.util.Date.from(NOW));
    assertThat(ca.getBasicConstraints()).isZero();
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(server.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
        .containsExactlyInAnyOrder("127.0.0.1", "localhost");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
  }

  @Test
  void keysArePkcs8AndOwnerOnly() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    for (String key : List.of("ca-key.pem", "server-key.pem", "prod-key.pem", "sandbox-key.pem")) {
      Path file = dir.resolve("demo").resolve(key);
      assertThat(Files.readString(file)).as(key).startsWith("-----BEGIN PRIVATE KEY-----\n");
      assertThat(Files.getPosixFilePermissions(file)).as(key).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(dir.resolve("demo"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void eachOrgKeyMatchesItsConnectedAppCertificate() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    for (String alias : List.of("prod", "sandbox")) {
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(dir.resolve("demo/" + alias + "-key.pem"))));
      X509Certificate certificate = DemoCertificates.readCertificate(dir.resolve("demo/" + alias + ".pem"));
      certificate.verify(certificate.getPublicKey());
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update("assertion".getBytes(StandardCharsets.US_ASCII));
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(certificate);
      verifier.update("assertion".getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(signature)).as(alias).isTrue();
    }
  }

  @Test
  void theGeneratedConfigurationLoadsWithoutProblems() throws Exception {
    Path file = DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    assertThat(ConfigLoader.check(file, Map.of())).isEmpty();
    Config config = ConfigLoader.load(file, Map.of());
    assertThat(config.org("prod").orElseThrow().environment()).isEqualTo(OrgEnvironment.PRODUCTION);
    assertThat(config.org("sandbox").orElseThrow().environment()).isEqualTo(OrgEnvironment.SANDBOX);
    assertThat(config.org("sandbox").orElseThrow().instanceUrl()).isEqualTo(URI.create("http://127.0.0.1:7502"));
    assertThat(config.org("prod").orElseThrow().credential())
        .isEqualTo(new Config.Credential.PemFile(dir.resolve("demo/prod-key.pem").toAbsolutePath()));
    assertThat(config.server().tls()).isPresent();
    assertThat(Files.readString(file)).contains("# Portcullis demo configuration");
  }

  @Test
  void firstStartFeedsTheSimulatorAndWritesItsUrls() throws Exception {
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options(7501))) {
      assertThat(demo.orgUrls()).containsExactly(
          Map.entry("prod", URI.create("http://127.0.0.1:7501")),
          Map.entry("sandbox", URI.create("http://127.0.0.1:7502")));
      assertThat(simulator.lastOptions.host()).isEqualTo("127.0.0.1");
      var orgs = simulator.lastOptions.orgs();
      assertThat(orgs).extracting(o -> o.alias()).containsExactly("prod", "sandbox");
      Config config = ConfigLoader.load(demo.configFile(), Map.of());
      assertThat(orgs.get(0).consumerKey()).isEqualTo(config.org("prod").orElseThrow().consumerKey()).startsWith("3MVG9");
      assertThat(orgs.get(1).username()).isEqualTo(config.org("sandbox").orElseThrow().username());
      assertThat(orgs.get(0).certificate()).isEqualTo(DemoCertificates.readCertificate(dir.resolve("demo/prod.pem")));
      assertThat(demo.caCertificate()).isEqualTo(dir.resolve("demo/ca.pem"));
    }
    assertThat(simulator.closed).isTrue();
  }

  @Test
  void laterStartsReuseKeysKeepEditsAndPatchOnlyTheUrls() throws Exception {
    Path configFile;
    String consumerKey;
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options(0))) {
      configFile = demo.configFile();
      consumerKey = ConfigLoader.load(configFile, Map.of()).org("prod").orElseThrow().consumerKey();
    }
    byte[] caBefore = Files.readAllBytes(dir.resolve("demo/ca.pem"));
    byte[] prodKeyBefore = Files.readAllBytes(dir.resolve("demo/prod-key.pem"));
    Files.writeString(configFile, Files.readString(configFile).replace("level: info ", "level: debug"));

    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options(0))) {
      Config config = ConfigLoader.load(configFile, Map.of());
      URI prodUrl = demo.orgUrls().get("prod");
      assertThat(config.org("prod").orElseThrow().loginUrl()).isEqualTo(prodUrl);
      assertThat(config.org("prod").orElseThrow().instanceUrl()).isEqualTo(prodUrl);
      assertThat(config.org("sandbox").orElseThrow().instanceUrl()).isEqualTo(demo.orgUrls().get("sandbox"));
      assertThat(config.logging().level()).isEqualTo(Config.Logging.Level.DEBUG);
      assertThat(config.org("prod").orElseThrow().consumerKey()).isEqualTo(consumerKey);
      assertThat(simulator.lastOptions.orgs().get(0).consumerKey()).isEqualTo(consumerKey);
    }
    assertThat(Files.readAllBytes(dir.resolve("demo/ca.pem"))).isEqualTo(caBefore);
    assertThat(Files.readAllBytes(dir.resolve("demo/prod-key.pem"))).isEqualTo(prodKeyBefore);
  }

  @Test
  void theGeneratedConfigurationRunsTheBrokerWithTheSimulatedIssuers() throws Exception {
    Path file = DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    assertThat(ConfigLoader.check(file, Map.of())).isEmpty();
    Config config = ConfigLoader.load(file, Map.of());

    assertThat(config.server().gateway()).contains(new Config.Listener("127.0.0.1", 0));
    assertThat(config.identity().issuers()).extracting(TrustedIssuer::issuer)
        .containsExactly("http://127.0.0.1:7503/github", "http://127.0.0.1:7503/gitlab", "http://127.0.0.1:7503/people");
    TrustedIssuer people = config.identity().issuers().get(2);
    assertThat(people.dialect()).isEqualTo(TrustedIssuer.Dialect.GENERIC);
    assertThat(people.jwksUri()).isEqualTo(URI.create("http://127.0.0.1:7503/people/.well-known/jwks.json"));
    assertThat(config.identity().approvers()).containsExactly(
        new Config.Approver("http://127.0.0.1:7503/people", List.of("alice-dev", "bob", "carol")));
    TrustedIssuer github = config.identity().issuers().get(0);
    TrustedIssuer gitlab = config.identity().issuers().get(1);
    assertThat(github.dialect()).isEqualTo(TrustedIssuer.Dialect.GITHUB_ACTIONS);
    assertThat(github.jwksUri()).isEqualTo(URI.create("http://127.0.0.1:7503/github/.well-known/jwks"));
    assertThat(gitlab.dialect()).isEqualTo(TrustedIssuer.Dialect.GITLAB);
    assertThat(gitlab.jwksUri()).isEqualTo(URI.create("http://127.0.0.1:7503/gitlab/oauth/discovery/keys"));
    assertThat(config.identity().issuers()).allSatisfy(issuer -> assertThat(issuer.audiences()).containsExactly("portcullis"));
    assertThat(config.broker().maxTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.broker().policies()).contains(dir.resolve("policies").toAbsolutePath());

    for (String alias : List.of("prod", "sandbox")) {
      Config.Org org = config.org(alias).orElseThrow();
      assertThat(org.brokered()).as(alias).isTrue();
      assertThat(SalesforceId.isValid(org.orgId().orElseThrow())).as(alias).isTrue();
      assertThat(org.orgId().orElseThrow()).hasSize(18).isEqualTo(DemoBootstrap.ORG_IDS.get(alias));
      Config.Credential key = new Config.Credential.PemFile(dir.resolve("demo/" + alias + "-key.pem").toAbsolutePath());
      assertThat(org.integrationUsers()).containsExactly(
          new Config.IntegrationUser("reader@" + alias + ".demo.portcullis.dev",
              java.util.Set.of("api:read", "metadata:retrieve"), org.consumerKey(), key),
          new Config.IntegrationUser("deployer@" + alias + ".demo.portcullis.dev",
              java.util.Set.of("api:read", "api:write", "metadata:deploy", "metadata:retrieve", "tooling", "bulk"),
              org.consumerKey(), key));
    }
    assertThat(config.org("prod").orElseThrow().orgId()).isNotEqualTo(config.org("sandbox").orElseThrow().orgId());
    assertThat(Files.readString(file)).contains("# The token broker", "max_ttl: 15m", "portcullis demo ci-token");
  }

  @Test
  void theFixedOrgIdsAreCaseSafeIdsOfDistinctOrgs() {
    assertThat(DemoBootstrap.ORG_IDS).allSatisfy((alias, id) -> {
      assertThat(id).startsWith("00D");
      assertThat(SalesforceId.to18(id.substring(0, 15))).isEqualTo(id);
    });
    assertThat(java.util.Set.copyOf(DemoBootstrap.ORG_IDS.values())).hasSize(DemoBootstrap.ORGS.size());
  }

  @Test
  void thePolicyPackAllowsTheDemoRepositoryAndLoads() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    Path policies = dir.resolve("policies");
    String params = Files.readString(policies.resolve("params.yaml"));
    assertThat(params).contains("allowed_github_repositories: [\"acme/salesforce-app\"]")
        .contains("allowed_gitlab_projects: [\"acme/salesforce-app\"]");
    assertThat(PolicyBundle.load(policies).ruleIds()).isNotEmpty();
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith(".policies"));
    }
  }

  @Test
  void anExistingPolicyDirectoryIsLeftAsItIs() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(policies.resolve("mine.yaml"), "rules: []\n");
    DemoBootstrap.generate(dir, options(0), URLS, ISSUERS);
    try (var files = Files.list(policies)) {
      assertThat(files.map(path -> path.getFileName().toString())).containsExactly("mine.yaml");
    }
  }

  @Test
  void firstStartAsksForIssuersAndFeedsOrgIdsAndIntegrationUsers() throws Exception {
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, 7501, 7503, () -> Optional.of(simulator),
        Clock.fixed(NOW, ZoneOffset.UTC));
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options)) {
      assertThat(simulator.lastOptions.oidcIssuerPort()).isEqualTo(7503);
      assertThat(demo.oidcIssuers()).containsExactlyEntriesOf(ISSUERS);
      var prod = simulator.lastOptions.orgs().get(0);
      assertThat(prod.orgId()).isEqualTo(DemoBootstrap.ORG_IDS.get("prod"));
      assertThat(prod.additionalUsers())
          .containsExactly("reader@prod.demo.portcullis.dev", "deployer@prod.demo.portcullis.dev");
      Config config = ConfigLoader.load(demo.configFile(), Map.of());
      assertThat(config.identity().issuers().get(0).issuer()).isEqualTo("http://127.0.0.1:7503/github");
    }
  }

  @Test
  void laterStartsPatchTheSimulatedIssuersAndKeepOrgIdsAndOtherIssuers() throws Exception {
    Path configFile;
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options(0))) {
      configFile = demo.configFile();
    }
    Config first = ConfigLoader.load(configFile, Map.of());
    // The user trusts a real issuer as well, and renames the deployer of the sandbox.
    Files.writeString(configFile, Files.readString(configFile)
        .replace("\nidentity:\n  issuers:\n", """

            identity:
              issuers:
                - issuer: https://token.actions.githubusercontent.com
                  dialect: github_actions
                  audiences: [portcullis]
            """)
        .replace("deployer@sandbox.demo", "release@sandbox.demo"));

    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options(0))) {
      Config config = ConfigLoader.load(configFile, Map.of());
      URI github = demo.oidcIssuers().get("github");
      URI gitlab = demo.oidcIssuers().get("gitlab");
      URI people = demo.oidcIssuers().get("people");
      assertThat(github).isNotEqualTo(URI.create(first.identity().issuers().get(0).issuer()));
      assertThat(config.identity().issuers()).extracting(TrustedIssuer::issuer)
          .containsExactly("https://token.actions.githubusercontent.com", github.toString(), gitlab.toString(),
              people.toString());
      assertThat(config.identity().issuers().get(3).jwksUri()).isEqualTo(URI.create(people + "/.well-known/jwks.json"));
      assertThat(config.identity().approvers()).extracting(Config.Approver::issuer).containsExactly(people.toString());
      assertThat(config.identity().issuers().get(0).jwksUri())
          .isEqualTo(URI.create("https://token.actions.githubusercontent.com/.well-known/jwks"));
      assertThat(config.identity().issuers().get(1).jwksUri()).isEqualTo(URI.create(github + "/.well-known/jwks"));
      assertThat(config.identity().issuers().get(2).jwksUri()).isEqualTo(URI.create(gitlab + "/oauth/discovery/keys"));
      for (String alias : List.of("prod", "sandbox")) {
        assertThat(config.org(alias).orElseThrow().orgId()).isEqualTo(first.org(alias).orElseThrow().orgId());
      }
      var sandbox = simulator.lastOptions.orgs().get(1);
      assertThat(sandbox.orgId()).isEqualTo(DemoBootstrap.ORG_IDS.get("sandbox"));
      assertThat(sandbox.additionalUsers())
          .containsExactly("reader@sandbox.demo.portcullis.dev", "release@sandbox.demo.portcullis.dev");
    }
  }

  @Test
  void aSimulatorWithoutIssuersGetsTheConfigurationWithoutTheBroker() throws Exception {
    FakeOrgSimulatorProvider older = new FakeOrgSimulatorProvider();
    DemoBootstrap.Options options = new DemoBootstrap.Options("127.0.0.1", 0, 0, () -> Optional.of(older),
        Clock.fixed(NOW, ZoneOffset.UTC));
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), options)) {
      Config config = ConfigLoader.load(demo.configFile(), Map.of());
      assertThat(demo.oidcIssuers()).isEmpty();
      assertThat(config.identity().any()).isFalse();
      assertThat(config.server().gateway()).isEmpty();
      assertThat(config.orgs()).noneMatch(Config.Org::brokered);
      assertThat(dir.resolve("policies")).doesNotExist();
    }
  }

  @Test
  void anOrgInstanceUrlGoesToTheSimulatorAndTheConfigurationUntilAStartWithoutIt() throws Exception {
    URI upstream = URI.create("http://127.0.0.1:18080");
    DemoBootstrap.Options plain = options(0);
    DemoBootstrap.Options withUpstream = new DemoBootstrap.Options(plain.host(), plain.adminPort(), plain.gatewayPort(),
        plain.orgsimFirstPort(), plain.oidcIssuerPort(), plain.providers(), plain.clock(), Map.of("prod", upstream));
    for (boolean firstStart : List.of(true, false)) {
      try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), withUpstream)) {
        assertThat(simulator.lastOptions.orgs()).extracting(o -> o.instanceUrl()).as("first start " + firstStart)
            .containsExactly(upstream, null);
        Config config = ConfigLoader.load(demo.configFile(), Map.of());
        assertThat(config.org("prod").orElseThrow().instanceUrl()).isEqualTo(upstream);
        assertThat(config.org("prod").orElseThrow().loginUrl()).isEqualTo(demo.orgUrls().get("prod"));
        assertThat(config.org("sandbox").orElseThrow().instanceUrl()).isEqualTo(demo.orgUrls().get("sandbox"));
      }
    }
    try (DemoBootstrap.Demo demo = DemoBootstrap.prepare(dir, Map.of(), plain)) {
      assertThat(simulator.lastOptions.orgs().get(0).instanceUrl()).isNull();
      assertThat(ConfigLoader.load(demo.configFile(), Map.of()).org("prod").orElseThrow().instanceUrl())
          .isEqualTo(demo.orgUrls().get("prod"));
    }
  }

  @Test
  void anOrgInstanceUrlNamesADemoOrgAndIsABaseUrl() {
    DemoBootstrap.Options plain = options(0);
    for (var bad : List.of(
        Map.entry(Map.of("uat", URI.create("http://127.0.0.1:1")), "'uat' is not a demo org (the demo orgs are prod, sandbox)"),
        Map.entry(Map.of("prod", URI.create("http://127.0.0.1:1/services")), "prod: instance URL 'http://127.0.0.1:1/services'"
            + " must be http(s)://host[:port] only"),
        Map.entry(Map.of("prod", URI.create("ftp://127.0.0.1")), "must be http(s)://host[:port] only"),
        Map.entry(Map.of("prod", URI.create("//127.0.0.1:8080")), "must be http(s)://host[:port] only"))) {
      assertThatThrownBy(() -> new DemoBootstrap.Options(plain.host(), 0, 0, 0, 0, plain.providers(), plain.clock(),
          bad.getKey())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getValue());
    }
  }

  @Test
  void withoutASimulatorTheErrorSaysWhatIsMissing() {
    DemoBootstrap.Options none = new DemoBootstrap.Options("127.0.0.1", 0, 0, Optional::empty, Clock.systemUTC());
    assertThatThrownBy(() -> DemoBootstrap.prepare(dir, Map.of(), none))
        .hasMessageContaining("the org simulator is not in this build; --demo needs it");
  }

  @Test
  void theDefaultsAreTheDocumentedPorts() {
    DemoBootstrap.Options defaults = DemoBootstrap.Options.defaults();
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.adminPort()).isEqualTo(7400);
    assertThat(defaults.orgsimFirstPort()).isEqualTo(7501);
    assertThat(defaults.gatewayPort()).isEqualTo(7443);
    assertThat(defaults.oidcIssuerPort()).isEqualTo(7503);
  }

  @Test
  void theShortOptionsDeriveTheGatewayAndIssuerPorts() {
    DemoBootstrap.Options fixed = new DemoBootstrap.Options("127.0.0.1", 7400, 7501, Optional::empty, Clock.systemUTC());
    assertThat(fixed.gatewayPort()).isEqualTo(7443);
    assertThat(fixed.oidcIssuerPort()).isEqualTo(7503);
    DemoBootstrap.Options free = new DemoBootstrap.Options("127.0.0.1", 0, 0, Optional::empty, Clock.systemUTC());
    assertThat(free.gatewayPort()).isZero();
    assertThat(free.oidcIssuerPort()).isZero();
  }

  @Test
  void onlyLoopbackHttpIssuersUnderGithubOrGitlabAreTheSimulatedOnes() {
    assertThat(DemoBootstrap.simulatedShape("http://127.0.0.1:7503/github")).contains("github");
    assertThat(DemoBootstrap.simulatedShape("http://localhost:40111/gitlab")).contains("gitlab");
    assertThat(DemoBootstrap.simulatedShape("https://token.actions.githubusercontent.com")).isEmpty();
    assertThat(DemoBootstrap.simulatedShape("https://gitlab.com")).isEmpty();
    assertThat(DemoBootstrap.simulatedShape("http://127.0.0.1:7503/github/x")).isEmpty();
    assertThat(DemoBootstrap.simulatedShape("not a url")).isEmpty();
  }

  private static byte[] der(Path pem) throws Exception {
    String text = Files.readString(pem);
    String body = text.replaceAll("-----[A-Z ]+-----", "");
    return Base64.getMimeDecoder().decode(body);
  }
}
