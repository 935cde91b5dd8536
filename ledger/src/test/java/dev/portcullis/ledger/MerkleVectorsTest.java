package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transparency-dev/merkle RFC 6962 vectors (src/test/resources/dev/portcullis/ledger/vectors, see its README):
 * each file as published, and systematic mutations of every happy path, which must all fail.
 */
class MerkleVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIR = "/dev/portcullis/ledger/vectors/";

  static Stream<String> files() throws IOException {
    try (InputStream in = MerkleVectorsTest.class.getResourceAsStream(DIR + "index.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList().stream();
    }
  }

  static Stream<String> happyPaths() throws IOException {
    return files().filter(f -> f.endsWith("happy-path.json"));
  }

  private static JsonNode read(String file) {
    try (InputStream in = MerkleVectorsTest.class.getResourceAsStream(DIR + file)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Hash> proof(JsonNode v) {
    List<Hash> out = new ArrayList<>();
    if (v.get("proof").isArray()) {
      v.get("proof").forEach(p -> out.add(Hash.fromBase64(p.asText())));
    }
    return out;
  }

  private static boolean wellFormed(JsonNode v) {
    try {
      proof(v);
      for (String f : new String[] {"leafHash", "root", "root1", "root2"}) {
        if (v.has(f)) {
          Hash.fromBase64(v.get(f).asText());
        }
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Runs one vector; a hash that is not 32 bytes is a failure like any other. */
  private static void run(JsonNode v) throws ProofException {
    if (v.has("leafIdx")) {
      MerkleProofs.verifyInclusion(v.get("leafIdx").asLong(), v.get("treeSize").asLong(),
          Hash.fromBase64(v.get("leafHash").asText()), proof(v), Hash.fromBase64(v.get("root").asText()));
    } else {
      MerkleProofs.verifyConsistency(v.get("size1").asLong(), v.get("size2").asLong(), proof(v),
          Hash.fromBase64(v.get("root1").asText()), Hash.fromBase64(v.get("root2").asText()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void publishedVector(String file) throws ProofException {
    JsonNode v = read(file);
    if (!wellFormed(v)) { // e.g. "V3JvbmdMZWFm": not 32 bytes, so no Hash and no proof can be made of it
      assertThat(v.get("wantErr").asBoolean()).as("a malformed vector must expect an error").isTrue();
      return;
    }
    if (v.get("wantErr").asBoolean()) {
      assertThatThrownBy(() -> run(v)).isInstanceOf(ProofException.class);
    } else {
      run(v);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("happyPaths")
  void everyMutationOfAHappyPathFails(String file) {
    JsonNode v = read(file);
    List<Hash> proof = proof(v);
    boolean inclusion = v.has("leafIdx");
    long a = inclusion ? v.get("leafIdx").asLong() : v.get("size1").asLong();
    long b = inclusion ? v.get("treeSize").asLong() : v.get("size2").asLong();
    Hash x = Hash.fromBase64(v.get(inclusion ? "leafHash" : "root1").asText());
    Hash y = Hash.fromBase64(v.get(inclusion ? "root" : "root2").asText());
    List<Runnable> bad = new ArrayList<>();
    // bit flips in every proof hash
    for (int i = 0; i < proof.size(); i++) {
      for (int bit : new int[] {0, 3, 100, 255}) {
        List<Hash> p = new ArrayList<>(proof);
        p.set(i, p.get(i).withBitFlipped(bit));
        bad.add(expectFail(inclusion, a, b, x, p, y, "proof[" + i + "] bit " + bit));
      }
    }
    Hash garbage = MerkleHash.leaf("garbage".getBytes(StandardCharsets.US_ASCII));
    List<Hash> trailing = new ArrayList<>(proof);
    trailing.add(garbage);
    bad.add(expectFail(inclusion, a, b, x, trailing, y, "trailing garbage"));
    List<Hash> preceding = new ArrayList<>(proof);
    preceding.addFirst(garbage);
    bad.add(expectFail(inclusion, a, b, x, preceding, y, "preceding garbage"));
    if (!proof.isEmpty()) {
      bad.add(expectFail(inclusion, a, b, x, proof.subList(0, proof.size() - 1), y, "truncated"));
    }
    bad.add(expectFail(inclusion, a, b, x.withBitFlipped(7), proof, y, "first hash flipped"));
    bad.add(expectFail(inclusion, a, b, x, proof, y.withBitFlipped(7), "second root flipped"));
    if (!x.equals(y)) {
      bad.add(expectFail(inclusion, a, b, y, proof, x, "swapped"));
    }
    // Not "tree size ± 1": a proof commits to the shape of the path only, and neighbouring sizes can share it
    // (e.g. leaf 5 in sizes 7 and 8), which is why the published vectors mutate sizes by * 2 and / 2 only.
    for (long d : new long[] {1, -1}) {
      if (a + d >= 0 && !(inclusion && a + d == a)) {
        bad.add(expectFail(inclusion, a + d, b, x, proof, y, "first number " + d));
      }
    }
    bad.add(expectFail(inclusion, a, b * 2, x, proof, y, "second number * 2"));
    bad.add(expectFail(inclusion, a, b / 2, x, proof, y, "second number / 2"));
    bad.forEach(Runnable::run);
    assertThat(bad).isNotEmpty();
  }

  private static Runnable expectFail(boolean inclusion, long a, long b, Hash x, List<Hash> p, Hash y, String what) {
    return () -> assertThatExceptionOfType(ProofException.class).as(what).isThrownBy(() -> {
      if (inclusion) {
        MerkleProofs.verifyInclusion(a, b, x, p, y);
      } else {
        MerkleProofs.verifyConsistency(a, b, p, x, y);
      }
    });
  }
}
