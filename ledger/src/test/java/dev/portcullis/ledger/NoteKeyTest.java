package dev.portcullis.ledger;

import static dev.portcullis.ledger.NoteVectors.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoteKeyTest {

  @ParameterizedTest
  @ValueSource(strings = {EXAMPLE_VKEY, PETER_VKEY, ENOCH_VKEY, SUMDB_VKEY, TESSERA_VKEY})
  void publishedVerifierKeysParseAndFormatBackByteForByte(String vkey) {
    NoteVerifier verifier = NoteVerifier.parse(vkey);
    assertThat(verifier).isInstanceOf(NoteVerifier.Ed25519.class);
    assertThat(verifier.vkey()).isEqualTo(vkey);
    assertThat(verifier.name()).isEqualTo(vkey.substring(0, vkey.indexOf('+')));
    assertThat(NoteKeys.hex8(verifier.keyId())).isEqualTo(vkey.split("\\+")[1]);
  }

  @Test
  void keyIdIsSha256OfNameNewlineTypeAndKey() {
    byte[] key = Base64.getDecoder().decode("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    byte[] raw = java.util.Arrays.copyOfRange(key, 1, 33);
    assertThat(NoteKeys.keyId("example.com/foo", (byte) 1, raw)).isEqualTo(0x530d903a);
    // The same key as a cosigner (type 0x04) has another key ID.
    assertThat(NoteKeys.keyId("example.com/foo", (byte) 4, raw)).isNotEqualTo(0x530d903a);
  }

  /** golang.org/x/mod sumdb/note TestNewVerifier: every substring and every byte++ fails. */
  @Test
  void everyManglingOfAVerifierKeyIsRejected() {
    byte[] b = PETER_VKEY.getBytes(UTF_8);
    int rejected = 0;
    for (int i = 0; i <= b.length; i++) {
      for (int j = i + 1; j <= b.length; j++) {
        if (i != 0 || j != b.length) {
          String mangled = new String(b, i, j - i, UTF_8);
          assertThatThrownBy(() -> NoteVerifier.parse(mangled)).as(mangled)
              .isInstanceOf(NoteException.class);
          rejected++;
        }
      }
    }
    for (int i = 0; i < b.length; i++) {
      b[i]++;
      String mangled = new String(b, UTF_8);
      assertThatThrownBy(() -> NoteVerifier.parse(mangled)).as(mangled)
          .isInstanceOf(NoteException.class);
      b[i]--;
    }
    assertThat(rejected).isEqualTo(b.length * (b.length + 1) / 2 - 1);
  }

  @Test
  void verifierKeyErrorsSayWhatIsWrong() {
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(NoteException.class)
        .hasMessageStartingWith("verifier key PeterNeumann: ")
        .extracting(e -> ((NoteException) e).code()).isEqualTo(LedgerErrorCode.MALFORMED_KEY);
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .hasMessageContaining("signature type 0x65 is not supported")
        .extracting(e -> ((NoteException) e).code())
        .isEqualTo(LedgerErrorCode.UNSUPPORTED_KEY_TYPE);
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .hasMessage("verifier key PeterNeumann: key ID c74f20a4 does not match the key (c74f20a3)");
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .hasMessage("verifier key PeterNeumann: key ID 'C74F20A3' is not eight lowercase hex digits");
    assertThatThrownBy(() -> NoteVerifier.parse("Peter Neumann+c74f20a3+AAAA"))
        .hasMessageContaining("verifier key name 'Peter Neumann' is invalid");
    assertThatThrownBy(() -> NoteVerifier.parse("PeterNeumann"))
        .hasMessage("verifier key is not of the form <name>+<hex8 key ID>+<base64 key>");
    assertThatThrownBy(() -> NoteVerifier.parse(
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"))
        .hasMessage("verifier key PeterNeumann: key is not canonical standard base64");
  }

  @Test
  void aKeyThatIsNotACurvePointIsRejected() {
    // The JDK's key factory accepts any 32 bytes; about half of them are not points.
    java.util.Random random = new java.util.Random(1);
    byte[] raw = new byte[32];
    do {
      random.nextBytes(raw);
    } while (NoteKeys.publicKey(raw) != null);
    String vkey = "x.example+" + NoteKeys.hex8(NoteKeys.keyId("x.example", (byte) 1, raw)) + "+"
        + Base64.getEncoder().encodeToString(NoteKeys.concat((byte) 1, raw));
    assertThatThrownBy(() -> NoteVerifier.parse(vkey))
        .hasMessage("verifier key x.example: not a valid Ed25519 public key");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0000000000000000000000000000000000000000000000000000000000000000", // order 4
      "0100000000000000000000000000000000000000000000000000000000000000", // identity
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8, x odd
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1 = identity
  })
  void smallOrderKeysAreRejected(String hex) {
    byte[] raw = HexFormat.of().parseHex(hex);
    assertThat(NoteKeys.isSmallOrder(raw)).isTrue();
    String vkey = "x.example+" + NoteKeys.hex8(NoteKeys.keyId("x.example", (byte) 1, raw)) + "+"
        + Base64.getEncoder().encodeToString(NoteKeys.concat((byte) 1, raw));
    assertThatThrownBy(() -> NoteVerifier.parse(vkey)).hasMessage("verifier key x.example: a "
        + "small-order Ed25519 public key, for which anyone can forge signatures");
  }

  @Test
  void aZeroSignatureUnderTheAllZeroKeyIsRefusedEvenPastTheKeyCheck() {
    byte[] raw = new byte[32];
    NoteVerifier weak = new NoteVerifier.Ed25519("x.example", raw, NoteKeys.publicKey(raw));
    // R = A here, so the cofactorless equation holds whenever the challenge H(R || A || M) makes (k + 1)A
    // vanish, as for "a\n": a forgery that needs no private key, which the JDK's verifier accepts. That is why
    // parsing refuses small-order keys (above); the signature check refuses it as well.
    assertThat(weak.verify("a\n".getBytes(UTF_8), new byte[64])).isFalse();
  }

  @Test
  void goSignerKeyParsesAndMatchesItsVerifierKey() {
    NoteSigner.Ed25519 signer = NoteSigner.parse(PETER_SKEY);
    assertThat(signer.name()).isEqualTo("PeterNeumann");
    assertThat(signer.keyId()).isEqualTo(0xc74f20a3);
    assertThat(signer.verifier().vkey()).isEqualTo(PETER_VKEY);
    assertThat(signer.privateKey()).isEqualTo(PETER_SKEY);
  }

  @Test
  void tesseraSignerKeyMatchesItsVerifierKey() {
    assertThat(NoteSigner.parse(TESSERA_SKEY).verifier().vkey()).isEqualTo(TESSERA_VKEY);
  }

  /** golang.org/x/mod sumdb/note TestNewSigner: every substring and every byte++ fails. */
  @Test
  void everyManglingOfASignerKeyIsRejected() {
    byte[] b = PETER_SKEY.getBytes(UTF_8);
    for (int i = 0; i <= b.length; i++) {
      for (int j = i + 1; j <= b.length; j++) {
        if (i != 0 || j != b.length) {
          String mangled = new String(b, i, j - i, UTF_8);
          assertThatThrownBy(() -> NoteSigner.parse(mangled)).isInstanceOf(NoteException.class);
        }
      }
    }
    for (int i = 0; i < b.length; i++) {
      b[i]++;
      String mangled = new String(b, UTF_8);
      assertThatThrownBy(() -> NoteSigner.parse(mangled)).isInstanceOf(NoteException.class);
      b[i]--;
    }
  }

  @Test
  void signerKeyErrorsNeverQuoteTheSecret() {
    String wrongId = PETER_SKEY.replace("c74f20a3", "c74f20a4");
    assertThatThrownBy(() -> NoteSigner.parse(wrongId))
        .hasMessage("private key PeterNeumann: key ID c74f20a4 does not match the key (c74f20a3)")
        .message().doesNotContain("AYEKFALV");
    assertThatThrownBy(() -> NoteSigner.parse("PRIVATE+KEY+x+00000000+AQAA"))
        .hasMessage("private key x: Ed25519 seed is 2 bytes, not 32");
    assertThatThrownBy(() -> NoteSigner.parse(PETER_SKEY.replace("+AYEK", "+BIEK")))
        .extracting(e -> ((NoteException) e).code())
        .isEqualTo(LedgerErrorCode.UNSUPPORTED_KEY_TYPE);
  }

  @Test
  void generatedKeysRoundTripAndRedactTheirSecrets() {
    NoteSigner.Ed25519 signer = NoteSigner.Ed25519.generate("portcullis.example/ledger");
    NoteSigner.Ed25519 parsed = NoteSigner.parse(signer.privateKey());
    assertThat(parsed.verifier()).isEqualTo(signer.verifier());
    assertThat(NoteVerifier.parse(signer.verifier().vkey())).isEqualTo(signer.verifier());
    // PRIVATE+KEY+<name>+<hex id>+<base64>: the base64 itself may hold '+', so split into five fields.
    String secret = signer.privateKey().split("\\+", 5)[4];
    assertThat(signer.toString()).doesNotContain(secret).contains("redacted")
        .contains(signer.verifier().vkey());
    byte[] message = "hi\n".getBytes(UTF_8);
    byte[] signature = signer.sign(message);
    assertThat(signer.verifier().verify(message, signature)).isTrue();
    signature[0]++;
    assertThat(signer.verifier().verify(message, signature)).isFalse();
    signature[0]--;
    message[0]++;
    assertThat(signer.verifier().verify(message, signature)).isFalse();
  }

  @Test
  void namesMayHoldAnyOtherUnicode() {
    for (String name : List.of("été.example/日本", "a\ud83d\ude00b", "a\ud876\udc00b")) {
      NoteSigner.Ed25519 signer = new NoteSigner.Ed25519(name, new byte[32]);
      assertThat(NoteVerifier.parse(signer.verifier().vkey()).name()).isEqualTo(name);
    }
  }

  @Test
  void invalidNamesAreRejected() {
    for (String name : List.of("", "a b", "a+b", "a\u00a0b", "a\u2003b", "a\tb", "a\u0085b", "a\u2028b", "a\ud800")) {
      assertThatThrownBy(() -> new NoteSigner.Ed25519(name, new byte[32])).as(name)
          .isInstanceOf(NoteException.class).hasMessageContaining("is invalid");
    }
  }

  @org.junit.jupiter.api.Test
  void signingWithTheKeptPublicKeyGivesTheSameSignatureAsFromTheSeedAlone() {
    // Ed25519 is deterministic (RFC 8032 §5.1.6): the signer keeps its public key instead of deriving it per
    // signature, which must not change a single byte
    java.util.Random random = new java.util.Random(8032);
    for (int i = 0; i < 200; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      byte[] message = new byte[random.nextInt(300)];
      random.nextBytes(message);
      byte[] publicKey = NoteKeys.publicKeyOfSeed(seed);
      byte[] kept = NoteKeys.sign(seed, publicKey, message);
      assertThat(kept).isEqualTo(NoteKeys.sign(seed, message));
      assertThat(NoteKeys.verify(publicKey, message, kept)).isTrue();
      NoteSigner.Ed25519 signer = new NoteSigner.Ed25519("k", seed);
      assertThat(signer.sign(message)).isEqualTo(kept);
    }
  }
}
