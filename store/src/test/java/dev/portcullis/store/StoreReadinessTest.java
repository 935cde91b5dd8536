package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreReadinessTest {

  @StoreSpec
  void aFreshlyOpenedStoreIsReady(StoreFixture fixture) {
    Store store = fixture.open();

    Store.Readiness readiness = store.readiness();

    assertThat(readiness.ready()).as(readiness.detail()).isTrue();
    assertThat(readiness.detail()).startsWith(fixture.dialect()).endsWith("schema version 8");
  }

  @StoreSpec
  void aClosedStoreIsNotReadyAndRefusesWork(StoreFixture fixture) {
    Store store = fixture.open();

    store.close();
    store.close(); // idempotent

    assertThat(store.readiness()).isEqualTo(new Store.Readiness(false, "the store is closed"));
    assertThatThrownBy(() -> store.orgs().list())
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CLOSED);
              assertThat(e.getMessage()).isEqualTo("listing orgs: the store is closed");
            });
    assertThat(store.poolStatistics()).isEqualTo(new Store.PoolStatistics(0, 0, 0, 0));
  }

  @StoreSpec
  void aSchemaMigratedByANewerBuildIsNotReady(StoreFixture fixture) {
    Store store = fixture.open();

    fixture.execute(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
            + " checksum, installed_by, execution_time, success)"
            + " VALUES (99, '99', 'from a newer build', 'SQL', 'V99__newer.sql', 0, 'test', 0,"
            + " true)");

    Store.Readiness readiness = store.readiness();
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.detail()).contains("99", "newer Portcullis");
  }

  @StoreSpec
  void aLostMigrationHistoryIsNotReady(StoreFixture fixture) {
    Store store = fixture.open();

    fixture.execute("DROP TABLE flyway_schema_history");

    Store.Readiness readiness = store.readiness();
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.detail()).contains("8 migration(s) not applied: 1, 2, 3, 4, 5, 6, 7, 8");
  }

  @StoreSpec
  void poolStatisticsCountOpenConnections(StoreFixture fixture) {
    Store store = fixture.open();
    store.orgs().list();

    Store.PoolStatistics statistics = store.poolStatistics();

    assertThat(statistics.total()).isPositive();
    assertThat(statistics.active()).isZero();
    assertThat(statistics.idle()).isEqualTo(statistics.total());
    assertThat(statistics.waiting()).isZero();
  }
}
