package dev.portcullis.cli;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.server.SigningKey;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.ledger.LedgerIdentity;
import dev.portcullis.server.ledger.ServerLedger;
import dev.portcullis.store.Store;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code portcullis ledger} finds the ledger: offline in a data directory ({@code DATA_DIR/ledger/}, or
 * PostgreSQL when the configuration says {@code ledger.backend: postgresql}), or a running server's
 * {@code /ledger/} routes with {@code --url}; and which key its checkpoints must verify with.
 */
final class LedgerLocation implements AutoCloseable {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The server's data directory (ledger under DIR/ledger/). Default: ${DEFAULT-VALUE}.",
      defaultValue = "${env:PORTCULLIS_DATA_DIR:-./data}")
  Path dataDir;

  @Option(names = "--url", paramLabel = "URL", description = "A running server's admin URL; wins over --data-dir.")
  URI url;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (for the store and the ledger backend). Default: DATA_DIR/portcullis.yaml if present.")
  Path config;

  @Option(names = "--vkey", paramLabel = "KEY",
      description = "The log's verifier key (<name>+<id>+<key>). Default: the data directory's own key, or the server's.")
  String vkey;

  private Store store;

  boolean remote() {
    return url != null;
  }

  /**
   * The base URL of the ledger routes, with a trailing slash: the admin URL plus {@code /ledger/}, or the URL itself
   * when it already ends in {@code /ledger} (a static web server serving a copy of {@code DATA_DIR/ledger/}).
   */
  URI ledgerUrl() {
    String base = url.toString().replaceAll("/+$", "");
    return URI.create(base.endsWith("/ledger") ? base + "/" : base + "/ledger/");
  }

  /** The configuration, if one is given or lies in the data directory. */
  Optional<Config> configuration() {
    Path file = config != null ? config : dataDir.resolve("portcullis.yaml");
    if (config == null && !Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ConfigLoader.load(file, System.getenv()));
    } catch (ConfigException e) {
      throw Problems.asCliException(e);
    }
  }

  Config.Ledger ledgerConfig() {
    return configuration().map(Config::ledger).orElse(Config.Ledger.defaults());
  }

  boolean postgresql() {
    return !remote() && ledgerConfig().backend() == Config.Ledger.Backend.POSTGRESQL;
  }

  /** The store named by the configuration (opened once; closed with this location). */
  Store store() {
    if (store == null) {
      String storeUrl = configuration().map(c -> c.storage().url()).orElse(Config.DEFAULT_STORAGE_URL);
      try {
        store = Store.open(storeUrl, dataDir);
      } catch (StoreException e) {
        throw new CliException(ExitCode.UNAVAILABLE, "cannot open the store: " + e.getMessage(), e);
      }
    }
    return store;
  }

  /** The ledger directory of the data directory (file-system backend). */
  Path ledgerDirectory() {
    return dataDir.resolve(ServerLedger.DIRECTORY);
  }

  /** Reads the ledger wherever it is. */
  LedgerReader reader() {
    if (remote()) {
      return LedgerReader.http(ledgerUrl());
    }
    if (postgresql()) {
      return LedgerReader.storage(store().ledgerStorage());
    }
    Path directory = ledgerDirectory();
    if (!Files.isDirectory(directory)) {
      throw new CliException(ExitCode.UNAVAILABLE, "no ledger in " + directory.toAbsolutePath().normalize()
          + "; start the server once with --data-dir " + dataDir + ", or give --url");
    }
    return LedgerReader.directory(directory);
  }

  /**
   * The key checkpoints must verify with: {@code --vkey}, else the data directory's own key (named after the
   * ledger's origin), else the server's {@code /ledger/vkey}. Without {@code --vkey} a note goes to {@code err}:
   * a key that comes with the log proves only that the log is self-consistent.
   */
  List<NoteVerifier> keys(PrintWriter err, boolean quiet) {
    if (vkey != null) {
      try {
        return List.of(NoteVerifier.parse(vkey));
      } catch (NoteException e) {
        throw new CliException(ExitCode.USAGE, "--vkey: " + e.getMessage(), e);
      }
    }
    if (!quiet) {
      err.println("portcullis: note: checking against the " + (remote() ? "server's" : "data directory's")
          + " own key; give --vkey to check against a key you obtained independently");
    }
    return List.of(NoteVerifier.parse(identityVkey()));
  }

  /** The log's own verifier key, from the data directory or the server. */
  String identityVkey() {
    if (remote()) {
      byte[] body = LedgerReader.http(ledgerUrl()).read("vkey");
      if (body == null) {
        throw new CliException(ExitCode.UNAVAILABLE, ledgerUrl() + "vkey: the server publishes no ledger key");
      }
      return new String(body, StandardCharsets.UTF_8).strip();
    }
    return localIdentity().vkey();
  }

  /**
   * The server's signing identity from the data directory: the origin of the existing ledger if there is one
   * (a log keeps its origin), else the configured or default origin.
   */
  LedgerIdentity localIdentity() {
    SigningKey key;
    try {
      key = SigningKey.load(dataDir);
    } catch (IOException | GeneralSecurityException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot load the server's signing key: " + e.getMessage(), e);
    }
    Optional<String> origin = existingOrigin().or(() -> ledgerConfig().origin());
    return key.ledgerIdentity(origin);
  }

  private Optional<String> existingOrigin() {
    try {
      byte[] latest = postgresql() ? store().ledgerStorage().latestCheckpoint().orElse(null)
          : Files.exists(ledgerDirectory().resolve(LedgerReader.CHECKPOINT))
              ? Files.readAllBytes(ledgerDirectory().resolve(LedgerReader.CHECKPOINT)) : null;
      return latest == null ? Optional.empty() : Optional.of(Checkpoint.of(SignedNote.parse(latest)).origin());
    } catch (IOException | NoteException e) {
      return Optional.empty();
    }
  }

  /** Maps a ledger failure to the exit codes of CONVENTIONS.md. */
  static CliException failure(LedgerException e) {
    return new CliException(exitCode(e.code()), e.getMessage(), e);
  }

  static ExitCode exitCode(LedgerErrorCode code) {
    return switch (code) {
      case READ_FAILED, LOCKED, BUSY, SEQUENCER_CLOSED, SEQUENCER_FAILED, FENCED, WITNESS_UNAVAILABLE -> ExitCode.UNAVAILABLE;
      case INDEX_OUT_OF_RANGE, SIZE_ORDER, READ_REFUSED, EMPTY_ENTRY, ENTRY_TOO_LARGE, MALFORMED_JSON,
          ENTRY_NOT_CANONICAL, UNSUPPORTED_ENTRY_VERSION, INVALID_ENTRY_KIND, INVALID_ENTRY_FIELD, ENTRY_HOLDS_SECRET,
          MALFORMED_KEY, UNSUPPORTED_KEY_TYPE -> ExitCode.USAGE;
      default -> ExitCode.VERIFICATION_FAILED;
    };
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
