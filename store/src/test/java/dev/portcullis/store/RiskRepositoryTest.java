package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The {@link RiskRepository} contract, run against SQLite and PostgreSQL. */
class RiskRepositoryTest {
  private static final String GITHUB = "https://token.actions.githubusercontent.com";
  private static final String MAIN = "repo:acme/app:ref:refs/heads/main";

  @StoreSpec
  void aFirstScoreHasNoPreviousAndIsFoundAsSet(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();

    RiskRepository.Change change = risks.set(GITHUB, MAIN, 42.5, List.of("impossible travel"), "admin", Samples.T0);

    assertThat(change.previous()).isEmpty();
    assertThat(change.current()).isEqualTo(new PrincipalRisk(GITHUB, MAIN, 42.5, List.of("impossible travel"),
        "admin", Samples.T0, 1));
    assertThat(risks.find(GITHUB, MAIN)).contains(change.current());
    assertThat(risks.find(GITHUB, "someone else")).isEmpty();
    assertThat(risks.find("https://gitlab.com", MAIN)).as("a principal is its issuer and subject").isEmpty();
  }

  @StoreSpec
  void settingAgainReplacesScoreAndReasonsAndReportsTheRowBefore(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();
    PrincipalRisk first = risks.set(GITHUB, MAIN, 90, List.of("a", "b"), "admin", Samples.T0).current();

    RiskRepository.Change second = risks.set(GITHUB, MAIN, 0, List.of(), "detection:impossible-travel",
        Samples.T0.plusSeconds(5));

    assertThat(second.previous()).contains(first);
    assertThat(second.current().score()).isZero();
    assertThat(second.current().reasons()).isEmpty();
    assertThat(second.current().setBy()).isEqualTo("detection:impossible-travel");
    assertThat(second.current().version()).isEqualTo(first.version() + 1);
    assertThat(risks.find(GITHUB, MAIN)).contains(second.current());
    assertThat(fixture.queryStrings("SELECT count(*) FROM principal_risk")).containsExactly("1");
  }

  @StoreSpec
  void changedSinceReturnsLaterChangesInVersionOrder(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();
    PrincipalRisk a = risks.set(GITHUB, "a", 10, List.of("x"), "admin", Samples.T0).current();
    PrincipalRisk b = risks.set(GITHUB, "b", 20, List.of("y"), "admin", Samples.T0).current();
    PrincipalRisk a2 = risks.set(GITHUB, "a", 30, List.of("z"), "admin", Samples.T0).current();

    assertThat(risks.changedSince(0, 100)).containsExactly(b, a2);
    assertThat(risks.changedSince(a.version(), 100)).containsExactly(b, a2);
    assertThat(risks.changedSince(b.version(), 100)).containsExactly(a2);
    assertThat(risks.changedSince(a2.version(), 100)).isEmpty();
    assertThat(risks.changedSince(0, 1)).containsExactly(b);
    assertThat(risks.list(10)).containsExactly(a2, b);
    assertThat(risks.list(1)).containsExactly(a2);
  }

  @StoreSpec
  void concurrentChangesGetDistinctVersionsAndNoneIsMissed(StoreFixture fixture) throws Exception {
    RiskRepository risks = fixture.open().risks();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PrincipalRisk>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String subject = "s" + (i % 7);
        double score = i;
        futures.add(pool.submit(() -> risks.set(GITHUB, subject, score, List.of("n" + score), "admin",
            Samples.T0).current()));
      }
      List<Long> versions = new ArrayList<>();
      for (Future<PrincipalRisk> future : futures) {
        versions.add(future.get(30, TimeUnit.SECONDS).version());
      }
      assertThat(versions).doesNotHaveDuplicates().hasSize(40);
      assertThat(versions.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(40);
      // every principal's row is its last change
      for (PrincipalRisk row : risks.changedSince(0, 100)) {
        int last = -1;
        for (int i = 0; i < 40; i++) {
          if (("s" + (i % 7)).equals(row.subject()) && versions.get(i) == row.version()) {
            last = i;
          }
        }
        assertThat(last).as("row %s is one of its changes", row).isNotNegative();
        assertThat(row.score()).isEqualTo(last);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @StoreSpec
  void aBadScoreOrReasonIsRefusedAndNothingChanges(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();

    assertThatThrownBy(() -> risks.set(GITHUB, MAIN, 100.5, List.of("x"), "admin", Samples.T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 0 to 100, was 100.5");
    assertThatThrownBy(() -> risks.set(GITHUB, MAIN, -1, List.of("x"), "admin", Samples.T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1.0");
    assertThatThrownBy(() -> risks.set(GITHUB, MAIN, Double.NaN, List.of("x"), "admin", Samples.T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was NaN");
    assertThatThrownBy(() -> risks.set(GITHUB, MAIN, 5, List.of(" "), "admin", Samples.T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> risks.set(GITHUB, " ", 5, List.of("x"), "admin", Samples.T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("principal subject");

    assertThat(fixture.queryStrings("SELECT count(*) FROM principal_risk")).containsExactly("0");
    assertThat(fixture.queryStrings("SELECT version FROM principal_risk_version")).containsExactly("0");
  }

  @StoreSpec
  void reasonsKeepEveryCharacter(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();
    List<String> reasons = List.of("quote \" backslash \\ newline \n", "é 😀 \u2028", "[not, json]");

    risks.set(GITHUB, MAIN, 1, reasons, "admin", Samples.T0);

    assertThat(risks.find(GITHUB, MAIN).orElseThrow().reasons()).isEqualTo(reasons);
  }

  @StoreSpec
  void aRowAlteredBehindTheStoresBackIsRefusedWithItsPrincipal(StoreFixture fixture) {
    RiskRepository risks = fixture.open().risks();
    risks.set(GITHUB, MAIN, 1, List.of("x"), "admin", Samples.T0);
    fixture.execute("UPDATE principal_risk SET reasons = '[1]'");

    assertThatThrownBy(() -> risks.find(GITHUB, MAIN)).isInstanceOfSatisfying(StoreException.class, e -> {
      assertThat(e.code()).isEqualTo(StoreException.Code.QUERY_FAILED);
      assertThat(e.getMessage()).contains(MAIN).contains("other than strings");
    });
  }
}
