package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunBindingJsonTest {

  @Property(tries = 500)
  void everyBindingSurvivesTheRoundTrip(@ForAll("bindings") Session.RunBinding binding) {
    String json = RunBindingJson.write(binding);

    assertThat(RunBindingJson.read(json)).isEqualTo(binding);
  }

  @Property(tries = 300)
  void keptClaimsSurviveTheRoundTrip(@ForAll("bindings") Session.RunBinding run,
      @ForAll("claims") java.util.Map<String, String> claims) {
    Session.RunBinding binding = new Session.RunBinding(run.repository(), run.ref(), run.sha(), run.workflow(),
        run.runId(), run.runAttempt(), run.actor(), claims);

    assertThat(RunBindingJson.read(RunBindingJson.write(binding))).isEqualTo(binding);
  }

  @org.junit.jupiter.api.Test
  void claimsFollowTheFixedFieldsInNameOrder() {
    Session.RunBinding gitlab = new Session.RunBinding("acme/app", "main", null, null, "42", null, null,
        java.util.Map.of("ref_protected", "true", "project_path", "acme/app", "pipeline_id", "42"));

    assertThat(RunBindingJson.write(gitlab)).isEqualTo("{\"repository\":\"acme/app\",\"ref\":\"main\","
        + "\"run_id\":\"42\",\"claims\":{\"pipeline_id\":\"42\",\"project_path\":\"acme/app\","
        + "\"ref_protected\":\"true\"}}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"claims\": []}                          | 'claims' is not an object",
    "{\"claims\": {\"ref_protected\": true}}   | claim 'ref_protected' is not a string",
    "{\"claims\": {\"Ref\": \"x\"}}            | malformed claim name 'Ref'",
    "{\"claims\": {\"a\": \"x\", \"a\": \"y\"}} | not valid JSON",
    "{\"claims\": {}, \"claims\": {}}          | not valid JSON"
  })
  void malformedClaimsAreRefused(String text, String reason) {
    assertThatThrownBy(() -> RunBindingJson.read(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @org.junit.jupiter.api.Test
  void policyClaimsAreTheKeptClaimsElseTheFieldsUnderGitHubNames() {
    assertThat(Samples.RUN.policyClaims()).containsExactly(java.util.Map.entry("repository", "acme/app"),
        java.util.Map.entry("ref", "refs/heads/main"),
        java.util.Map.entry("sha", "3f786850e387550fdab836ed7e6dc881de23001b"), java.util.Map.entry("workflow", "deploy"),
        java.util.Map.entry("run_id", "1234567890"), java.util.Map.entry("run_attempt", "1"),
        java.util.Map.entry("actor", "octocat"));
    Session.RunBinding gitlab = new Session.RunBinding("acme/app", "main", null, null, "42", null, null,
        java.util.Map.of("ref_protected", "true", "project_path", "acme/app"));
    assertThat(gitlab.policyClaims()).isEqualTo(java.util.Map.of("ref_protected", "true", "project_path", "acme/app"));
  }

  @Property(tries = 1000)
  void anyTextIsReadAsABindingOrRefusedWithAReason(@ForAll("jsonish") String text) {
    try {
      RunBindingJson.read(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("the run binding");
    }
  }

  @org.junit.jupiter.api.Test
  void fieldsAreWrittenInTheirFixedOrderAndAbsentOnesLeftOut() {
    assertThat(RunBindingJson.write(Samples.RUN)).isEqualTo("{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\","
        + "\"sha\":\"3f786850e387550fdab836ed7e6dc881de23001b\",\"workflow\":\"deploy\",\"run_id\":\"1234567890\","
        + "\"run_attempt\":\"1\",\"actor\":\"octocat\"}");
    assertThat(RunBindingJson.write(Session.RunBinding.NONE)).isEqualTo("{}");
    assertThat(RunBindingJson.read("{}")).isEqualTo(Session.RunBinding.NONE);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[]                                  | not a JSON object",
    "'\"acme\"'                          | not a JSON object",
    "{\"repository\": 7}                 | 'repository' is not a string",
    "{\"repository\": null}              | 'repository' is not a string",
    "{\"admin\": \"yes\"}                | unknown field 'admin'",
    "{\"ref\": \"a\", \"ref\": \"b\"}    | not valid JSON",
    "{\"ref\": \"a\"} {}                 | content after its JSON object",
    "{\"ref\": \"a\"                     | not valid JSON",
    "{\"ref\": \"a\",}                   | not valid JSON",
    "''                                  | not a JSON object"
  })
  void anythingButAFlatObjectOfKnownStringsIsRefused(String text, String reason) {
    assertThatThrownBy(() -> RunBindingJson.read(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Provide
  Arbitrary<Session.RunBinding> bindings() {
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("\"\\/\u0000\n\u2028é😀{}").ofMaxLength(10)).injectNull(0.3);
    return Combinators.combine(value, value, value, value, value, value, value).as(Session.RunBinding::new);
  }

  @Provide
  Arbitrary<java.util.Map<String, String>> claims() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('_', '0').ofMinLength(1)
        .ofMaxLength(20).filter(name -> Character.isLetter(name.charAt(0)));
    return Arbitraries.maps(names, Arbitraries.strings().all().ofMaxLength(30)).ofMaxSize(Session.RunBinding.MAX_CLAIMS);
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"ref\"", "\"sha\"", "\"x\"", "1",
        "null", "true", "\"", "\\", " ", "\"actor\":\"a\"", "\"claims\"", "\"claims\":{");
    return tokens.list().ofMaxSize(12).map(parts -> String.join("", parts));
  }
}
