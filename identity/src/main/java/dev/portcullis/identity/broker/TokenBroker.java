package dev.portcullis.identity.broker;

import dev.portcullis.identity.IdentityErrorCode;
import dev.portcullis.identity.IdentityException;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.Principal;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.SessionLimits;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionRepository;
import dev.portcullis.store.SessionRevocationFeed;
import dev.portcullis.store.SessionTokens;
import dev.portcullis.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token broker: exchanges a CI job's verified identity for a short-lived Portcullis session
 * bound to one org and some scopes (RFC 8693 token exchange), and answers for those sessions.
 *
 * <h2>Exchange, in order</h2>
 * <ol>
 *   <li>Verify the subject (OIDC token through {@link OidcVerifier}; or a principal already verified
 *       from the connection's client certificate). Failure: {@code invalid_grant} with the
 *       identity error code. The subject is checked first so that an unauthenticated caller learns
 *       nothing about orgs or scopes.
 *   <li>Resolve the {@code audience} to an org ({@code invalid_target}) and parse the requested
 *       scopes ({@code invalid_scope} for an unknown one or none).
 *   <li>Decide with the policy bundle in force: {@code session.scopes} = the requested scopes,
 *       age zero (docs/POLICY.md, "How the broker uses it"). A deny, or any requested scope not
 *       granted, is {@code access_denied} with the policy's reasons and the decision id.
 *   <li>TTL = min(policy {@code max_ttl}, the configured maximum, the subject's remaining life).
 *   <li>Choose the least-privileged integration user serving every granted scope (none:
 *       {@code access_denied}), obtain a NEW Salesforce token for it, and refuse unless the org id
 *       in the token response's identity URL is the configured org id. This is the check that keeps
 *       a sandbox session away from a production org: by org id, never by name or URL.
 *   <li>Store the session (token hash only), keep the Salesforce token in memory under the
 *       session id, and return the session token once.
 * </ol>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A Salesforce token lives only in {@link #salesforceTokens}, one per session, never shared,
 *       never stored, logged or put in an event; it is revoked at Salesforce and dropped when its
 *       session is revoked or expires, and when the exchange fails after it was obtained.
 *   <li>No event and no log line carries a token; events carry SHA-256 hashes.
 *   <li>Time is read only from the injected clock, once per operation.
 * </ul>
 *
 * <p>Thread-safe. Close it to stop hearing revocations and to revoke the Salesforce tokens it
 * still holds. The policy bundle is read through a supplier at every exchange, so a reload
 * (PolicyWatcher) takes effect for the next one.
 */
public final class TokenBroker implements AutoCloseable {

  /** The configured maximum session lifetime when none is given. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(TokenBroker.class);
  private static final String BROKER = "token-broker";

  private final OidcVerifier verifier;
  private final Map<String, OrgTarget> orgs;
  private final Supplier<PolicyBundle> policy;
  private final SessionRepository sessions;
  private final SalesforceTokens salesforce;
  private final Clock clock;
  private final BrokerEvents events;
  private final Duration maxTtl;
  /** Session id → the Salesforce token obtained for that session (with its org, to revoke it). */
  private final Map<String, HeldToken> salesforceTokens = new ConcurrentHashMap<>();
  private final SessionRevocationFeed.Subscription revocations;

  private record HeldToken(OrgTarget org, AccessToken token) {}

  private TokenBroker(Builder builder) {
    this.verifier = Objects.requireNonNull(builder.verifier, "verifier");
    this.policy = Objects.requireNonNull(builder.policy, "policy");
    this.sessions = Objects.requireNonNull(builder.sessions, "sessions");
    this.salesforce = Objects.requireNonNull(builder.salesforce, "salesforce tokens");
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    this.events = Objects.requireNonNull(builder.events, "events");
    this.maxTtl = Objects.requireNonNull(builder.maxTtl, "maxTtl");
    if (maxTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the broker's max TTL must be at least 1s, was " + maxTtl);
    }
    this.orgs = Map.copyOf(builder.orgs);
    if (orgs.isEmpty()) {
      throw new IllegalArgumentException("the broker needs at least one org");
    }
    // A session revoked on any replica (admin API, a detection, another broker) loses its
    // Salesforce token here too. Delivery is at least once; dropping is idempotent.
    this.revocations = builder.revocations == null ? null : builder.revocations.subscribe(ids -> {
      for (String id : ids) {
        dropSalesforceToken(id, "the session was revoked");
      }
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Exchanges an OIDC identity token for a session.
   *
   * @param subjectToken the CI job's JWT
   * @param audience the org alias
   * @param requestedScopes the {@code scope} parameter: space-separated scope tokens
   */
  public ExchangeResult exchange(String subjectToken, String audience, String requestedScopes) {
    Objects.requireNonNull(subjectToken, "subjectToken");
    String subjectTokenHash = OidcVerifier.tokenHash(subjectToken);
    Principal principal;
    try {
      principal = verifier.verify(subjectToken);
    } catch (IdentityException e) {
      events.on(new BrokerEvents.IdentityFailed(e.code(), e.getMessage(), subjectTokenHash));
      return refuse(new ExchangeResult.Refused(OAuthError.INVALID_GRANT,
          "the subject token was not accepted: " + e.getMessage(), Optional.of(e.code()), Optional.empty(), List.of()),
          Optional.of(subjectTokenHash));
    }
    return exchange(principal, audience, requestedScopes, Optional.of(subjectTokenHash));
  }

  /**
   * Exchanges an already verified principal (the mTLS client certificate of the connection,
   * verified by {@code ClientCertificateVerifier}) for a session.
   */
  public ExchangeResult exchange(Principal principal, String audience, String requestedScopes) {
    Objects.requireNonNull(principal, "principal");
    return exchange(principal, audience, requestedScopes, Optional.empty());
  }

  private ExchangeResult exchange(
      Principal principal, String audience, String requestedScopes, Optional<String> subjectTokenHash) {
    Instant now = clock.instant();
    OrgTarget org = audience == null ? null : orgs.get(audience);
    if (org == null) {
      return refuse(refusal(OAuthError.INVALID_TARGET, audience == null || audience.isEmpty()
          ? "no audience: name the org alias to reach"
          : "unknown audience '" + audience + "': not a registered org alias"), subjectTokenHash);
    }
    Set<String> requested = new LinkedHashSet<>();
    String scopeProblem = parseScopes(requestedScopes, requested);
    if (scopeProblem != null) {
      return refuse(refusal(OAuthError.INVALID_SCOPE, scopeProblem), subjectTokenHash);
    }

    PolicyBundle bundle = policy.get();
    Decision decision = bundle.decide(DecisionInput.builder()
        .principal(new DecisionInput.Principal(policyKind(principal), principal.issuer(), principal.subject(),
            principal.claims()))
        .session(new DecisionInput.Session("", List.copyOf(requested), org.alias(), Duration.ZERO))
        .org(new DecisionInput.Org(org.alias(), org.environment(), org.orgId()))
        .now(now)
        .build());
    String decisionId = newDecisionId(now);
    SessionLimits limits = decision.sessionLimits();
    if (!decision.allowed()) {
      return refuse(denied("policy denied the session", decision, decisionId), subjectTokenHash);
    }
    if (!limits.grantsAll(requested)) {
      Set<String> missing = new TreeSet<>(requested);
      missing.removeAll(limits.scopes());
      return refuse(denied("policy does not grant " + String.join(" ", missing) + " (granted: "
          + (limits.scopes().isEmpty() ? "none" : String.join(" ", limits.scopes())) + "); ask for fewer scopes",
          decision, decisionId), subjectTokenHash);
    }
    Set<String> granted = new TreeSet<>(requested);

    Duration ttl = maxTtl;
    if (limits.maxTtl().isPresent() && limits.maxTtl().get().compareTo(ttl) < 0) {
      ttl = limits.maxTtl().get();
    }
    Duration remaining = Duration.between(now, principal.expiresAt());
    if (remaining.compareTo(ttl) < 0) {
      ttl = remaining;
    }
    long expiresIn = ttl.getSeconds(); // whole seconds, rounded down: never longer than allowed
    if (expiresIn < 1) {
      return refuse(new ExchangeResult.Refused(OAuthError.INVALID_GRANT, "the subject expires at "
          + principal.expiresAt() + ", less than a second from now: no session can be issued",
          Optional.of(IdentityErrorCode.TOKEN_EXPIRED), Optional.of(decisionId), List.of()), subjectTokenHash);
    }

    Optional<IntegrationUser> chosen = org.leastPrivilegedServing(granted);
    if (chosen.isEmpty()) {
      return refuse(new ExchangeResult.Refused(OAuthError.ACCESS_DENIED, "no integration user of org "
          + org.alias() + " serves " + String.join(" ", granted), Optional.empty(), Optional.of(decisionId),
          List.of()), subjectTokenHash);
    }
    IntegrationUser user = chosen.get();
    AccessToken salesforceToken;
    try {
      salesforceToken = salesforce.obtain(user, org);
    } catch (RuntimeException e) {
      LOG.warn("Salesforce token for {} in org {} not obtained: {}", user.username(), org.alias(), e.toString());
      return refuse(new ExchangeResult.Refused(OAuthError.TEMPORARILY_UNAVAILABLE, "Salesforce did not issue a"
          + " token for integration user " + user.username() + " of org " + org.alias() + ": " + e.getMessage(),
          Optional.empty(), Optional.of(decisionId), List.of()), subjectTokenHash);
    }
    if (!org.orgId().equals(salesforceToken.orgId())) {
      revokeQuietly(org, salesforceToken, "its org id did not match");
      return refuse(new ExchangeResult.Refused(OAuthError.ACCESS_DENIED, "Salesforce answered integration user "
          + user.username() + " with a token for org " + salesforceToken.orgId() + ", but org " + org.alias()
          + " is " + org.orgId() + ": refused (check the org's login URL and user)", Optional.empty(),
          Optional.of(decisionId), List.of()), subjectTokenHash);
    }

    String token = SessionTokens.generate(org.orgId());
    Session session = Session.issued(SessionTokens.newSessionId(now), SessionTokens.hash(token), org.alias(),
        org.orgId(), new Session.Principal(principal.kind().value(), principal.issuer(), principal.subject()),
        binding(principal), List.copyOf(granted), user.username(), principal.certificateThumbprint(),
        decision.bundleHash(), decisionId, now, now.plusSeconds(expiresIn));
    Session stored;
    try {
      stored = sessions.create(session);
    } catch (StoreException | IllegalArgumentException e) {
      revokeQuietly(org, salesforceToken, "the session was not stored");
      throw e;
    }
    salesforceTokens.put(stored.id(), new HeldToken(org, salesforceToken));
    events.on(new BrokerEvents.SessionCreated(stored, Duration.ofSeconds(expiresIn)));
    return new ExchangeResult.Issued(stored.id(), token, expiresIn, List.copyOf(granted), decisionId);
  }

  /**
   * The session a session token names, if it is usable now; else why not. An expired session's
   * Salesforce token is revoked and dropped here too (the expiry sweep reports it).
   */
  public Authentication authenticate(String sessionToken) {
    if (!SessionTokens.isWellFormed(sessionToken)) {
      return new Authentication.Failed(Authentication.Reason.MALFORMED, "not a Portcullis session token");
    }
    Instant now = clock.instant();
    Optional<Session> found = sessions.findByTokenHash(SessionTokens.hash(sessionToken));
    if (found.isEmpty()) {
      return new Authentication.Failed(Authentication.Reason.UNKNOWN, "no session has this token");
    }
    Session session = found.get();
    if (session.revocation() != null) {
      dropSalesforceToken(session.id(), "the session was revoked");
      return new Authentication.Failed(Authentication.Reason.REVOKED, "session " + session.id() + " was revoked at "
          + session.revocation().at() + " by " + session.revocation().by() + ": " + session.revocation().reason());
    }
    if (!now.isBefore(session.expiresAt())) {
      dropSalesforceToken(session.id(), "the session expired");
      return new Authentication.Failed(Authentication.Reason.EXPIRED,
          "session " + session.id() + " expired at " + session.expiresAt());
    }
    return new Authentication.Active(session);
  }

  /**
   * Revokes the session {@code sessionId}: in the store (which tells every replica), then its
   * Salesforce token at Salesforce (best effort) and from memory.
   *
   * @return true when this call revoked it; false when it is unknown, already revoked or expired
   */
  public boolean revoke(String sessionId, String revokedBy, String reason) {
    Instant now = clock.instant();
    boolean revoked = sessions.revoke(sessionId, revokedBy, reason, now);
    dropSalesforceToken(sessionId, "the session was revoked");
    if (revoked) {
      String orgAlias = sessions.findById(sessionId).map(Session::orgAlias).orElse("");
      events.on(new BrokerEvents.SessionRevoked(sessionId, orgAlias, revokedBy, reason, now));
    }
    return revoked;
  }

  /**
   * Reports sessions that expired by now (each once, across replicas), revokes and drops their
   * Salesforce tokens. Call it on a schedule.
   *
   * @return how many expiries were reported
   */
  public int sweepExpired(int limit) {
    Instant now = clock.instant();
    List<Session> expired = sessions.sweepExpired(now, limit, batch -> {
      for (Session session : batch) {
        events.on(new BrokerEvents.SessionExpired(session.id(), session.orgAlias(), session.expiresAt()));
      }
    });
    for (Session session : expired) {
      dropSalesforceToken(session.id(), "the session expired");
    }
    return expired.size();
  }

  /**
   * Stops hearing revocations and revokes every Salesforce token still held (best effort): the
   * tokens live only in this process's memory, so nothing could use them after it stops.
   */
  @Override
  public void close() {
    if (revocations != null) {
      revocations.close();
    }
    for (String sessionId : List.copyOf(salesforceTokens.keySet())) {
      dropSalesforceToken(sessionId, "the broker stopped");
    }
  }

  /** Whether this broker holds a Salesforce token for the session (for tests and metrics; never the token). */
  public boolean holdsSalesforceToken(String sessionId) {
    return salesforceTokens.containsKey(sessionId);
  }

  private void dropSalesforceToken(String sessionId, String why) {
    HeldToken held = salesforceTokens.remove(sessionId);
    if (held != null) {
      revokeQuietly(held.org(), held.token(), why + " (session " + sessionId + ")");
    }
  }

  private void revokeQuietly(OrgTarget org, AccessToken token, String why) {
    try {
      salesforce.revoke(org, token);
    } catch (RuntimeException e) {
      // The message of SalesforceTokens failures never carries the token (its contract).
      LOG.warn("Salesforce token of org {} not revoked after {}: {}", org.alias(), why, e.toString());
    }
  }

  private ExchangeResult.Refused refuse(ExchangeResult.Refused refused, Optional<String> subjectTokenHash) {
    events.on(new BrokerEvents.SessionRefused(refused.error(), refused.description(), refused.identityErrorCode(),
        refused.decisionId(), refused.reasons(), subjectTokenHash));
    return refused;
  }

  private static ExchangeResult.Refused refusal(OAuthError error, String description) {
    return new ExchangeResult.Refused(error, description, Optional.empty(), Optional.empty(), List.of());
  }

  private static ExchangeResult.Refused denied(String description, Decision decision, String decisionId) {
    List<String> reasons = new ArrayList<>(decision.reasons());
    String text = reasons.isEmpty() ? description : description + ": " + String.join("; ", reasons);
    return new ExchangeResult.Refused(OAuthError.ACCESS_DENIED, text, Optional.empty(), Optional.of(decisionId),
        reasons);
  }

  /** Null when every scope is known and there is at least one; else what was wrong. */
  private static String parseScopes(String scope, Set<String> into) {
    if (scope == null || scope.isBlank()) {
      return "no scope requested (known: " + String.join(" ", SessionLimits.KNOWN_SCOPES) + ")";
    }
    // RFC 6749 3.3: scope = scope-token *( SP scope-token ); the order does not matter, repeats add nothing.
    for (String token : scope.split(" ", -1)) {
      if (token.isEmpty()) {
        return "scope must be scope tokens separated by single spaces: '" + scope + "'";
      }
      if (!SessionLimits.KNOWN_SCOPES.contains(token)) {
        return "unknown scope '" + token + "' (known: " + String.join(" ", SessionLimits.KNOWN_SCOPES) + ")";
      }
      into.add(token);
    }
    return null;
  }

  /** What policy calls the principal's kind: {@code github}, {@code gitlab}, {@code oidc} or {@code mtls}. */
  static String policyKind(Principal principal) {
    if (principal.kind() == Principal.Kind.MTLS) {
      return "mtls";
    }
    return switch (principal.dialect()) {
      case GITHUB_ACTIONS -> "github";
      case GITLAB -> "gitlab";
      case GENERIC -> "oidc";
    };
  }

  private static Session.RunBinding binding(Principal principal) {
    return principal.ciRun()
        .map(run -> new Session.RunBinding(orNull(run.repository()), orNull(run.ref()), orNull(run.sha()),
            orNull(run.workflow()), orNull(run.runId()), orNull(run.attempt()), orNull(run.actor())))
        .orElse(Session.RunBinding.NONE);
  }

  private static String orNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /** {@code dec_} and a ULID: sorts by time, like session ids. */
  private static String newDecisionId(Instant now) {
    return "dec_" + SessionTokens.newSessionId(now).substring("ses_".length());
  }

  /** Builds a broker; every part is required except {@link #maxTtl} and {@link #events}. */
  public static final class Builder {
    private OidcVerifier verifier;
    private final Map<String, OrgTarget> orgs = new LinkedHashMap<>();
    private Supplier<PolicyBundle> policy;
    private SessionRepository sessions;
    private SalesforceTokens salesforce;
    private Clock clock = Clock.systemUTC();
    private BrokerEvents events = BrokerEvents.NONE;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private SessionRevocationFeed revocations;

    private Builder() {}

    /**
     * The store's revocation feed ({@code Store.sessionRevocations()}): sessions revoked on any
     * replica lose their Salesforce tokens here. Optional; without it only {@link TokenBroker#revoke},
     * {@link TokenBroker#authenticate} and the expiry sweep drop them.
     */
    public Builder revocations(SessionRevocationFeed revocations) {
      this.revocations = revocations;
      return this;
    }

    public Builder verifier(OidcVerifier verifier) {
      this.verifier = verifier;
      return this;
    }

    public Builder org(OrgTarget org) {
      if (orgs.putIfAbsent(org.alias(), org) != null) {
        throw new IllegalArgumentException("org alias " + org.alias() + " is configured twice");
      }
      return this;
    }

    /** The bundle in force, read at every exchange (e.g. {@code watcher::current}). */
    public Builder policy(Supplier<PolicyBundle> policy) {
      this.policy = policy;
      return this;
    }

    public Builder sessions(SessionRepository sessions) {
      this.sessions = sessions;
      return this;
    }

    public Builder salesforceTokens(SalesforceTokens salesforce) {
      this.salesforce = salesforce;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder events(BrokerEvents events) {
      this.events = events;
      return this;
    }

    /** The longest session lifetime whatever policy allows; {@link TokenBroker#DEFAULT_MAX_TTL} (15 minutes) by default. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
      return this;
    }

    public TokenBroker build() {
      return new TokenBroker(this);
    }
  }
}
