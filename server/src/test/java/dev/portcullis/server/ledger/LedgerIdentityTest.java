package dev.portcullis.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.MerkleHash;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.SignedNote;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerIdentityTest {
  private static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @Test
  void signsCheckpointsThatTheJdkVerifiesWithTheServerPublicKey() throws Exception {
    KeyPair pair = ed25519();
    LedgerIdentity identity = LedgerIdentity.of(pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(),
        Optional.empty());
    SignedNote note = new Checkpoint(identity.origin(), 1, MerkleHash.leaf(new byte[] {1}).toBytes())
        .sign(identity.signer());
    // The note's signature is an Ed25519 signature over the note text by the server's own key pair.
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(pair.getPublic());
    jdk.update(note.text().getBytes(StandardCharsets.UTF_8));
    byte[] keyIdAndSignature = java.util.Base64.getDecoder().decode(note.signatures().get(0).base64());
        assertThat(jdk.verify(java.util.Arrays.copyOfRange(keyIdAndSignature, 4, keyIdAndSignature.length))).isTrue();
    assertThat(Checkpoint.verify(note, identity.origin(), java.util.List.of(NoteVerifier.parse(identity.vkey()))).size()).isEqualTo(1);
  }

  @Test
  void defaultOriginIsStableForOneKeyAndDiffersBetweenKeys() throws Exception {
    KeyPair one = ed25519();
    KeyPair two = ed25519();
    String first = LedgerIdentity.of(one.getPrivate().getEncoded(), one.getPublic().getEncoded(), Optional.empty())
        .origin();
    String again = LedgerIdentity.of(one.getPrivate().getEncoded(), one.getPublic().getEncoded(), Optional.empty())
        .origin();
    String other = LedgerIdentity.of(two.getPrivate().getEncoded(), two.getPublic().getEncoded(), Optional.empty())
        .origin();
    assertThat(first).isEqualTo(again).matches("portcullis\\.ledger/[0-9a-f]{16}").isNotEqualTo(other);
    assertThat(LedgerIdentity.of(one.getPrivate().getEncoded(), one.getPublic().getEncoded(),
        Optional.of("audit.example.com/ledger")).vkey()).startsWith("audit.example.com/ledger+");
  }

  @Test
  void refusesMismatchedOrForeignKeys() throws Exception {
    KeyPair one = ed25519();
    KeyPair two = ed25519();
    assertThatThrownBy(() -> LedgerIdentity.of(one.getPrivate().getEncoded(), two.getPublic().getEncoded(),
        Optional.empty())).hasMessageContaining("does not match");
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    assertThatThrownBy(() -> LedgerIdentity.of(rsa.getPrivate().getEncoded(), one.getPublic().getEncoded(),
        Optional.empty())).hasMessageContaining("private key is not an Ed25519 key");
  }

  @Test
  void toStringNeverShowsThePrivateKey() throws Exception {
    KeyPair pair = ed25519();
    LedgerIdentity identity = LedgerIdentity.of(pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(),
        Optional.empty());
    assertThat(identity.toString()).contains(identity.vkey()).doesNotContain("PRIVATE+KEY");
  }
}
