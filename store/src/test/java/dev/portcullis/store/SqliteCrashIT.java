package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged SQLite commit survives SIGKILL of the writing process: a child JVM writes in a
 * loop and acknowledges each commit on stdout; after enough acknowledgements the parent kills it
 * mid-stream, reopens the store, and finds every acknowledged row and an intact database.
 * Synchronisation is on the child's output only: no sleeps.
 */
class SqliteCrashIT {

  static final int ACKNOWLEDGEMENTS_BEFORE_KILL = 200;

  @TempDir Path dataDir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not an assertion
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    Path stderr = dataDir.resolve("child-stderr.txt");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SqliteCrashWriter.class.getName(),
                dataDir.toString())
            .redirectError(stderr.toFile())
            .start();
    List<Long> acknowledged = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < ACKNOWLEDGEMENTS_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(Long.parseLong(line.substring(4)));
        }
      }
      assertThat(acknowledged)
          .as("acknowledgements before the child stopped; its stderr: %s", read(stderr))
          .hasSize(ACKNOWLEDGEMENTS_BEFORE_KILL);

      // SIGKILL on Linux: no shutdown hooks, no close(). Through the ProcessHandle, because
      // Process.destroyForcibly() also closes our end of the child's stdout, which is read on.
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor()).as("exit status of a SIGKILLed process").isEqualTo(137);

      // Whatever the child acknowledged before it died counts too.
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(Long.parseLong(line.substring(4)));
        }
      }
    } finally {
      child.destroyForcibly();
    }

    Path file = dataDir.resolve("crash/portcullis.db");
    assertThat(integrityCheck(file)).containsExactly("ok");
    try (Store store = Store.open("sqlite:crash/portcullis.db", dataDir)) {
      assertThat(store.readiness().ready()).isTrue();
      Set<UUID> stored = new HashSet<>();
      store.tokenIssuances().listByOrg(SqliteCrashWriter.ORG, Integer.MAX_VALUE).forEach(i -> stored.add(i.id()));
      for (long n : acknowledged) {
        assertThat(stored).as("acknowledged write %d", n).contains(new UUID(0, n));
      }
      assertThat(store.tokenIssuances().listByOrg(SqliteCrashWriter.ORG, 1))
          .allSatisfy(
              newest ->
                  assertThat(newest)
                      .isEqualTo(SqliteCrashWriter.issuance(newest.id().getLeastSignificantBits())));
    }
  }

  private static List<String> integrityCheck(Path file) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
      List<String> result = new ArrayList<>();
      while (rows.next()) {
        result.add(rows.getString(1));
      }
      return result;
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }
}
