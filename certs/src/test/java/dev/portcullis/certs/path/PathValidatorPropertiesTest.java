package dev.portcullis.certs.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Fails closed on damaged input: any single-byte change to a valid end-entity certificate yields
 * an invalid result with a failure code, never an exception and never an acceptance.
 */
class PathValidatorPropertiesTest {
  private static final KeyPair ROOT_KEY = TestPki.newKey();
  private static final KeyPair LEAF_KEY = TestPki.newKey();
  private static final TestPki.Spec ROOT = TestPki.ca("CN=Property Root", ROOT_KEY);
  private static final byte[] ROOT_DER = ROOT.der();
  private static final byte[] LEAF_DER = TestPki.leaf("CN=p.example.com", LEAF_KEY).issuedBy(ROOT).dns("p.example.com").der();

  private static ValidationResult validate(byte[] leaf) {
    return PathValidator.validate(ValidationRequest.builder(leaf).trustAnchors(List.of(ROOT_DER)).time(TestPki.NOW)
        .peerName(new PeerName.Dns("p.example.com")).build());
  }

  @Property(tries = 300)
  void anyChangedByteIsRefusedWithACode(@ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    assertThat(validate(LEAF_DER).valid()).isTrue();
    byte[] damaged = LEAF_DER.clone();
    int index = position % damaged.length;
    damaged[index] = (byte) (damaged[index] + delta);

    ValidationResult result = validate(damaged);

    assertThat(result.valid()).as("byte %d changed by %d", index, delta).isFalse();
    // Refused by a named check, not by the last-resort catch in PathValidator.validate.
    assertThat(result.failures().get(0).certificate()).as("byte %d changed by %d: %s", index, delta, result.failures())
        .isNotEqualTo("path");
  }

  @Property(tries = 100)
  void anyTruncationIsRefused(@ForAll @IntRange(min = 0, max = 10_000) int length) {
    byte[] truncated = java.util.Arrays.copyOf(LEAF_DER, length % LEAF_DER.length);

    ValidationResult result = validate(truncated);

    assertThat(result.valid()).isFalse();
    assertThat(result.code()).isEqualTo(FailureCode.MALFORMED_CERTIFICATE);
  }
}
