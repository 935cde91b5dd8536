package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A foreign log: the signed checkpoints of transparency-dev/serverless-log's test log (sizes 0..15, signed by its
 * Go implementation with golang.org/x/mod/sumdb/note; source and commits in
 * {@code resources/dev/portcullis/ledger/tessera/README.md}). Its leaves are known from the script that built it, so
 * we lay them out as tiles and bundles and let our verifier check the foreign checkpoint and history against the
 * tree it recomputes: equal roots and valid signatures show byte-for-byte agreement on leaf and node hashing,
 * signed-note and checkpoint encoding, and consistency proofs.
 */
class ServerlessLogVectorsTest {
  private static final String RESOURCES = "/dev/portcullis/ledger/tessera/serverless-log/";
  private static final List<String> LEAVES = List.of("one", "two", "three", "four", "five", "six", "seven", "eit",
      "nain", "ten", "ileven", "twelf", "threeten", "fourten", "fivten");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
  void foreignCheckpointsVerifyAgainstTheRecomputedTree(int size) throws IOException {
    TestLedgerWriter w = new TestLedgerWriter(dir);
    for (int i = 0; i < size; i++) {
      w.append(LEAVES.get(i).getBytes(StandardCharsets.UTF_8));
    }
    w.publish(); // tiles and bundles in our layout; checkpoint and history replaced by the foreign ones below
    ByteArrayOutputStream history = new ByteArrayOutputStream();
    for (int s = 0; s <= size; s++) {
      history.writeBytes(LedgerTamperTest.record(resource("checkpoint." + s)));
    }
    LedgerTamperTest.write(dir, LedgerReader.CHECKPOINT_HISTORY, history.toByteArray());
    LedgerTamperTest.write(dir, LedgerReader.CHECKPOINT, resource("checkpoint." + size));
    NoteVerifier astra = NoteVerifier.parse(new String(resource("vkey"), StandardCharsets.UTF_8).strip());

    LedgerVerifier.Result result = LedgerVerifier.builder(LedgerReader.directory(dir), List.of(astra))
        .origin("example.com/testdata").build().verify();

    assertThat(result.problems()).isEmpty();
    assertThat(result.size()).isEqualTo(size);
    assertThat(result.rootHash()).isEqualTo(w.root(size));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 15})
  void aForeignCheckpointOverAnAlteredLeafFails(int size) throws IOException {
    TestLedgerWriter w = new TestLedgerWriter(dir);
    for (int i = 0; i < size; i++) {
      w.append((i == size - 1 ? "forged" : LEAVES.get(i)).getBytes(StandardCharsets.UTF_8));
    }
    w.publish();
    LedgerTamperTest.write(dir, LedgerReader.CHECKPOINT, resource("checkpoint." + size));
    NoteVerifier astra = NoteVerifier.parse(new String(resource("vkey"), StandardCharsets.UTF_8).strip());

    LedgerVerifier.Result result = LedgerVerifier.builder(LedgerReader.directory(dir), List.of(astra))
        .verifyHistory(false).build().verify();

    assertThat(result.problems()).extracting(LedgerVerifier.Problem::code)
        .containsExactly(LedgerErrorCode.ROOT_MISMATCH);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ServerlessLogVectorsTest.class.getResourceAsStream(RESOURCES + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
