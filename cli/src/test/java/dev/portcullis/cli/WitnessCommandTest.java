package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.ledger.CosignatureVerifier;
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.WitnessState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitnessCommandTest {
  @TempDir Path dir;

  private final String logVkey =
      NoteSigner.Ed25519.generate("portcullis.example/ledger").verifier().vkey();

  @Test
  void keyIsGeneratedOwnerOnlyOnceAndItsVkeyPrinted() throws Exception {
    Path key = dir.resolve("keys/witness.key");
    MainTest.Run first = MainTest.run("witness", "key", "--key", key.toString(), "--name",
        "witness.example/w1");
    assertThat(first.exitCode()).isZero();
    String vkey = first.out().strip();
    assertThat(CosignatureVerifier.parse(vkey).name()).isEqualTo("witness.example/w1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    String secret = Files.readString(key);
    assertThat(secret).startsWith("PRIVATE+KEY+witness.example/w1+");
    assertThat(first.out()).doesNotContain("PRIVATE");

    MainTest.Run again = MainTest.run("witness", "key", "--key", key.toString());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out().strip()).isEqualTo(vkey);
    assertThat(Files.readString(key)).isEqualTo(secret);

    MainTest.Run renamed = MainTest.run("witness", "key", "--key", key.toString(), "--name", "other");
    assertThat(renamed.exitCode()).isEqualTo(2);
    assertThat(Files.readString(key)).isEqualTo(secret);
  }

  @Test
  void keyWithoutNameGetsADefaultName() {
    MainTest.Run run = MainTest.run("witness", "key", "--key", dir.resolve("k").toString());
    assertThat(run.exitCode()).isZero();
    assertThat(CosignatureVerifier.parse(run.out().strip()).name()).isNotBlank();
  }

  @Test
  void invalidKeyFileOrNameIsAUsageError() throws Exception {
    Path key = dir.resolve("bad.key");
    Files.writeString(key, "not a key\n");
    MainTest.Run run = MainTest.run("witness", "key", "--key", key.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(key.toString()).contains("PRIVATE+KEY");
    MainTest.Run badName = MainTest.run("witness", "key", "--key", dir.resolve("n").toString(),
        "--name", "has space");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(dir.resolve("n")).doesNotExist();
  }

  @Test
  void serveStartsAndStopsWithExit() {
    Path key = dir.resolve("witness.key");
    MainTest.run("witness", "key", "--key", key.toString(), "--name", "witness.example/w1");
    MainTest.Run run = MainTest.run("witness", "serve", "--key", key.toString(), "--state",
        dir.resolve("state").toString(), "--log-vkey", logVkey, "--listen", "127.0.0.1:0", "--exit");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("listening on http://127.0.0.1:").contains("1 log");
    assertThat(CosignatureVerifier.parse(run.out().strip()).name()).isEqualTo("witness.example/w1");
  }

  @Test
  void serveWithBadArgumentsExitsTwo() throws Exception {
    Path key = dir.resolve("witness.key");
    MainTest.run("witness", "key", "--key", key.toString(), "--name", "witness.example/w1");
    String state = dir.resolve("state").toString();
    String cosignerVkey = CosignatureVerifier.parse(
        MainTest.run("witness", "key", "--key", key.toString()).out().strip()).vkey();

    assertThat(MainTest.run("witness", "serve", "--key", key.toString(), "--state", state)
        .exitCode()).isEqualTo(2);
    assertThat(serve(key, state, "not-a-vkey", "127.0.0.1:0")).contains("--log-vkey");
    assertThat(serve(key, state, cosignerVkey, "127.0.0.1:0")).contains("cosignature key");
    assertThat(serve(key, state, logVkey, "localhost")).contains("--listen");
    assertThat(serve(key, state, logVkey, "127.0.0.1:99999")).contains("--listen");
    assertThat(serve(dir.resolve("missing.key"), state, logVkey, "127.0.0.1:0"))
        .contains("portcullis witness key");
  }

  @Test
  void serveRefusesACorruptStateWithExitTwo() throws Exception {
    Path key = dir.resolve("witness.key");
    MainTest.run("witness", "key", "--key", key.toString(), "--name", "witness.example/w1");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Files.writeString(state.resolve("log-" + "0".repeat(64) + ".state"), "garbage\n");
    assertThat(serve(key, state.toString(), logVkey, "127.0.0.1:0"))
        .contains("WITNESS_STATE_CORRUPT");
  }

  @Test
  void serveOnALockedStateIsUnavailable() throws Exception {
    Path key = dir.resolve("witness.key");
    MainTest.run("witness", "key", "--key", key.toString(), "--name", "witness.example/w1");
    Path state = dir.resolve("state");
    try (WitnessState held = WitnessState.open(state)) {
      MainTest.Run run = MainTest.run("witness", "serve", "--key", key.toString(), "--state",
          state.toString(), "--log-vkey", logVkey, "--listen", "127.0.0.1:0", "--exit");
      assertThat(run.exitCode()).isEqualTo(4);
      assertThat(run.err()).contains("in use");
      assertThat(held.latest("portcullis.example/ledger")).isEmpty();
    }
  }

  private static String serve(Path key, String state, String vkey, String listen) {
    MainTest.Run run = MainTest.run("witness", "serve", "--key", key.toString(), "--state", state,
        "--log-vkey", vkey, "--listen", listen, "--exit");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    return run.err();
  }
}
