package dev.portcullis.ledger;

import static dev.portcullis.ledger.NoteVectors.*;
import static dev.portcullis.ledger.SignedNoteTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointTest {
  private static final String SOFA =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

  @Test
  void specExampleParsesAndFormatsBack() {
    Checkpoint checkpoint = Checkpoint.parse(SOFA);
    assertThat(checkpoint.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(checkpoint.size()).isEqualTo(20852163L);
    assertThat(checkpoint.rootHash())
        .isEqualTo(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    assertThat(checkpoint.extensions()).isEmpty();
    assertThat(checkpoint.text()).isEqualTo(SOFA);
    assertThat(Checkpoint.of(SignedNote.parse(note("c2sp-tlog-cosignature-example.note"))))
        .isEqualTo(checkpoint);
  }

  @Test
  void sumDbCheckpointVerifiesWithItsSpacedOrigin() {
    SignedNote note = SignedNote.parse(note("sum-golang-org-checkpoint.note"));
    Checkpoint checkpoint = Checkpoint.verify(note, "go.sum database tree",
        List.of(NoteVerifier.parse(SUMDB_VKEY)));
    assertThat(checkpoint.size()).isEqualTo(30055305L);
    assertThat(checkpoint.text()).isEqualTo(note.text());
  }

  @Test
  void tesseraCheckpointVerifiesAndTheOriginIsChecked() {
    SignedNote note = SignedNote.parse(note("tessera-testdata-checkpoint-15.note"));
    List<NoteVerifier> known = List.of(NoteVerifier.parse(TESSERA_VKEY));
    assertThat(Checkpoint.verify(note, "example.com/log/testdata", known).size()).isEqualTo(15);
    assertCode(() -> Checkpoint.verify(note, "example.com/other", known),
        LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage("checkpoint origin 'example.com/log/testdata' is not the expected "
            + "'example.com/other'");
  }

  @Test
  void signedCheckpointRoundTripsAndExtensionsAreSigned() {
    NoteSigner.Ed25519 signer = NoteSigner.Ed25519.generate("portcullis.example/ledger");
    Checkpoint checkpoint = new Checkpoint("portcullis.example/ledger", 0, new byte[32],
        List.of("extension one", "\u2014 looks like a signature but is an extension"));
    SignedNote note = SignedNote.parse(checkpoint.sign(signer).format());
    assertThat(Checkpoint.verify(note, checkpoint.origin(), List.of(signer.verifier())))
        .isEqualTo(checkpoint);
    SignedNote altered = new SignedNote(note.text().replace("extension one", "extension two"),
        note.signatures());
    assertCode(() -> altered.verify(List.of(signer.verifier())), LedgerErrorCode.BAD_SIGNATURE);
  }

  static Stream<Arguments> malformedCheckpoints() {
    String root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    return Stream.of(
        Arguments.of("", "checkpoint text does not end with a newline"),
        Arguments.of("o\n1\n" + root, "checkpoint text does not end with a newline"),
        Arguments.of("o\n1\n", "checkpoint has 2 lines; it needs an origin, a tree size and a root hash"),
        Arguments.of("\n1\n" + root + "\n", "checkpoint line 1 is empty"),
        Arguments.of("o\n\n" + root + "\n", "checkpoint line 2 is empty"),
        Arguments.of("o\n1\n" + root + "\n\n", "checkpoint line 4 is empty"),
        Arguments.of("o\n1\n" + root + "\next\n\n", "checkpoint line 5 is empty"),
        Arguments.of("o\n01\n" + root + "\n", "checkpoint line 2: tree size '01' has a leading zero"),
        Arguments.of("o\n00\n" + root + "\n", "checkpoint line 2: tree size '00' has a leading zero"),
        Arguments.of("o\n-1\n" + root + "\n", "checkpoint line 2: tree size '-1' is not a decimal number"),
        Arguments.of("o\n+1\n" + root + "\n", "checkpoint line 2: tree size '+1' is not a decimal number"),
        Arguments.of("o\n 1\n" + root + "\n", "checkpoint line 2: tree size ' 1' is not a decimal number"),
        Arguments.of("o\n1x\n" + root + "\n", "checkpoint line 2: tree size '1x' is not a decimal number"),
        Arguments.of("o\n\u0661\n" + root + "\n", "checkpoint line 2: tree size '\u0661' is not a decimal number"),
        Arguments.of("o\n9223372036854775808\n" + root + "\n",
            "checkpoint line 2: tree size '9223372036854775808' is larger than 2^63 - 1"),
        Arguments.of("o\n99999999999999999999\n" + root + "\n",
            "checkpoint line 2: tree size '99999999999999999999' is not a decimal number"),
        Arguments.of("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
            "checkpoint line 3: root hash is not canonical standard base64"),
        Arguments.of("o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n",
            "checkpoint line 3: root hash is not canonical standard base64"),
        Arguments.of("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
            "checkpoint line 3: root hash is not canonical standard base64"),
        Arguments.of("o\n1\nAAAA\n", "checkpoint line 3: root hash is 3 bytes, not 32"),
        Arguments.of("o\n1\n" + root.replace("=", "A") + "AAAA\n",
            "checkpoint line 3: root hash is 36 bytes, not 32"));
  }

  @ParameterizedTest
  @MethodSource("malformedCheckpoints")
  void malformedCheckpointsAreRejectedNamingTheLine(String text, String message) {
    assertCode(() -> Checkpoint.parse(text), LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage(message);
  }

  @Test
  void constructedCheckpointsAreChecked() {
    assertCode(() -> new Checkpoint("", 1, new byte[32]), LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage("checkpoint origin is empty");
    assertCode(() -> new Checkpoint("a\nb", 1, new byte[32]),
        LedgerErrorCode.MALFORMED_CHECKPOINT).hasMessage("checkpoint origin contains a newline");
    assertCode(() -> new Checkpoint("o", -1, new byte[32]), LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage("checkpoint tree size is negative: -1");
    assertCode(() -> new Checkpoint("o", 1, new byte[31]), LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage("checkpoint root hash is 31 bytes, not 32");
    assertCode(() -> new Checkpoint("o", 1, new byte[32], List.of("")),
        LedgerErrorCode.MALFORMED_CHECKPOINT)
        .hasMessage("checkpoint line 4: extension lines must be non-empty");
    assertCode(() -> new Checkpoint("o\u0007", 1, new byte[32]),
        LedgerErrorCode.MALFORMED_CHECKPOINT).hasMessageContaining("control character U+0007");
  }

  @Test
  void rootHashIsCopiedInAndOut() {
    byte[] root = new byte[32];
    Checkpoint checkpoint = new Checkpoint("o", 1, root);
    root[0] = 1;
    checkpoint.rootHash()[1] = 1;
    assertThat(checkpoint.rootHash()).isEqualTo(new byte[32]);
    assertThat(checkpoint).isEqualTo(new Checkpoint("o", 1, new byte[32]))
        .hasSameHashCodeAs(new Checkpoint("o", 1, new byte[32]));
  }
}
