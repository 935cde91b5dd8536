package dev.portcullis.ledger;

import static dev.portcullis.ledger.NoteVectors.*;
import static dev.portcullis.ledger.SignedNoteTest.assertCode;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosignatureTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

  @Test
  void sigsumCosignatureVerifiesWithTimestamp() {
    Cosigner cosigner = new Cosigner("example.org/witness", sigsumSeed(), CLOCK);
    SignedNote note = SignedNote.parse(SIGSUM_COSIGNED_TEXT + "\n" + SIGSUM_COSIGNATURE + "\n");
    assertThat(note.signatures().getFirst().keyId()).isEqualTo(cosigner.keyId());
    assertThat(cosigner.verifier().verifiedTimestamp(note)).isEqualTo(1234L);
  }

  @Test
  void cosignerReproducesSigsumsLineByteForByte() {
    Cosigner cosigner = new Cosigner("example.org/witness", sigsumSeed(),
        Clock.fixed(Instant.ofEpochSecond(1234), ZoneOffset.UTC));
    assertThat(cosigner.cosign(Checkpoint.parse(SIGSUM_COSIGNED_TEXT)).line())
        .isEqualTo(SIGSUM_COSIGNATURE);
  }

  @Test
  void specExampleCosignatureDecodes() {
    SignedNote note = SignedNote.parse(note("c2sp-tlog-cosignature-example.note"));
    NoteSignature cosignature = note.signatures().get(1);
    assertThat(cosignature.keyName()).isEqualTo("witness.example.com/w1");
    assertThat(NoteKeys.hex8(cosignature.keyId())).isEqualTo("8d66cf3f");
    assertThat(cosignature.signature()).hasSize(8 + 64);
    assertThat(CosignatureVerifier.timestampOf(cosignature.signature())).isEqualTo(1679315147L);
  }

  @Test
  void signedMessageIsHeaderTimeAndCheckpoint() {
    assertThat(new String(CosignatureVerifier.signedMessage(1679315147L,
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
            .getBytes(UTF_8)), UTF_8))
        .isEqualTo("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
            + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  }

  @Test
  void cosignatureRoundTripThroughVkeyAndNote() {
    NoteSigner.Ed25519 log = NoteSigner.Ed25519.generate("portcullis.example/ledger");
    Cosigner witness = Cosigner.generate("witness.example/w1", CLOCK);
    Checkpoint checkpoint = new Checkpoint(log.name(), 42, new byte[32]);
    SignedNote note = checkpoint.sign(log).withSignature(witness.cosign(checkpoint));
    SignedNote parsed = SignedNote.parse(note.format());

    CosignatureVerifier verifier = CosignatureVerifier.parse(witness.verifier().vkey());
    assertThat(verifier).isEqualTo(witness.verifier());
    assertThat(verifier.vkey()).contains("+" + NoteKeys.hex8(witness.keyId()) + "+B");
    assertThat(verifier.verifiedTimestamp(parsed)).isEqualTo(1_700_000_000L);
    assertThat(parsed.verify(List.of(log.verifier(), verifier), 2)).hasSize(2);
    assertThat(Cosigner.parse(witness.privateKey(), CLOCK).verifier()).isEqualTo(verifier);
    assertThat(witness.toString()).contains("redacted")
        // PRIVATE+KEY+<name>+<hash>+<base64 key>: the key itself may hold '+' (base64), so split, not lastIndexOf
        .doesNotContain(witness.privateKey().split("\\+", 5)[4]);
  }

  @Test
  void aCosignatureOverAnotherCheckpointOrTimeFails() {
    Cosigner witness = Cosigner.generate("witness.example/w1", CLOCK);
    Checkpoint checkpoint = new Checkpoint("log.example", 42, new byte[32]);
    NoteSignature cosignature = witness.cosign(checkpoint);
    SignedNote other = new SignedNote(new Checkpoint("log.example", 43, new byte[32]).text(),
        List.of(cosignature));
    assertCode(() -> witness.verifier().verifiedTimestamp(other), LedgerErrorCode.BAD_SIGNATURE);

    byte[] bytes = cosignature.signature();
    bytes[7]++; // timestamp 1700000001
    SignedNote retimed = new SignedNote(checkpoint.text(),
        List.of(NoteSignature.of(witness.name(), witness.keyId(), bytes)));
    assertCode(() -> witness.verifier().verifiedTimestamp(retimed), LedgerErrorCode.BAD_SIGNATURE);

    bytes[7]--;
    bytes[0] = (byte) 0x80; // above 2^63 - 1
    assertThat(witness.verifier().verify(checkpoint.text().getBytes(UTF_8), bytes)).isFalse();
    assertThat(witness.verifier().verify(checkpoint.text().getBytes(UTF_8), new byte[71])).isFalse();
  }

  @Test
  void aCosignerKeyIsNotANoteKey() {
    Cosigner witness = Cosigner.generate("witness.example/w1", CLOCK);
    NoteSigner.Ed25519 log = NoteSigner.Ed25519.generate("log.example");
    assertCode(() -> CosignatureVerifier.parse(log.verifier().vkey()),
        LedgerErrorCode.UNSUPPORTED_KEY_TYPE)
        .hasMessage("verifier key log.example is a note signing key (type 0x01), not a cosignature "
            + "key (type 0x04)");
    assertCode(() -> NoteSigner.parse(witness.privateKey()), LedgerErrorCode.UNSUPPORTED_KEY_TYPE);
    assertCode(() -> Cosigner.parse(log.privateKey(), CLOCK), LedgerErrorCode.UNSUPPORTED_KEY_TYPE);
    // A plain signature by the witness's name is not a cosignature.
    SignedNote plain = SignedNote.sign("log.example\n1\n" + "A".repeat(43) + "=\n", log);
    assertCode(() -> witness.verifier().verifiedTimestamp(plain), LedgerErrorCode.UNVERIFIED);
  }

  @Test
  void futureCosignaturesCanBeRefused() {
    Cosigner witness = Cosigner.generate("witness.example/w1", CLOCK);
    Checkpoint checkpoint = new Checkpoint("log.example", 42, new byte[32]);
    SignedNote note = new SignedNote(checkpoint.text(), List.of(witness.cosign(checkpoint)));
    Clock earlier = Clock.offset(CLOCK, java.time.Duration.ofSeconds(-61));
    assertThat(witness.verifier().verifiedTimestamp(note, CLOCK, java.time.Duration.ZERO))
        .isEqualTo(1_700_000_000L);
    assertThat(witness.verifier().verifiedTimestamp(note, earlier, java.time.Duration.ofMinutes(2)))
        .isEqualTo(1_700_000_000L);
    assertCode(() -> witness.verifier().verifiedTimestamp(note, earlier,
        java.time.Duration.ofMinutes(1)), LedgerErrorCode.FUTURE_TIMESTAMP)
        .hasMessage("cosignature of witness.example/w1+" + NoteKeys.hex8(witness.keyId())
            + " is dated 1700000000, later than the latest acceptable 1699999999");
  }

  @Test
  void witnessResponseLinesParseOneByOne() {
    NoteSignature line = NoteSignature.parse(SIGSUM_COSIGNATURE);
    assertThat(line.line()).isEqualTo(SIGSUM_COSIGNATURE);
    Cosigner cosigner = new Cosigner("example.org/witness", sigsumSeed(), CLOCK);
    SignedNote note = SignedNote.parse(note("sigsum-checkpoint.note"));
    // A cosignature over another checkpoint, added to this one, fails as a known key's signature.
    assertCode(() -> note.withSignature(line).verify(List.of(cosigner.verifier())),
        LedgerErrorCode.BAD_SIGNATURE);
    SignedNote cosigned = SignedNote.parse(SIGSUM_COSIGNED_TEXT + "\n" + EM
        + " example.org/log DEADBEEFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
        .withSignature(line);
    assertThat(cosigner.verifier().verifiedTimestamp(cosigned)).isEqualTo(1234L);
    assertCode(() -> NoteSignature.parse(SIGSUM_COSIGNATURE + "\n"), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("a signature line must not contain a newline");
    assertCode(() -> NoteSignature.parse("- example.org/witness AAAAAAAA"),
        LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("signature line: a signature line must start with an em dash (U+2014) and a space");
    assertCode(() -> NoteSignature.parse(EM + " w\u0000 AAAAAAAA"), LedgerErrorCode.MALFORMED_NOTE)
        .hasMessage("signature line: note text line 1: control character U+0000 (only newline is allowed)");
  }
}
