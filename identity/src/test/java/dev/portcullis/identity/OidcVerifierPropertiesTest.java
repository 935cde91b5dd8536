package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the parse-and-verify path over arbitrary input: nothing but {@link
 * IdentityException} ever escapes, and no single changed character of a valid token is accepted.
 */
class OidcVerifierPropertiesTest {
  private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  private static Issuers issuers;
  private static String github;
  private static String gitlab;

  @BeforeContainer
  static void start() throws Exception {
    issuers = new Issuers();
    github = issuers.github.mint(Map.of());
    gitlab = issuers.gitlab.mint(Map.of());
    issuers.verifier.verify(github); // warms the JWKS caches
    issuers.verifier.verify(gitlab);
  }

  @AfterContainer
  static void stop() {
    issuers.close();
  }

  private static void onlyIdentityExceptions(String input) {
    try {
      issuers.verifier.verify(input);
    } catch (IdentityException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    } catch (Throwable other) {
      throw new AssertionError("verify threw " + other + " for input of length " + input.length(), other);
    }
  }

  @Property(tries = 500)
  void arbitraryStringsOnlyEverRaiseIdentityExceptions(@ForAll String input) {
    onlyIdentityExceptions(input);
  }

  @Property(tries = 500)
  void tokenShapedStringsOnlyEverRaiseIdentityExceptions(@ForAll("tokenShaped") String input) {
    onlyIdentityExceptions(input);
  }

  @Property(tries = 1000)
  void mutatedTokensOnlyEverRaiseIdentityExceptions(@ForAll("mutations") String mutated) {
    onlyIdentityExceptions(mutated);
  }

  @Property(tries = 1500)
  void anySingleChangedCharacterIsRefused(@ForAll("singleCharacterChanges") String changed) {
    assertThatThrownBy(() -> issuers.verifier.verify(changed)).isInstanceOf(IdentityException.class);
  }

  @Provide
  Arbitrary<String> tokenShaped() {
    Arbitrary<String> part = Arbitraries.strings().withChars(TOKEN_ALPHABET.replace(".", "")).ofMaxLength(60);
    Arbitrary<String> json = Arbitraries.of("{}", "{\"alg\":\"RS256\"}", "{\"alg\":\"none\"}", "[]", "{\"a\":1,\"a\":2}",
            "{\"alg\":\"RS256\",\"kid\":\"" + issuers.github.currentKid() + "\"}", "{\"iss\":\"" + issuers.github.issuer() + "\"}",
            "{\"alg\":\"HS256\"}", "{\"alg\":1}", "{\"crit\":[]}", "null", "\"x\"", "{\"exp\":1e400}", "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}")
        .map(text -> java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return Combinators.combine(Arbitraries.oneOf(part, json), Arbitraries.oneOf(part, json), part,
            Arbitraries.integers().between(1, 6))
        .as((a, b, c, parts) -> switch (parts) {
          case 1 -> a;
          case 2 -> a + "." + b;
          case 3 -> a + "." + b + "." + c;
          case 4 -> a + "." + b + "." + c + ".";
          case 5 -> a + "." + b + "." + c + "." + a + "." + b;
          default -> a + "." + b + ".";
        });
  }

  @Provide
  Arbitrary<String> mutations() {
    Arbitrary<String> base = Arbitraries.of(github, gitlab);
    return Combinators.combine(base, Arbitraries.integers().between(0, 5000), Arbitraries.integers().between(0, 40),
            Arbitraries.strings().ofMaxLength(8), Arbitraries.integers().between(0, 3))
        .as((token, at, length, insert, kind) -> {
          int from = at % token.length();
          int to = Math.min(token.length(), from + length);
          return switch (kind) {
            case 0 -> token.substring(0, from) + insert + token.substring(to);  // replace a span
            case 1 -> token.substring(0, from) + token.substring(to);           // delete a span
            case 2 -> token.substring(0, from) + insert + token.substring(from); // insert
            default -> token.substring(0, from);                                 // truncate
          };
        });
  }

  @Provide
  Arbitrary<String> singleCharacterChanges() {
    Arbitrary<String> base = Arbitraries.of(github, gitlab);
    return Combinators.combine(base, Arbitraries.integers().between(0, 5000), Arbitraries.chars().with(TOKEN_ALPHABET.toCharArray()))
        .as((token, at, replacement) -> {
          int index = at % token.length();
          char original = token.charAt(index);
          char changed = replacement == original
              ? TOKEN_ALPHABET.charAt((TOKEN_ALPHABET.indexOf(original) + 1) % TOKEN_ALPHABET.length())
              : replacement;
          return token.substring(0, index) + changed + token.substring(index + 1);
        });
  }
}
