package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TokenIssuanceRepositoryTest {

  @StoreSpec
  void appendedIssuancesComeBackNewestFirst(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    store.orgs().upsert(Samples.org("other", "00D000000000002"));
    TokenIssuance first = Samples.issuance("acme", 1);
    TokenIssuance second = Samples.issuance("acme", 2);
    TokenIssuance noExpiry =
        new TokenIssuance(
            UUID.randomUUID(),
            "acme",
            Samples.T0.plusSeconds(3),
            null,
            "ci:repo:acme/app:ref:refs/heads/main",
            "deploy",
            TokenIssuance.fingerprint("another token"));

    store.tokenIssuances().append(first);
    store.tokenIssuances().append(second);
    store.tokenIssuances().append(noExpiry);
    store.tokenIssuances().append(Samples.issuance("other", 1));

    TokenIssuanceRepository issuances = store.tokenIssuances();
    assertThat(issuances.listByOrg("acme", 10)).containsExactly(noExpiry, second, first);
    assertThat(issuances.listByOrg("acme", 2)).containsExactly(noExpiry, second);
    assertThat(issuances.listByOrg("acme", 0)).isEmpty();
    assertThat(issuances.countByOrg("acme")).isEqualTo(3);
    assertThat(issuances.countByOrg("other")).isEqualTo(1);
    assertThat(issuances.countByOrg("nobody")).isZero();
  }

  @StoreSpec
  void onlyTheFingerprintIsStored(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    String token = "00Dxx0000001gPL!AQ0AQsecret-access-token";
    TokenIssuance issuance =
        new TokenIssuance(
            UUID.randomUUID(),
            "acme",
            Samples.T0,
            null,
            "integration@acme.example",
            "gateway-session",
            TokenIssuance.fingerprint(token));

    store.tokenIssuances().append(issuance);

    assertThat(fixture.queryStrings("SELECT token_fingerprint FROM token_issuance"))
        .containsExactly(TokenIssuance.fingerprint(token));
    assertThat(fixture.queryStrings("SELECT subject || purpose || token_fingerprint FROM token_issuance"))
        .noneMatch(row -> row.contains(token));
  }

  @StoreSpec
  void anIssuanceForAnUnknownOrgIsRejectedAndNothingIsStored(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    store.tokenIssuances().append(Samples.issuance("acme", 1));

    assertThatThrownBy(() -> store.tokenIssuances().append(Samples.issuance("ghost", 2)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
              assertThat(e.getMessage()).contains("org 'ghost'", "nothing was changed");
            });

    assertThat(fixture.queryStrings("SELECT count(*) FROM token_issuance")).containsExactly("1");
  }

  @StoreSpec
  void aReusedIdIsRejectedAndTheOriginalRowIsKept(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    TokenIssuance original = Samples.issuance("acme", 1);
    store.tokenIssuances().append(original);
    TokenIssuance impostor =
        new TokenIssuance(
            original.id(),
            "acme",
            Samples.T0.plusSeconds(99),
            null,
            "someone-else",
            "deploy",
            TokenIssuance.fingerprint("other"));

    assertThatThrownBy(() -> store.tokenIssuances().append(impostor))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
              assertThat(e.getMessage()).contains(original.id().toString());
            });

    assertThat(store.tokenIssuances().listByOrg("acme", 10)).containsExactly(original);
  }

  @StoreSpec
  void anExpiryBeforeIssueIsRejected(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    TokenIssuance backwards =
        new TokenIssuance(
            UUID.randomUUID(),
            "acme",
            Samples.T0,
            Samples.T0.minusSeconds(1),
            "someone",
            "deploy",
            TokenIssuance.fingerprint("t"));

    assertThatThrownBy(() -> store.tokenIssuances().append(backwards))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code())
        .isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
    assertThat(store.tokenIssuances().countByOrg("acme")).isZero();
  }

  @StoreSpec
  void aBatchWithOneBadRowStoresNothing(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    TokenIssuance bad = Samples.issuance("ghost", 2);
    List<TokenIssuance> batch =
        List.of(Samples.issuance("acme", 1), bad, Samples.issuance("acme", 3));

    assertThatThrownBy(() -> store.tokenIssuances().appendAll(batch))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
              assertThat(e.getMessage()).contains(bad.id().toString(), "batch of 3");
            });

    assertThat(store.tokenIssuances().countByOrg("acme")).isZero();
    store.tokenIssuances().appendAll(List.of(Samples.issuance("acme", 4), Samples.issuance("acme", 5)));
    assertThat(store.tokenIssuances().countByOrg("acme")).isEqualTo(2);
  }

  @StoreSpec
  void theTableIsAppendOnlyEvenBehindTheStoresBack(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    TokenIssuance original = Samples.issuance("acme", 1);
    store.tokenIssuances().append(original);

    assertThatThrownBy(() -> fixture.execute("UPDATE token_issuance SET subject = 'forged'"))
        .isInstanceOf(AssertionError.class)
        .cause()
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> fixture.execute("DELETE FROM token_issuance"))
        .isInstanceOf(AssertionError.class)
        .cause()
        .hasMessageContaining("append-only");

    assertThat(store.tokenIssuances().listByOrg("acme", 10)).containsExactly(original);
  }

  @StoreSpec
  void concurrentWritersAreAllStored(StoreFixture fixture) throws Exception {
    Store store = fixture.open();
    store.orgs().upsert(Samples.org("acme", "00D000000000001"));
    int writers = 4;
    int each = 25;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> results = new ArrayList<>();
    try (ExecutorService executor = Executors.newFixedThreadPool(writers)) {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        results.add(
            executor.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    store.tokenIssuances().append(Samples.issuance("acme", writer * each + i));
                    store.tokenIssuances().countByOrg("acme");
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> result : results) {
        result.get();
      }
    }

    assertThat(store.tokenIssuances().countByOrg("acme")).isEqualTo(writers * each);
  }

  @Test
  void fingerprintIsLowerCaseHexSha256() {
    // FIPS 180-2 test vector: SHA-256("abc").
    assertThat(TokenIssuance.fingerprint("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aTokenGivenInPlaceOfItsFingerprintIsRefused() {
    assertThatThrownBy(
            () ->
                new TokenIssuance(
                    UUID.randomUUID(), "acme", Samples.T0, null, "s", "p", "eyJhbGciOiJSUzI1NiJ9.x.y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lower-case hex")
        .hasMessageNotContaining("eyJ");
  }
}
