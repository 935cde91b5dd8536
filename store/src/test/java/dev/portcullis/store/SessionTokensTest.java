package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

  @Test
  void theSfCheckIsSfdxCoresRegularExpression() {
    // forcedotcom/sfdx-core src/util/sfdc.ts, matchesAccessToken: /^(00D\w{12,15})![.\w]*$/
    assertThat(SessionTokens.SF_ACCESS_TOKEN.pattern()).isEqualTo("^(00D\\w{12,15})![.\\w]*$");
    // A Salesforce-shaped token (the example of secret scanners' Salesforce rule) passes; others do not.
    assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher("00DE0X0A0M0PeLE!CJoAQOx1GCLf1UIt4UU9y0VOPLUZAYN6I8DsdGEDyHh5"
        + "cO02egObcAhIDHYiGCfi94c53oFbr4HB.xZfuYRGhvNuxobAAXRe").matches()).isTrue();
    assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher("00D000000000001!a-b").matches()).isFalse();
    assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher("001000000000001!abc").matches()).isFalse();
  }

  @Property
  void everyGeneratedTokenIsAcceptedBySfAndWellFormed(@ForAll("orgIds") String orgId) {
    String token = SessionTokens.generate(orgId);

    assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher(token).matches()).isTrue();
    assertThat(SessionTokens.isWellFormed(token)).isTrue();
    assertThat(token).startsWith(orgId + "!");
    assertThat(token.substring(orgId.length() + 1)).hasSize(SessionTokens.RANDOM_CHARACTERS)
        .matches("[A-Za-z0-9._]+");
  }

  /** A generated token with one character replaced, inserted or deleted. */
  record Mutation(String orgId, String token, String kind, int position, char character) {
    String apply() {
      return switch (kind) {
        case "replace" -> token.substring(0, position) + character + token.substring(position + 1);
        case "insert" -> token.substring(0, position) + character + token.substring(position);
        case "delete" -> token.substring(0, position) + token.substring(position + 1);
        default -> token;
      };
    }

    /** Whether the character may stand at the position: the org ID's, the '!', or the random part's rules. */
    boolean replacementAllowed() {
      if (position < 3) {
        return character == "00D".charAt(position);
      }
      if (position < orgId.length()) {
        return isAlphanumeric(character);
      }
      if (position == orgId.length()) {
        return character == '!';
      }
      return isAlphanumeric(character) || character == '.' || character == '_';
    }

    private static boolean isAlphanumeric(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }

  @Property(tries = 2000)
  void oneCharacterDecidesWellFormednessAndWhatIsWellFormedSfAccepts(@ForAll("mutations") Mutation mutation) {
    String candidate = mutation.apply();
    boolean wellFormed = SessionTokens.isWellFormed(candidate);

    switch (mutation.kind()) {
      case "none" -> assertThat(wellFormed).isTrue();
      case "insert", "delete" -> assertThat(wellFormed).as(candidate).isFalse();
      default -> assertThat(wellFormed).as(candidate).isEqualTo(mutation.replacementAllowed());
    }
    if (wellFormed) {
      assertThat(SessionTokens.SF_ACCESS_TOKEN.matcher(candidate).matches()).isTrue();
    }
  }

  @Test
  void tokensCarryAtLeast256RandomBitsAndDoNotRepeat() {
    assertThat(SessionTokens.RANDOM_BITS).isGreaterThanOrEqualTo(256);
    Set<String> randoms = new HashSet<>();
    Set<Character> alphabet = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String random = SessionTokens.generate(Samples.ORG_ID_18).substring(19);
      randoms.add(random);
      random.chars().forEach(c -> alphabet.add((char) c));
    }
    assertThat(randoms).hasSize(2000);
    // 192,000 characters drawn from 64: every one of them shows up, '.' included.
    assertThat(alphabet).hasSize(64).contains('.', '_');
  }

  @Test
  void aBadOrgIdIsRefused() {
    assertThatThrownBy(() -> SessionTokens.generate("001000000000001AAA"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Salesforce org ID");
    assertThatThrownBy(() -> SessionTokens.generate("00D0000000000!1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theHashIsLowerCaseHexSha256() {
    // FIPS 180-2 test vector: SHA-256("abc").
    assertThat(SessionTokens.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(SessionTokens.hash("abc")).isEqualTo(TokenIssuance.fingerprint("abc"));
  }

  @Test
  void matchesComparesTheTokensHashWithTheStoredOne() {
    String token = SessionTokens.generate(Samples.ORG_ID_18);
    String stored = SessionTokens.hash(token);

    assertThat(SessionTokens.matches(token, stored)).isTrue();
    assertThat(SessionTokens.matches(token + "x", stored)).isFalse();
    assertThat(SessionTokens.matches(token, stored.substring(2))).isFalse();
    assertThat(SessionTokens.matches(token, "not hex")).isFalse();
  }

  @Property
  void sessionIdsAreUlidsThatSortByTime(
      @ForAll @LongRange(min = 0, max = (1L << 48) - 2) long millis, @ForAll @LongRange(min = 1, max = 1000) long later) {
    Instant earlier = Instant.ofEpochMilli(millis);
    String first = SessionTokens.newSessionId(earlier);
    String second = SessionTokens.newSessionId(earlier.plusMillis(Math.min(later, (1L << 48) - 1 - millis)));

    assertThat(first).matches("ses_[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(first.compareTo(second)).isNegative();
    assertThat(decodeMillis(first)).isEqualTo(millis);
  }

  @Test
  void sessionIdsMadeInTheSameMillisecondDiffer() {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(SessionTokens.newSessionId(now));
    }
    assertThat(ids).hasSize(1000);
    // The ULID spec's own example time prefix: 1469918176385 ms is "01ARYZ6S41".
    assertThat(SessionTokens.newSessionId(Instant.ofEpochMilli(1469918176385L))).startsWith("ses_01ARYZ6S41");
  }

  private static long decodeMillis(String id) {
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    long millis = 0;
    for (char c : id.substring(4, 14).toCharArray()) {
      millis = millis * 32 + alphabet.indexOf(c);
    }
    return millis;
  }

  @Provide
  Arbitrary<String> orgIds() {
    Arbitrary<String> alphanumerics = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').ofLength(12);
    Arbitrary<String> suffix = Arbitraries.oneOf(Arbitraries.just(""),
        Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '5').ofLength(3));
    return Combinators.combine(alphanumerics, suffix).as((body, tail) -> "00D" + body + tail);
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    Arbitrary<Character> characters = Arbitraries.oneOf(
        Arbitraries.chars().ascii(), Arbitraries.chars().with('.', '_', '-', '!', 'é', '\u0000', '\n'));
    return Combinators.combine(orgIds(), Arbitraries.of("none", "replace", "insert", "delete"),
            Arbitraries.integers().between(0, 200), characters)
        .as((orgId, kind, position, character) -> {
          String token = SessionTokens.generate(orgId);
          return new Mutation(orgId, token, kind, position % token.length(), character);
        });
  }
}
