package dev.portcullis.cli;

import dev.portcullis.ledger.Cosigner;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.ledger.NoteException;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.Witness;
import dev.portcullis.ledger.WitnessState;
import dev.portcullis.server.ServerException;
import dev.portcullis.server.witness.WitnessServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A C2SP tlog-witness: cosigns other logs' checkpoints (docs/LEDGER.md, "Witnesses"). */
@Command(
    name = "witness",
    mixinStandardHelpOptions = true,
    description = "Run a transparency log witness (C2SP tlog-witness) or manage its key.",
    subcommands = {WitnessCommand.Serve.class, WitnessCommand.Key.class})
final class WitnessCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the witness key's vkey, generating the key (0600) if the file does not exist. */
  @Command(
      name = "key",
      mixinStandardHelpOptions = true,
      description = "Print the witness's cosignature verifier key (vkey), generating the key if FILE is absent.",
      footer = {
        "",
        "The key file holds a PRIVATE+KEY+… line (type 0x04, tlog-cosignature/v1) and is created",
        "with permissions 0600. Give the printed vkey to the logs you witness.",
        "",
        "Examples:",
        "  portcullis witness key --key /etc/portcullis/witness.key --name witness.example.com/w1",
        "  portcullis witness key --key witness.key        # print the vkey of an existing key",
        "",
        "Exit code 0 when the vkey was printed, 2 when the file or name is invalid."
      })
  static final class Key implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The witness key file.")
    Path keyFile;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "Key name for a new key (a schema-less URL, e.g. witness.example.com/w1). "
            + "Default: <host name>/witness.")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (Files.exists(keyFile)) {
        Cosigner key = readKey(keyFile);
        if (name != null && !name.equals(key.name())) {
          throw new CliException(ExitCode.USAGE, keyFile + " already holds a key named '" + key.name()
              + "', not '" + name + "'; it is never overwritten");
        }
        out.println(key.verifier().vkey());
        return ExitCode.OK.code();
      }
      Cosigner key;
      try {
        key = Cosigner.generate(name != null ? name : defaultName(), Clock.systemUTC());
      } catch (NoteException e) {
        throw new CliException(ExitCode.USAGE, "--name: " + e.getMessage());
      }
      writeOwnerOnly(keyFile, (key.privateKey() + "\n").getBytes(StandardCharsets.UTF_8));
      spec.commandLine().getErr().println("portcullis: generated witness key " + keyFile);
      out.println(key.verifier().vkey());
      return ExitCode.OK.code();
    }

    private static String defaultName() {
      try {
        String host = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        if (host.matches("[a-z0-9.-]+")) {
          return host + "/witness";
        }
      } catch (IOException e) {
        // fall through to the fixed name
      }
      return "portcullis-witness";
    }

    private static void writeOwnerOnly(Path file, byte[] bytes) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        FileAttribute<?>[] attributes = Files.getFileStore(parent).supportsFileAttributeView("posix")
            ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];
        // CREATE_NEW: never overwrite a key another process just wrote.
        Files.createFile(file, attributes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          channel.force(true);
        }
      } catch (FileAlreadyExistsException e) {
        throw new CliException(ExitCode.USAGE, file + " appeared while generating a key; run again");
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot write witness key " + file + ": " + e, e);
      }
    }
  }

  /** Serves {@code POST /add-checkpoint} until stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run a witness: verify add-checkpoint requests and return cosignatures.",
      footer = {
        "",
        "Each --log-vkey names a log by its key name, which must be the log's origin line; give",
        "several vkeys with the same name for a log signed by several keys. The state directory keeps,",
        "per log, the latest cosigned size and root; the witness refuses to start if a state file is",
        "corrupt, rather than forget what it cosigned.",
        "",
        "Examples:",
        "  portcullis witness serve --key witness.key --state ./witness-state \\",
        "      --log-vkey 'portcullis.example/ledger+1a2b3c4d+AX…' --listen 0.0.0.0:7380",
        "",
        "Exit code 0 on a clean stop, 2 for a usage or configuration error (bad vkey, missing key,",
        "corrupt state), 4 when the address or the state directory is unavailable."
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ExitAfterStart exitAfterStart;

    @Option(names = "--log-vkey", required = true, paramLabel = "VKEY",
        description = "A log's note verifier key (repeatable).")
    List<String> logVkeys = new ArrayList<>();

    @Option(names = "--key", required = true, paramLabel = "FILE",
        description = "The witness key file (create it with 'portcullis witness key').")
    Path keyFile;

    @Option(names = "--state", required = true, paramLabel = "DIR",
        description = "Directory of the witness's durable state.")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7380",
        description = "Address to listen on (port 0 picks one). Default: ${DEFAULT-VALUE}.")
    String listen;

    @Override
    public Integer call() throws InterruptedException {
      Map<String, List<NoteVerifier>> logs = logs(logVkeys);
      HostPort address = HostPort.parse(listen);
      if (!Files.exists(keyFile)) {
        throw new CliException(ExitCode.USAGE, "witness key " + keyFile
            + " does not exist; create it with: portcullis witness key --key " + keyFile);
      }
      Cosigner key = readKey(keyFile);
      WitnessState state = openState(stateDir);
      WitnessServer server;
      try {
        server = WitnessServer.start(new Witness(key, logs, state, Clock.systemUTC()),
            address.host(), address.port());
      } catch (ServerException e) {
        state.close();
        throw new CliException(e.code() == ServerException.Code.PORT_UNAVAILABLE
            ? ExitCode.UNAVAILABLE : ExitCode.USAGE, e.getMessage(), e);
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("portcullis: witness " + key.verifier().vkey() + " listening on " + server.url()
          + "add-checkpoint for " + logs.size() + (logs.size() == 1 ? " log" : " logs")
          + (exitAfterStart.exit ? "" : "; Ctrl-C to stop"));
      spec.commandLine().getOut().println(key.verifier().vkey());
      Runnable stop = () -> {
        server.close();
        state.close();
      };
      if (exitAfterStart.exit) {
        stop.run();
        return ExitCode.OK.code();
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "portcullis-witness-shutdown"));
      server.join();
      return ExitCode.OK.code();
    }

    private static Map<String, List<NoteVerifier>> logs(List<String> vkeys) {
      Map<String, List<NoteVerifier>> logs = new LinkedHashMap<>();
      for (String vkey : vkeys) {
        NoteVerifier verifier;
        try {
          verifier = NoteVerifier.parse(vkey);
        } catch (NoteException e) {
          throw new CliException(ExitCode.USAGE, "--log-vkey '" + vkey + "': " + e.getMessage());
        }
        if (!(verifier instanceof NoteVerifier.Ed25519)) {
          throw new CliException(ExitCode.USAGE, "--log-vkey '" + vkey
              + "' is a cosignature key (type 0x04); a log signs checkpoints with a type 0x01 key");
        }
        logs.computeIfAbsent(verifier.name(), origin -> new ArrayList<>()).add(verifier);
      }
      return logs;
    }

    private static WitnessState openState(Path dir) {
      try {
        return WitnessState.open(dir);
      } catch (LedgerException e) {
        throw new CliException(e.code() == LedgerErrorCode.WITNESS_STATE_CORRUPT
            ? ExitCode.USAGE : ExitCode.UNAVAILABLE, e.code() + ": " + e.getMessage(), e);
      }
    }
  }

  /** {@code host:port}, IPv6 hosts in brackets. */
  record HostPort(String host, int port) {
    static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw usage(text);
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw usage(text);
      }
      if (port < 0 || port > 65535 || host.isEmpty()) {
        throw usage(text);
      }
      return new HostPort(host, port);
    }

    private static CliException usage(String text) {
      return new CliException(ExitCode.USAGE, "--listen '" + text
          + "' is not HOST:PORT (e.g. 127.0.0.1:7380, [::1]:7380, 0.0.0.0:0)");
    }
  }

  static Cosigner readKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, "witness key " + file + " does not exist");
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read witness key " + file + ": " + e, e);
    }
    try {
      return Cosigner.parse(text, Clock.systemUTC());
    } catch (NoteException e) {
      throw new CliException(ExitCode.USAGE, "witness key " + file + " is not a cosignature private key"
          + " (PRIVATE+KEY+<name>+<id>+<base64>, type 0x04): " + e.getMessage());
    }
  }
}
