package dev.portcullis.deploy.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalReportTest {

  @Test
  void rendersTheFixtureExactly() {
    String expected = """
        Summary: 7 components (1 new, 5 changed, 1 deleted); 8 findings (1 critical, 2 high, 2 medium, 1 low, 2 info); decision: held

        CRITICAL (1)
          PermissionSet Support
            force-app/main/default/permissionsets/Support.permissionset-meta.xml:3:5  user-permission.granted  PermissionSet Support gains ModifyAllData (critical: reads, edits and deletes every record)

        HIGH (2)
          ConnectedApp Erp_Sync
            force-app/main/default/connectedApps/Erp_Sync.connectedApp-meta.xml:12:9  oauth-scope.added  ConnectedApp Erp_Sync adds OAuth scope Full
          RemoteSiteSetting Legacy
            force-app/main/default/remoteSiteSettings/Legacy.remoteSite-meta.xml:5:5  url.insecure-http  new RemoteSiteSetting Legacy trusts an http:// URL (http://legacy.example.com)

        MEDIUM (2)
          PermissionSet Old
            destructiveChanges.xml  component.deleted  PermissionSet Old is deleted
          Settings Security
            force-app/main/default/settings/Security.settings-meta.xml:8:9  session-timeout.raised  Settings Security raises the session timeout: TwentyFourHours (was TwoHours)

        LOW (1)
          ApexClass Refunds
            force-app/main/default/classes/Refunds.cls:1:1  apex.sharing-omitted  ApexClass Refunds is new and declares no sharing

        INFO (2)
          Profile Admin
            (org's copy) line 40  user-permission.revoked  Profile Admin no longer grants ViewSetup
          RemoteSiteSetting Legacy
            force-app/main/default/remoteSiteSettings/Legacy.remoteSite-meta.xml:2:1  component.added  RemoteSiteSetting Legacy is new

        Policy: held
          held by deploy.dangerous-grant-needs-approval: a dangerous permission is granted
            needs 2 approvals from identity.approvers
          allowed by deploy.tests-required: production deploys run local tests
        Next: held: needs 2 approvals from identity.approvers; run `portcullis deploy approve dep-0042`

        Deployment 0Af000000000123: Failed
          Component failures (1)
            force-app/main/default/classes/Refunds.cls:14:9  ApexClass Refunds: Variable does not exist: amount
          Test failures (1)
            RefundsTest.refundsInFull: System.AssertException: Assertion Failed: Expected: 10, Actual: 0
              at force-app/main/default/classes/RefundsTest.cls:7:1
              Class.RefundsTest.refundsInFull: line 7, column 1
          Coverage warnings (1)
            Average test coverage across all Apex Classes and Triggers is 61%, at least 75% test coverage is required.
        """;

    assertThat(TerminalReport.plain().render(Fixtures.everything())).isEqualTo(expected);
  }

  @Test
  void sameFindingsInAnotherOrderRenderTheSameGroups() {
    List<Change> reversed = Fixtures.changes().reversed();
    Findings findings = new Findings(reversed, Fixtures.held(), Optional.empty(), "dep-0042", Fixtures.PROJECT);
    Findings original = new Findings(Fixtures.changes(), Fixtures.held(), Optional.empty(), "dep-0042",
        Fixtures.PROJECT);

    assertThat(TerminalReport.plain().render(findings)).isEqualTo(TerminalReport.plain().render(original));
  }

  @Test
  void colourAddsOnlyEscapesAroundThePlainText() {
    String coloured = TerminalReport.coloured().render(Fixtures.everything());

    assertThat(coloured).contains("\u001b[1;31mCRITICAL (1)\u001b[0m", "decision: \u001b[33mheld\u001b[0m",
        "\u001b[31mFailed\u001b[0m");
    assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(TerminalReport.plain().render(
        Fixtures.everything()));
    assertThat(TerminalReport.plain().render(Fixtures.everything())).doesNotContain("\u001b");
  }

  @Test
  void deniedAndNotEvaluatedSayWhatIsNext() {
    Findings denied = new Findings(List.of(), List.of(PolicyOutcome.deny("deploy.freeze", "production is frozen")),
        Optional.empty(), "", Fixtures.PROJECT);
    Findings none = new Findings(List.of(), List.of(), Optional.empty(), "", Fixtures.PROJECT);

    assertThat(TerminalReport.plain().render(denied)).isEqualTo("""
        Summary: 0 components (0 new, 0 changed, 0 deleted); 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info); decision: denied

        Policy: denied
          denied by deploy.freeze: production is frozen
        Next: denied: change the package or the policy; an approval does not release a denial
        """);
    assertThat(TerminalReport.plain().render(none)).isEqualTo("""
        Summary: 0 components (0 new, 0 changed, 0 deleted); 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info); decision: not evaluated

        Policy: not evaluated
        """);
  }

  @Test
  void heldWithoutAnIdYetAndTwoHoldsNamesBothNeeds() {
    Findings findings = new Findings(List.of(), List.of(
        PolicyOutcome.hold("a", "one", 1, "security.team"), PolicyOutcome.hold("b", "two", 2, "identity.approvers")),
        Optional.empty(), "", Fixtures.PROJECT);

    assertThat(TerminalReport.plain().render(findings)).endsWith(
        "Next: held: needs 1 approval from security.team and 2 approvals from identity.approvers;"
            + " run `portcullis deploy approve ID`\n");
  }

  @Test
  void textFromThePackageCannotInjectTerminalControls() {
    Change hostile = Fixtures.change(ChangeKind.COMPONENT_CHANGED, "Flow", "Evil\u001b[2J", "", Severity.LOW,
        "Flow Evil changes\u001b]0;pwned\u0007 \u202eosla\u2066 and\nFAKE LINE\r", "flows/Evil\u0000.flow",
        Change.Side.AFTER, 1, 1);
    Findings findings = new Findings(List.of(hostile), List.of(), Optional.of(new DeploymentResult("0Af", false,
        "Failed", List.of(new DeploymentResult.ComponentFailure("Flow", "Evil", "", 0, 0, "bad\u001b[31m", false)),
        List.of(new DeploymentResult.TestFailure("T", "m", "boom\u0085", "Class.T.m: line 1, column 1\n\u001b[1A",
            "", 0, 0)), List.of())), "", Fixtures.PROJECT);

    String text = TerminalReport.plain().render(findings);

    assertThat(text).doesNotContain("\u001b", "\u0007", "\u0000", "\r", "\u202e", "\u2066", "\u0085");
    assertThat(text).contains("Flow Evil?[2J", "Flow Evil changes?]0;pwned? ?osla? and?FAKE LINE?",
        "flows/Evil?.flow:1:1", "(no file)  Flow Evil: bad?[31m", "T.m: boom?", "      ?[1A");
    assertThat(text.lines()).noneMatch(line -> line.startsWith("FAKE LINE"));
  }
}
