package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AddCheckpointRequestPropertyTest {
  private static final NoteSigner.Ed25519 LOG = NoteSigner.Ed25519.generate("example.com/log");

  /** The tlog-witness spec's example request body (section "add-checkpoint"). */
  private static final String SPEC_EXAMPLE = """
      old 20852014
      PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
      jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
      5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
      /6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

      example.com/behind-the-sofa
      20852163
      CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

      \u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
      \u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
      """;

  @Example
  void parsesTheSpecExampleByteForByte() {
    AddCheckpointRequest request = AddCheckpointRequest.parse(SPEC_EXAMPLE.getBytes(UTF_8));
    assertThat(request.oldSize()).isEqualTo(20852014L);
    assertThat(request.consistencyProof()).hasSize(4);
    assertThat(request.consistencyProof().getFirst().base64())
        .isEqualTo("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=");
    assertThat(request.parsedCheckpoint().size()).isEqualTo(20852163L);
    assertThat(request.checkpoint().signatures()).hasSize(2);
    assertThat(new String(request.bytes(), UTF_8)).isEqualTo(SPEC_EXAMPLE);
  }

  @Example
  void rejectsEachMalformedLineByNumber() {
    String checkpoint = "\nexample.com/log\n1\n" + MerkleHash.empty().base64() + "\n\n\u2014 x AAAAAAA=\n";
    assertMalformed("old 1 \n" + checkpoint, "line 1");
    assertMalformed("old -1\n" + checkpoint, "line 1");
    assertMalformed("old 01\n" + checkpoint, "leading zero");
    assertMalformed("old 9223372036854775808\n" + checkpoint, "2^63 - 1");
    assertMalformed("Old 1\n" + checkpoint, "line 1");
    assertMalformed("old 1\nnot base64\n" + checkpoint, "line 2");
    assertMalformed("old 1\n" + MerkleHash.empty().hex() + "\n" + checkpoint, "line 2");
    assertMalformed("old 1\nAAAA\n" + checkpoint, "line 2");
    assertMalformed("old 1", "line 1");
    assertMalformed("old 1\n", "line 2");
    assertMalformed("old 1\n\n", "checkpoint");
    String tooMany = ("old 1\n" + (MerkleHash.empty().base64() + "\n").repeat(64)) + checkpoint;
    assertMalformed(tooMany, "more than 63");
  }

  @Example
  void rejectsOversizedBodiesBeforeReadingThem() {
    byte[] body = new byte[AddCheckpointRequest.MAX_BYTES + 1];
    Arrays.fill(body, (byte) 'a');
    assertThatThrownBy(() -> AddCheckpointRequest.parse(body))
        .isInstanceOfSatisfying(LedgerException.class, e ->
            assertThat(e.code()).isEqualTo(LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE));
  }

  private static void assertMalformed(String body, String where) {
    assertThatThrownBy(() -> AddCheckpointRequest.parse(body.getBytes(UTF_8)))
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code()).isEqualTo(LedgerErrorCode.MALFORMED_WITNESS_REQUEST);
          assertThat(e.getMessage()).contains(where);
        });
  }

  @Provide
  Arbitrary<AddCheckpointRequest> requests() {
    Arbitrary<Hash> hashes = Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash::of);
    Arbitrary<SignedNote> notes = Combinators.combine(
        Arbitraries.longs().between(0, Long.MAX_VALUE),
        Arbitraries.bytes().array(byte[].class).ofSize(32),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).list().ofMaxSize(2))
        .as((size, root, extensions) -> new Checkpoint("example.com/log", size, root, extensions)
            .sign(LOG));
    return Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
        hashes.list().ofMaxSize(AddCheckpointRequest.MAX_PROOF_HASHES), notes)
        .as(AddCheckpointRequest::new);
  }

  @Property(tries = 300)
  void roundTripsByteForByte(@ForAll("requests") AddCheckpointRequest request) {
    byte[] bytes = request.bytes();
    AddCheckpointRequest parsed = AddCheckpointRequest.parse(bytes);
    assertThat(parsed).isEqualTo(request);
    assertThat(parsed.bytes()).isEqualTo(bytes);
  }

  @Property(tries = 1000)
  void arbitraryBytesOnlyEverThrowLedgerException(@ForAll @Size(max = 400) byte[] input) {
    parseQuietly(input);
  }

  @Property(tries = 3000)
  void mutatedRequestsParseCanonicallyOrFailCleanly(
      @ForAll("requests") AddCheckpointRequest request,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 0, max = 4) int operation,
      @ForAll byte inserted) {
    byte[] valid = request.bytes();
    int at = position % valid.length;
    byte[] mutated = switch (operation) {
      case 0 -> concat(Arrays.copyOfRange(valid, 0, at), Arrays.copyOfRange(valid, at + 1, valid.length));
      case 1 -> concat(Arrays.copyOfRange(valid, 0, at), new byte[] {inserted},
          Arrays.copyOfRange(valid, at, valid.length));
      case 2 -> {
        byte[] copy = valid.clone();
        copy[at] = inserted;
        yield copy;
      }
      case 3 -> Arrays.copyOfRange(valid, 0, at);
      default -> concat(Arrays.copyOfRange(valid, 0, at), new byte[] {'\n'},
          Arrays.copyOfRange(valid, at, valid.length));
    };
    AddCheckpointRequest parsed = parseQuietly(mutated);
    if (parsed != null) {
      assertThat(parsed.bytes()).isEqualTo(mutated);
    }
  }

  private static AddCheckpointRequest parseQuietly(byte[] input) {
    try {
      return AddCheckpointRequest.parse(input);
    } catch (LedgerException expected) {
      assertThat(expected.code()).isIn(LedgerErrorCode.MALFORMED_WITNESS_REQUEST,
          LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE);
      assertThat(expected.getMessage()).startsWith("add-checkpoint request");
      return null;
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  @Example
  void proofHashesListIsImmutable() {
    AddCheckpointRequest request = new AddCheckpointRequest(0, List.of(),
        new Checkpoint("example.com/log", 0, MerkleHash.empty().toBytes()).sign(LOG));
    assertThatThrownBy(() -> request.consistencyProof().add(MerkleHash.empty()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
