package dev.portcullis.store;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One database for one test: a fresh SQLite file in a temporary directory, or a fresh schema in
 * the test PostgreSQL. Opens stores on it, gives raw JDBC access for checks behind the store's
 * back, and removes everything on {@link #close()}.
 */
sealed interface StoreFixture extends AutoCloseable {

  /** Where the test PostgreSQL listens; the system property exists to try the failure path. */
  String POSTGRES_HOST_PORT = System.getProperty("portcullis.test.postgres", "127.0.0.1:5432");
  String POSTGRES_ADMIN_URL = "jdbc:postgresql://" + POSTGRES_HOST_PORT + "/test?connectTimeout=5";
  String POSTGRES_SKIP_VARIABLE = "PORTCULLIS_TEST_POSTGRES";

  /** {@code sqlite} or {@code postgresql}. */
  String dialect();

  /** The store URL for {@link Store#open}. */
  String url();

  /** The same database named another accepted way (absolute SQLite path, {@code jdbc:} prefix). */
  String alternativeUrl();

  /** The data directory for {@link Store#open}. */
  Path dataDir();

  /** A raw JDBC connection to the same database, bypassing the store. */
  Connection connect() throws SQLException;

  List<Store> opened();

  /** Opens a store on this fixture's database; it is closed by {@link #close()}. */
  default Store open() {
    return open(url());
  }

  /** Opens a store on {@code url} with this fixture's data directory; closed by {@link #close()}. */
  default Store open(String url) {
    Store store = Store.open(url, dataDir());
    opened().add(store);
    return store;
  }

  /** Runs SQL behind the store's back. */
  default void execute(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError("fixture SQL failed: " + sql, e);
    }
  }

  /** The first column of every row of {@code sql}, as strings. */
  default List<String> queryStrings(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    } catch (SQLException e) {
      throw new AssertionError("fixture query failed: " + sql, e);
    }
  }

  @Override
  default void close() {
    opened().forEach(Store::close);
    cleanUp();
  }

  void cleanUp();

  static StoreFixture create(String dialect) {
    return switch (dialect) {
      case "sqlite" -> Sqlite.create();
      case "postgresql" -> Postgresql.create();
      default -> throw new IllegalArgumentException(dialect);
    };
  }

  /** A SQLite file two directories below a fresh temporary directory (which open must create). */
  record Sqlite(Path dataDir, List<Store> opened) implements StoreFixture {

    static Sqlite create() {
      try {
        return new Sqlite(Files.createTempDirectory("portcullis-store-test"), new ArrayList<>());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Path file() {
      return dataDir.resolve("state/db/portcullis.db");
    }

    @Override
    public String dialect() {
      return "sqlite";
    }

    @Override
    public String url() {
      return "sqlite:state/db/portcullis.db";
    }

    @Override
    public String alternativeUrl() {
      return "sqlite:" + file();
    }

    @Override
    public Connection connect() throws SQLException {
      try {
        Files.createDirectories(file().getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Override
    public void cleanUp() {
      deleteRecursively(dataDir);
    }
  }

  /** A schema with a random name in the test database, dropped afterwards. */
  record Postgresql(String schema, List<Store> opened) implements StoreFixture {

    static Postgresql create() {
      String schema = "test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
      try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        String why =
            "PostgreSQL is not reachable at " + POSTGRES_HOST_PORT + " (database test, user"
                + " postgres, trust auth): " + e.getMessage().replaceFirst("\\.+$", "");
        if ("skip".equals(System.getenv(POSTGRES_SKIP_VARIABLE))) {
          Assumptions.abort(why + "; skipped because " + POSTGRES_SKIP_VARIABLE + "=skip");
        }
        fail(
            why + ". Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql)"
                + " main start. To skip the PostgreSQL tests instead, set "
                + POSTGRES_SKIP_VARIABLE + "=skip.",
            e);
      }
      return new Postgresql(schema, new ArrayList<>());
    }

    @Override
    public String dialect() {
      return "postgresql";
    }

    @Override
    public String url() {
      return "postgresql://" + POSTGRES_HOST_PORT + "/test?user=postgres&currentSchema=" + schema;
    }

    @Override
    public String alternativeUrl() {
      return "jdbc:" + url();
    }

    @Override
    public Path dataDir() {
      return null;
    }

    @Override
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(
          "jdbc:postgresql://" + POSTGRES_HOST_PORT + "/test?currentSchema=" + schema,
          "postgres",
          "");
    }

    @Override
    public void cleanUp() {
      try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new AssertionError("could not drop test schema " + schema, e);
      }
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
