package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the durability settings back from connections the store hands out. */
class SqlitePragmaTest {

  @TempDir Path dataDir;

  @Test
  void writerAndReaderConnectionsAreDurableAndCheckForeignKeys() {
    try (Store store = Store.open("sqlite:portcullis.db", dataDir)) {
      Jdbc jdbc = ((SqlStore) store).jdbc();

      for (Jdbc.Access access : Jdbc.Access.values()) {
        Map<String, String> pragmas =
            jdbc.inTransaction(access, "reading pragmas", SqlitePragmaTest::pragmas);
        assertThat(pragmas)
            .as("%s connection", access)
            .containsEntry("journal_mode", "wal")
            .containsEntry("synchronous", "2") // FULL
            .containsEntry("busy_timeout", "5000")
            .containsEntry("foreign_keys", "1");
      }
    }
  }

  @Test
  void anInMemoryStoreHasTheSameConnectionSettings() {
    try (Store store = Store.open("sqlite::memory:", null)) {
      Map<String, String> pragmas =
          ((SqlStore) store).jdbc().inTransaction(Jdbc.Access.WRITE, "reading", SqlitePragmaTest::pragmas);
      assertThat(pragmas)
          .containsEntry("journal_mode", "memory") // WAL does not apply to memory
          .containsEntry("synchronous", "2")
          .containsEntry("busy_timeout", "5000")
          .containsEntry("foreign_keys", "1");
    }
  }

  private static Map<String, String> pragmas(Connection connection) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement()) {
      for (String pragma : new String[] {"journal_mode", "synchronous", "busy_timeout", "foreign_keys"}) {
        try (ResultSet row = statement.executeQuery("PRAGMA " + pragma)) {
          values.put(pragma, row.next() ? row.getString(1) : null);
        }
      }
    }
    return values;
  }
}
