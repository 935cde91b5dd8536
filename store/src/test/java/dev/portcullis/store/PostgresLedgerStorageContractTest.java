package dev.portcullis.store;

import dev.portcullis.ledger.LedgerStorage;
import dev.portcullis.ledger.LedgerStorageContract;

/** The storage contract both ledger backends pass, on PostgreSQL (a fresh schema per test). */
class PostgresLedgerStorageContractTest extends LedgerStorageContract {
  private StoreFixture fixture;

  @Override
  protected LedgerStorage newStorage() {
    fixture = StoreFixture.create("postgresql");
    return fixture.open().ledgerStorage();
  }

  @Override
  @org.junit.jupiter.api.AfterEach
  public void closeStorage() throws java.io.IOException {
    try {
      super.closeStorage();
    } finally {
      fixture.close();
    }
  }
}
