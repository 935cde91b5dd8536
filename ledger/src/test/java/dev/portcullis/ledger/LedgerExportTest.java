package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerExportTest {
  private static final List<NoteVerifier> KEYS = List.of(TestLedgerWriter.LOG_KEY.verifier());

  @TempDir
  Path tmp;

  @Test
  void exportedRangeVerifiesOfflineAndEveryListedEntryProvesItsInclusion() throws Exception {
    Path log = tmp.resolve("log");
    Checkpoint checkpoint = TestLedgerWriter.write(log, 600, 100, 300);
    Path out = tmp.resolve("evidence");

    LedgerExport.Summary summary = LedgerExport.exportRange(LedgerReader.directory(log), out, 250, 260, KEYS);

    assertThat(summary.directory()).isEqualTo(out.toAbsolutePath());
    assertThat(summary.size()).isEqualTo(600);
    assertThat(summary.entriesExported()).isEqualTo(10);
    assertThat(out.resolve("README.md")).content().contains("portcullis ledger verify")
        .contains(TestLedgerWriter.ORIGIN).contains(Hash.of(checkpoint.rootHash()).hex());
    assertThat(out.resolve("vkey")).content().isEqualTo(TestLedgerWriter.LOG_KEY.verifier().vkey() + "\n");
    NoteVerifier fromFile = NoteVerifier.parse(Files.readString(out.resolve("vkey")).strip());
    LedgerVerifier.Result offline = LedgerVerifier.builder(LedgerReader.directory(out), List.of(fromFile)).build()
        .verify();
    assertThat(offline.problems()).isEmpty();
    assertThat(offline.rootHash()).isEqualTo(Hash.of(checkpoint.rootHash()));

    List<JsonNode> lines = lines(out);
    assertThat(lines).extracting(n -> n.get("index").asLong()).containsExactly(250L, 251L, 252L, 253L, 254L,
        255L, 256L, 257L, 258L, 259L);
    for (JsonNode line : lines) {
      byte[] entry = Base64.getDecoder().decode(line.get("entry").asText());
      long index = line.get("index").asLong();
      assertThat(entry).isEqualTo(TestLedgerWriter.entry(index));
      Hash leaf = MerkleHash.leaf(entry);
      assertThat(line.get("leaf_hash").asText()).isEqualTo(leaf.hex());
      List<Hash> proof = new ArrayList<>();
      line.get("inclusion_proof").forEach(h -> proof.add(Hash.fromHex(h.asText())));
      MerkleProofs.verifyInclusion(index, line.get("tree_size").asLong(), leaf, proof,
          Hash.of(checkpoint.rootHash()));
      assertThat(line.get("entry_text").asText()).isEqualTo(new String(entry, StandardCharsets.UTF_8));
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("log", "evidence");
    }
  }

  @Test
  void exportByPredicateOverEntryBytes() throws Exception {
    Path log = tmp.resolve("log");
    TestLedgerWriter.write(log, 300);

    LedgerExport.Summary summary = LedgerExport.exportMatching(LedgerReader.directory(log), tmp.resolve("out"),
        e -> new String(e, StandardCharsets.UTF_8).startsWith("entry 12"), KEYS);

    assertThat(lines(tmp.resolve("out"))).extracting(n -> n.get("index").asLong())
        .containsExactly(12L, 120L, 121L, 122L, 123L, 124L, 125L, 126L, 127L, 128L, 129L);
    assertThat(summary.entriesExported()).isEqualTo(11);
  }

  @Test
  void exportPinsTheCheckpointItReadAndCutsTheHistoryThere() {
    Path log = tmp.resolve("log");
    TestLedgerWriter w = new TestLedgerWriter(log);
    w.append(0, 500, TestLedgerWriter::entry);
    w.publish();
    byte[] at500 = readUnchecked(log.resolve(LedgerReader.CHECKPOINT));
    w.append(500, 600, TestLedgerWriter::entry);
    w.publish(); // the history now ends with size 600
    LedgerTamperTest.write(log, LedgerReader.CHECKPOINT, at500); // as if read before 600 was published

    LedgerExport.Summary summary = LedgerExport.exportRange(LedgerReader.directory(log), tmp.resolve("out"), 0, 1,
        KEYS);

    assertThat(summary.size()).isEqualTo(500);
    assertThat(LedgerVerifier.builder(LedgerReader.directory(tmp.resolve("out")), KEYS).build().verify().ok())
        .isTrue();
  }

  @Test
  void refusesANonEmptyOutputDirectoryAndLeavesItAlone() throws IOException {
    Path log = tmp.resolve("log");
    TestLedgerWriter.write(log, 10);
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("keep.txt"), "mine");

    assertThatExceptionOfType(LedgerException.class)
        .isThrownBy(() -> LedgerExport.exportRange(LedgerReader.directory(log), out, 0, 5, KEYS))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.EXPORT_FAILED))
        .withMessageContaining("not empty");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
    }
  }

  @Test
  void anEmptyOutputDirectoryIsUsed() throws IOException {
    Path log = tmp.resolve("log");
    TestLedgerWriter.write(log, 10);
    Path out = Files.createDirectories(tmp.resolve("out"));

    LedgerExport.exportRange(LedgerReader.directory(log), out, 0, 10, KEYS);

    assertThat(out.resolve(LedgerExport.ENTRIES_FILE)).exists();
  }

  @Test
  void aTamperedSourceIsNotExportedAndNothingIsLeftBehind() throws IOException {
    Path log = tmp.resolve("log");
    TestLedgerWriter.write(log, 300);
    byte[] tile = Files.readAllBytes(log.resolve("tile/0/000"));
    tile[100] ^= 1;
    Files.write(log.resolve("tile/0/000"), tile);

    assertThatExceptionOfType(LedgerException.class)
        .isThrownBy(() -> LedgerExport.exportRange(LedgerReader.directory(log), tmp.resolve("out"), 0, 5, KEYS))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.TILE_MISMATCH))
        .withMessageContaining("tile/0/000");
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("log");
    }
  }

  @Test
  void rangeBeyondTheTreeIsRefused() {
    Path log = tmp.resolve("log");
    TestLedgerWriter.write(log, 10);

    assertThatExceptionOfType(LedgerException.class)
        .isThrownBy(() -> LedgerExport.exportRange(LedgerReader.directory(log), tmp.resolve("out"), 5, 11, KEYS))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.EXPORT_FAILED))
        .withMessageContaining("outside the tree of 10 entries");
  }

  @Test
  void jsonStringsAreEscaped() {
    StringBuilder sb = new StringBuilder();
    LedgerExport.jsonString(sb, "a\"b\\c\nd\u0001\u2028é");
    assertThat(sb.toString()).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\\u2028é\"");
  }

  private static List<JsonNode> lines(Path out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(LedgerExport.ENTRIES_FILE))) {
      nodes.add(json.readTree(line));
    }
    return nodes;
  }

  private static byte[] readUnchecked(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
