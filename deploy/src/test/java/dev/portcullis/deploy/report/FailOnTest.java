package dev.portcullis.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailOnTest {
  private static final Findings.Project PROJECT = Fixtures.PROJECT;

  private static Change of(Severity severity) {
    return Fixtures.change(ChangeKind.USER_PERMISSION_GRANTED, "Profile", "P", severity.id(), severity, "m", "f",
        Change.Side.AFTER, 1, 1);
  }

  @ParameterizedTest(name = "--fail-on {0} with a {1} change fails: {2}")
  @CsvSource({
      "critical, critical, true", "critical, high, false",
      "high, critical, true", "high, high, true", "high, medium, false",
      "medium, high, true", "medium, medium, true", "medium, low, false",
      "low, low, true", "low, info, false",
      "info, info, true", "info, critical, true",
      "none, critical, false", "NONE, info, false", " High , high, true"})
  void failsOnChangesAtOrAboveTheThreshold(String threshold, String severity, boolean fails) throws ReportException {
    FailOn failOn = FailOn.parse(threshold);

    assertThat(failOn.failsOn(List.of(of(Severity.fromId(severity))))).isEqualTo(fails);
    assertThat(failOn.failsOn(List.of())).isFalse();
  }

  @Test
  void offendingListsTheChangesThatReachTheThreshold() throws ReportException {
    List<Change> changes = List.of(of(Severity.LOW), of(Severity.HIGH), of(Severity.INFO), of(Severity.CRITICAL));

    assertThat(FailOn.parse("high").offending(changes)).extracting(Change::severity)
        .containsExactly(Severity.HIGH, Severity.CRITICAL);
    assertThat(FailOn.NONE.offending(changes)).isEmpty();
    assertThat(FailOn.parse("medium")).hasToString("medium");
    assertThat(FailOn.parse("none").threshold()).isEmpty();
  }

  @Test
  void anUnknownSeverityIsAUsageErrorWithItsCode() {
    assertThatThrownBy(() -> FailOn.parse("severe"))
        .isInstanceOfSatisfying(ReportException.class,
            e -> assertThat(e.code()).isEqualTo(ReportErrorCode.FAIL_ON_INVALID))
        .hasMessage("--fail-on: unknown severity 'severe' (expected critical, high, medium, low, info or none)");
    assertThatThrownBy(() -> FailOn.parse(null)).isInstanceOf(ReportException.class);
  }

  @Test
  void exitCodeIsOneForDenyHoldFailedDeploymentOrThreshold() throws ReportException {
    List<Change> medium = List.of(of(Severity.MEDIUM));
    Findings allowed = new Findings(medium, List.of(PolicyOutcome.allow("r", "ok")), Optional.empty(), "", PROJECT);
    Findings held = new Findings(List.of(), List.of(PolicyOutcome.hold("r", "why", 1, "g")), Optional.empty(), "",
        PROJECT);
    Findings denied = new Findings(List.of(), List.of(PolicyOutcome.allow("a", "ok"), PolicyOutcome.deny("r", "no")),
        Optional.empty(), "", PROJECT);
    Findings deployFailed = new Findings(List.of(), List.of(PolicyOutcome.allow("r", "ok")),
        Optional.of(Fixtures.failedDeployment()), "", PROJECT);
    Findings deployed = new Findings(List.of(), List.of(PolicyOutcome.allow("r", "ok")), Optional.of(
        new DeploymentResult("0Af", true, "Succeeded", List.of(), List.of(), List.of())), "", PROJECT);

    assertThat(FailOn.NONE.exitCode(allowed)).isZero();
    assertThat(FailOn.parse("high").exitCode(allowed)).isZero();
    assertThat(FailOn.parse("medium").exitCode(allowed)).isOne();
    assertThat(FailOn.NONE.exitCode(held)).isOne();
    assertThat(FailOn.NONE.exitCode(denied)).isOne();
    assertThat(FailOn.NONE.exitCode(deployFailed)).isOne();
    assertThat(FailOn.NONE.exitCode(deployed)).isZero();
  }

  @Test
  void decisionAddsUpOutcomesAndNeverAllowsByDefault() {
    assertThat(Decision.of(List.of())).isEqualTo(Decision.NOT_EVALUATED);
    assertThat(Decision.of(List.of(PolicyOutcome.allow("a", "")))).isEqualTo(Decision.ALLOWED);
    assertThat(Decision.of(List.of(PolicyOutcome.allow("a", ""), PolicyOutcome.hold("b", "", 2, "g"))))
        .isEqualTo(Decision.HELD);
    assertThat(Decision.of(List.of(PolicyOutcome.hold("b", "", 2, "g"), PolicyOutcome.deny("c", ""))))
        .isEqualTo(Decision.DENIED);
  }

  @Test
  void policyOutcomesAreConsistent() {
    assertThat(PolicyOutcome.hold("r", "why", 2, "identity.approvers").effect().id()).isEqualTo("hold-for-approval");
    assertThatThrownBy(() -> PolicyOutcome.hold("r", "why", 0, "g")).hasMessageContaining("at least 1 approval");
    assertThatThrownBy(() -> PolicyOutcome.hold("r", "why", 1, " ")).hasMessageContaining("who may approve");
    assertThatThrownBy(() -> new PolicyOutcome("r", PolicyOutcome.Effect.DENY, "x", 1, ""))
        .hasMessageContaining("only a hold asks for approvals");
    assertThatThrownBy(() -> PolicyOutcome.deny(" ", "x")).hasMessageContaining("id of its rule");
  }
}
