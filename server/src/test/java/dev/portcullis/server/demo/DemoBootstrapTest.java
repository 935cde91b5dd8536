package dev.portcullis.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.OrgEnvironment;
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
  private final FakeOrgSimulatorProvider simulator = new FakeOrgSimulatorProvider();

  private DemoBootstrap.Options options(int orgsimPort) {
    return new DemoBootstrap.Options("127.0.0.1", 0, orgsimPort, () -> Optional.of(simulator),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static final Map<String, URI> URLS =
      Map.of("prod", URI.create("http://127.0.0.1:7501"), "sandbox", URI.create("http://127.0.0.1:7502"));

  @Test
  void theCaSignsTheTlsCertificateFor127001AndLocalhost() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS);
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
    DemoBootstrap.generate(dir, options(0), URLS);
    for (String key : List.of("ca-key.pem", "server-key.pem", "prod-key.pem", "sandbox-key.pem")) {
      Path file = dir.resolve("demo").resolve(key);
      assertThat(Files.readString(file)).as(key).startsWith("-----BEGIN PRIVATE KEY-----\n");
      assertThat(Files.getPosixFilePermissions(file)).as(key).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(dir.resolve("demo"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void eachOrgKeyMatchesItsConnectedAppCertificate() throws Exception {
    DemoBootstrap.generate(dir, options(0), URLS);
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
    Path file = DemoBootstrap.generate(dir, options(0), URLS);
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
  }

  private static byte[] der(Path pem) throws Exception {
    String text = Files.readString(pem);
    String body = text.replaceAll("-----[A-Z ]+-----", "");
    return Base64.getMimeDecoder().decode(body);
  }
}
