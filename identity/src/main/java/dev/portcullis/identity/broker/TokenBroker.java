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
import dev.portcullis.store.PrincipalRisk;
import dev.portcullis.store.RiskRepository;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
 * <h2>Sessions in memory</h2>
 * {@link #authenticate} answers a cached session without a store read ({@link SessionCache} has
 * the design note: what is cached, how revocations from every replica evict it, the fill race, and
 * failing closed while the revocation feed is interrupted). It counts each use of an active
 * session in memory; {@link #flushUses} writes the counts. {@link #watch} tells a request in
 * flight that its session ended.
 *
 * <h2>Risk</h2>
 * With a {@link Builder#risks risk repository}, every decision the broker makes or serves gets the
 * principal's current score and reasons ({@link #risk}, what policy reads as {@code risk}), from a
 * copy in memory that {@link #refreshRisks} keeps within a second of the store ({@link RiskScores}
 * has the design note; a copy older than a second is refreshed before it is used, and a store that
 * does not answer fails the decision). A score at or above {@code revokeAtRisk} ends the principal's
 * sessions on every replica, with reason {@value #RISK_REVOCATION_REASON}: at once when it is set
 * through {@link #setRisk} (the revocation feed tells every replica), when another replica's change
 * is read by {@link #refreshRisks}, and, should a session slip through (issued while the score was
 * being raised), at its next {@link #authenticate} or at the end of its exchange. No session is
 * issued to such a principal.
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
 * <p>Thread-safe. Close it to flush the use counts, stop hearing revocations and revoke the
 * Salesforce tokens it still holds. The policy bundle is read through a supplier at every exchange, so a reload
 * (PolicyWatcher) takes effect for the next one.
 */
public final class TokenBroker implements AutoCloseable {

  /** The configured maximum session lifetime when none is given. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(15);

  /** How many sessions (and revoked session ids) the broker remembers when not told otherwise. */
  public static final int DEFAULT_CACHE_CAPACITY = 100_000;

  /** The risk score (0 to 100) at or above which a principal's sessions end, when not told otherwise. */
  public static final double DEFAULT_REVOKE_AT_RISK = 80;

  /** The revocation reason of sessions ended because their principal's risk score reached {@code revokeAtRisk}. */
  public static final String RISK_REVOCATION_REASON = "RISK";

  /** How old the risk scores in memory may be when a decision reads them. */
  static final Duration RISK_MAX_AGE = Duration.ofSeconds(1);

  /** After the store failed to answer for the risk scores, how long decisions fail at once before it is asked again. */
  static final Duration RISK_RETRY_AFTER = Duration.ofSeconds(1);

  private static final DecisionInput.Risk NO_RISK = new DecisionInput.Risk(0, List.of());

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
  private final SessionCache cache;
  /** Session id → uses not yet written to the store. */
  private final Map<String, Long> pendingUses = new ConcurrentHashMap<>();
  /** The start of the current use-count window. Guarded by {@code this}. */
  private Instant usesSince;
  /** Null when the broker keeps no risk scores (every principal's score is then 0). */
  private final RiskRepository riskRepository;
  private final RiskScores risks;
  private final double revokeAtRisk;
  private final Object riskLock = new Object();

  /** A Salesforce token held for a session, with the session's end (held tokens never outlive it). */
  private record HeldToken(OrgTarget org, AccessToken token, Instant sessionExpiresAt) {}

  /**
   * A request's registration for the end of its session ({@link TokenBroker#watch}). Close it when
   * the request completes; closing after the watch fired, or twice, does nothing.
   */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private TokenBroker(Builder builder) {
    this.verifier = builder.verifier; // null: no OIDC issuer is trusted (client certificates only)
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
    if (builder.cacheCapacity < 1) {
      throw new IllegalArgumentException("the broker's cache capacity must be at least 1, was " + builder.cacheCapacity);
    }
    this.riskRepository = builder.risks;
    this.risks = riskRepository == null ? null
        : new RiskScores(riskRepository, clock, RISK_MAX_AGE, RISK_RETRY_AFTER);
    if (!(builder.revokeAtRisk > PrincipalRisk.MIN_SCORE && builder.revokeAtRisk <= PrincipalRisk.MAX_SCORE)) {
      throw new IllegalArgumentException("the broker's revoke_at_risk must be above 0 and at most 100, was "
          + builder.revokeAtRisk);
    }
    this.revokeAtRisk = builder.revokeAtRisk;
    SessionRevocationFeed feed = builder.revocations;
    // Revoked ids whose expiry is unknown are remembered for the longest life a session of this
    // configuration can have: every replica shares it.
    this.cache = new SessionCache(builder.cacheCapacity, maxTtl, feed == null ? null : feed::connected);
    this.usesSince = clock.instant();
    // A session revoked on any replica (admin API, a detection, another broker) leaves the cache
    // and loses its Salesforce token here too. Delivery is at least once; both are idempotent.
    this.revocations = feed == null ? null : feed.subscribe(new SessionRevocationFeed.Listener() {
      @Override
      public void onRevoked(Set<String> sessionIds) {
        cache.revoked(sessionIds, clock.instant());
        for (String id : sessionIds) {
          dropSalesforceToken(id, "the session was revoked");
        }
      }

      @Override
      public void onInterrupted(String reason) {
        LOG.warn("session cache cleared, every authentication reads the store until the revocation feed"
            + " reconnects: {}", reason);
        cache.interrupted();
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
      if (verifier == null) {
        throw new IdentityException(IdentityErrorCode.UNTRUSTED_ISSUER,
            "this server trusts no OIDC issuer; it accepts client certificates only");
      }
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

    DecisionInput.Risk risk;
    try {
      risk = risk(principal.issuer(), principal.subject());
    } catch (IllegalStateException e) {
      return refuse(refusal(OAuthError.TEMPORARILY_UNAVAILABLE, e.getMessage()), subjectTokenHash);
    }
    if (risk.score() >= revokeAtRisk) {
      return refuse(refusal(OAuthError.ACCESS_DENIED, riskTooHigh(risk.score(), risk.reasons())), subjectTokenHash);
    }

    PolicyBundle bundle = policy.get();
    Decision decision = bundle.decide(DecisionInput.builder()
        .principal(new DecisionInput.Principal(policyKind(principal), principal.issuer(), principal.subject(),
            principal.claims()))
        .session(new DecisionInput.Session("", List.copyOf(requested), org.alias(), Duration.ZERO))
        .org(new DecisionInput.Org(org.alias(), org.environment(), org.orgId()))
        .risk(risk)
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
        org.orgId(), new Session.Principal(policyKind(principal), principal.issuer(), principal.subject()),
        binding(principal), List.copyOf(granted), user.username(), principal.certificateThumbprint(),
        decision.bundleHash(), decisionId, now, now.plusSeconds(expiresIn));
    Session stored;
    long generation = cache.generation(); // before the insert: a bulk revocation may follow at once
    try {
      stored = sessions.create(session);
    } catch (StoreException | IllegalArgumentException e) {
      revokeQuietly(org, salesforceToken, "the session was not stored");
      throw e;
    }
    salesforceTokens.put(stored.id(), new HeldToken(org, salesforceToken, stored.expiresAt()));
    cache.admit(stored, generation, now);
    events.on(new BrokerEvents.SessionCreated(stored, Duration.ofSeconds(expiresIn)));
    Optional<PrincipalRisk> raised = riskReached(principal.issuer(), principal.subject());
    if (raised.isPresent()) { // raised while this exchange ran: the principal's revocation may have missed it
      revoke(stored.id(), raised.get().setBy(), RISK_REVOCATION_REASON);
      return refuse(new ExchangeResult.Refused(OAuthError.ACCESS_DENIED, riskTooHigh(raised.get().score(),
          raised.get().reasons()), Optional.empty(), Optional.of(decisionId), List.of()), subjectTokenHash);
    }
    return new ExchangeResult.Issued(stored.id(), token, expiresIn, List.copyOf(granted), decisionId);
  }

  /**
   * The session a session token names, if it is usable now; else why not. A hit in the cache needs
   * no store read; a use of an active session is counted (see {@link #flushUses}). An expired
   * session's Salesforce token is revoked and dropped here too (the expiry sweep reports it).
   */
  public Authentication authenticate(String sessionToken) {
    if (!SessionTokens.isWellFormed(sessionToken)) {
      return new Authentication.Failed(Authentication.Reason.MALFORMED, "not a Portcullis session token");
    }
    Instant now = clock.instant();
    String tokenHash = SessionTokens.hash(sessionToken);
    Session cached = cache.cached(tokenHash);
    if (cached != null) {
      if (!now.isBefore(cached.expiresAt())) {
        return expired(cached);
      }
      if (cache.isRevoked(cached.id())) {
        return revokedElsewhere(cached);
      }
      return active(cached);
    }
    long generation = cache.generation(); // before the read: see SessionCache, "the fill race"
    Optional<Session> found = sessions.findByTokenHash(tokenHash);
    if (found.isEmpty()) {
      return new Authentication.Failed(Authentication.Reason.UNKNOWN, "no session has this token");
    }
    Session session = found.get();
    if (session.revocation() != null) {
      cache.revokedInStore(session, now);
      dropSalesforceToken(session.id(), "the session was revoked");
      return new Authentication.Failed(Authentication.Reason.REVOKED, "session " + session.id() + " was revoked at "
          + session.revocation().at() + " by " + session.revocation().by() + ": " + session.revocation().reason());
    }
    if (!now.isBefore(session.expiresAt())) {
      return expired(session);
    }
    if (!cache.admit(session, generation, now)) {
      return revokedElsewhere(session);
    }
    return active(session);
  }

  private Authentication active(Session session) {
    Optional<PrincipalRisk> raised = riskReached(session.principal().issuer(), session.principal().subject());
    if (raised.isPresent()) { // issued while the score was raised, or its revocation not heard yet
      revoke(session.id(), raised.get().setBy(), RISK_REVOCATION_REASON);
      return new Authentication.Failed(Authentication.Reason.REVOKED, "session " + session.id() + " was revoked: "
          + riskTooHigh(raised.get().score(), raised.get().reasons()));
    }
    pendingUses.merge(session.id(), 1L, Long::sum);
    return new Authentication.Active(session);
  }

  private Authentication expired(Session session) {
    cache.evict(session.id());
    String message = "session " + session.id() + " expired at " + session.expiresAt();
    cache.fire(session.id(), Authentication.Reason.EXPIRED, message);
    dropSalesforceToken(session.id(), "the session expired");
    return new Authentication.Failed(Authentication.Reason.EXPIRED, message);
  }

  /** Revoked as heard from the revocation feed, after this session was read or cached. */
  private Authentication revokedElsewhere(Session session) {
    dropSalesforceToken(session.id(), "the session was revoked");
    return new Authentication.Failed(Authentication.Reason.REVOKED, "session " + session.id() + " was revoked");
  }

  /**
   * Calls {@code onEnd} once when {@code session} ends: when this replica hears it was revoked
   * (on any replica: the revocation feed delivers within a second), or when {@link #authenticate}
   * or {@link #sweepExpired} finds it expired. Called at once if the session is already known to
   * be revoked, so register before forwarding a request: no revocation falls between
   * {@link #authenticate} and the registration unseen. The gateway cuts the request in {@code
   * onEnd}, and bounds it by {@code session.expiresAt()} as well, so that expiry does not wait for
   * a sweep.
   *
   * <p>{@code onEnd} runs on the thread that learnt of the end (the feed's, a revoking request's or
   * the sweep's): it must be quick and must not throw (a failure is logged).
   *
   * @param session the session of an {@link Authentication.Active}
   * @return the registration; close it when the request completes
   */
  public Watch watch(Session session, Consumer<Authentication.Failed> onEnd) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(onEnd, "onEnd");
    return cache.watch(session, onEnd);
  }

  /**
   * Writes the uses counted since the last flush ({@link SessionRepository#recordUses}, last use =
   * now) and reports them as one {@link BrokerEvents.SessionsUsed}. Call it on a schedule; {@link
   * #close} calls it too. When the store fails, the counts are kept for the next flush and the
   * exception propagates.
   *
   * @return how many sessions had uses
   */
  public synchronized int flushUses() {
    Instant now = clock.instant();
    Map<String, Long> batch = new TreeMap<>();
    for (String id : List.copyOf(pendingUses.keySet())) {
      Long count = pendingUses.remove(id); // atomic with the merges of concurrent uses: none is lost
      if (count != null) {
        batch.put(id, count);
      }
    }
    if (batch.isEmpty()) {
      usesSince = now;
      return 0;
    }
    try {
      sessions.recordUses(batch, now);
    } catch (RuntimeException e) {
      batch.forEach((id, count) -> pendingUses.merge(id, count, Long::sum));
      throw e;
    }
    events.on(new BrokerEvents.SessionsUsed(batch, usesSince, now));
    usesSince = now;
    return batch.size();
  }

  /** The uses recorded in the store plus those this broker has not flushed yet. */
  private long useCount(Session session) {
    return session.useCount() + pendingUses.getOrDefault(session.id(), 0L);
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
    // The store's feed has told this broker already; without a feed, this is how the cache hears it.
    cache.revoked(Set.of(sessionId), now);
    dropSalesforceToken(sessionId, "the session was revoked");
    if (revoked) {
      Optional<Session> session = sessions.findById(sessionId);
      events.on(new BrokerEvents.SessionRevoked(sessionId, session.map(Session::orgAlias).orElse(""), revokedBy,
          reason, now, session.map(this::useCount).orElse(0L)));
    }
    return revoked;
  }

  /**
   * The principal's current risk score and reasons, as policy reads {@code risk}: a score of 0 with
   * no reasons when none was ever set or this broker keeps no scores. Read from memory refreshed
   * within a second (see "Risk" above).
   *
   * @throws IllegalStateException naming the cause when the scores cannot be read from the store;
   *     decide nothing then
   */
  public DecisionInput.Risk risk(String issuer, String subject) {
    if (risks == null) {
      return NO_RISK;
    }
    return risks.current(issuer, subject).map(r -> new DecisionInput.Risk(r.score(), r.reasons())).orElse(NO_RISK);
  }

  /**
   * Sets the principal's risk score and reasons (replacing the previous ones) in the store, which
   * every replica reads within a second, and reports the change ({@link BrokerEvents.RiskChanged}).
   * When the score is at or above {@code revokeAtRisk}, every active session of the principal is
   * revoked with reason {@value #RISK_REVOCATION_REASON}, each reported as {@link
   * BrokerEvents.SessionRevoked}: the revocation feed ends them, and cuts their requests in flight,
   * on every replica.
   *
   * @param setBy who or what set it (an administrator, a detection)
   * @throws IllegalStateException when this broker keeps no risk scores
   * @throws IllegalArgumentException when the score is not from 0 to 100 or a reason is blank or too long
   */
  public RiskChange setRisk(String issuer, String subject, double score, List<String> reasons, String setBy) {
    if (risks == null) {
      throw new IllegalStateException("this broker keeps no risk scores (it was built without a risk repository)");
    }
    // One risk change at a time on this broker, the refresher included: else the refresher could read this change
    // and revoke the sessions between the store's update and the revocation below, and the answer would name none.
    synchronized (riskLock) {
      Instant now = clock.instant();
      RiskRepository.Change change = riskRepository.set(issuer, subject, score, reasons, setBy, now);
      risks.apply(change.current());
      events.on(new BrokerEvents.RiskChanged(change.previous(), change.current(), revokeAtRisk));
      List<String> revoked = change.current().score() >= revokeAtRisk ? revokeForRisk(change.current(), now)
          : List.of();
      return new RiskChange(change.previous(), change.current(), revoked);
    }
  }

  /**
   * Reads the risk changes made since the last refresh, on any replica, and ends the active sessions
   * of every principal whose new score is at or above {@code revokeAtRisk} (the replica that set it
   * did already, unless it stopped first). Call it on a schedule: every half second keeps every
   * replica within a second of a change.
   *
   * @return how many changes were read
   */
  public int refreshRisks() {
    if (risks == null) {
      return 0;
    }
    synchronized (riskLock) {
      List<PrincipalRisk> changed = risks.refresh();
      Instant now = clock.instant();
      for (PrincipalRisk row : changed) {
        if (row.score() >= revokeAtRisk
            && !sessions.listActive(now, SessionRepository.Filter.principal(row.issuer(), row.subject())).isEmpty()) {
          revokeForRisk(row, now);
        }
      }
      return changed.size();
    }
  }

  /** The score at or above which a principal's sessions end (0 to 100). */
  public double revokeAtRisk() {
    return revokeAtRisk;
  }

  /** The principal's remembered risk when it is at or above {@code revokeAtRisk}; never reads the store. */
  private Optional<PrincipalRisk> riskReached(String issuer, String subject) {
    return risks == null ? Optional.empty()
        : risks.remembered(issuer, subject).filter(risk -> risk.score() >= revokeAtRisk);
  }

  /** Revokes the principal's active sessions with reason {@value #RISK_REVOCATION_REASON}; returns their ids. */
  private List<String> revokeForRisk(PrincipalRisk risk, Instant now) {
    List<Session> revoked = sessions.revokeByPrincipal(risk.issuer(), risk.subject(), risk.setBy(),
        RISK_REVOCATION_REASON, now);
    List<String> ids = revoked.stream().map(Session::id).toList();
    // The store's feed has told this broker already; without a feed, this is how the cache hears it.
    cache.revoked(Set.copyOf(ids), now);
    for (Session session : revoked) {
      dropSalesforceToken(session.id(), "the principal's risk score reached " + revokeAtRisk);
      events.on(new BrokerEvents.SessionRevoked(session.id(), session.orgAlias(), risk.setBy(),
          RISK_REVOCATION_REASON, now, useCount(session)));
    }
    return ids;
  }

  private String riskTooHigh(double score, List<String> reasons) {
    return "the principal's risk score " + score + " is at or above broker.revoke_at_risk (" + revokeAtRisk + ")"
        + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
  }

  /**
   * Reports sessions that expired by now (each once, across replicas), revokes and drops their
   * Salesforce tokens; on this replica, fires the {@link #watch watches} of expired sessions and
   * forgets expired sessions and revocations. Call it on a schedule (every second keeps the watches
   * within a second of expiry).
   *
   * @return how many expiries were reported
   */
  public int sweepExpired(int limit) {
    Instant now = clock.instant();
    List<Session> expired = sessions.sweepExpired(now, limit, batch -> {
      for (Session session : batch) {
        events.on(new BrokerEvents.SessionExpired(session.id(), session.orgAlias(), session.expiresAt(),
            useCount(session)));
      }
    });
    for (Session session : expired) {
      cache.evict(session.id());
      dropSalesforceToken(session.id(), "the session expired");
    }
    // Sessions whose expiry another replica reported: their tokens held here end with them too.
    for (Map.Entry<String, HeldToken> held : List.copyOf(salesforceTokens.entrySet())) {
      if (!now.isBefore(held.getValue().sessionExpiresAt())) {
        dropSalesforceToken(held.getKey(), "the session expired");
      }
    }
    cache.expire(now);
    return expired.size();
  }

  /**
   * Stops hearing revocations and revokes every Salesforce token still held (best effort): the
   * tokens live only in this process's memory, so nothing could use them after it stops.
   */
  @Override
  public void close() {
    try {
      flushUses();
    } catch (RuntimeException e) {
      LOG.warn("use counts of {} session(s) not written at close: {}", pendingUses.size(), e.toString());
    }
    if (revocations != null) {
      revocations.close();
    }
    for (String sessionId : List.copyOf(salesforceTokens.keySet())) {
      dropSalesforceToken(sessionId, "the broker stopped");
    }
  }

  /** How many sessions this broker answers from memory now (for tests and metrics). */
  public int cachedSessionCount() {
    return cache.cachedSessions();
  }

  /** How many revoked session ids this broker remembers (for tests). */
  int rememberedRevocations() {
    return cache.rememberedRevocations();
  }

  /** How many watches are registered (for tests). */
  int watchCount() {
    return cache.watchCount();
  }

  /**
   * The Salesforce access token behind an active session, for the gateway to forward its requests
   * with: the one obtained at the exchange when this replica issued the session, else a new one
   * obtained now for the session's integration user and kept for the session on this replica. Either
   * way it serves this session only and is revoked when the session ends.
   *
   * @throws IllegalStateException when the session's org or integration user is no longer configured,
   *     or Salesforce answered for another org id (the token is revoked then)
   * @throws RuntimeException from {@link SalesforceTokens#obtain} when Salesforce does not issue one
   */
  public AccessToken salesforceAccess(Session session) {
    Objects.requireNonNull(session, "session");
    HeldToken held = salesforceTokens.get(session.id());
    if (held != null) {
      return held.token();
    }
    OrgTarget org = brokeredOrg(session);
    IntegrationUser user = integrationUser(session, org);
    synchronized (salesforceTokens) { // one login per session per replica, even under concurrent first requests
      held = salesforceTokens.get(session.id());
      if (held != null) {
        return held.token();
      }
      AccessToken token = salesforce.obtain(user, org);
      if (!org.orgId().equals(token.orgId())) {
        revokeQuietly(org, token, "its org id did not match");
        throw new IllegalStateException("Salesforce answered integration user " + user.username()
            + " with a token for org " + token.orgId() + ", but org " + org.alias() + " is " + org.orgId());
      }
      salesforceTokens.put(session.id(), new HeldToken(org, token, session.expiresAt()));
    }
    // A revocation delivered while the token was being obtained found nothing to drop: check again.
    if (cache.isRevoked(session.id()) || !clock.instant().isBefore(session.expiresAt())) {
      dropSalesforceToken(session.id(), "the session ended while its token was obtained");
      throw new IllegalStateException("session " + session.id() + " ended while its Salesforce token was obtained");
    }
    synchronized (salesforceTokens) {
      HeldToken current = salesforceTokens.get(session.id());
      if (current == null) {
        throw new IllegalStateException("session " + session.id() + " ended while its Salesforce token was obtained");
      }
      return current.token();
    }
  }

  /** The orgs this broker issues sessions for. */
  public java.util.Collection<OrgTarget> orgs() {
    return orgs.values();
  }

  /** Whether this broker holds a Salesforce token for the session (for tests and metrics; never the token). */
  public boolean holdsSalesforceToken(String sessionId) {
    return salesforceTokens.containsKey(sessionId);
  }

  /**
   * A Salesforce token of {@code session}'s integration user for the server's own use in following what the session
   * started (a deployment's status, polled until it ends), independent of the session's token: that one is revoked
   * when the session ends, and a deployment with tests can outlast a session of minutes. Never cached, never given
   * to a client; the caller revokes it with {@link #releaseFollowerAccess} when done.
   *
   * @throws IllegalStateException when the session's org or integration user is no longer brokered
   */
  public AccessToken followerAccess(Session session) {
    Objects.requireNonNull(session, "session");
    OrgTarget org = brokeredOrg(session);
    AccessToken token = salesforce.obtain(integrationUser(session, org), org);
    if (!org.orgId().equals(token.orgId())) {
      revokeQuietly(org, token, "its org id did not match");
      throw new IllegalStateException("Salesforce answered integration user " + session.integrationUser()
          + " with a token for org " + token.orgId() + ", but org " + org.alias() + " is " + org.orgId());
    }
    return token;
  }

  /** Revokes a token from {@link #followerAccess} (quietly: a failure is logged). */
  public void releaseFollowerAccess(String orgAlias, AccessToken token) {
    OrgTarget org = orgs.get(orgAlias);
    if (org != null && token != null) {
      revokeQuietly(org, token, "what it followed ended");
    }
  }

  private OrgTarget brokeredOrg(Session session) {
    OrgTarget org = orgs.get(session.orgAlias());
    if (org == null || !org.orgId().equals(session.orgId())) {
      throw new IllegalStateException("session " + session.id() + " is for org " + session.orgAlias() + " ("
          + session.orgId() + "), which this server no longer brokers");
    }
    return org;
  }

  private static IntegrationUser integrationUser(Session session, OrgTarget org) {
    return org.integrationUsers().stream()
        .filter(candidate -> candidate.username().equalsIgnoreCase(session.integrationUser())).findFirst()
        .orElseThrow(() -> new IllegalStateException("session " + session.id() + " acts as "
            + session.integrationUser() + ", who is no longer an integration user of org " + org.alias()));
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
            orNull(run.workflow()), orNull(run.runId()), orNull(run.attempt()), orNull(run.actor()),
            principal.runClaims()))
        .orElse(Session.RunBinding.NONE);
  }

  private static String orNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /** {@code dec_} and a ULID: sorts by time, like session ids. */
  private static String newDecisionId(Instant now) {
    return "dec_" + SessionTokens.newSessionId(now).substring("ses_".length());
  }

  /**
   * Builds a broker; every part is required except {@link #maxTtl}, {@link #events}, {@link
   * #revocations}, {@link #cacheCapacity}, {@link #risks} and {@link #revokeAtRisk}.
   */
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
    private int cacheCapacity = DEFAULT_CACHE_CAPACITY;
    private RiskRepository risks;
    private double revokeAtRisk = DEFAULT_REVOKE_AT_RISK;

    private Builder() {}

    /**
     * The store's revocation feed ({@code Store.sessionRevocations()}): sessions revoked on any
     * replica leave the cache, end their {@link TokenBroker#watch watches} and lose their Salesforce
     * tokens here. Optional, but without it the broker caches nothing: every {@link
     * TokenBroker#authenticate} reads the store, and only {@link TokenBroker#revoke}, {@link
     * TokenBroker#authenticate} and the expiry sweep drop Salesforce tokens.
     */
    public Builder revocations(SessionRevocationFeed revocations) {
      this.revocations = revocations;
      return this;
    }

    /**
     * The store's risk scores ({@code Store.risks()}): decisions read the principal's score, and a
     * score at or above {@link #revokeAtRisk} ends its sessions. Optional; without it every
     * principal's score is 0 and {@link TokenBroker#setRisk} fails.
     */
    public Builder risks(RiskRepository risks) {
      this.risks = risks;
      return this;
    }

    /**
     * The score (above 0, at most 100) at or above which a principal's sessions end and no session is
     * issued to it; {@link TokenBroker#DEFAULT_REVOKE_AT_RISK} (80) by default.
     */
    public Builder revokeAtRisk(double revokeAtRisk) {
      this.revokeAtRisk = revokeAtRisk;
      return this;
    }

    /** The OIDC token verifier; optional when sessions are issued to client certificates only. */
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

    /**
     * At most how many sessions are answered from memory, and how many revoked session ids are
     * remembered; {@link TokenBroker#DEFAULT_CACHE_CAPACITY} by default.
     */
    public Builder cacheCapacity(int cacheCapacity) {
      this.cacheCapacity = cacheCapacity;
      return this;
    }

    public TokenBroker build() {
      return new TokenBroker(this);
    }
  }
}
