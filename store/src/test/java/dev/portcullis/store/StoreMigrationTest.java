package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreMigrationTest {

  @StoreSpec
  void openAppliesTheDialectsMigrations(StoreFixture fixture) {
    Store store = fixture.open();

    assertThat(store.dialect()).isEqualTo(fixture.dialect());
    assertThat(
            fixture.queryStrings(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                    + " ORDER BY installed_rank"))
        .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    assertThat(fixture.queryStrings("SELECT count(*) FROM org")).containsExactly("0");
    assertThat(fixture.queryStrings("SELECT count(*) FROM token_issuance")).containsExactly("0");
    assertThat(fixture.queryStrings("SELECT count(*) FROM ledger_index")).containsExactly("0");
    assertThat(fixture.queryStrings("SELECT count(*) FROM session")).containsExactly("0");
    assertThat(fixture.queryStrings("SELECT count(*) FROM principal_risk")).containsExactly("0");
  }

  @StoreSpec
  void reopeningMigratesNothingAndKeepsData(StoreFixture fixture) {
    Store first = fixture.open();
    first.orgs().upsert(Samples.org("acme", "00D000000000001"));
    first.close();

    Store second = fixture.open();

    assertThat(second.orgs().findByAlias("acme")).isPresent();
    assertThat(fixture.queryStrings("SELECT count(*) FROM flyway_schema_history WHERE version = '1'"))
        .containsExactly("1");
  }

  @StoreSpec
  void everyAcceptedFormOfTheUrlOpensTheSameDatabase(StoreFixture fixture) {
    fixture.open().orgs().upsert(Samples.org("acme", "00D000000000001"));

    Store again = fixture.open(fixture.alternativeUrl());

    assertThat(again.orgs().findByAlias("acme")).isPresent();
  }

  @StoreSpec
  void aNonEmptyDatabaseWithoutMigrationHistoryIsNotTouched(StoreFixture fixture) {
    fixture.execute("CREATE TABLE unrelated (x INTEGER)");

    assertThatThrownBy(fixture::open)
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.MIGRATION_FAILED);
              assertThat(e.getMessage())
                  .startsWith("migrating the " + fixture.dialect() + " store '")
                  .containsIgnoringCase("non-empty");
            });
    assertThat(fixture.queryStrings("SELECT count(*) FROM unrelated")).containsExactly("0");
  }
}
