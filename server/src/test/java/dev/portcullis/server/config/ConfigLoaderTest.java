package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.server.config.Config.Credential;
import dev.portcullis.server.config.Config.Logging;
import dev.portcullis.server.config.Problem.Severity;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Map<String, String> ENV =
      Map.of("PROD_CONSUMER_KEY", "3MVG9consumer", "PG_PASSWORD", "s3cret-pg", "KS_PASSWORD", "changeit");

  @TempDir Path dir;

  @BeforeEach
  void keys() {
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
  }

  private Path config(String yaml) {
    return TestFiles.write(dir.resolve("portcullis.yaml"), yaml);
  }

  private List<Problem> problems(String yaml) {
    return ConfigLoader.check(config(yaml), ENV);
  }

  private Problem onlyError(String yaml) {
    List<Problem> errors = problems(yaml).stream().filter(Problem::isError).toList();
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }

  private static String org(String extra) {
    return """
        orgs:
          - alias: prod
            environment: production
            login_url: https://login.salesforce.com
            instance_url: https://acme.my.salesforce.com
            consumer_key: ${PROD_CONSUMER_KEY}
            username: integration@acme.com
            private_key: keys/prod.pem
        """ + extra;
  }

  @Test
  void loadsAFullConfiguration() throws ConfigException {
    Path file = config("""
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { port: 8443 }
          shutdown_grace: 1500ms
        data_dir: ./data
        storage: { url: "postgresql://127.0.0.1:5432/portcullis?user=portcullis&password=${PG_PASSWORD}" }
        salesforce: { api_version: "65.0" }
        logging: { format: json, level: debug }
        """ + org(""));

    Config config = ConfigLoader.load(file, ENV);

    assertThat(config.server().admin()).isEqualTo(new Config.Listener("127.0.0.1", 0));
    assertThat(config.server().gateway()).contains(new Config.Listener("127.0.0.1", 8443));
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.dataDir()).contains(dir.resolve("data").toAbsolutePath().normalize());
    assertThat(config.storage().url()).endsWith("password=s3cret-pg");
    assertThat(config.salesforce().apiVersion()).isEqualTo("65.0");
    assertThat(config.logging()).isEqualTo(new Logging(Logging.Format.JSON, Logging.Level.DEBUG));
    Config.Org prod = config.org("prod").orElseThrow();
    assertThat(prod.environment()).isEqualTo(OrgEnvironment.PRODUCTION);
    assertThat(prod.loginUrl()).isEqualTo(URI.create("https://login.salesforce.com"));
    assertThat(prod.consumerKey()).isEqualTo("3MVG9consumer");
    assertThat(prod.credential()).isEqualTo(new Credential.PemFile(dir.resolve("keys/prod.pem").toAbsolutePath()));
    assertThat(config.warnings()).isEmpty();
    assertThat(config.toString()).doesNotContain("s3cret-pg").contains("password=***");
  }

  @Test
  void anEmptyFileGivesTheDocumentedDefaults() throws ConfigException {
    Config config = ConfigLoader.load(config(""), Map.of());
    assertThat(config.server().admin()).isEqualTo(new Config.Listener("127.0.0.1", 7400));
    assertThat(config.server().gateway()).isEmpty();
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.storage().url()).isEqualTo("sqlite:portcullis.db");
    assertThat(config.salesforce().apiVersion()).isEqualTo("66.0");
    assertThat(config.logging()).isEqualTo(new Logging(Logging.Format.TEXT, Logging.Level.INFO));
    assertThat(config.orgs()).isEmpty();
    assertThat(config.ledger()).isEqualTo(Config.Ledger.defaults());
    assertThat(config.ledger().backend()).isEqualTo(Config.Ledger.Backend.FILESYSTEM);
    assertThat(config.ledger().batchWait()).isEqualTo(Duration.ZERO);
  }

  // A witness cosigner verifier key (signature type 0x04, C2SP tlog-cosignature).
  private static final String WITNESS_VKEY = dev.portcullis.ledger.Cosigner
      .generate("witness.example/w1", java.time.Clock.systemUTC()).verifier().vkey();

  @Test
  void loadsTheLedgerSection() throws ConfigException {
    Config config = ConfigLoader.load(config("""
        storage: { url: "postgresql://127.0.0.1:5432/p?user=p&password=${PG_PASSWORD}" }
        ledger:
          origin: portcullis.acme.example/ledger
          backend: postgresql
          batch_wait: 5ms
          max_batch: 1000
          witness_interval: 30s
          witnesses:
            - { url: "https://witness.example/", vkey: "%s" }
        """.formatted(WITNESS_VKEY)), ENV);
    Config.Ledger ledger = config.ledger();
    assertThat(ledger.origin()).contains("portcullis.acme.example/ledger");
    assertThat(ledger.backend()).isEqualTo(Config.Ledger.Backend.POSTGRESQL);
    assertThat(ledger.batchWait()).isEqualTo(Duration.ofMillis(5));
    assertThat(ledger.maxBatch()).isEqualTo(1000);
    assertThat(ledger.witnessInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ledger.witnesses()).containsExactly(
        new Config.Ledger.Witness(URI.create("https://witness.example"), WITNESS_VKEY));
  }

  @Test
  void ledgerMistakesAreEachNamed() {
    String logVkey = dev.portcullis.ledger.NoteSigner.Ed25519.generate("log.example").verifier().vkey();
    List<Problem> errors = problems("""
        ledger:
          origin: "has space+plus"
          backend: postgres
          batch_wait: 5s
          max_batch: 0
          witnesses:
            - { url: "http://witness.example/", vkey: "%s" }
            - { url: "https://w2.example/", vkey: "%s" }
            - { url: "https://w3.example/", vkey: "not a key" }
        """.formatted(WITNESS_VKEY, logVkey)).stream().filter(Problem::isError).toList();
    assertThat(errors).extracting(Problem::message).anySatisfy(m -> assertThat(m).contains("ledger.origin"))
        .anySatisfy(m -> assertThat(m).contains("unknown ledger.backend 'postgres'"))
        .anySatisfy(m -> assertThat(m).contains("ledger.batch_wait 5000ms is out of range"))
        .anySatisfy(m -> assertThat(m).contains("ledger.max_batch '0'"))
        .anySatisfy(m -> assertThat(m).contains("uses plain http"))
        .anySatisfy(m -> assertThat(m).contains("vkey is not a witness cosignature key"));
    assertThat(errors).hasSize(7);
  }

  @Test
  void aPostgresqlLedgerNeedsAPostgresqlStore() {
    Problem error = onlyError("""
        ledger: { backend: postgresql }
        """);
    assertThat(error.message()).contains("ledger.backend postgresql needs storage.url to be a postgresql:// URL");
  }

  @Test
  void loginUrlDefaultsFromTheEnvironment() throws ConfigException {
    Config config = ConfigLoader.load(config(org("").replace("    login_url: https://login.salesforce.com\n", "")
        .replace("production", "sandbox")), ENV);
    assertThat(config.orgs().get(0).loginUrl()).isEqualTo(URI.create("https://test.salesforce.com"));
  }

  @Test
  void unknownFieldSuggestsTheClosestName() {
    Problem problem = onlyError(org("").replace("consumer_key:", "consumer_kye:"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.UNKNOWN_FIELD);
    assertThat(problem.line()).isEqualTo(6);
    assertThat(problem.column()).isEqualTo(5);
    assertThat(problem.toString())
        .isEqualTo(dir.resolve("portcullis.yaml").toAbsolutePath()
            + ":6:5: unknown field 'consumer_kye' in an org (did you mean 'consumer_key'?)");
  }

  @Test
  void wrongTypeIsReported() {
    Problem problem = onlyError("server:\n  admin:\n    - 127.0.0.1\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.WRONG_TYPE);
    assertThat(problem.message()).contains("server.admin must be a mapping");
    assertThat(problem.line()).isEqualTo(3);

    Problem port = onlyError("server:\n  admin: { port: seventy }\n");
    assertThat(port.code()).isEqualTo(ConfigErrorCode.WRONG_TYPE);
    assertThat(port.message()).contains("server.admin.port must be a whole number");
    assertThat(port.column()).isEqualTo(18);
  }

  @Test
  void missingRequiredFieldIsReported() {
    Problem problem = onlyError(org("").replace("    username: integration@acme.com\n", ""));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.MISSING_FIELD);
    assertThat(problem.message()).isEqualTo("org 'prod' needs 'username'");
    assertThat(problem.line()).isEqualTo(2);
    assertThat(problem.column()).isEqualTo(5);
  }

  @Test
  void duplicateAliasIsReported() {
    String prod = org("");
    String twice = prod + prod.substring(prod.indexOf("  - alias"));
    Problem problem = onlyError(twice);
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.DUPLICATE_ALIAS);
    assertThat(problem.line()).isEqualTo(9);
    assertThat(problem.suggestion()).contains("line 2");
  }

  @Test
  void duplicateFieldIsReported() {
    Problem problem = onlyError("logging: { level: info }\nlogging: { level: debug }\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.DUPLICATE_FIELD);
    assertThat(problem.line()).isEqualTo(2);
  }

  @Test
  void badUrlIsReported() {
    Problem problem = onlyError(org("").replace("https://acme.my.salesforce.com", "acme.my.salesforce.com"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.BAD_URL);
    assertThat(problem.message()).contains("instance_url");
    assertThat(problem.suggestion()).isEqualTo("e.g. https://acme.my.salesforce.com");
  }

  @Test
  void plainHttpIsRefusedExceptForLoopback() {
    Problem problem = onlyError(org("").replace("https://acme.my.salesforce.com", "http://acme.my.salesforce.com"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.INSECURE_URL);
    assertThat(problem.line()).isEqualTo(5);

    for (String loopback : List.of("http://127.0.0.1:7501", "http://localhost:7501", "http://[::1]:7501")) {
      assertThat(problems(org("").replace("https://acme.my.salesforce.com", loopback))).as(loopback).isEmpty();
    }
  }

  @Test
  void sandboxWithTheProductionLoginUrlIsReported() {
    Problem problem = onlyError(org("").replace("environment: production", "environment: sandbox"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.ENVIRONMENT_MISMATCH);
    assertThat(problem.suggestion()).contains("https://test.salesforce.com");
  }

  @Test
  void productionWithTheSandboxLoginUrlIsReported() {
    Problem problem = onlyError(org("").replace("login.salesforce.com", "test.salesforce.com"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.ENVIRONMENT_MISMATCH);
    assertThat(problem.message()).contains("is a production org");
  }

  @Test
  void missingPrivateKeyFileIsReported() {
    Problem problem = onlyError(org("").replace("keys/prod.pem", "keys/missing.pem"));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.FILE_NOT_FOUND);
    assertThat(problem.message()).contains(dir.resolve("keys/missing.pem").toAbsolutePath().toString());
    assertThat(problem.line()).isEqualTo(8);
    assertThat(problem.column()).isEqualTo(18);
  }

  @Test
  void aCertificateIsNotAPrivateKey() {
    TestFiles.write(dir.resolve("keys/prod.pem"), TestFiles.pem("CERTIFICATE", new byte[] {48, 3, 2, 1, 0}));
    Problem problem = onlyError(org(""));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.BAD_KEY_FILE);
    assertThat(problem.message()).endsWith("contains a CERTIFICATE, not a private key");
  }

  @Test
  void anEncryptedKeyIsReportedWithHowToDecryptIt() {
    TestFiles.write(dir.resolve("keys/prod.pem"), TestFiles.pem("ENCRYPTED PRIVATE KEY", new byte[] {48, 0}));
    Problem problem = onlyError(org(""));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.BAD_KEY_FILE);
    assertThat(problem.message()).contains("encrypted private key");
    assertThat(problem.suggestion()).startsWith("decrypt it: openssl pkcs8 -in ");
  }

  @Test
  void aPkcs1KeyIsReportedWithHowToConvertIt() {
    TestFiles.write(dir.resolve("keys/prod.pem"), TestFiles.pem("RSA PRIVATE KEY", new byte[] {48, 0}));
    Problem problem = onlyError(org(""));
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.BAD_KEY_FILE);
    assertThat(problem.message()).contains("PKCS#1");
    assertThat(problem.suggestion()).startsWith("convert it: openssl pkcs8 -topk8 -nocrypt -in ");
  }

  @Test
  void aNonRsaKeyIsReported() throws Exception {
    var ec = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    TestFiles.write(dir.resolve("keys/prod.pem"), TestFiles.pem("PRIVATE KEY", ec.getEncoded()));
    assertThat(onlyError(org("")).message()).contains("is not an RSA private key");
  }

  @Test
  void badPortIsReported() {
    Problem problem = onlyError("server:\n  admin: { port: 70000 }\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.INVALID_VALUE);
    assertThat(problem.message()).isEqualTo("server.admin.port 70000 is out of range");
    assertThat(problem.line()).isEqualTo(2);
    assertThat(problem.column()).isEqualTo(18);
  }

  @Test
  void unknownLoggingFormatIsReported() {
    Problem problem = onlyError("logging:\n  format: jsn\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.INVALID_VALUE);
    assertThat(problem.toString()).endsWith(":2:11: unknown logging.format 'jsn' (did you mean 'json'? choose one of text, json)");
  }

  @Test
  void gatewayLimitsOverrideTheDefaultsFamilyByFamily() throws Exception {
    Config config = ConfigLoader.load(config("""
        server:
          gateway:
            port: 0
            max_header_bytes: 8192
            max_body_bytes: { rest: 1_000_000, bulk2: 0 }
            idle_timeout: 10s
            min_request_bytes_per_second: 0
        """ + org("")), ENV);

    Config.GatewayLimits limits = config.server().gatewayLimits();
    assertThat(config.server().gateway()).contains(new Config.Listener("127.0.0.1", 0));
    assertThat(limits.maxHeaderBytes()).isEqualTo(8192);
    assertThat(limits.maxBodyBytes("rest")).isEqualTo(1_000_000);
    assertThat(limits.maxBodyBytes("bulk2")).isZero();
    assertThat(limits.maxBodyBytes("soap")).isEqualTo(Config.GatewayLimits.DEFAULTS.maxBodyBytes("soap"));
    assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(limits.minRequestBytesPerSecond()).isZero();
  }

  @Test
  void theGatewaysPublicUrlIsAnHttpsOriginOrLoopback() throws Exception {
    Config config = ConfigLoader.load(config("server:\n  gateway:\n    public_url: https://gw.acme.example/\n" + org("")),
        ENV);
    assertThat(config.server().gatewayPublicUrl()).contains(java.net.URI.create("https://gw.acme.example"));
    assertThat(ConfigLoader.load(config(org("")), ENV).server().gatewayPublicUrl()).isEmpty();

    Problem plain = onlyError("server:\n  gateway:\n    public_url: http://gw.acme.example\n" + org(""));
    assertThat(plain.code()).isEqualTo(ConfigErrorCode.INSECURE_URL);
    assertThat(plain.message()).startsWith("server.gateway.public_url 'http://gw.acme.example' uses plain http");
    assertThat(onlyError("server:\n  gateway:\n    public_url: gw.acme.example\n" + org("")).code())
        .isEqualTo(ConfigErrorCode.BAD_URL);
  }

  @Test
  void gatewayLimitErrorsNameTheirPlace() {
    Problem tooSmall = onlyError("server:\n  gateway:\n    max_header_bytes: 10\n" + org(""));
    assertThat(tooSmall.message()).startsWith("server.gateway.max_header_bytes '10' is not a whole number from 1024");
    assertThat(tooSmall.line()).isEqualTo(3);
    Problem family = onlyError("server:\n  gateway:\n    max_body_bytes: { rest: lots }\n" + org(""));
    assertThat(family.message()).startsWith("server.gateway.max_body_bytes.rest 'lots'");
    Problem unknown = onlyError("server:\n  gateway:\n    max_body_bytes: { graphql: 10 }\n" + org(""));
    assertThat(unknown.message()).contains("graphql");
  }

  @Test
  void badDurationIsReported() {
    Problem problem = onlyError("server:\n  shutdown_grace: 10 seconds\n");
    assertThat(problem.suggestion()).contains("10s");
  }

  @Test
  void unsetVariableIsNamedAtItsPosition() {
    List<Problem> problems = ConfigLoader.check(config(org("")), Map.of());
    assertThat(problems).hasSize(1);
    Problem problem = problems.get(0);
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.UNSET_VARIABLE);
    assertThat(problem.message()).startsWith("environment variable PROD_CONSUMER_KEY is not set");
    assertThat(problem.line()).isEqualTo(6);
    assertThat(problem.column()).isEqualTo(19);
  }

  @Test
  void literalStoragePasswordIsAWarningThatNeverShowsThePassword() throws ConfigException {
    Path file = config("storage: { url: \"postgresql://db:5432/p?user=p&password=hunter2\" }\n");
    Config config = ConfigLoader.load(file, ENV);
    assertThat(config.warnings()).singleElement().satisfies(warning -> {
      assertThat(warning.severity()).isEqualTo(Severity.WARNING);
      assertThat(warning.code()).isEqualTo(ConfigErrorCode.LITERAL_SECRET);
      assertThat(warning.suggestion()).contains("${PG_PASSWORD}");
      assertThat(warning.toString()).doesNotContain("hunter2").contains("warning: ");
    });
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void storageUrlMustBeSqliteOrPostgresqlAndTheErrorHidesThePassword() {
    Problem problem = onlyError("storage: { url: \"jdbc:postgresql://db/p?password=${PG_PASSWORD}\" }\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.BAD_URL);
    assertThat(problem.suggestion()).isEqualTo("drop the jdbc: prefix");
    assertThat(problem.toString()).doesNotContain("s3cret-pg");
  }

  @Test
  void keystoreCredentialIsCheckedAndItsLiteralPasswordWarned() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    Path keystore = dir.resolve("keys/prod.p12");
    try (var out = java.nio.file.Files.newOutputStream(keystore)) {
      store.store(out, "changeit".toCharArray());
    }
    String yaml = org("").replace("private_key: keys/prod.pem",
        "keystore: { path: keys/prod.p12, password: changeit, alias: prod }");
    List<Problem> problems = problems(yaml);
    assertThat(problems).extracting(Problem::code)
        .containsExactly(ConfigErrorCode.LITERAL_SECRET, ConfigErrorCode.BAD_KEY_FILE);
    assertThat(problems.get(1).message()).contains("has no private key entry 'prod'");
    assertThat(problems).allSatisfy(problem -> assertThat(problem.toString()).doesNotContain("changeit"));

    Problem wrongPassword = onlyError(yaml.replace("password: changeit", "password: wrong"));
    assertThat(wrongPassword.message()).contains("wrong password").doesNotContain("wrong,");
  }

  @Test
  void secretHoldersRedactInToString() {
    var entry = new Credential.KeyStoreEntry(Path.of("k.p12"), new Config.Secret("topsecret"), "prod");
    assertThat(entry.toString()).doesNotContain("topsecret").contains("***");
  }

  @Test
  void everyProblemIsCollectedBeforeFailing() {
    Path file = config("""
        server:
          admin: { port: -1 }
          shutdown_grace: soon
        logging: { format: xml }
        """ + org("").replace("consumer_key:", "consumerkey:").replace("https://acme", "http://acme"));
    assertThatThrownBy(() -> ConfigLoader.load(file, ENV))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(Problem::line).containsExactly(2, 3, 4, 10, 9);
          assertThat(e.getMessage()).startsWith("5 configuration errors:");
        });
  }

  @Test
  void yamlSyntaxErrorHasAPosition() {
    Problem problem = onlyError("server:\n  admin: { port: 1\nlogging: x\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.YAML_SYNTAX);
    assertThat(problem.line()).isGreaterThan(0);
  }

  @Test
  void unreadableFileIsOneProblem() {
    List<Problem> problems = ConfigLoader.check(dir.resolve("absent.yaml"), ENV);
    assertThat(problems).extracting(Problem::code).containsExactly(ConfigErrorCode.FILE_UNREADABLE);
  }

  @Test
  void tlsFilesAreChecked() {
    TestFiles.write(dir.resolve("certs/server.pem"), TestFiles.pem("CERTIFICATE", new byte[] {48, 0}));
    String yaml = "server:\n  tls: { certificate: certs/server.pem, private_key: certs/server.pem }\n";
    Problem problem = onlyError(yaml);
    assertThat(problem.message()).endsWith("contains a CERTIFICATE, not a private key");
    assertThat(problem.column()).isEqualTo(54);
  }

  @Test
  void anAdminApiOffLoopbackIsAWarning() throws ConfigException {
    Config config = ConfigLoader.load(config("server: { admin: { host: 0.0.0.0 } }\n"), ENV);
    assertThat(config.warnings()).singleElement()
        .satisfies(warning -> assertThat(warning.message()).contains("has no authentication"));
  }

  @Test
  void aValueQuotedInAWrongTypeMessageIsRedacted() {
    Problem problem = onlyError("storage: \"postgresql://db/p?password=hunter2\"\n");
    assertThat(problem.code()).isEqualTo(ConfigErrorCode.WRONG_TYPE);
    assertThat(problem.toString()).doesNotContain("hunter2");
  }

  @Test
  void anUnquotedWholeApiVersionIsAccepted() throws ConfigException {
    assertThat(ConfigLoader.load(config("salesforce: { api_version: 65 }\n"), ENV).salesforce().apiVersion())
        .isEqualTo("65.0");
    assertThat(onlyError("salesforce: { api_version: latest }\n").suggestion()).contains("\"66.0\"");
  }

  @Test
  void aFileThatIsNotUtf8SaysSo() throws java.io.IOException {
    Path file = dir.resolve("latin1.yaml");
    java.nio.file.Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    List<Problem> problems = ConfigLoader.check(file, ENV);
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.code()).isEqualTo(ConfigErrorCode.FILE_UNREADABLE);
      assertThat(p.message()).contains("not UTF-8");
    });
  }

  @Test
  void aDirectoryInsteadOfAFileSaysSo() {
    List<Problem> problems = ConfigLoader.check(dir, ENV);
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("is a directory"));
  }
}
