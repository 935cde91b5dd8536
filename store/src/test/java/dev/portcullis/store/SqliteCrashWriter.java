package dev.portcullis.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Child process of {@link SqliteCrashIT}: opens a SQLite store in the directory given as the only
 * argument and appends token issuances until it is killed, printing {@code ACK n} on stdout after
 * issuance {@code n} is committed (the id of issuance n is {@code new UUID(0, n)}).
 */
final class SqliteCrashWriter {

  static final String ORG = "crash";

  private SqliteCrashWriter() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Store store = Store.open("sqlite:crash/portcullis.db", Path.of(args[0]));
    store.orgs().upsert(Samples.org(ORG, "00D000000000001"));
    out.println("READY");
    out.flush();
    for (long n = 0; ; n++) {
      store.tokenIssuances().append(issuance(n));
      out.println("ACK " + n);
      out.flush();
    }
  }

  static TokenIssuance issuance(long n) {
    return new TokenIssuance(
        new UUID(0, n),
        ORG,
        Samples.T0.plusMillis(n),
        null,
        "crash-writer",
        "crash-test",
        TokenIssuance.fingerprint("token-" + n));
  }
}
