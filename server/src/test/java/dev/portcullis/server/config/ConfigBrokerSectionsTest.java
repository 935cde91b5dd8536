package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.ClientCertificatePolicy;
import dev.portcullis.identity.TrustedIssuer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token broker's configuration: {@code identity}, {@code broker}, and orgs' {@code org_id} and {@code integration_users}. */
class ConfigBrokerSectionsTest {
  @TempDir Path dir;

  @BeforeEach
  void keys() {
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
  }

  private static final String ORG = """
      orgs:
        - alias: prod
          environment: production
          instance_url: https://acme.my.salesforce.com
          consumer_key: 3MVG9consumer
          username: integration@acme.com
          private_key: keys/prod.pem
      """;

  private Path file(String yaml) {
    return TestFiles.write(dir.resolve("portcullis.yaml"), yaml);
  }

  private List<Problem> errors(String yaml) {
    return ConfigLoader.check(file(yaml), Map.of()).stream().filter(Problem::isError).toList();
  }

  @Test
  void loadsIssuersMtlsBrokerAndIntegrationUsers() throws Exception {
    TestFiles.write(dir.resolve("certs/ci-ca.pem"), TestFiles.pem("CERTIFICATE", TestFiles.selfSignedCertificate().getEncoded()));
    Files.createDirectories(dir.resolve("policies"));
    Config config = ConfigLoader.load(file("""
        identity:
          issuers:
            - issuer: https://token.actions.githubusercontent.com
            - issuer: https://gitlab.com
              audiences: [portcullis, https://gitlab.acme.example]
            - issuer: https://ci.acme.example
              jwks_url: https://ci.acme.example/keys
              algorithms: [ES256]
              clock_skew: 30s
              max_token_age: 10m
          mtls:
            certificate_authorities: [certs/ci-ca.pem]
            identity_from: san_uri
            allowed_prefixes: ["spiffe://acme.example/ci/"]
        broker:
          max_ttl: 10m
          policies: policies
          revoke_at_risk: 72.5
        """ + ORG + """
            org_id: 00D5e000000AbCdEAA
            integration_users:
              - { username: reader@acme.com, scopes: [api:read, metadata:retrieve], private_key: keys/prod.pem }
              - username: deployer@acme.com
                scopes: [api:read, metadata:deploy]
                consumer_key: 3MVG9other
                private_key: keys/prod.pem
        """), Map.of());

    List<TrustedIssuer> issuers = config.identity().issuers();
    assertThat(issuers).hasSize(3);
    assertThat(issuers.get(0).dialect()).isEqualTo(TrustedIssuer.Dialect.GITHUB_ACTIONS);
    assertThat(issuers.get(0).jwksUri()).isEqualTo(URI.create("https://token.actions.githubusercontent.com/.well-known/jwks"));
    assertThat(issuers.get(0).audiences()).containsExactly("portcullis");
    assertThat(issuers.get(0).algorithms()).isEqualTo(TrustedIssuer.DEFAULT_ALGORITHMS);
    assertThat(issuers.get(1).dialect()).isEqualTo(TrustedIssuer.Dialect.GITLAB);
    assertThat(issuers.get(1).jwksUri()).isEqualTo(URI.create("https://gitlab.com/oauth/discovery/keys"));
    assertThat(issuers.get(1).audiences()).containsExactlyInAnyOrder("portcullis", "https://gitlab.acme.example");
    assertThat(issuers.get(2).dialect()).isEqualTo(TrustedIssuer.Dialect.GENERIC);
    assertThat(issuers.get(2).algorithms()).containsExactly("ES256");
    assertThat(issuers.get(2).clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(issuers.get(2).maxTokenAge()).isEqualTo(Duration.ofMinutes(10));
    Config.Mtls mtls = config.identity().mtls().orElseThrow();
    assertThat(mtls.identityFrom()).isEqualTo(ClientCertificatePolicy.IdentitySource.SAN_URI);
    assertThat(mtls.allowedPrefixes()).containsExactly("spiffe://acme.example/ci/");
    assertThat(config.broker().maxTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.broker().policies()).contains(dir.resolve("policies"));
    assertThat(config.broker().revokeAtRisk()).isEqualTo(72.5);
    Config.Org org = config.orgs().get(0);
    assertThat(org.brokered()).isTrue();
    assertThat(org.orgId()).contains("00D5e000000AbCdEAA");
    assertThat(org.integrationUsers()).extracting(Config.IntegrationUser::username)
        .containsExactly("reader@acme.com", "deployer@acme.com");
    assertThat(org.integrationUsers().get(0).scopes()).isEqualTo(Set.of("api:read", "metadata:retrieve"));
    assertThat(org.integrationUsers().get(0).consumerKey()).isEqualTo("3MVG9consumer");
    assertThat(org.integrationUsers().get(1).consumerKey()).isEqualTo("3MVG9other");
  }

  @Test
  void withoutTheSectionsNothingIsBrokered() throws Exception {
    Config config = ConfigLoader.load(file(ORG), Map.of());
    assertThat(config.identity().any()).isFalse();
    assertThat(config.broker()).isEqualTo(Config.Broker.DEFAULTS);
    assertThat(config.broker().revokeAtRisk()).isEqualTo(80);
    assertThat(config.orgs().get(0).brokered()).isFalse();
  }

  @Test
  void everyMistakeIsNamedWithItsPlace() {
    assertThat(errors("""
        identity:
          issuers:
            - issuer: https://ci.acme.example
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("needs 'jwks_url'"));
    assertThat(errors("""
        identity:
          issuers:
            - issuer: https://token.actions.githubusercontent.com
              algorithms: [HS256]
        """)).singleElement().satisfies(p -> {
          assertThat(p.message()).contains("HS256").contains("never allowed");
          assertThat(p.line()).isEqualTo(4);
        });
    assertThat(errors("""
        identity:
          issuers:
            - issuer: http://ci.acme.example
              jwks_url: http://ci.acme.example/keys
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("https"));
    assertThat(errors("""
        identity:
          issuers:
            - issuer: https://token.actions.githubusercontent.com
            - issuer: https://token.actions.githubusercontent.com
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("listed twice"));
    assertThat(errors("""
        identity:
          issuers:
            - issuer: https://token.actions.githubusercontent.com
              audience: [portcullis]
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("audience"));
    assertThat(errors(ORG + """
            org_id: 00D5e000000AbCd
        """)).singleElement().satisfies(p -> assertThat(p.suggestion()).contains("15-character"));
    assertThat(errors(ORG + """
            integration_users:
              - { username: reader@acme.com, scopes: [api:read], private_key: keys/prod.pem }
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("needs 'org_id'"));
    assertThat(errors(ORG + """
            org_id: 00D5e000000AbCdEAA
            integration_users:
              - { username: reader@acme.com, scopes: [api:reed], private_key: keys/prod.pem }
        """)).singleElement().satisfies(p -> {
          assertThat(p.message()).contains("unknown scope 'api:reed'");
          assertThat(p.suggestion()).contains("api:read");
        });
    assertThat(errors(ORG + """
            org_id: 00D5e000000AbCdEAA
            integration_users:
              - { username: reader@acme.com, scopes: [api:read], private_key: keys/prod.pem }
              - { username: reader@acme.com, scopes: [api:write], private_key: keys/prod.pem }
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("listed twice"));
    assertThat(errors(ORG + """
            org_id: 00D5e000000AbCdEAA
            integration_users:
              - { username: reader@acme.com, scopes: [api:read], private_key: keys/missing.pem }
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("missing.pem"));
    assertThat(errors("""
        broker:
          max_ttl: 2d
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("broker.max_ttl"));
    for (String bad : List.of("0", "100.5", "NaN", "1e2", "80d", "high", "-5")) {
      assertThat(errors("broker:\n  revoke_at_risk: " + bad + "\n")).as(bad).singleElement().satisfies(p -> {
        assertThat(p.message()).contains("broker.revoke_at_risk '" + bad + "'").contains("above 0 and at most 100");
        assertThat(p.line()).isEqualTo(2);
      });
    }
    assertThat(errors("""
        broker:
          policies: no-such-dir
        """)).singleElement().satisfies(p -> assertThat(p.suggestion()).contains("portcullis policy init"));
    assertThat(errors("""
        identity:
          mtls:
            identity_from: san_uri
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("certificate_authorities"));
  }

  @Test
  void identitiesWithoutABrokeredOrgAreAWarning() {
    List<Problem> problems = ConfigLoader.check(file("""
        identity:
          issuers:
            - issuer: https://token.actions.githubusercontent.com
        """ + ORG), Map.of());
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.isError()).isFalse();
      assertThat(p.message()).contains("no session can be issued");
    });
  }
}
