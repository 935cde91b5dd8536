package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

class OrgRepositoryTest {

  @StoreSpec
  void upsertInsertsAndFindsTheSameOrg(StoreFixture fixture) {
    OrgRepository orgs = fixture.open().orgs();
    Org acme = Samples.org("acme", "00D000000000001AAA");

    Org stored = orgs.upsert(acme);

    assertThat(stored).isEqualTo(acme);
    assertThat(orgs.findByAlias("acme")).contains(acme);
    assertThat(orgs.findByAlias("nobody")).isEmpty();
  }

  @StoreSpec
  void upsertUpdatesEverythingButCreatedAt(StoreFixture fixture) {
    OrgRepository orgs = fixture.open().orgs();
    Org original = orgs.upsert(Samples.org("acme", "00D000000000001"));
    Org changed =
        new Org(
            "acme",
            "00D000000000002",
            Org.Environment.SANDBOX,
            URI.create("https://acme--uat.sandbox.my.salesforce.com"),
            URI.create("https://test.salesforce.com"),
            Samples.T0.plusSeconds(3600), // ignored on update
            Samples.T0.plusSeconds(7200));

    Org stored = orgs.upsert(changed);

    assertThat(stored.createdAt()).isEqualTo(original.createdAt());
    assertThat(stored)
        .usingRecursiveComparison()
        .ignoringFields("createdAt")
        .isEqualTo(changed);
    assertThat(orgs.list()).containsExactly(stored);
  }

  @StoreSpec
  void listIsOrderedByAlias(StoreFixture fixture) {
    OrgRepository orgs = fixture.open().orgs();
    orgs.upsert(Samples.org("zeta", "00D000000000003"));
    orgs.upsert(Samples.org("alpha", "00D000000000001"));
    orgs.upsert(Samples.org("mid", "00D000000000002"));

    assertThat(orgs.list()).extracting(Org::alias).containsExactly("alpha", "mid", "zeta");
  }

  @StoreSpec
  void aSecondAliasForTheSameOrgIdIsRejectedAndChangesNothing(StoreFixture fixture) {
    OrgRepository orgs = fixture.open().orgs();
    Org acme = orgs.upsert(Samples.org("acme", "00D000000000001"));
    Org other = orgs.upsert(Samples.org("other", "00D000000000002"));

    assertThatThrownBy(() -> orgs.upsert(Samples.org("copy", "00D000000000001")))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.code()).isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);
              assertThat(e.getMessage())
                  .contains("org 'copy'", "00D000000000001", "nothing was changed");
            });
    // Updating an existing alias onto a taken org ID fails the same way.
    assertThatThrownBy(() -> orgs.upsert(Samples.org("other", "00D000000000001")))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code())
        .isEqualTo(StoreException.Code.CONSTRAINT_VIOLATION);

    assertThat(orgs.list()).containsExactly(acme, other);
  }

  @StoreSpec
  void theDatabaseRejectsAnInvalidOrgIdWrittenBehindTheStoresBack(StoreFixture fixture) {
    fixture.open();

    assertThatThrownBy(
            () ->
                fixture.execute(
                    "INSERT INTO org VALUES ('bad', 'not-an-org-id', 'production', 'https://x',"
                        + " 'https://y', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"))
        .isInstanceOf(AssertionError.class);
    assertThat(fixture.queryStrings("SELECT count(*) FROM org")).containsExactly("0");
  }
}
