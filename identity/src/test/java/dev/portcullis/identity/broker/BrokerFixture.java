package dev.portcullis.identity.broker;

import dev.portcullis.identity.MutableClock;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.TrustedIssuer;
import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.store.Org;
import dev.portcullis.store.SessionRepository;
import dev.portcullis.store.SessionRevocationFeed;
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

/**
 * What the broker tests beyond {@link TokenBrokerTest} share: a mutable clock, orgsim's
 * GitHub-shaped OIDC issuer over loopback HTTP, a verifier trusting it, a policy that lets runs
 * from main of {@code acme/salesforce-app} have sessions, and the brokers built, closed at the end.
 */
final class BrokerFixture implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-28T12:00:00Z");

  private static final String POLICY = """
      rules:
        - id: main-of-acme
          effect: allow
          when: >
            principal.kind == "github"
              && principal.claims.repository == "acme/salesforce-app"
              && principal.claims.ref == "refs/heads/main"
          reason: runs from main of acme/salesforce-app
          session:
            max_ttl: 10m
            scopes: [api:read, api:write, metadata:deploy, metadata:retrieve]
      """;

  final MutableClock clock = new MutableClock(START);
  final RecordingEvents events = new RecordingEvents();
  final OidcIssuerSimulator issuers;
  final OidcIssuer github;
  final OidcVerifier verifier;
  final PolicyBundle policy;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  BrokerFixture(Path dir) throws Exception {
    issuers = OidcIssuerSimulator.builder().clock(clock).start();
    github = issuers.github();
    verifier = OidcVerifier.builder().clock(clock)
        .issuer(TrustedIssuer.of(github.issuer(), github.jwksUri(), Set.of(github.defaultAudience()))
            .withDialect(TrustedIssuer.Dialect.GITHUB_ACTIONS))
        .build();
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(policies.resolve("broker.yaml"), POLICY);
    policy = PolicyBundle.load(policies);
  }

  /** A production org whose one integration user serves every scope the policy grants. */
  static OrgTarget org(String alias, String orgId, URI loginUrl, String username) {
    return new OrgTarget(alias, "production", orgId, loginUrl, List.of(new IntegrationUser(username,
        Set.of("api:read", "api:write", "metadata:deploy", "metadata:retrieve"))));
  }

  /** Registers {@code org} in {@code store}, as the server's configuration does. */
  static void register(Store store, OrgTarget org) {
    store.orgs().upsert(new Org(org.alias(), org.orgId(), Org.Environment.PRODUCTION,
        URI.create("https://" + org.alias() + ".my.salesforce.com"), org.loginUrl(), START, START));
  }

  /** A broker of {@code org} over these sessions and feed (none: null), closed with the fixture. */
  TokenBroker broker(SessionRepository sessions, SessionRevocationFeed feed, SalesforceTokens salesforce,
      OrgTarget org, int cacheCapacity) {
    TokenBroker broker = TokenBroker.builder().verifier(verifier).policy(() -> policy).sessions(sessions)
        .salesforceTokens(salesforce).clock(clock).events(events).org(org).revocations(feed)
        .cacheCapacity(cacheCapacity).build();
    closeables.add(broker);
    return broker;
  }

  /** A GitHub Actions token from main of acme/salesforce-app, valid for an hour from START. */
  String mainRun() {
    return github.mint(Map.of("exp", START.plus(Duration.ofHours(1)).getEpochSecond()));
  }

  /** Exchanges a run from main for a session of {@code org} with {@code api:read}. */
  ExchangeResult.Issued issue(TokenBroker broker, OrgTarget org) {
    ExchangeResult result = broker.exchange(mainRun(), org.alias(), "api:read");
    if (!(result instanceof ExchangeResult.Issued issued)) {
      throw new AssertionError("the exchange was refused: " + result);
    }
    return issued;
  }

  /** Closes {@code closeable} with the fixture, before what was registered earlier. */
  <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable closeable : closeables.reversed()) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the broker fixture failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    verifier.close();
    issuers.close();
    if (failure != null) {
      throw failure;
    }
  }

}
