package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Load-time errors: every one reported, each at its line and column in the YAML file. */
class LoadProblemsTest {
  private static List<String> problems(String... namesAndTexts) {
    return Bundles.problems(namesAndTexts).stream().map(Object::toString).toList();
  }

  @Test
  void unknownFieldInAPlainScalarPointsAtTheField() {
    assertThat(problems("p.yaml", """
        rules:
          - id: r
            effect: allow
            when: principal.subjct == "x"
        """)).singleElement().asString().startsWith("p.yaml:4:21: CEL: undefined field 'subjct'");
  }

  @Test
  void typeErrorInsideAFoldedBlockPointsAtItsLine() {
    assertThat(problems("p.yaml", """
        rules:
          - id: r
            effect: allow
            when: >
              org.environment == "production"
                && request.records > "many"
        """)).singleElement().asString()
        .startsWith("p.yaml:6:28: CEL: found no matching overload for '_>_' applied to '(int, string)'");
  }

  @Test
  void unknownFunctionInALiteralBlockAndInAQuotedString() {
    assertThat(problems("p.yaml", """
        rules:
          - id: a
            effect: allow
            when: |
              org.environment == "sandbox" &&
                isWeekend(now)
          - id: b
            effect: deny
            when: "principal.kind == 'x' && frobnicate()"
        """)).containsExactly(
            "p.yaml:6:9: CEL: undeclared reference to 'isWeekend' (in container '')",
            "p.yaml:9:37: CEL: undeclared reference to 'frobnicate' (in container '')");
  }

  @Test
  void nonBooleanConditionAndSyntaxError() {
    assertThat(problems("p.yaml", """
        rules:
          - id: a
            effect: allow
            when: org.environment
          - id: b
            effect: allow
            when: org.environment ==
        """)).satisfiesExactly(
            first -> assertThat(first).startsWith("p.yaml:4:").contains("expected type 'bool' but found 'string'"),
            second -> assertThat(second).startsWith("p.yaml:7:").contains("CEL syntax error: mismatched input '<EOF>'"));
  }

  @Test
  void reportsEveryProblemAcrossFilesAndNeverStopsAtTheFirst() {
    List<PolicyProblem> found = Bundles.problems(
        "a.yaml", """
            rules:
              - id: same
                effect: permit
                when: "true"
                obligations: { redact_field: [A.B], max_records: -1 }
                session: { max_ttl: forever, scopes: [api:reed] }
              - effect: allow
                when: "true"
                colour: red
            """,
        "b.yaml", """
            params: { x: 1 }
            rules:
              - { id: same, effect: deny, when: "true" }
            """,
        "c.yaml", "params: { x: 2 }\n",
        "d.yaml", "rules: [ {id: [x",
        "t_test.yaml", """
            tests:
              - name: n
                input: { principal: { knd: github } }
                expect: { effect: allow, matched: [sam] }
            """);
    assertThat(found).extracting(PolicyProblem::code).containsExactlyInAnyOrder(
        PolicyErrorCode.INVALID_VALUE, PolicyErrorCode.INVALID_OBLIGATION, PolicyErrorCode.INVALID_OBLIGATION,
        PolicyErrorCode.INVALID_VALUE, PolicyErrorCode.INVALID_VALUE, PolicyErrorCode.UNKNOWN_FIELD,
        PolicyErrorCode.MISSING_FIELD, PolicyErrorCode.DUPLICATE_RULE_ID, PolicyErrorCode.DUPLICATE_PARAM,
        PolicyErrorCode.YAML_SYNTAX, PolicyErrorCode.UNKNOWN_FIELD, PolicyErrorCode.INVALID_VALUE);
    assertThat(found).extracting(Object::toString).contains(
        "a.yaml:3:13: effect must be allow or deny, found 'permit'",
        "a.yaml:5:20: unknown obligation 'redact_field' (did you mean 'redact_fields'?)",
        "a.yaml:6:43: unknown scope 'api:reed' (did you mean 'api:read'?)",
        "a.yaml:9:5: unknown field 'colour' in a rule (known: id, effect, when, reason, obligations, session, on)",
        "b.yaml:3:11: rule id 'same' is already used at a.yaml:2",
        "c.yaml:1:11: parameter 'x' is already defined at b.yaml:1",
        "t_test.yaml:3:27: unknown field 'knd' in principal (did you mean 'kind'?)",
        "t_test.yaml:4:39: no rule 'sam' in the bundle (did you mean 'same'?)");
  }

  @Test
  void anEmojiAtAnyPlaceOfALongFileIsRead() {
    // snakeyaml-engine 3.0.1 read 1024-char windows and failed on a surrogate pair across two of them.
    for (int pad = 940; pad < 1000; pad++) {
      String file = "rules:\n  - { id: a, effect: allow, when: \"true\", reason: \"" + "x".repeat(pad) + "\uD83D\uDE00 ok\" }\n";
      assertThat(Bundles.problems("p.yaml", file)).as("padding %d", pad).isEmpty();
    }
  }

  @Test
  void anEmptyDirectoryOrOnlyTestsIsNotABundle() {
    assertThat(Bundles.problems()).extracting(PolicyProblem::code).containsExactly(PolicyErrorCode.NO_POLICY_FILES);
    assertThat(Bundles.problems("only_test.yaml", "tests: []")).extracting(PolicyProblem::code)
        .containsExactly(PolicyErrorCode.NO_POLICY_FILES);
  }

  @Test
  void notUtf8IsReported() {
    assertThat(Bundles.problems("p.yaml", "")).isEmpty();
    List<PolicyProblem> found;
    try {
      PolicyBundle.fromFiles("t", java.util.Map.of("p.yaml", new byte[] {'r', (byte) 0xff, ':'}));
      found = List.of();
    } catch (PolicyException e) {
      found = e.problems();
    }
    assertThat(found).extracting(Object::toString).containsExactly("p.yaml: not UTF-8 text");
  }
}
