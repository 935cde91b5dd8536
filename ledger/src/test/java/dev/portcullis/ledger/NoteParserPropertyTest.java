package dev.portcullis.ledger;

import static dev.portcullis.ledger.NoteVectors.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class NoteParserPropertyTest {
  private static final NoteSigner.Ed25519 SIGNER = NoteSigner.parse(PETER_SKEY);
  private static final List<String> VALID = List.of(
      note("c2sp-signed-note-example.note"), note("c2sp-tlog-cosignature-example.note"),
      note("go-note-peter-enoch.note"), note("sum-golang-org-checkpoint.note"),
      note("c2sp-signed-note-quasimodo.note"));

  @Provide
  Arbitrary<String> lineText() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40)
        .filter(s -> SignedNote.textProblem(s + "\n") == null && s.indexOf('\n') < 0);
  }

  @Provide
  Arbitrary<Checkpoint> checkpoints() {
    return Combinators.combine(lineText(),
        Arbitraries.longs().between(0, Long.MAX_VALUE),
        Arbitraries.bytes().array(byte[].class).ofSize(32),
        lineText().list().ofMaxSize(3)).as(Checkpoint::new);
  }

  @Property(tries = 300)
  void checkpointsRoundTripThroughSignedNotes(@ForAll("checkpoints") Checkpoint checkpoint) {
    SignedNote note = checkpoint.sign(SIGNER);
    SignedNote parsed = SignedNote.parse(note.bytes());
    assertThat(parsed).isEqualTo(note);
    assertThat(parsed.format()).isEqualTo(note.format());
    assertThat(Checkpoint.of(parsed)).isEqualTo(checkpoint);
    assertThat(parsed.verify(List.of(SIGNER.verifier()))).hasSize(1);
  }

  @Property(tries = 200)
  void treeSizesFormatAsPlainDecimal(@ForAll @LongRange(min = 0) long size) {
    Checkpoint checkpoint = new Checkpoint("o", size, new byte[32]);
    assertThat(checkpoint.text().split("\n")[1]).isEqualTo(Long.toString(size));
    assertThat(Checkpoint.parse(checkpoint.text()).size()).isEqualTo(size);
  }

  @Property(tries = 1000)
  void arbitraryStringsOnlyEverThrowNoteException(@ForAll String input) {
    parseQuietly(input);
  }

  @Property(tries = 1000)
  void arbitraryBytesOnlyEverThrowNoteException(@ForAll @Size(max = 300) byte[] input) {
    try {
      SignedNote.parse(input);
    } catch (NoteException expected) {
      assertThat(expected.code()).isNotNull();
    }
  }

  @Property(tries = 3000)
  void mutatedValidNotesOnlyEverThrowNoteException(
      @ForAll @IntRange(min = 0, max = 4) int which,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 0, max = 5) int operation,
      @ForAll char inserted) {
    String valid = VALID.get(which);
    int at = position % valid.length();
    String mutated = switch (operation) {
      case 0 -> valid.substring(0, at) + valid.substring(at + 1);
      case 1 -> valid.substring(0, at) + inserted + valid.substring(at);
      case 2 -> valid.substring(0, at) + inserted + valid.substring(at + 1);
      case 3 -> valid.substring(0, at);
      case 4 -> valid.substring(at);
      default -> valid.substring(0, at) + "\n" + valid.substring(at);
    };
    SignedNote note = parseQuietly(mutated);
    if (note != null) {
      assertThat(note.format()).isEqualTo(mutated);
      try {
        Checkpoint.of(note);
        note.verify(List.of(NoteVerifier.parse(EXAMPLE_VKEY), NoteVerifier.parse(PETER_VKEY),
            NoteVerifier.parse(ENOCH_VKEY), NoteVerifier.parse(SUMDB_VKEY)));
      } catch (NoteException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Property(tries = 1000)
  void mutatedKeysOnlyEverThrowNoteException(
      @ForAll @IntRange(min = 0, max = 200) int position, @ForAll char replacement) {
    for (String key : List.of(PETER_VKEY, SUMDB_VKEY, PETER_SKEY)) {
      int at = position % key.length();
      String mutated = key.substring(0, at) + replacement + key.substring(at + 1);
      try {
        if (mutated.startsWith("PRIVATE")) {
          NoteSigner.parse(mutated);
        } else {
          NoteVerifier.parse(mutated);
        }
      } catch (NoteException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Property(tries = 300)
  void arbitraryKeyMaterialWithItsOwnIdParsesOrFailsCleanly(
      @ForAll @Size(value = 32) byte[] raw, @ForAll @IntRange(min = 0, max = 1) int cosigner) {
    byte type = cosigner == 1 ? NoteKeys.TYPE_COSIGNATURE_V1 : NoteKeys.TYPE_ED25519;
    String vkey = "k.example+" + NoteKeys.hex8(NoteKeys.keyId("k.example", type, raw)) + "+"
        + NoteKeys.encodeBase64(NoteKeys.concat(type, raw));
    NoteVerifier verifier;
    try {
      verifier = NoteVerifier.parse(vkey);
    } catch (NoteException expected) {
      assertThat(expected.code()).isEqualTo(LedgerErrorCode.MALFORMED_KEY);
      return;
    }
    assertThat(verifier.vkey()).isEqualTo(vkey);
    assertThat(NoteKeys.isSmallOrder(raw)).isFalse();
    assertThat(verifier.verify("a\n".getBytes(UTF_8), new byte[72])).isFalse();
    assertThat(verifier.verify("a\n".getBytes(UTF_8), new byte[64])).isFalse();
  }

  private static SignedNote parseQuietly(String input) {
    try {
      SignedNote note = SignedNote.parse(input);
      assertThat(SignedNote.parse(input.getBytes(UTF_8))).isEqualTo(note);
      return note;
    } catch (NoteException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return null;
    }
  }
}
