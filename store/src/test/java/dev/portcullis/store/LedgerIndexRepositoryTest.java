package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import dev.portcullis.store.LedgerIndexRepository.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerIndexRepositoryTest {

  static final Instant T0 = Instant.parse("2026-11-28T12:00:00.123Z");
  static final String COMMIT_A = "a".repeat(40);
  static final String COMMIT_B = "b".repeat(40);

  static IndexRow deploy(long idx, String kind, String org, String commit, String deployment, int minutes) {
    return new IndexRow(idx, kind, org, "github:octo", null, commit, deployment, T0.plusSeconds(60L * minutes));
  }

  static IndexRow decision(long idx, String org, String session, int minutes) {
    return new IndexRow(idx, "gateway.decision", org, "alice", session, null, null, T0.plusSeconds(60L * minutes));
  }

  /** Twelve entries over two orgs: deployments, decisions and a note. */
  static List<IndexRow> sample() {
    return List.of(
        new IndexRow(0, "server.started", null, null, null, null, null, T0),
        deploy(1, "deploy.requested", "acme", COMMIT_A, "dep-1", 1),
        decision(2, "acme", "s-1", 2),
        deploy(3, "deploy.approved", "acme", COMMIT_A, "dep-1", 3),
        decision(4, "globex", "s-2", 4),
        deploy(5, "deploy.completed", "acme", COMMIT_A, "dep-1", 5),
        deploy(6, "deploy.requested", "globex", COMMIT_B, "dep-2", 6),
        decision(7, "acme", "s-1", 7),
        deploy(8, "deploy.approved", "globex", COMMIT_B, "dep-2", 8),
        decision(9, "acme", "s-3", 9),
        deploy(10, "deploy.completed", "globex", COMMIT_B, "dep-2", 10),
        new IndexRow(11, "admin.note", "acme", "bob", null, null, null, T0.plusSeconds(660)));
  }

  @StoreSpec
  void anEmptyIndexHasNoHighestIndex(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();

    assertThat(index.highestIndexed()).isEqualTo(-1);
    assertThat(index.search(Query.all(10))).isEmpty();
  }

  @StoreSpec
  void rowsComeBackExactlyAndInLogOrder(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    List<IndexRow> rows = sample();

    index.put(rows.subList(6, 12));
    index.put(rows.subList(0, 6));

    assertThat(index.highestIndexed()).isEqualTo(11);
    assertThat(index.search(Query.all(100))).containsExactlyElementsOf(rows);
  }

  @StoreSpec
  void everyFilterNarrowsTheSearch(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());
    Query all = Query.all(100);

    assertThat(indexes(index.search(all.withKind("deploy.approved")))).containsExactly(3L, 8L);
    assertThat(indexes(index.search(all.withOrg("globex")))).containsExactly(4L, 6L, 8L, 10L);
    assertThat(indexes(index.search(all.withActor("bob")))).containsExactly(11L);
    assertThat(indexes(index.search(all.withSession("s-1")))).containsExactly(2L, 7L);
    assertThat(indexes(index.search(all.withCommit(COMMIT_B)))).containsExactly(6L, 8L, 10L);
    assertThat(indexes(index.search(all.withDeploymentId("dep-1")))).containsExactly(1L, 3L, 5L);
    assertThat(indexes(index.search(all.withKind("gateway.decision").withOrg("acme"))))
        .containsExactly(2L, 7L, 9L);
    assertThat(indexes(index.search(all.withKind("gateway.decision").withOrg("nobody")))).isEmpty();
  }

  @StoreSpec
  void commitAndDeploymentLookupsUseIndexesHoldingOnlyTheRowsThatHaveThem(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());

    assertThat(index.search(Query.all(100).withCommit(COMMIT_A))).extracting(IndexRow::idx).containsExactly(1L, 3L, 5L);
    assertThat(index.search(Query.all(100).withDeploymentId("dep-2"))).extracting(IndexRow::idx)
        .containsExactly(6L, 8L, 10L);
    if (fixture.dialect().equals("sqlite")) {
      // the partial indexes (V8) hold the six deployment rows only, and a lookup by value still uses them
      assertThat(fixture.queryStrings("SELECT count(*) FROM ledger_index INDEXED BY ledger_index_by_commit"
          + " WHERE commit_sha IS NOT NULL")).containsExactly("6");
      for (String[] lookup : new String[][] {{"commit_sha", "ledger_index_by_commit"},
          {"deployment_id", "ledger_index_by_deployment"}}) {
        try (java.sql.Connection connection = fixture.connect();
            java.sql.ResultSet plan = connection.createStatement().executeQuery(
                "EXPLAIN QUERY PLAN SELECT idx FROM ledger_index WHERE " + lookup[0] + " = 'x'")) {
          StringBuilder details = new StringBuilder();
          while (plan.next()) {
            details.append(plan.getString("detail")).append('\n');
          }
          assertThat(details.toString()).contains(lookup[1]);
        } catch (java.sql.SQLException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @StoreSpec
  void sinceIsInclusiveAndUntilExclusive(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());

    Query window = Query.all(100).withSince(T0.plusSeconds(180)).withUntil(T0.plusSeconds(420));

    assertThat(indexes(index.search(window))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(indexes(index.search(Query.all(100).withSince(T0.plusMillis(1))))).startsWith(1L);
    assertThat(indexes(index.search(Query.all(100).withUntil(T0.plusMillis(1))))).containsExactly(0L);
  }

  @StoreSpec
  void pagesFollowEachOtherWithoutGapsOrRepeats(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());
    Query query = Query.all(3).withOrg("acme");

    List<Long> seen = new ArrayList<>();
    List<IndexRow> page = index.search(query);
    while (!page.isEmpty()) {
      assertThat(page).hasSizeLessThanOrEqualTo(3);
      seen.addAll(indexes(page));
      page = index.search(query.withAfterIndex(page.getLast().idx()));
    }

    assertThat(seen).containsExactly(1L, 2L, 3L, 5L, 7L, 9L, 11L);
  }

  @StoreSpec
  void puttingTheSameRowsAgainChangesNothing(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample().subList(0, 8));

    index.put(sample()); // overlaps 0..7, adds 8..11

    assertThat(index.search(Query.all(100))).containsExactlyElementsOf(sample());
    assertThat(fixture.queryStrings("SELECT count(*) FROM ledger_index")).containsExactly("12");
  }

  @StoreSpec
  void aDifferentRowForATakenIndexIsRefusedAndTheBatchIsNotStored(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample().subList(0, 4));
    IndexRow forged = deploy(3, "deploy.approved", "acme", COMMIT_B, "dep-1", 3);
    List<IndexRow> batch = List.of(sample().get(4), forged, sample().get(5));

    assertThatThrownBy(() -> index.put(batch))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
              assertThat(e.getMessage())
                  .startsWith("indexing ledger entry 3: the index already holds")
                  .contains("reindex", "nothing of this batch of 3 was stored");
            });

    assertThat(index.highestIndexed()).isEqualTo(3);
    assertThat(index.search(Query.all(100))).containsExactlyElementsOf(sample().subList(0, 4));
  }

  @StoreSpec
  void clearEmptiesTheIndexForARebuild(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());

    index.clear();

    assertThat(index.highestIndexed()).isEqualTo(-1);
    index.put(sample());
    assertThat(index.search(Query.all(100))).containsExactlyElementsOf(sample());
  }

  @StoreSpec
  void filterValuesAreParametersNotSql(StoreFixture fixture) {
    LedgerIndexRepository index = fixture.open().ledgerIndex();
    index.put(sample());

    assertThat(index.search(Query.all(100).withOrg("acme' OR '1'='1"))).isEmpty();
    assertThat(index.highestIndexed()).isEqualTo(11);
  }

  @Test
  void rowsAndQueriesRefuseNonsense() {
    assertThatThrownBy(() -> new IndexRow(-1, "a.b", null, null, null, null, null, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Query.all(0)).hasMessageContaining("limit must be 1 to 10000");
    assertThatThrownBy(() -> Query.all(1).withAfterIndex(-2)).hasMessageContaining("afterIndex");
    assertThat(new IndexRow(0, "a.b", null, null, null, null, null, Instant.parse("2026-01-01T00:00:00.123999Z")).time())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
  }

  private static List<Long> indexes(List<IndexRow> rows) {
    return rows.stream().map(IndexRow::idx).toList();
  }
}
