package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis ledger} with {@code ledger.backend: postgresql}: while a server sequences, {@code append} hands
 * its entries to it through the database; with the server stopped, the command sequences itself; search, reindex
 * and verify read the shared database (a fresh schema of the test PostgreSQL at 127.0.0.1:5432).
 */
class LedgerPostgresCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private String schema;
  private Path data;

  @BeforeEach
  void schemaAndConfig() throws Exception {
    schema = "test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    try {
      sql("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if ("skip".equals(System.getenv("PORTCULLIS_TEST_POSTGRES"))) {
        Assumptions.abort("PostgreSQL is not reachable; skipped because PORTCULLIS_TEST_POSTGRES=skip");
      }
      throw e;
    }
    data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
        storage:
          url: postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=%s
        ledger:
          backend: postgresql
          witness_interval: 1s
        """.formatted(schema));
  }

  @AfterEach
  void dropSchema() throws SQLException {
    sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static void sql(String statement) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }

  private static MainTest.Run withStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return MainTest.run(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void appendHandsOverToTheSequencingServerAndSequencesItselfWhenNoneRuns() throws Exception {
    String notes = "{\"actor\":\"alice\",\"note\":\"one\"}\n{\"actor\":\"bob\",\"note\":\"two\"}\n";
    try (PortcullisServer server = PortcullisServer.start(ConfigLoader.load(data.resolve("portcullis.yaml"), Map.of()),
        data)) {
      MainTest.Run handed = withStdin(notes, "ledger", "append", "--kind", "admin.note", "--data-dir", data.toString());
      assertThat(handed.exitCode()).as(handed.err()).isZero();
      assertThat(handed.out()).isEqualTo("{\"index\":1}\n{\"index\":2}\n"); // entry 0 is server.started
      server.ledger().orElseThrow().awaitIndexed(Duration.ofSeconds(30));
      MainTest.Run search = MainTest.run("ledger", "search", "--data-dir", data.toString(), "--actor", "bob", "--json");
      assertThat(search.exitCode()).as(search.err()).isZero();
      JsonNode found = JSON.readTree(search.out()).get("entries");
      assertThat(found).hasSize(1);
      assertThat(found.get(0).get("index").asLong()).isEqualTo(2);
      MainTest.Run online = MainTest.run("ledger", "verify", "--url", server.adminUrl().toString());
      assertThat(online.exitCode()).as(online.out() + online.err()).isZero();
    }
    MainTest.Run alone = withStdin("{\"actor\":\"carol\",\"note\":\"three\"}\n",
        "ledger", "append", "--kind", "admin.note", "--data-dir", data.toString());
    assertThat(alone.exitCode()).as(alone.err()).isZero();
    assertThat(alone.out()).isEqualTo("{\"index\":3}\n");
    MainTest.Run reindex = MainTest.run("ledger", "reindex", "--data-dir", data.toString(), "--json");
    assertThat(reindex.exitCode()).as(reindex.err()).isZero();
    assertThat(JSON.readTree(reindex.out()).get("indexed").asLong()).isEqualTo(4);
    MainTest.Run offline = MainTest.run("ledger", "verify", "--data-dir", data.toString(), "--json");
    assertThat(offline.exitCode()).as(offline.out() + offline.err()).isZero();
    assertThat(JSON.readTree(offline.out()).get("size").asLong()).isEqualTo(4);
    assertThat(data.resolve("ledger")).doesNotExist(); // the PostgreSQL backend keeps nothing in files
  }
}
