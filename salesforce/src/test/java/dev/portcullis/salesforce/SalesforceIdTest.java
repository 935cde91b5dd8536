package dev.portcullis.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The case-safe suffix as documented in {@link SalesforceId}'s javadoc. */
class SalesforceIdTest {
  private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  @Test
  void knownPairsComputedByHand() {
    // Digits only: 0, 0, 0 -> "AAA".
    assertThat(SalesforceId.to18("001000000000001")).isEqualTo("001000000000001AAA");
    // "00D00": D at index 2 -> 4 -> 'E'; "00000" and "00001": 'A'.
    assertThat(SalesforceId.to18("00D000000000001")).isEqualTo("00D000000000001EAA");
    // Block "ABCDE": every bit set, 31 -> '5'; "12345" and "abcde": 0 -> 'A'.
    assertThat(SalesforceId.to18("ABCDE12345abcde")).isEqualTo("ABCDE12345abcde5AA");
    // "a0B1c": B at index 2 -> 4 -> 'E'; "2D3e4": D at index 1 -> 2 -> 'C';
    // "F5g6H": F at 0 and H at 4 -> 1 + 16 = 17 -> 'R'.
    assertThat(SalesforceId.to18("a0B1c2D3e4F5g6H")).isEqualTo("a0B1c2D3e4F5g6HECR");
    // "001A0": A at index 3 -> 8 -> 'I'; "00000": 'A'; "Vm9rX": V at 0, X at 4 -> 17 -> 'R'.
    assertThat(SalesforceId.to18("001A000000Vm9rX")).isEqualTo("001A000000Vm9rXIAR");
    // "0055g": 'A'; "00000": 'A'; "C2JXe": C at 0, J at 2, X at 3 -> 1 + 4 + 8 = 13 -> 'N'.
    assertThat(SalesforceId.to18("0055g00000C2JXe")).isEqualTo("0055g00000C2JXeAAN");
  }

  @Test
  void validity() {
    assertThat(SalesforceId.isValid("001A000000Vm9rX")).isTrue();
    assertThat(SalesforceId.isValid("001A000000Vm9rXIAR")).isTrue();
    assertThat(SalesforceId.isValid("001A000000Vm9rXAAA")).as("wrong suffix").isFalse();
    assertThat(SalesforceId.isValid("001A000000Vm9r")).as("14 characters").isFalse();
    assertThat(SalesforceId.isValid("001A000000Vm9r/")).as("slash").isFalse();
    assertThat(SalesforceId.isValid(null)).isFalse();
    assertThat(SalesforceId.keyPrefix("001A000000Vm9rXIAR")).isEqualTo("001");
    assertThatThrownBy(() -> SalesforceId.to18("001/../../x0000")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void to18IsIdempotentAndValid(@ForAll("ids15") String id) {
    String id18 = SalesforceId.to18(id);

    assertThat(id18).hasSize(18).startsWith(id);
    assertThat(SalesforceId.to18(id18)).isEqualTo(id18);
    assertThat(SalesforceId.isValid(id18)).isTrue();
  }

  @Property
  void flippingTheCaseOfALetterChangesTheSuffix(@ForAll("ids15") String id, @ForAll("indexes") int start) {
    int letter = -1;
    for (int i = 0; i < 15; i++) {
      if (Character.isLetter(id.charAt((start + i) % 15))) {
        letter = (start + i) % 15;
        break;
      }
    }
    Assume.that(letter >= 0);
    char c = id.charAt(letter);
    char flipped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
    String other = id.substring(0, letter) + flipped + id.substring(letter + 1);

    assertThat(SalesforceId.to18(other).substring(15)).isNotEqualTo(SalesforceId.to18(id).substring(15));
    assertThat(SalesforceId.isValid(other + SalesforceId.to18(id).substring(15))).isFalse();
  }

  @Provide
  Arbitrary<String> ids15() {
    return Arbitraries.strings().withChars(ALPHANUMERIC).ofLength(15);
  }

  @Provide
  Arbitrary<Integer> indexes() {
    return Arbitraries.integers().between(0, 14);
  }
}
