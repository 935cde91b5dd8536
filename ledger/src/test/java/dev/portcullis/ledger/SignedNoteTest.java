package dev.portcullis.ledger;

import static dev.portcullis.ledger.NoteVectors.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignedNoteTest {
  private final NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
  private final NoteVerifier enoch = NoteVerifier.parse(ENOCH_VKEY);

  @ParameterizedTest
  @ValueSource(strings = {"c2sp-signed-note-example.note", "c2sp-signed-note-quasimodo.note",
      "c2sp-tlog-cosignature-example.note", "go-note-peter-enoch.note",
      "sum-golang-org-checkpoint.note", "sigsum-checkpoint.note",
      "tessera-testdata-checkpoint-15.note"})
  void publishedNotesParseAndFormatBackByteForByte(String file) {
    String wire = note(file);
    SignedNote note = SignedNote.parse(wire.getBytes(UTF_8));
    assertThat(note.format()).isEqualTo(wire);
    assertThat(note.bytes()).isEqualTo(wire.getBytes(UTF_8));
    assertThat(SignedNote.parse(wire)).isEqualTo(note);
  }

  @Test
  void specExampleVerifies() {
    SignedNote note = SignedNote.parse(note("c2sp-signed-note-example.note"));
    assertThat(note.text()).isEqualTo("This is an example message.\n");
    assertThat(note.verify(List.of(NoteVerifier.parse(EXAMPLE_VKEY))))
        .extracting(NoteSignature::keyName).containsExactly("example.com/foo");
  }

  @Test
  void textMayContainEmptyLinesAndTheLastOneSeparates() {
    SignedNote note = SignedNote.parse(note("c2sp-signed-note-quasimodo.note"));
    assertThat(note.text()).isEqualTo("Ognuno sta solo sul cuor della terra\n"
        + "trafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n");
    assertThat(note.signatures()).singleElement()
        .extracting(NoteSignature::keyName).isEqualTo("quasimodo.example/salvatore");
  }

  @Test
  void realCheckpointsOfOtherLogsVerify() {
    assertThat(SignedNote.parse(note("sum-golang-org-checkpoint.note"))
        .verify(List.of(NoteVerifier.parse(SUMDB_VKEY)))).hasSize(1);
    assertThat(SignedNote.parse(note("tessera-testdata-checkpoint-15.note"))
        .verify(List.of(NoteVerifier.parse(TESSERA_VKEY)))).hasSize(1);
  }

  /** golang.org/x/mod sumdb/note TestSign: the JDK's Ed25519 gives Go's bytes. */
  @Test
  void signingReproducesGoAndTesseraByteForByte() {
    assertThat(SignedNote.sign(GO_TEXT, NoteSigner.parse(PETER_SKEY)).format())
        .isEqualTo(GO_TEXT + "\n" + PETER_SIG);
    String tessera = note("tessera-testdata-checkpoint-15.note");
    SignedNote parsed = SignedNote.parse(tessera);
    assertThat(SignedNote.sign(parsed.text(), NoteSigner.parse(TESSERA_SKEY)).format())
        .isEqualTo(tessera);
    assertThat(SignedNote.sign(SignedNote.parse(note("sigsum-checkpoint.note")).text(),
        new NoteSigner.Ed25519(SIGSUM_ORIGIN, sigsumSeed())).format())
        .isEqualTo(note("sigsum-checkpoint.note"));
  }

  @Test
  void resigningReplacesTheSameKeysSignature() {
    NoteSigner signer = NoteSigner.parse(PETER_SKEY);
    SignedNote withEnoch = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    assertThat(withEnoch.withSignature(signer).format())
        .isEqualTo(GO_TEXT + "\n" + ENOCH_SIG + PETER_SIG);
  }

  /** golang.org/x/mod sumdb/note TestOpen. */
  @Test
  void oneKnownSignatureSufficesAndUnknownOnesAreKeptButIgnored() {
    SignedNote note = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    assertThat(note.text()).isEqualTo(GO_TEXT);
    assertThat(note.signatures()).extracting(NoteSignature::keyName)
        .containsExactly("PeterNeumann", "EnochRoot");
    assertThat(note.verify(List.of(peter))).extracting(NoteSignature::keyName)
        .containsExactly("PeterNeumann");
    assertThat(note.verify(List.of(peter, enoch))).extracting(NoteSignature::keyName)
        .containsExactly("PeterNeumann", "EnochRoot");
    assertThat(note.verify(List.of(peter, enoch), 2)).hasSize(2);
  }

  @Test
  void noKnownSignatureIsUnverified() {
    SignedNote note = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG);
    assertCode(() -> note.verify(List.of()), LedgerErrorCode.UNVERIFIED)
        .hasMessage("signed note has no verifiable signature by a known key "
            + "(signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78)");
    assertCode(() -> note.verify(List.of(NoteVerifier.parse(EXAMPLE_VKEY))),
        LedgerErrorCode.UNVERIFIED);
    assertCode(() -> SignedNote.parse(GO_TEXT + "\n" + PETER_SIG).verify(List.of(peter, enoch), 2),
        LedgerErrorCode.UNVERIFIED)
        .hasMessage("signed note is signed by 1 known keys, 2 are required");
  }

  @Test
  void duplicateSignaturesCountOnce() {
    SignedNote note = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG);
    assertThat(note.signatures()).hasSize(3);
    assertThat(note.verify(List.of(peter))).hasSize(1);
    assertCode(() -> note.verify(List.of(peter), 2), LedgerErrorCode.UNVERIFIED);
  }

  @Test
  void theSameVerifierTwiceIsNotAmbiguous() {
    // golang.org/x/mod reports "ambiguous key" here; equal verifiers are one key to us.
    SignedNote note = SignedNote.parse(GO_TEXT + "\n" + ENOCH_SIG);
    assertThat(note.verify(List.of(enoch, peter, NoteVerifier.parse(ENOCH_VKEY)))).hasSize(1);
  }

  /**
   * Two different public keys whose key IDs collide under one name, found by a birthday search
   * over random 32-byte strings (a 32-bit ID collides after about 2^16 tries).
   */
  static List<NoteVerifier> collidingVerifiers(String name) {
    java.util.Random random = new java.util.Random(4);
    java.util.Map<Integer, byte[]> seen = new java.util.HashMap<>();
    while (true) {
      byte[] raw = new byte[32];
      random.nextBytes(raw);
      byte[] earlier = seen.putIfAbsent(NoteKeys.keyId(name, NoteKeys.TYPE_ED25519, raw), raw);
      if (earlier != null && NoteKeys.publicKey(earlier) != null
          && NoteKeys.publicKey(raw) != null) {
        return List.of(new NoteVerifier.Ed25519(name, earlier, NoteKeys.publicKey(earlier)),
            new NoteVerifier.Ed25519(name, raw, NoteKeys.publicKey(raw)));
      }
    }
  }

  @Test
  void twoDifferentKeysWithTheSameNameAndIdAreAmbiguous() {
    List<NoteVerifier> colliding = collidingVerifiers("EnochRoot");
    assertThat(colliding.get(0)).isNotEqualTo(colliding.get(1));
    assertThat(colliding.get(0).keyId()).isEqualTo(colliding.get(1).keyId());
    int id = colliding.get(0).keyId();
    SignedNote note = new SignedNote(GO_TEXT, List.of(NoteSignature.of("EnochRoot", id,
        new byte[64])));
    assertCode(() -> note.verify(colliding), LedgerErrorCode.AMBIGUOUS_KEY)
        .hasMessage("ambiguous key EnochRoot+" + NoteKeys.hex8(id)
            + ": two verifiers share its name and ID");
    // Only when a signature needs one of them.
    SignedNote peterOnly = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG);
    List<NoteVerifier> known = new ArrayList<>(colliding);
    known.add(peter);
    assertThat(peterOnly.verify(known)).hasSize(1);
  }

  @Test
  void aSignatureOfAKnownKeyThatFailsRejectsTheNote() {
    String bad = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    assertCode(() -> SignedNote.parse(GO_TEXT + "\n" + bad).verify(List.of(peter)),
        LedgerErrorCode.BAD_SIGNATURE)
        .hasMessage("signed note line 4: invalid signature for key PeterNeumann+c74f20a3");
    // Even when another known signature verifies.
    assertCode(() -> SignedNote.parse(GO_TEXT + "\n" + ENOCH_SIG + bad)
        .verify(List.of(peter, enoch)), LedgerErrorCode.BAD_SIGNATURE)
        .hasMessageContaining("line 5");
  }

  @Test
  void aModifiedTextFailsVerification() {
    SignedNote note = SignedNote.parse(GO_TEXT.replace("answer", "Answer") + "\n" + PETER_SIG);
    assertCode(() -> note.verify(List.of(peter)), LedgerErrorCode.BAD_SIGNATURE);
    SignedNote example = SignedNote.parse(note("c2sp-signed-note-example.note")
        .replace("example message", "example messagE"));
    assertCode(() -> example.verify(List.of(NoteVerifier.parse(EXAMPLE_VKEY))),
        LedgerErrorCode.BAD_SIGNATURE);
  }

  @Test
  void aSignatureByAnotherKeyUnderTheSameNameIsIgnoredOrRejected() {
    NoteSigner.Ed25519 impostor = NoteSigner.Ed25519.generate("PeterNeumann");
    SignedNote note = SignedNote.sign(GO_TEXT, impostor);
    // Different key ID: an unknown key, so nothing verifies.
    assertCode(() -> note.verify(List.of(peter)), LedgerErrorCode.UNVERIFIED);
    // Same name and ID, other key (an ID collision): the signature fails.
    NoteSignature forged = NoteSignature.of("PeterNeumann", 0xc74f20a3,
        impostor.sign(GO_TEXT.getBytes(UTF_8)));
    SignedNote collided = new SignedNote(GO_TEXT, List.of(forged));
    assertCode(() -> collided.verify(List.of(peter)), LedgerErrorCode.BAD_SIGNATURE);
  }

  @Test
  void aSignatureOfAnotherTypeUnderTheSameKeyIsNotConfused() {
    // A cosignature verifier for the same name never matches a type 0x01 key ID.
    Cosigner cosigner = Cosigner.generate("PeterNeumann", java.time.Clock.systemUTC());
    SignedNote note = SignedNote.parse(GO_TEXT + "\n" + PETER_SIG);
    assertCode(() -> note.verify(List.of(cosigner.verifier())), LedgerErrorCode.UNVERIFIED);
  }

  static Stream<Arguments> malformedNotes() {
    String text = GO_TEXT;
    return Stream.of(
        // The bad messages of golang.org/x/mod sumdb/note TestOpen.
        Arguments.of(text, "signed note has no empty line between its text and its signatures"),
        Arguments.of(text + "\n", "signed note has no signature lines after its last empty line"),
        Arguments.of(text + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
            "signed note does not end with a newline"),
        Arguments.of("\u0001" + text + "\n" + PETER_SIG,
            "signed note line 1: control character U+0001 (only newline is allowed)"),
        Arguments.of(text + "\n" + EM + " Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuG"
            + "UgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            "signed note line 4: signature of key Bad is not canonical standard base64"),
        Arguments.of(text + "\n" + PETER_SIG + "Unexpected line.\n",
            "signed note line 5: a signature line must start with an em dash (U+2014) and a space"),
        // Ours.
        Arguments.of("", "signed note does not end with a newline"),
        Arguments.of("\n\n", "signed note has no signature lines after its last empty line"),
        Arguments.of(text + "\n" + "- PeterNeumann AAAAAAAA\n",
            "signed note line 4: a signature line must start with an em dash (U+2014) and a space"),
        Arguments.of(text + "\n" + EM + "PeterNeumann AAAAAAAA\n",
            "signed note line 4: a signature line must start with an em dash (U+2014) and a space"),
        Arguments.of(text + "\n" + EM + " PeterNeumann\n",
            "signed note line 4: a signature line must be '\u2014 <key name> <base64 signature>'"),
        Arguments.of(text + "\n" + EM + "  AAAAAAAA\n",
            "signed note line 4: invalid key name '': it must be non-empty, without spaces or '+'"),
        Arguments.of(text + "\n" + EM + " a+b AAAAAAAA\n",
            "signed note line 4: invalid key name 'a+b': it must be non-empty, without spaces or '+'"),
        Arguments.of(text + "\n" + EM + " PeterNeumann AAAAAAA\n",
            "signed note line 4: signature of key PeterNeumann is not canonical standard base64"),
        Arguments.of(text + "\n" + EM + " PeterNeumann AAAAAAB=\n",
            "signed note line 4: signature of key PeterNeumann is not canonical standard base64"),
        Arguments.of(text + "\n" + EM + " PeterNeumann AAAAAA\n",
            "signed note line 4: signature of key PeterNeumann is not canonical standard base64"),
        Arguments.of(text + "\n" + EM + " PeterNeumann AAAAAA==\n",
            "signed note line 4: signature of key PeterNeumann is 4 bytes, shorter than a key ID "
                + "and a signature"),
        Arguments.of(text + "\n" + PETER_SIG + "\n" + PETER_SIG.replace("x08go", "x08g "),
            "signed note line 6: signature of key PeterNeumann is not canonical standard base64"),
        Arguments.of("a\tb\n\n" + PETER_SIG,
            "signed note line 1: control character U+0009 (only newline is allowed)"),
        Arguments.of(text + "\n" + PETER_SIG.replace("\n", "\r\n"),
            "signed note line 4: control character U+000D (only newline is allowed)"));
  }

  @ParameterizedTest
  @MethodSource("malformedNotes")
  void malformedNotesAreRejectedNamingTheLine(String wire, String message) {
    assertCode(() -> SignedNote.parse(wire.getBytes(UTF_8)), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage(message);
  }

  @Test
  void invalidUtf8IsRejected() {
    byte[] wire = ("x" + GO_TEXT + "\n" + PETER_SIG).getBytes(UTF_8);
    wire[0] = (byte) 0xff;
    assertCode(() -> SignedNote.parse(wire), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("signed note is not valid UTF-8");
    assertCode(() -> SignedNote.parse("\ud800" + GO_TEXT + "\n" + PETER_SIG),
        LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("signed note contains an unpaired surrogate, which is not valid UTF-8");
  }

  @Test
  void sizeAndSignatureCountAreLimited() {
    String hundred = GO_TEXT + "\n" + PETER_SIG.repeat(SignedNote.MAX_SIGNATURES);
    assertThat(SignedNote.parse(hundred).verify(List.of(peter))).hasSize(1);
    assertCode(() -> SignedNote.parse(hundred + PETER_SIG), LedgerErrorCode.NOTE_TOO_LARGE)
        .hasMessage("signed note line 104: more than 100 signatures");
    String huge = "x".repeat(SignedNote.MAX_NOTE_BYTES) + "\n\n" + PETER_SIG;
    assertCode(() -> SignedNote.parse(huge.getBytes(UTF_8)), LedgerErrorCode.NOTE_TOO_LARGE)
        .hasMessage("signed note is 1048688 bytes long, more than the 1048576 bytes allowed");
    assertCode(() -> SignedNote.parse(huge), LedgerErrorCode.NOTE_TOO_LARGE)
        .hasMessage("signed note is 1048686 characters long, more than the 1048576 bytes allowed");
  }

  @Test
  void atLeastSixteenLargeSignaturesAreAccepted() {
    // ML-DSA-44 cosignatures are 4 + 8 + 2420 bytes; the spec asks for at least 16 of them.
    List<NoteSignature> signatures = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      signatures.add(NoteSignature.of("witness.example/" + i, i, new byte[8 + 2420]));
    }
    String wire = new SignedNote(GO_TEXT, signatures).format();
    assertThat(SignedNote.parse(wire).signatures()).hasSize(16);
  }

  @Test
  void constructedNotesAreCheckedToo() {
    NoteSigner signer = NoteSigner.parse(PETER_SKEY);
    assertCode(() -> SignedNote.sign("abc", signer), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("note text must be non-empty and end with a newline");
    assertCode(() -> SignedNote.sign("a\u0000b\n", signer), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("note text line 1: control character U+0000 (only newline is allowed)");
    assertCode(() -> new SignedNote(GO_TEXT, List.of()), LedgerErrorCode.MALFORMED_NOTE);
    assertCode(() -> new NoteSignature("a+b", 0, "AAAAAAA="), LedgerErrorCode.MALFORMED_NOTE);
    assertCode(() -> new NoteSignature("a", 1, "AAAAAAA="), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("signature of key a carries key ID 00000000, not 00000001");
  }

  @Test
  void aNoteWhoseTextEndsInAnEmptyLineRoundTrips() {
    NoteSigner signer = NoteSigner.parse(PETER_SKEY);
    SignedNote note = SignedNote.sign("a\n\n", signer);
    SignedNote parsed = SignedNote.parse(note.format());
    assertThat(parsed).isEqualTo(note);
    assertThat(parsed.verify(List.of(peter))).hasSize(1);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertCode(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, LedgerErrorCode code) {
    AbstractThrowableAssert<?, ? extends Throwable> thrown =
        assertThatThrownBy(call).isInstanceOf(NoteException.class);
    thrown.extracting(e -> ((NoteException) e).code()).isEqualTo(code);
    return thrown;
  }
}
