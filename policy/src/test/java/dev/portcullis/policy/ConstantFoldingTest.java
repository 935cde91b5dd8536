package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Constant parts folded when the bundle loads decide as written; failing ones still fail at decision time. */
class ConstantFoldingTest {
  @Test
  void foldedConstantsDecideAsWrittenAndFailingOnesStillFail() throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", """
        params: { zero: 0 }
        rules:
          - { id: young, effect: allow, when: 'session.age < duration("15m")' }
          - { id: old, effect: allow, when: 'session.age > duration("1h") + duration("30m")' }
          - { id: after, effect: allow, when: 'now > timestamp("2026-01-01T00:00:00Z")' }
          - { id: before, effect: allow, when: 'now < timestamp("2026-01-01T00:00:00Z")' }
          - { id: bad-duration, effect: allow, when: 'session.age < duration("soon")' }
          - { id: divide, effect: deny, when: 'request.records > 10 / params.zero' }
          - { id: overflow, effect: allow, when: 'request.records < 9223372036854775807 + 1' }
          - { id: folded-false, effect: deny, when: '1 > 2 && principal.claims.missing == 1' }
          - { id: folded-list, effect: allow, when: '"a" in ["a", "b"] && size("abc") == 3' }
        """);
    DecisionInput input = Bundles.input()
        .session(new DecisionInput.Session("s", List.of(), "o", Duration.ofMinutes(5)))
        .principal(new DecisionInput.Principal("github", "", "", Map.of()))
        .build();
    Decision decision = bundle.decide(input);
    assertThat(decision.matchedRules()).containsExactly("young", "after", "folded-list");
    assertThat(decision.errors()).extracting(Decision.RuleError::ruleId).containsExactly("bad-duration", "divide", "overflow");
    assertThat(decision.errors().get(1).message()).contains("by zero");
    assertThat(decision.effect()).isEqualTo(Decision.Effect.DENY);
  }
}
