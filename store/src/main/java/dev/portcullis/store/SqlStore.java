package dev.portcullis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The {@link Store} over SQLite or PostgreSQL.
 *
 * <p>Design note.
 *
 * <ul>
 *   <li><b>SQLite durability.</b> Every SQLite connection is opened with {@code journal_mode=WAL},
 *       {@code synchronous=FULL}, {@code busy_timeout=5000} and {@code foreign_keys=ON}, set by
 *       {@link SQLiteConfig} when the connection opens (these settings, except the journal mode,
 *       are per connection and would be lost on a connection opened any other way). WAL with
 *       {@code FULL} syncs the log at every commit, so an acknowledged commit survives a crash or
 *       power loss; with {@code NORMAL} it could roll back after power loss.
 *   <li><b>SQLite concurrency: one writer, a few readers.</b> SQLite allows one writer at a time.
 *       Writes go through a Hikari pool of exactly one connection whose transactions start with
 *       {@code BEGIN IMMEDIATE}: writers queue fairly in the pool instead of failing with {@code
 *       SQLITE_BUSY} on a lock upgrade, and the busy timeout only matters for other processes
 *       (the {@code sqlite3} shell, a second server by mistake). Reads go through a separate pool
 *       of read-only connections, which in WAL mode read the last committed snapshot without
 *       blocking the writer or being blocked by it. Hikari is used for both because it gives
 *       validation, bounded waits and the pool figures for free. An in-memory database exists
 *       only on its one connection, so it gets a single pool of one connection that never
 *       expires.
 *   <li><b>PostgreSQL.</b> One Hikari pool serves reads and writes. The pool is created eagerly,
 *       so an unreachable server fails {@link Store#open} at once with a message saying so.
 *   <li><b>Migrations.</b> Flyway applies {@code db/migration/<dialect>} at open, through the
 *       writer. {@link #readiness()} asks Flyway again each time (through the readers), so a
 *       database that another (newer) build migrated further, or whose history was lost, reports
 *       not ready. A newer history does not stop {@link Store#open} (Flyway ignores future
 *       migrations by default); the not-ready state keeps such a replica out of service.
 * </ul>
 */
final class SqlStore implements Store {

  static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;
  static final int SQLITE_READERS = 4;
  static final int POSTGRESQL_POOL_SIZE = 10;

  private final Dialect dialect;
  private final String description;
  private final HikariDataSource writer;
  private final HikariDataSource reader;
  private final Flyway flyway;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Jdbc jdbc;
  private final OrgRepository orgs;
  private final TokenIssuanceRepository tokenIssuances;
  private final PostgresLedgerStorage ledgerStorage;
  private final LedgerIndexRepository ledgerIndex;
  private final LedgerHandoff ledgerHandoff;
  private final SessionRevocationFeed sessionRevocations;
  private final SessionRepository sessions;
  private final RiskRepository risks;
  private final ApprovalRepository approvals;
  private final DeploymentRepository deployments;

  private SqlStore(
      Dialect dialect,
      String description,
      HikariDataSource writer,
      HikariDataSource reader,
      Flyway flyway,
      PostgresSessionRevocationFeed.ConnectionFactory dedicatedConnections) {
    this.dialect = dialect;
    this.description = description;
    this.writer = writer;
    this.reader = reader;
    // Readiness asks Flyway through the readers, so a health check never queues behind the
    // SQLite writer.
    this.flyway =
        reader == writer
            ? flyway
            : Flyway.configure(SqlStore.class.getClassLoader())
                .configuration(flyway.getConfiguration())
                .dataSource(reader)
                .load();
    this.jdbc = new Jdbc(dialect, writer, reader, closed::get);
    this.orgs = new JdbcOrgRepository(jdbc);
    this.tokenIssuances = new JdbcTokenIssuanceRepository(jdbc);
    this.ledgerStorage = dialect == Dialect.POSTGRESQL ? new PostgresLedgerStorage(writer, jdbc) : null;
    this.ledgerIndex = new JdbcLedgerIndexRepository(jdbc);
    this.risks = new JdbcRiskRepository(jdbc);
    this.approvals = new JdbcApprovalRepository(jdbc);
    this.deployments = new JdbcDeploymentRepository(jdbc);
    this.ledgerHandoff = ledgerStorage == null ? null : new LedgerHandoff(writer, jdbc, ledgerStorage);
    if (dialect == Dialect.POSTGRESQL) {
      PostgresSessionRevocationFeed feed =
          new PostgresSessionRevocationFeed(dedicatedConnections, jdbc, Clock.systemUTC());
      this.sessionRevocations = feed;
      this.sessions = new JdbcSessionRepository(jdbc, feed);
    } else {
      InProcessSessionRevocationFeed feed = new InProcessSessionRevocationFeed();
      this.sessionRevocations = feed;
      this.sessions = new JdbcSessionRepository(jdbc, feed);
    }
  }

  static Store open(StoreUrl url) {
    return switch (url) {
      case StoreUrl.SqliteFile file -> openSqliteFile(file);
      case StoreUrl.SqliteMemory memory -> openSqliteMemory(memory);
      case StoreUrl.Postgresql postgresql -> openPostgresql(postgresql);
    };
  }

  private static Store openSqliteFile(StoreUrl.SqliteFile url) {
    Path file = url.file();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new StoreException(
          StoreException.Code.UNAVAILABLE,
          "cannot create the directory " + file.getParent() + " for the SQLite database of '"
              + url.masked() + "': " + e,
          e);
    }
    String jdbcUrl = "jdbc:sqlite:" + file;
    HikariDataSource writer =
        pool(url, "portcullis-sqlite-writer", jdbcUrl, false, 1, true);
    try {
      Flyway flyway = migrate(url, Dialect.SQLITE, writer, null);
      // Readers are opened read-only, which needs the file to exist: so after the migration.
      HikariDataSource reader =
          pool(url, "portcullis-sqlite-reader", jdbcUrl, true, SQLITE_READERS, true);
      return new SqlStore(Dialect.SQLITE, "sqlite " + file, writer, reader, flyway, null);
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  private static Store openSqliteMemory(StoreUrl.SqliteMemory url) {
    // The database lives and dies with its one connection, which therefore never expires.
    HikariDataSource only =
        pool(url, "portcullis-sqlite-memory", "jdbc:sqlite::memory:", false, 1, false);
    try {
      Flyway flyway = migrate(url, Dialect.SQLITE, only, null);
      return new SqlStore(Dialect.SQLITE, "sqlite in memory", only, only, flyway, null);
    } catch (RuntimeException e) {
      only.close();
      throw e;
    }
  }

  private static Store openPostgresql(StoreUrl.Postgresql url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("portcullis-postgresql");
    config.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(config::setUsername);
    url.password().ifPresent(config::setPassword);
    config.addDataSourceProperty("connectTimeout", "10");
    config.addDataSourceProperty("ApplicationName", "portcullis");
    config.setMaximumPoolSize(POSTGRESQL_POOL_SIZE);
    config.setMinimumIdle(1);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw unreachable(url, e);
    }
    try {
      Flyway flyway = migrate(url, Dialect.POSTGRESQL, pool, url.schema().orElse(null));
      return new SqlStore(Dialect.POSTGRESQL, "postgresql " + url.masked(), pool, pool, flyway,
          applicationName -> dedicatedConnection(url, applicationName));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * A connection outside the pool, for a thread that holds it for its whole life (LISTEN). A
   * socket timeout makes a query on a silently dead connection fail instead of hanging.
   */
  private static Connection dedicatedConnection(StoreUrl.Postgresql url, String applicationName)
      throws SQLException {
    Properties properties = new Properties();
    url.user().ifPresent(user -> properties.setProperty("user", user));
    url.password().ifPresent(password -> properties.setProperty("password", password));
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "30");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  private static SQLiteDataSource sqlite(String jdbcUrl, boolean readOnly) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    if (readOnly) {
      // The journal mode is a property of the file, set by the writer; a read-only connection
      // cannot change it.
      config.setReadOnly(true);
    } else {
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    }
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl(jdbcUrl);
    return dataSource;
  }

  private static HikariDataSource pool(
      StoreUrl url,
      String name,
      String jdbcUrl,
      boolean readOnly,
      int size,
      boolean connectionsMayExpire) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setDataSource(sqlite(jdbcUrl, readOnly));
    // Hikari sets the read-only flag on every new connection; sqlite-jdbc refuses to change it
    // after opening, so it must agree with the flag the connection was opened with.
    config.setReadOnly(readOnly);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    if (!connectionsMayExpire) {
      config.setMaxLifetime(0);
      config.setIdleTimeout(0);
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          StoreException.Code.UNAVAILABLE,
          "cannot open the SQLite database '" + url.masked() + "': " + rootMessage(e),
          e);
    }
  }

  private static Flyway migrate(
      StoreUrl url, Dialect dialect, HikariDataSource dataSource, String schema) {
    FluentConfiguration configuration =
        Flyway.configure(SqlStore.class.getClassLoader())
            .dataSource(dataSource)
            .locations(dialect.migrationLocation())
            .failOnMissingLocations(true);
    if (schema != null) {
      configuration = configuration.schemas(schema).defaultSchema(schema);
    }
    Flyway flyway = configuration.load();
    try {
      flyway.migrate();
      return flyway;
    } catch (FlywayException e) {
      throw new StoreException(
          StoreException.Code.MIGRATION_FAILED,
          "migrating the " + dialect.id() + " store '" + url.masked() + "' failed: "
              + StoreUrl.mask(String.valueOf(e.getMessage())),
          e);
    }
  }

  private static StoreException unreachable(StoreUrl.Postgresql url, RuntimeException e) {
    SQLException sql = cause(e, SQLException.class);
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    String reason =
        switch (state.length() >= 2 ? state.substring(0, 2) : state) {
          case "08" -> "is unreachable (is PostgreSQL running and listening there?)";
          case "28" -> "refused the login (check user and password)";
          case "3D" -> "has no such database";
          default -> "could not be connected to";
        };
    return new StoreException(
        StoreException.Code.UNAVAILABLE,
        "PostgreSQL at " + url.hostAndPort() + " " + reason + ": " + rootMessage(e)
            + " (store URL '" + url.masked() + "')",
        e);
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return StoreUrl.mask(String.valueOf(root.getMessage()));
  }

  @Override
  public String dialect() {
    return dialect.id();
  }

  @Override
  public OrgRepository orgs() {
    return orgs;
  }

  @Override
  public TokenIssuanceRepository tokenIssuances() {
    return tokenIssuances;
  }

  @Override
  public SessionRepository sessions() {
    return sessions;
  }

  @Override
  public RiskRepository risks() {
    return risks;
  }

  @Override
  public ApprovalRepository approvals() {
    return approvals;
  }

  @Override
  public DeploymentRepository deployments() {
    return deployments;
  }

  @Override
  public SessionRevocationFeed sessionRevocations() {
    return sessionRevocations;
  }

  @Override
  public dev.portcullis.ledger.LedgerStorage ledgerStorage() {
    if (ledgerStorage == null) {
      throw new StoreException(StoreException.Code.UNSUPPORTED, "the ledger can live in PostgreSQL only; with "
          + description + " it is kept in files under DATA_DIR/ledger/ (ledger.backend: filesystem)");
    }
    return ledgerStorage;
  }

  @Override
  public LedgerIndexRepository ledgerIndex() {
    return ledgerIndex;
  }

  @Override
  public LedgerHandoff ledgerHandoff() {
    ledgerStorage();
    return ledgerHandoff;
  }

  @Override
  public Readiness readiness() {
    if (closed.get()) {
      return new Readiness(false, "the store is closed");
    }
    try (Connection connection = reader.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1")) {
      if (!result.next() || result.getInt(1) != 1) {
        return new Readiness(false, "SELECT 1 returned no row of 1");
      }
    } catch (SQLException e) {
      return new Readiness(
          false, "the database does not answer SELECT 1: " + StoreUrl.mask(e.getMessage()));
    }
    MigrationInfoService info;
    try {
      info = flyway.info();
    } catch (FlywayException e) {
      return new Readiness(
          false, "cannot read the migration history: " + StoreUrl.mask(e.getMessage()));
    }
    MigrationInfo[] pending = info.pending();
    if (pending.length > 0) {
      return new Readiness(
          false,
          pending.length + " migration(s) not applied: " + versions(Arrays.asList(pending))
              + " (the schema history is missing or behind this build)");
    }
    List<MigrationInfo> future =
        Arrays.stream(info.applied())
            .filter(
                m ->
                    m.getState() == MigrationState.FUTURE_SUCCESS
                        || m.getState() == MigrationState.FUTURE_FAILED)
            .toList();
    if (!future.isEmpty()) {
      return new Readiness(
          false,
          "the database schema has migration(s) " + versions(future)
              + " that this build does not know: it was migrated by a newer Portcullis");
    }
    List<MigrationInfo> failed =
        Arrays.stream(info.all()).filter(m -> m.getState().isFailed()).toList();
    if (!failed.isEmpty()) {
      return new Readiness(false, "migration(s) " + versions(failed) + " failed");
    }
    MigrationInfo current = info.current();
    return new Readiness(
        true,
        description + ", schema version "
            + (current == null || current.getVersion() == null ? "none" : current.getVersion()));
  }

  private static String versions(List<MigrationInfo> migrations) {
    return migrations.stream()
        .map(m -> String.valueOf(m.getVersion()))
        .collect(Collectors.joining(", "));
  }

  @Override
  public PoolStatistics poolStatistics() {
    PoolStatistics statistics = statistics(writer);
    if (reader != writer) {
      PoolStatistics readers = statistics(reader);
      statistics =
          new PoolStatistics(
              statistics.active() + readers.active(),
              statistics.idle() + readers.idle(),
              statistics.total() + readers.total(),
              statistics.waiting() + readers.waiting());
    }
    return statistics;
  }

  private static PoolStatistics statistics(HikariDataSource pool) {
    HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    if (bean == null || pool.isClosed()) {
      return new PoolStatistics(0, 0, 0, 0);
    }
    return new PoolStatistics(
        bean.getActiveConnections(),
        bean.getIdleConnections(),
        bean.getTotalConnections(),
        bean.getThreadsAwaitingConnection());
  }

  /** For tests in this package: run work on a writer or reader connection. */
  Jdbc jdbc() {
    return jdbc;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (ledgerHandoff != null) {
        ledgerHandoff.close();
      }
      if (sessionRevocations instanceof PostgresSessionRevocationFeed feed) {
        feed.close();
      }
      if (reader != writer) {
        reader.close();
      }
      writer.close();
    }
  }

  @Override
  public String toString() {
    return "Store[" + description + "]";
  }
}
