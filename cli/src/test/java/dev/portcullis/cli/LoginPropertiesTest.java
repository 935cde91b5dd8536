package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of what {@code login} parses and writes: token shapes, broker answers, form and shell encoding. */
class LoginPropertiesTest {
  private static final URI TOKEN_URL = URI.create("http://127.0.0.1:1/oauth2/token");

  @Property
  void anyThreeBase64UrlPartsAreAcceptedAsTheyAre(@ForAll("base64url") String header, @ForAll("base64url") String payload,
      @ForAll("base64url") String signature) {
    String token = "e" + header + "." + payload + "." + signature;
    assertThat(CiIdentityToken.checked(token, "test")).isEqualTo(token);
  }

  @Property
  void anythingElseIsRefusedWithoutBeingQuoted(@ForAll("notJwts") String token) {
    assertThatThrownBy(() -> CiIdentityToken.checked(token, "the variable"))
        .isInstanceOfSatisfying(CliException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
          assertThat(e.getMessage()).startsWith("the variable ");
          if (token.length() >= 4) {
            assertThat(e.getMessage()).doesNotContain(token);
          }
        });
  }

  @Property
  void anyAnswerIsReadAsASessionARefusalOrAClearFailure(@ForAll @IntRange(min = 100, max = 599) int status,
      @ForAll("answers") String body) {
    try {
      TokenExchangeClient.Outcome outcome = TokenExchangeClient.read(TOKEN_URL, status, body);
      switch (outcome) {
        case TokenExchangeClient.Outcome.Issued issued -> {
          assertThat(status).isEqualTo(200);
          assertThat(issued.session().accessToken()).isNotEmpty();
          assertThat(issued.session().expiresInSeconds()).isPositive();
        }
        case TokenExchangeClient.Outcome.Refused refused -> {
          assertThat(status).isNotEqualTo(200);
          assertThat(refused.error().error()).isNotEmpty().doesNotContainPattern("\\p{Cntrl}");
          assertThat(refused.error().describe()).doesNotContainPattern("\\p{Cntrl}");
        }
      }
    } catch (CliException e) {
      assertThat(status).isEqualTo(200);
      assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
      assertThat(e.getMessage()).startsWith("the token endpoint " + TOKEN_URL);
    }
  }

  @Property
  void everyOAuthErrorMapsToItsExitCode(@ForAll("errors") String error, @ForAll @IntRange(min = 400, max = 499) int status) {
    TokenExchangeClient.OAuthError parsed = ((TokenExchangeClient.Outcome.Refused) TokenExchangeClient.read(TOKEN_URL,
        status, "{\"error\":\"" + error + "\",\"error_description\":\"why\"}")).error();
    ExitCode expected = switch (error) {
      case "access_denied" -> ExitCode.DENIED;
      case "invalid_grant" -> ExitCode.VERIFICATION_FAILED;
      default -> ExitCode.USAGE;
    };
    assertThat(parsed.exitCode(status)).isEqualTo(expected);
  }

  @Property
  void theFormDecodesToExactlyTheFields(@ForAll("printable") String token, @ForAll("printable") String org,
      @ForAll("scopeLists") List<String> scopes) {
    String form = TokenExchangeClient.form(token, org, scopes);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : form.split("&")) {
      String[] nameValue = pair.split("=", -1);
      assertThat(nameValue).hasSize(2);
      fields.put(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8), URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
    }
    assertThat(fields).containsExactly(
        Map.entry("grant_type", TokenExchangeClient.GRANT_TYPE),
        Map.entry("subject_token", token),
        Map.entry("subject_token_type", TokenExchangeClient.ID_TOKEN_TYPE),
        Map.entry("audience", org),
        Map.entry("scope", String.join(" ", scopes)),
        Map.entry("requested_token_type", TokenExchangeClient.ACCESS_TOKEN_TYPE));
  }

  @Property(tries = 40)
  void aShellQuotedValueEvaluatesToItself(@ForAll("shellValues") String value) throws Exception {
    String exports = "export V=" + LoginOutput.shellQuoted(value) + "\n";
    assertThat(LoginCommandTest.evaluatedByShell(exports, "V")).isEqualTo(value);
  }

  @Provide
  Arbitrary<String> base64url() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars('-', '_').ofMaxLength(60);
  }

  @Provide
  Arbitrary<String> notJwts() {
    Arbitrary<String> parts = Arbitraries.strings().withCharRange('a', 'z').withChars('.').ofMaxLength(40)
        .filter(s -> s.split("\\.", -1).length != 3 || s.startsWith("."));
    Arbitrary<String> badAlphabet = Combinators.combine(base64url(), Arbitraries.of('+', '/', '=', ' ', '"', '\n', 'é'))
        .as((s, c) -> "eyJ" + s + c + ".e30.c2ln");
    return Arbitraries.oneOf(parts, badAlphabet);
  }

  @Provide
  Arbitrary<String> answers() {
    Arbitrary<String> junk = Arbitraries.strings().ofMaxLength(80);
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(s -> "\""
        + s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\p{Cntrl}", "\\\\u0001") + "\""),
        Arbitraries.of("null", "0", "-5", "900", "true", "[]", "{}", "\"Bearer\"", "\"http://127.0.0.1:1\"",
            "\"00D000000000001!abc\"", "\"access_denied\"", "\"a\\u0007\\nb\""));
    Arbitrary<String> field = Arbitraries.of("access_token", "token_type", "expires_in", "instance_url", "session_id",
        "scope", "error", "error_description", "decision_id", "error_code");
    Arbitrary<String> object = Combinators.combine(field, value).as((f, v) -> "\"" + f + "\":" + v)
        .list().ofMaxSize(10).map(members -> "{" + String.join(",", members) + "}");
    return Arbitraries.oneOf(junk, object);
  }

  @Provide
  Arbitrary<String> errors() {
    return Arbitraries.of("access_denied", "invalid_grant", "invalid_request", "invalid_target", "invalid_scope",
        "unsupported_grant_type", "something_new");
  }

  @Provide
  Arbitrary<String> printable() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('é', '✓').ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<List<String>> scopeLists() {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12)
        .filter(s -> s.indexOf('"') < 0 && s.indexOf('\\') < 0).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> shellValues() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('\t', 'é').ofMaxLength(40);
  }
}
