package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The {@link SessionRepository} contract, run against SQLite and PostgreSQL. */
class SessionRepositoryTest {

  private static final Instant T0 = Samples.T0;
  private static final Session.Principal OTHER_PRINCIPAL =
      new Session.Principal("oidc", "https://gitlab.example", "project_path:acme/app:ref_type:branch:ref:main");

  // RFC 8705 x5t#S256 form: base64url of a SHA-256, unpadded (here of stand-in bytes, not a certificate).
  private static final String THUMBPRINT = java.util.Base64.getUrlEncoder().withoutPadding()
      .encodeToString(java.util.HexFormat.of().parseHex(SessionTokens.hash("certificate DER")));

  private static Store openWithAcme(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    store.orgs().upsert(Samples.org("other", "00D000000000002AAA"));
    return store;
  }

  private static Session otherOrgSession(int n) {
    Instant issued = T0.plusSeconds(n);
    String token = SessionTokens.generate("00D000000000002AAA");
    return Session.issued(SessionTokens.newSessionId(issued), SessionTokens.hash(token), "other",
        "00D000000000002AAA", Samples.GITHUB_MAIN, Session.RunBinding.NONE, List.of("api"), "ci@other.example",
        THUMBPRINT, "sha256:aa", null, issued, issued.plusSeconds(600));
  }

  private static void assertConstraintViolation(Runnable write, String... messageParts) {
    assertThatThrownBy(write::run).isInstanceOfSatisfying(StoreException.class, e -> {
      assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
      assertThat(e.getMessage()).contains(messageParts).contains("nothing was changed");
    });
  }

  @StoreSpec
  void aCreatedSessionIsFoundByIdAndByTokenHash(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    String token = SessionTokens.generate(Samples.ORG_ID_18);
    Session session = Samples.session("acme", 1, Samples.GITHUB_MAIN, token);
    Session bare = otherOrgSession(2); // no run binding, a certificate thumbprint, no decision id

    assertThat(sessions.create(session)).isEqualTo(session);
    assertThat(sessions.create(bare)).isEqualTo(bare);

    assertThat(sessions.findById(session.id())).contains(session);
    assertThat(sessions.findByTokenHash(SessionTokens.hash(token))).contains(session);
    assertThat(sessions.findById(bare.id())).contains(bare);
    assertThat(sessions.findById("ses_nope")).isEmpty();
    assertThat(sessions.findByTokenHash(SessionTokens.hash(token + "x"))).isEmpty();
    assertThat(session.isActive(T0.plusSeconds(2))).isTrue();
    assertThat(session.isActive(session.expiresAt())).isFalse();
  }

  @StoreSpec
  void onlyTheTokenHashIsStored(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    String token = SessionTokens.generate(Samples.ORG_ID_18);
    sessions.create(Samples.session("acme", 1, Samples.GITHUB_MAIN, token));

    String random = token.substring(token.indexOf('!') + 1);
    assertThat(fixture.queryStrings("SELECT token_hash FROM session")).containsExactly(SessionTokens.hash(token));
    assertThat(fixture.queryStrings("SELECT id || token_hash || binding || scopes || integration_user"
        + " || policy_hash || decision_id FROM session")).singleElement().asString().doesNotContain(random);
  }

  @StoreSpec
  void aSessionForAnUnknownOrgIsRejectedAndNothingIsStored(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session kept = sessions.create(Samples.session("acme", 1));

    assertConstraintViolation(() -> sessions.create(Samples.session("ghost", 2)), "org 'ghost' is not registered");

    assertThat(fixture.queryStrings("SELECT id FROM session")).containsExactly(kept.id());
  }

  @StoreSpec
  void aSessionWhoseOrgIdIsNotTheRegisteredOrgsIsRejected(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session acme = Samples.session("acme", 1);
    Session wrongOrg = new Session(acme.id(), acme.tokenHash(), "acme", "00D000000000002AAA", acme.principal(),
        acme.binding(), acme.scopes(), acme.integrationUser(), null, acme.policyHash(), null, acme.issuedAt(),
        acme.expiresAt(), null, 0, null);

    assertConstraintViolation(() -> sessions.create(wrongOrg), "00D000000000002AAA", "'acme' (00D000000000001)");

    assertThat(fixture.queryStrings("SELECT count(*) FROM session")).containsExactly("0");
  }

  @StoreSpec
  void aReusedTokenHashOrIdIsRejectedAndTheOriginalIsKept(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    String token = SessionTokens.generate(Samples.ORG_ID_18);
    Session original = sessions.create(Samples.session("acme", 1, Samples.GITHUB_MAIN, token));
    Session sameToken = Samples.session("acme", 2, OTHER_PRINCIPAL, token);
    Session sameId = new Session(original.id(), SessionTokens.hash("another"), "acme", Samples.ORG_ID_18,
        OTHER_PRINCIPAL, Session.RunBinding.NONE, List.of("api"), "someone", null, "p", null, T0, T0.plusSeconds(5),
        null, 0, null);

    assertConstraintViolation(() -> sessions.create(sameToken), "creating session " + sameToken.id());
    assertConstraintViolation(() -> sessions.create(sameId), "creating session " + original.id());

    assertThat(sessions.list(SessionRepository.Filter.ALL, 10)).containsExactly(original);
  }

  @StoreSpec
  void onlyAFreshSessionCanBeCreated(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session used = new Session(Samples.session("acme", 1).id(), SessionTokens.hash("t"), "acme", Samples.ORG_ID_18,
        Samples.GITHUB_MAIN, Samples.RUN, List.of("api"), "u", null, "p", null, T0, T0.plusSeconds(60), null, 3,
        T0.plusSeconds(1));

    assertThatThrownBy(() -> sessions.create(used)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newly issued");
    assertThat(fixture.queryStrings("SELECT count(*) FROM session")).containsExactly("0");
  }

  @StoreSpec
  void theDatabaseRejectsBrokenRowsWrittenBehindTheStoresBack(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session kept = sessions.create(Samples.session("acme", 1));
    String insert = "INSERT INTO session (id, token_hash, org_alias, org_id, principal_kind, principal_issuer,"
        + " principal_subject, binding, scopes, integration_user, cert_thumbprint, policy_hash, issued_at,"
        + " expires_at, revoked_at, revoked_by, revoke_reason) VALUES ('ses_x', '%s', 'acme',"
        + " '00D000000000001AAA', 'oidc', 'i', 's', '{}', 'api', 'u', %s, 'p', %s, %s, %s, %s, %s)";
    String t0 = "'2026-11-28T12:00:00.000000Z'";
    String t1 = "'2026-11-28T12:15:00.000000Z'";
    List<String> broken = List.of(
        // the token itself instead of its hash
        String.format(insert, "00D000000000001!secret", "NULL", t0, t1, "NULL", "NULL", "NULL"),
        // a thumbprint that is not an x5t#S256
        String.format(insert, "b".repeat(64), "'AB:CD'", t0, t1, "NULL", "NULL", "NULL"),
        // expiring before it was issued
        String.format(insert, "c".repeat(64), "NULL", t1, t0, "NULL", "NULL", "NULL"),
        // revoked without saying by whom and why
        String.format(insert, "d".repeat(64), "NULL", t0, t1, t1, "NULL", "NULL"));
    for (String sql : broken) {
      assertThatThrownBy(() -> fixture.execute(sql)).isInstanceOf(AssertionError.class);
    }
    assertThat(fixture.queryStrings("SELECT id FROM session")).containsExactly(kept.id());
    // The same statement with nothing wrong is accepted: the rows above failed for what was wrong.
    fixture.execute(String.format(insert, "e".repeat(64), "'" + "A".repeat(43) + "'", t0, t1, t1, "'admin'",
        "'test'"));
    assertThat(fixture.queryStrings("SELECT id FROM session ORDER BY id")).containsExactly(kept.id(), "ses_x");
  }

  @StoreSpec
  void aRowAlteredBehindTheStoresBackIsRefusedWhenRead(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session session = sessions.create(Samples.session("acme", 1));
    fixture.execute("UPDATE session SET binding = '{\"repository\": \"acme/app\", \"admin\": \"yes\"}'");

    assertThatThrownBy(() -> sessions.findById(session.id())).isInstanceOfSatisfying(StoreException.class, e -> {
      assertThat(e.code()).isEqualTo(StoreException.Code.QUERY_FAILED);
      assertThat(e.getMessage()).contains("session " + session.id(), "unknown field 'admin'");
    });
  }

  @StoreSpec
  void listActiveLeavesOutExpiredAndRevokedSessionsAndFilters(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session first = sessions.create(Samples.session("acme", 1));
    Session second = sessions.create(Samples.session("acme", 2));
    Session otherPrincipal = sessions.create(Samples.session("acme", 3, OTHER_PRINCIPAL, "00D000000000001!x"));
    Session otherOrg = sessions.create(otherOrgSession(4));
    Session revoked = sessions.create(Samples.session("acme", 5));
    Instant now = T0.plusSeconds(10);
    sessions.revoke(revoked.id(), "admin@acme.example", "test", now);

    assertThat(sessions.listActive(now, SessionRepository.Filter.ALL))
        .containsExactly(otherOrg, otherPrincipal, second, first);
    assertThat(sessions.listActive(now, SessionRepository.Filter.org("acme")))
        .containsExactly(otherPrincipal, second, first);
    assertThat(sessions.listActive(now, SessionRepository.Filter.principal(
        Samples.GITHUB_MAIN.issuer(), Samples.GITHUB_MAIN.subject()))).containsExactly(otherOrg, second, first);
    assertThat(sessions.listActive(now, new SessionRepository.Filter(
        "acme", Samples.GITHUB_MAIN.issuer(), Samples.GITHUB_MAIN.subject()))).containsExactly(second, first);
    // otherOrg lives 10 minutes, the others 15.
    assertThat(sessions.listActive(T0.plusSeconds(4 + 600), SessionRepository.Filter.ALL))
        .containsExactly(otherPrincipal, second, first);
    assertThat(sessions.listActive(T0.plus(Duration.ofHours(1)), SessionRepository.Filter.ALL)).isEmpty();
  }

  @StoreSpec
  void listShowsEverySessionNewestFirst(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session first = sessions.create(Samples.session("acme", 1));
    Session second = sessions.create(Samples.session("acme", 2));
    Session third = sessions.create(otherOrgSession(3));
    sessions.revoke(second.id(), "admin", "test", T0.plusSeconds(5));
    Session secondRevoked = sessions.findById(second.id()).orElseThrow();

    assertThat(sessions.list(SessionRepository.Filter.ALL, 10)).containsExactly(third, secondRevoked, first);
    assertThat(sessions.list(SessionRepository.Filter.ALL, 2)).containsExactly(third, secondRevoked);
    assertThat(sessions.list(SessionRepository.Filter.org("acme"), 10)).containsExactly(secondRevoked, first);
    assertThat(sessions.list(SessionRepository.Filter.ALL, 0)).isEmpty();
  }

  @StoreSpec
  void revokeChangesAnActiveSessionOnce(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session session = sessions.create(Samples.session("acme", 1));
    Session expired = sessions.create(Samples.session("acme", 2));
    Instant now = T0.plusSeconds(30);

    assertThat(sessions.revoke(session.id(), "admin@acme.example", "laptop stolen", now)).isTrue();
    assertThat(sessions.revoke(session.id(), "someone-else", "again", now.plusSeconds(1))).isFalse();
    assertThat(sessions.revoke("ses_unknown", "admin", "why", now)).isFalse();
    assertThat(sessions.revoke(expired.id(), "admin", "too late", expired.expiresAt())).isFalse();

    Session stored = sessions.findById(session.id()).orElseThrow();
    assertThat(stored.revocation()).isEqualTo(new Session.Revocation(now, "admin@acme.example", "laptop stolen"));
    assertThat(stored.isActive(now)).isFalse();
    assertThat(sessions.findById(expired.id()).orElseThrow().revocation()).isNull();
  }

  @StoreSpec
  void revokeByPrincipalAndByOrgReturnWhatTheyRevoked(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session a1 = sessions.create(Samples.session("acme", 1));
    Session a2 = sessions.create(Samples.session("acme", 2));
    Session alreadyRevoked = sessions.create(Samples.session("acme", 3));
    Session otherPrincipal = sessions.create(Samples.session("acme", 4, OTHER_PRINCIPAL, "00D000000000001!y"));
    Session otherOrg = sessions.create(otherOrgSession(5));
    Instant now = T0.plusSeconds(60);
    sessions.revoke(alreadyRevoked.id(), "admin", "earlier", now.minusSeconds(1));
    Session.Revocation byDetection = new Session.Revocation(now, "detection:impossible-travel", "risk raised");

    List<Session> byPrincipal = sessions.revokeByPrincipal(Samples.GITHUB_MAIN.issuer(),
        Samples.GITHUB_MAIN.subject(), "detection:impossible-travel", "risk raised", now);

    assertThat(byPrincipal).containsExactly(otherOrg.revoked(byDetection), a2.revoked(byDetection),
        a1.revoked(byDetection));
    assertThat(sessions.findById(alreadyRevoked.id()).orElseThrow().revocation().reason()).isEqualTo("earlier");
    assertThat(sessions.findById(otherPrincipal.id()).orElseThrow().revocation()).isNull();

    List<Session> byOrg = sessions.revokeByOrg("acme", "admin", "org frozen", now.plusSeconds(1));
    assertThat(byOrg).extracting(Session::id).containsExactly(otherPrincipal.id());
    assertThat(sessions.revokeByOrg("acme", "admin", "again", now.plusSeconds(2))).isEmpty();
    assertThat(sessions.listActive(now.plusSeconds(3), SessionRepository.Filter.ALL)).isEmpty();
  }

  @StoreSpec
  void usesAreCountedAndTheLastUseNeverMovesBack(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session s1 = sessions.create(Samples.session("acme", 1));
    Session s2 = sessions.create(Samples.session("acme", 2));

    assertThat(sessions.recordUse(s1.id(), 3, T0.plusSeconds(20))).isTrue();
    assertThat(sessions.recordUse(s1.id(), 2, T0.plusSeconds(10))).isTrue(); // a late batch
    assertThat(sessions.recordUse("ses_unknown", 1, T0)).isFalse();
    assertThat(sessions.recordUses(Map.of(s1.id(), 5L, s2.id(), 1L, "ses_unknown", 7L), T0.plusSeconds(30)))
        .isEqualTo(2);

    Session stored1 = sessions.findById(s1.id()).orElseThrow();
    assertThat(stored1.useCount()).isEqualTo(10);
    assertThat(stored1.lastUsedAt()).isEqualTo(T0.plusSeconds(30).truncatedTo(ChronoUnit.MICROS));
    assertThat(sessions.findById(s2.id()).orElseThrow().useCount()).isEqualTo(1);
  }

  @StoreSpec
  void aBadUseCountChangesNothing(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session s1 = sessions.create(Samples.session("acme", 1));
    sessions.recordUse(s1.id(), 1, T0.plusSeconds(5));

    assertThatThrownBy(() -> sessions.recordUses(Map.of(s1.id(), 4L, "ses_other", -1L), T0.plusSeconds(9)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> sessions.recordUse(s1.id(), 0, T0.plusSeconds(9)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(sessions.findById(s1.id()).orElseThrow()).extracting(Session::useCount, Session::lastUsedAt)
        .containsExactly(1L, T0.plusSeconds(5).truncatedTo(ChronoUnit.MICROS));
  }

  @StoreSpec
  void eachExpiryIsReportedOnce(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session s1 = sessions.create(Samples.session("acme", 1)); // expires T0+1s+15min
    Session s2 = sessions.create(Samples.session("acme", 2));
    Session revoked = sessions.create(Samples.session("acme", 3));
    Session later = sessions.create(otherOrgSession(4000));
    sessions.revoke(revoked.id(), "admin", "test", T0.plusSeconds(10));
    Instant afterAll = T0.plus(Duration.ofMinutes(20));
    List<List<Session>> reports = new ArrayList<>();

    assertThat(sessions.sweepExpired(afterAll, 1, reports::add)).containsExactly(s1);
    assertThat(sessions.sweepExpired(afterAll, 10, reports::add)).containsExactly(s2);
    assertThat(sessions.sweepExpired(afterAll, 10, reports::add)).isEmpty();

    assertThat(reports).containsExactly(List.of(s1), List.of(s2));
    assertThat(sessions.sweepExpired(later.expiresAt(), 10, reports::add)).containsExactly(later);
  }

  @StoreSpec
  void aFailedReportLeavesTheExpiryForTheNextSweep(StoreFixture fixture) {
    SessionRepository sessions = openWithAcme(fixture).sessions();
    Session s1 = sessions.create(Samples.session("acme", 1));
    Instant after = s1.expiresAt();

    assertThatThrownBy(() -> sessions.sweepExpired(after, 10, expired -> {
      throw new IllegalStateException("ledger unavailable");
    })).hasMessage("ledger unavailable");

    assertThat(sessions.sweepExpired(after, 10, expired -> {})).containsExactly(s1);
  }

  @StoreSpec
  void concurrentSweepersReportEveryExpiryExactlyOnce(StoreFixture fixture) throws Exception {
    Store first = openWithAcme(fixture);
    Store second = fixture.open(); // another replica on the same database
    int count = 60;
    Set<String> created = new HashSet<>();
    for (int i = 0; i < count; i++) {
      created.add(first.sessions().create(Samples.session("acme", i)).id());
    }
    Instant after = T0.plus(Duration.ofHours(1));
    List<String> reported = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> sweepers = new ArrayList<>();
    try (ExecutorService executor = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        SessionRepository sessions = (t % 2 == 0 ? first : second).sessions();
        sweepers.add(executor.submit(() -> {
          start.await();
          while (!sessions.sweepExpired(after, 7, expired -> expired.forEach(s -> reported.add(s.id())))
              .isEmpty()) {
            // sweep until nothing is left
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> sweeper : sweepers) {
        sweeper.get();
      }
    }
    assertThat(reported).hasSize(count).doesNotHaveDuplicates();
    assertThat(new HashSet<>(reported)).isEqualTo(created);
  }

  @StoreSpec
  void revocationsThroughTheStoreReachItsListenersBeforeTheCallReturns(StoreFixture fixture) {
    Store store = openWithAcme(fixture);
    SessionRepository sessions = store.sessions();
    Session s1 = sessions.create(Samples.session("acme", 1));
    Session s2 = sessions.create(Samples.session("acme", 2));
    Session s3 = sessions.create(otherOrgSession(3));
    List<Set<String>> heard = Collections.synchronizedList(new ArrayList<>());
    SessionRevocationFeed.Subscription subscription = store.sessionRevocations().subscribe(heard::add);
    Instant now = T0.plusSeconds(10);

    sessions.revoke(s1.id(), "admin", "test", now);
    assertThat(heard).contains(Set.of(s1.id()));
    sessions.revoke(s1.id(), "admin", "again", now); // changes nothing, announces nothing
    sessions.revokeByOrg("acme", "admin", "org frozen", now);
    assertThat(heard).contains(Set.of(s2.id()));
    subscription.close();
    sessions.revoke(s3.id(), "admin", "test", now);

    assertThat(heard).flatExtracting(ids -> ids).doesNotContain(s3.id()).containsOnly(s1.id(), s2.id());
  }
}
