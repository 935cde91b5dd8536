package dev.portcullis.identity.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.IdentityErrorCode;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.TrustedIssuer;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.store.Org;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionTokens;
import dev.portcullis.store.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker against a real SQLite store, orgsim's GitHub- and GitLab-shaped OIDC issuers over
 * loopback HTTP, a real policy bundle and a fake Salesforce.
 */
class TokenBrokerTest {
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
  private static final String PRODUCTION_ID = "00D000000000001AAA";
  private static final String SANDBOX_ID = "00D000000000002AAA";
  private static final String REPORTING_ID = "00D000000000003AAA";

  private static final String POLICY = """
      params:
        allowed_repositories: [acme/salesforce-app]
      rules:
        - id: main-of-allowed-repository
          effect: allow
          when: >
            principal.kind == "github"
              && principal.claims.repository in params.allowed_repositories
              && principal.claims.ref == "refs/heads/main"
          reason: runs from main of an allowed repository
          session:
            max_ttl: 10m
            scopes: [api:read, metadata:deploy, metadata:retrieve]
        - id: ci-certificate
          effect: allow
          when: principal.kind == "mtls" && principal.subject == "spiffe://acme.example/ci"
          reason: the CI fleet's certificate
          session:
            scopes: [api:read]
        - id: only-main
          effect: deny
          when: principal.kind == "github" && principal.claims.ref != "refs/heads/main"
          reason: only runs from main may have sessions
      """;

  @TempDir Path dir;
  private final dev.portcullis.identity.MutableClock clock = new dev.portcullis.identity.MutableClock(START);
  private final FakeSalesforceTokens salesforce = new FakeSalesforceTokens();
  private final RecordingEvents events = new RecordingEvents();
  private final List<String> secrets = new ArrayList<>();
  private final List<TokenBroker> brokers = new ArrayList<>();
  private OidcIssuerSimulator sim;
  private OidcIssuer github;
  private OidcIssuer gitlab;
  private OidcVerifier verifier;
  private Store store;
  private PolicyBundle policy;
  private OrgTarget production;
  private OrgTarget sandbox;

  @BeforeEach
  void setUp() throws Exception {
    sim = OidcIssuerSimulator.builder().clock(clock).start();
    github = sim.github();
    gitlab = sim.gitlab();
    verifier = OidcVerifier.builder().clock(clock).issuer(trusted(github)).issuer(trusted(gitlab)).build();
    store = Store.open("sqlite:" + dir.resolve("portcullis.db"), dir);
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(policies.resolve("broker.yaml"), POLICY);
    policy = PolicyBundle.load(policies);
    List<IntegrationUser> users = List.of(
        new IntegrationUser("deployer@acme.example", Set.of("api:read", "api:write", "metadata:deploy", "metadata:retrieve")),
        new IntegrationUser("reader@acme.example", Set.of("api:read")));
    production = new OrgTarget("prod", "production", PRODUCTION_ID, URI.create("https://login.salesforce.com"), users);
    sandbox = new OrgTarget("uat", "sandbox", SANDBOX_ID, URI.create("https://test.salesforce.com"),
        List.of(new IntegrationUser("deployer@acme.example.uat", Set.of("api:read", "metadata:deploy"))));
    register(production, Org.Environment.PRODUCTION);
    register(sandbox, Org.Environment.SANDBOX);
  }

  @AfterEach
  void tearDown() {
    brokers.forEach(TokenBroker::close);
    verifier.close();
    sim.close();
    store.close();
  }

  private static TrustedIssuer trusted(OidcIssuer issuer) {
    TrustedIssuer.Dialect dialect = issuer.shape() == OidcIssuer.Shape.GITHUB_ACTIONS
        ? TrustedIssuer.Dialect.GITHUB_ACTIONS : TrustedIssuer.Dialect.GITLAB;
    return TrustedIssuer.of(issuer.issuer(), issuer.jwksUri(), Set.of(issuer.defaultAudience())).withDialect(dialect);
  }

  private void register(OrgTarget org, Org.Environment environment) {
    store.orgs().upsert(new Org(org.alias(), org.orgId(), environment,
        URI.create("https://" + org.alias() + ".my.salesforce.com"), org.loginUrl(), START, START));
  }

  private TokenBroker broker(Duration maxTtl, OrgTarget... orgs) {
    TokenBroker.Builder builder = TokenBroker.builder().verifier(verifier).policy(() -> policy)
        .sessions(store.sessions()).salesforceTokens(salesforce).clock(clock).events(events).maxTtl(maxTtl)
        .revocations(store.sessionRevocations());
    for (OrgTarget org : orgs) {
      builder.org(org);
    }
    TokenBroker broker = builder.build();
    brokers.add(broker);
    return broker;
  }

  private TokenBroker broker() {
    return broker(TokenBroker.DEFAULT_MAX_TTL, production, sandbox);
  }

  /** A GitHub Actions token from main of acme/salesforce-app, valid for {@code life}. */
  private String mainRun(Duration life) {
    return mint(Map.of("exp", START.plus(life).getEpochSecond()));
  }

  private String mint(Map<String, Object> overrides) {
    String token = github.mint(overrides);
    secrets.add(token);
    return token;
  }

  private ExchangeResult.Issued issued(ExchangeResult result) {
    assertThat(result).isInstanceOf(ExchangeResult.Issued.class);
    ExchangeResult.Issued issued = (ExchangeResult.Issued) result;
    secrets.add(issued.accessToken());
    return issued;
  }

  private static ExchangeResult.Refused refused(ExchangeResult result, OAuthError error) {
    assertThat(result).isInstanceOfSatisfying(ExchangeResult.Refused.class,
        r -> assertThat(r.error()).as(r.description()).isEqualTo(error));
    return (ExchangeResult.Refused) result;
  }

  @Test
  void aRunFromMainGetsASessionForTheRequestedScopes() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "metadata:deploy api:read"));

    assertThat(issued.accessToken()).startsWith(PRODUCTION_ID + "!");
    assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher(issued.accessToken()).matches()).isTrue();
    assertThat(issued.sessionId()).startsWith("ses_");
    assertThat(issued.scope()).isEqualTo("api:read metadata:deploy");
    assertThat(issued.decisionId()).startsWith("dec_");
    assertThat(issued.toString()).doesNotContain(issued.accessToken());

    Session stored = store.sessions().findById(issued.sessionId()).orElseThrow();
    assertThat(stored.tokenHash()).isEqualTo(SessionTokens.hash(issued.accessToken()));
    assertThat(stored.orgAlias()).isEqualTo("prod");
    assertThat(stored.orgId()).isEqualTo(PRODUCTION_ID);
    assertThat(stored.scopes()).containsExactly("api:read", "metadata:deploy");
    assertThat(stored.integrationUser()).isEqualTo("deployer@acme.example");
    assertThat(stored.principal()).isEqualTo(new Session.Principal("github", github.issuer(),
        "repo:acme/salesforce-app:environment:production"));
    assertThat(stored.binding().repository()).isEqualTo("acme/salesforce-app");
    assertThat(stored.binding().ref()).isEqualTo("refs/heads/main");
    assertThat(stored.binding().actor()).isEqualTo("alice-dev");
    assertThat(stored.policyHash()).isEqualTo(policy.hash());
    assertThat(stored.decisionId()).isEqualTo(issued.decisionId());
    assertThat(stored.issuedAt()).isEqualTo(START);
    assertThat(stored.expiresAt()).isEqualTo(START.plusSeconds(issued.expiresIn()));

    assertThat(broker.holdsSalesforceToken(issued.sessionId())).isTrue();
    assertThat(broker.authenticate(issued.accessToken())).isEqualTo(new Authentication.Active(stored));
    List<BrokerEvents.SessionCreated> created = events.of(BrokerEvents.SessionCreated.class);
    assertThat(created).singleElement().satisfies(e -> {
      assertThat(e.session()).isEqualTo(stored);
      assertThat(e.ttl()).isEqualTo(Duration.ofSeconds(issued.expiresIn()));
    });
    assertNoSecretInEvents();
  }

  @Test
  void aClientCertificatePrincipalGetsASessionBoundToItsThumbprint() {
    String thumbprint = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(java.util.HexFormat.of().parseHex(SessionTokens.hash("certificate DER")));
    dev.portcullis.identity.Principal certificate = new dev.portcullis.identity.Principal(
        dev.portcullis.identity.Principal.Kind.MTLS, "CN=Acme CI CA", "spiffe://acme.example/ci",
        Map.of("san_uri", "spiffe://acme.example/ci"), START.plusSeconds(200), thumbprint, TrustedIssuer.Dialect.GENERIC);

    ExchangeResult.Issued issued = issued(broker().exchange(certificate, "prod", "api:read"));

    assertThat(issued.expiresIn()).isEqualTo(200); // the certificate's notAfter comes first
    Session stored = store.sessions().findById(issued.sessionId()).orElseThrow();
    assertThat(stored.certThumbprint()).isEqualTo(thumbprint);
    assertThat(stored.principal().kind()).isEqualTo("mtls");
    assertThat(stored.binding()).isEqualTo(Session.RunBinding.NONE);
    refused(broker().exchange(certificate, "prod", "metadata:deploy"), OAuthError.ACCESS_DENIED);
    assertThat(events.of(BrokerEvents.SessionRefused.class)).singleElement()
        .satisfies(e -> assertThat(e.subjectTokenHash()).isEmpty());
  }

  @Test
  void theLeastPrivilegedIntegrationUserServingTheScopesIsChosen() {
    TokenBroker broker = broker();
    ExchangeResult.Issued read = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));
    ExchangeResult.Issued deploy = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read metadata:deploy"));

    assertThat(store.sessions().findById(read.sessionId()).orElseThrow().integrationUser()).isEqualTo("reader@acme.example");
    assertThat(store.sessions().findById(deploy.sessionId()).orElseThrow().integrationUser()).isEqualTo("deployer@acme.example");
    assertThat(salesforce.usernames).containsExactly("reader@acme.example", "deployer@acme.example");
  }

  @Test
  void everySessionGetsItsOwnSalesforceToken() {
    TokenBroker broker = broker();
    issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));
    issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));

    assertThat(salesforce.issued).hasSize(2);
    assertThat(salesforce.issued.get(0).accessToken()).isNotEqualTo(salesforce.issued.get(1).accessToken());
  }

  @Test
  void theTtlIsTheSmallestOfPolicyConfigurationAndSubjectLifetime() {
    // policy max_ttl 10m is the smallest
    assertThat(issued(broker().exchange(mainRun(Duration.ofHours(1)), "prod", "api:read")).expiresIn()).isEqualTo(600);
    // the configured maximum, 2m, is the smallest
    assertThat(issued(broker(Duration.ofMinutes(2), production).exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"))
        .expiresIn()).isEqualTo(120);
    // the subject token's remaining life, 4m 30s, is the smallest
    assertThat(issued(broker().exchange(mainRun(Duration.ofSeconds(270)), "prod", "api:read")).expiresIn()).isEqualTo(270);
  }

  @Test
  void aSubjectTokenThatFailsVerificationIsAnInvalidGrantWithItsIdentityCode() {
    TokenBroker broker = broker();
    String expired = mint(Map.of("iat", START.minusSeconds(900).getEpochSecond(),
        "nbf", START.minusSeconds(900).getEpochSecond(), "exp", START.minusSeconds(600).getEpochSecond()));

    ExchangeResult.Refused refused = refused(broker.exchange(expired, "prod", "api:read"), OAuthError.INVALID_GRANT);
    assertThat(refused.identityErrorCode()).contains(IdentityErrorCode.TOKEN_EXPIRED);
    assertThat(refused.decisionId()).isEmpty();
    assertThat(refused(broker.exchange("not.a.jwt", "prod", "api:read"), OAuthError.INVALID_GRANT)
        .identityErrorCode()).contains(IdentityErrorCode.MALFORMED);

    assertThat(events.of(BrokerEvents.IdentityFailed.class)).extracting(BrokerEvents.IdentityFailed::code)
        .containsExactly(IdentityErrorCode.TOKEN_EXPIRED, IdentityErrorCode.MALFORMED);
    assertThat(events.of(BrokerEvents.IdentityFailed.class).get(0).subjectTokenHash())
        .isEqualTo(OidcVerifier.tokenHash(expired));
    assertThat(events.of(BrokerEvents.SessionRefused.class)).hasSize(2)
        .allSatisfy(e -> assertThat(e.error()).isEqualTo(OAuthError.INVALID_GRANT));
    assertThat(salesforce.issued).isEmpty();
    assertNoSecretInEvents();
  }

  @Test
  void anUnknownOrgAliasIsAnInvalidTarget() {
    ExchangeResult.Refused refused = refused(broker().exchange(mainRun(Duration.ofHours(1)), "nope", "api:read"),
        OAuthError.INVALID_TARGET);
    assertThat(refused.description()).contains("'nope'");
  }

  @Test
  void anUnknownOrMissingScopeIsAnInvalidScope() {
    TokenBroker broker = broker();
    assertThat(refused(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read frobnicate"),
        OAuthError.INVALID_SCOPE).description()).contains("'frobnicate'");
    refused(broker.exchange(mainRun(Duration.ofHours(1)), "prod", ""), OAuthError.INVALID_SCOPE);
    refused(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read  metadata:deploy"), OAuthError.INVALID_SCOPE);
    assertThat(salesforce.issued).isEmpty();
  }

  @Test
  void aPolicyDenyIsAccessDeniedWithTheReasonsAndTheDecisionId() {
    String branch = mint(Map.of("ref", "refs/heads/feature", "exp", START.plusSeconds(3600).getEpochSecond()));

    ExchangeResult.Refused refused = refused(broker().exchange(branch, "prod", "metadata:deploy"), OAuthError.ACCESS_DENIED);
    assertThat(refused.reasons()).containsExactly("only runs from main may have sessions");
    assertThat(refused.decisionId()).hasValueSatisfying(id -> assertThat(id).startsWith("dec_"));
    assertThat(events.of(BrokerEvents.SessionRefused.class)).singleElement().satisfies(e -> {
      assertThat(e.decisionId()).isEqualTo(refused.decisionId());
      assertThat(e.subjectTokenHash()).contains(OidcVerifier.tokenHash(branch));
    });
    assertThat(salesforce.issued).isEmpty();
    assertThat(store.sessions().list(dev.portcullis.store.SessionRepository.Filter.ALL, 10)).isEmpty();
  }

  @Test
  void aRequestedScopeThatPolicyDoesNotGrantRefusesTheWholeExchange() {
    ExchangeResult.Refused refused = refused(broker().exchange(mainRun(Duration.ofHours(1)), "prod", "api:read api:write"),
        OAuthError.ACCESS_DENIED);
    assertThat(refused.description()).contains("does not grant api:write");
    assertThat(refused.decisionId()).isPresent();
    assertThat(salesforce.issued).isEmpty();
  }

  @Test
  void scopesNoIntegrationUserServesAreAccessDenied() {
    ExchangeResult.Refused refused = refused(broker().exchange(mainRun(Duration.ofHours(1)), "uat", "metadata:retrieve"),
        OAuthError.ACCESS_DENIED);
    assertThat(refused.description()).contains("no integration user of org uat serves metadata:retrieve");
    assertThat(salesforce.issued).isEmpty();
  }

  @Test
  void aSandboxWhoseLoginAnswersWithTheProductionOrgIdIsRefused() {
    // A misconfigured sandbox: its integration user's login lands in production.
    salesforce.answerOrgId.put("deployer@acme.example.uat", PRODUCTION_ID);
    TokenBroker broker = broker();

    ExchangeResult.Refused refused = refused(broker.exchange(mainRun(Duration.ofHours(1)), "uat", "api:read"),
        OAuthError.ACCESS_DENIED);
    assertThat(refused.description()).contains(PRODUCTION_ID).contains(SANDBOX_ID);
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
    assertThat(store.sessions().list(dev.portcullis.store.SessionRepository.Filter.ALL, 10)).isEmpty();
  }

  @Test
  void aSalesforceFailureIsTemporarilyUnavailableAndStoresNothing() {
    salesforce.failure = new IllegalStateException("login.salesforce.com answered 503");
    ExchangeResult.Refused refused = refused(broker().exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"),
        OAuthError.TEMPORARILY_UNAVAILABLE);
    assertThat(refused.description()).contains("503");
    assertThat(store.sessions().list(dev.portcullis.store.SessionRepository.Filter.ALL, 10)).isEmpty();
  }

  @Test
  void aRevokedSessionNoLongerAuthenticatesAndItsSalesforceTokenIsRevoked() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));
    clock.advance(Duration.ofSeconds(5));

    assertThat(broker.revoke(issued.sessionId(), "admin", "leaked in a log")).isTrue();
    assertThat(broker.revoke(issued.sessionId(), "admin", "again")).isFalse();

    assertThat(broker.authenticate(issued.accessToken())).isInstanceOfSatisfying(Authentication.Failed.class,
        f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.REVOKED));
    assertThat(broker.holdsSalesforceToken(issued.sessionId())).isFalse();
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
    assertThat(events.of(BrokerEvents.SessionRevoked.class)).singleElement().isEqualTo(
        new BrokerEvents.SessionRevoked(issued.sessionId(), "prod", "admin", "leaked in a log", START.plusSeconds(5)));
    assertNoSecretInEvents();
  }

  @Test
  void aRevocationMadeElsewhereDropsAndRevokesTheSalesforceToken() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));

    // As the admin API or another replica does it: through the store, not this broker.
    assertThat(store.sessions().revoke(issued.sessionId(), "detection", "impossible travel", clock.instant())).isTrue();

    assertThat(broker.holdsSalesforceToken(issued.sessionId())).isFalse();
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
  }

  @Test
  void closingTheBrokerRevokesTheSalesforceTokensItHolds() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));

    broker.close();

    assertThat(broker.holdsSalesforceToken(issued.sessionId())).isFalse();
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
  }

  @Test
  void anExpiredSessionNoLongerAuthenticatesAndIsReportedOnce() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));
    clock.advance(Duration.ofSeconds(issued.expiresIn() - 1));
    assertThat(broker.authenticate(issued.accessToken())).isInstanceOf(Authentication.Active.class);
    clock.advance(Duration.ofSeconds(1));

    assertThat(broker.authenticate(issued.accessToken())).isInstanceOfSatisfying(Authentication.Failed.class,
        f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.EXPIRED));
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
    assertThat(broker.sweepExpired(100)).isEqualTo(1);
    assertThat(broker.sweepExpired(100)).isZero();
    assertThat(events.of(BrokerEvents.SessionExpired.class)).singleElement().isEqualTo(
        new BrokerEvents.SessionExpired(issued.sessionId(), "prod", START.plusSeconds(issued.expiresIn()), 1));
    assertThat(salesforce.revoked).hasSize(1);
  }

  @Test
  void theSweepRevokesTheSalesforceTokenOfASessionNobodyUsedAgain() {
    TokenBroker broker = broker();
    ExchangeResult.Issued issued = issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod", "api:read"));
    clock.advance(Duration.ofSeconds(issued.expiresIn()));

    assertThat(broker.sweepExpired(100)).isEqualTo(1);
    assertThat(broker.holdsSalesforceToken(issued.sessionId())).isFalse();
    assertThat(salesforce.revoked).containsExactlyElementsOf(salesforce.issued);
  }

  @Test
  void unknownAndMalformedTokensAreRefusedPrecisely() {
    TokenBroker broker = broker();
    assertThat(broker.authenticate(SessionTokens.generate(PRODUCTION_ID))).isInstanceOfSatisfying(
        Authentication.Failed.class, f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.UNKNOWN));
    assertThat(broker.authenticate("Bearer nonsense")).isInstanceOfSatisfying(
        Authentication.Failed.class, f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.MALFORMED));
    assertThat(broker.authenticate(null)).isInstanceOfSatisfying(
        Authentication.Failed.class, f -> assertThat(f.reason()).isEqualTo(Authentication.Reason.MALFORMED));
  }

  @Test
  void aGitlabPrincipalIsDecidedAsGitlabAndDeniedByThisPolicy() {
    String token = gitlab.mint(Map.of("exp", START.plusSeconds(3600).getEpochSecond()));
    secrets.add(token);
    // The GitHub-only allow rule does not match a GitLab principal: nothing allows, so policy denies.
    refused(broker().exchange(token, "prod", "api:read"), OAuthError.ACCESS_DENIED);
  }

  @Test
  void aCiRunsSessionKeepsItsClaimsUnderTheIssuersOwnNames() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("ci-policies"));
    Files.writeString(policies.resolve("p.yaml"), """
        rules:
          - id: ci-runs
            effect: allow
            when: principal.kind in ["github", "gitlab"]
            session: { scopes: [api:read], max_ttl: 10m }
        """);
    policy = PolicyBundle.load(policies);
    TokenBroker broker = broker();
    String gitlabToken = gitlab.mint(Map.of("exp", START.plusSeconds(3600).getEpochSecond()));
    secrets.add(gitlabToken);

    Session gitlabSession = store.sessions().findById(issued(broker.exchange(gitlabToken, "prod", "api:read"))
        .sessionId()).orElseThrow();
    Session githubSession = store.sessions().findById(issued(broker.exchange(mainRun(Duration.ofHours(1)), "prod",
        "api:read")).sessionId()).orElseThrow();

    assertThat(gitlabSession.binding().claims())
        .containsEntry("project_path", "acme/salesforce-app").containsEntry("ref_protected", "true")
        .containsEntry("pipeline_id", "574").containsEntry("job_id", "302").containsEntry("ref_type", "branch")
        .containsEntry("namespace_path", "acme").containsEntry("environment_protected", "true")
        .doesNotContainKeys("user_email", "runner_id", "sub", "aud", "iss", "exp", "jti", "repository");
    assertThat(gitlabSession.binding().policyClaims()).isEqualTo(Map.copyOf(gitlabSession.binding().claims()));
    assertThat(gitlabSession.binding().repository()).as("the normalised run stays as it was")
        .isEqualTo("acme/salesforce-app");
    assertThat(githubSession.binding().claims()).containsEntry("repository", "acme/salesforce-app")
        .containsEntry("ref_type", "branch").containsEntry("workflow", "deploy")
        .containsEntry("job_workflow_ref", "acme/salesforce-app/.github/workflows/deploy.yml@refs/heads/main")
        .doesNotContainKeys("project_path", "sub", "aud");
  }

  @Test
  void theOrgDescriptorRejectsBadConfiguration() {
    IntegrationUser reader = new IntegrationUser("reader@acme.example", Set.of("api:read"));
    URI login = URI.create("https://login.salesforce.com");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new OrgTarget("x", "production", "00D000000000001", login, List.of(reader)))
        .hasMessageContaining("18-character");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new OrgTarget("x", "production", REPORTING_ID, login, List.of(reader, reader)))
        .hasMessageContaining("listed twice");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new IntegrationUser("u", Set.of("api:everything"))).hasMessageContaining("unknown scope 'api:everything'");
  }

  /** No event, printed whole, contains a session token, a subject token or a Salesforce token. */
  private void assertNoSecretInEvents() {
    List<String> all = new ArrayList<>(secrets);
    salesforce.issued.stream().map(AccessToken::accessToken).forEach(all::add);
    assertThat(all).isNotEmpty();
    for (BrokerEvents.Event event : events.events) {
      String text = event.toString();
      for (String secret : all) {
        assertThat(text).doesNotContain(secret);
        // the random part alone, too (a token split at '!')
        assertThat(text).doesNotContain(secret.substring(secret.indexOf('!') + 1));
      }
    }
  }
}
