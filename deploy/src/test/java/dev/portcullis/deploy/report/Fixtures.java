package dev.portcullis.deploy.report;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.util.List;
import java.util.Optional;

/** Findings of every kind, as a held production deployment of a small SFDX project would report them. */
final class Fixtures {
  static final String ROOT = "/home/ci/work/shop";
  static final Findings.Project PROJECT = new Findings.Project(ROOT, "sfdx-project.json");

  private Fixtures() {}

  static Change change(ChangeKind kind, String type, String fullName, String subject, Severity severity,
      String message, String file, Change.Side side, int line, int column) {
    return new Change(kind, type, fullName, subject, "", null, null, severity, message,
        new Change.Location(file, side, line, column));
  }

  static List<Change> changes() {
    String app = "force-app/main/default/";
    return List.of(
        change(ChangeKind.USER_PERMISSION_GRANTED, "PermissionSet", "Support", "ModifyAllData", Severity.CRITICAL,
            "PermissionSet Support gains ModifyAllData (critical: reads, edits and deletes every record)",
            ROOT + "/" + app + "permissionsets/Support.permissionset-meta.xml", Change.Side.AFTER, 3, 5),
        change(ChangeKind.OAUTH_SCOPE_ADDED, "ConnectedApp", "Erp_Sync", "Full", Severity.HIGH,
            "ConnectedApp Erp_Sync adds OAuth scope Full",
            app + "connectedApps/Erp_Sync.connectedApp-meta.xml", Change.Side.AFTER, 12, 9),
        change(ChangeKind.COMPONENT_ADDED, "RemoteSiteSetting", "Legacy", "", Severity.INFO,
            "RemoteSiteSetting Legacy is new",
            app + "remoteSiteSettings/Legacy.remoteSite-meta.xml", Change.Side.AFTER, 2, 1),
        change(ChangeKind.INSECURE_URL, "RemoteSiteSetting", "Legacy", "http://legacy.example.com", Severity.HIGH,
            "new RemoteSiteSetting Legacy trusts an http:// URL (http://legacy.example.com)",
            app + "remoteSiteSettings/Legacy.remoteSite-meta.xml", Change.Side.AFTER, 5, 5),
        change(ChangeKind.COMPONENT_DELETED, "PermissionSet", "Old", "", Severity.MEDIUM,
            "PermissionSet Old is deleted", "destructiveChanges.xml", Change.Side.BEFORE, 2, 1),
        change(ChangeKind.USER_PERMISSION_REVOKED, "Profile", "Admin", "ViewSetup", Severity.INFO,
            "Profile Admin no longer grants ViewSetup", "", Change.Side.BEFORE, 40, 5),
        change(ChangeKind.SESSION_TIMEOUT_RAISED, "Settings", "Security", "sessionSettings.sessionTimeout",
            Severity.MEDIUM, "Settings Security raises the session timeout: TwentyFourHours (was TwoHours)",
            app + "settings/Security.settings-meta.xml", Change.Side.AFTER, 8, 9),
        change(ChangeKind.APEX_SHARING_OMITTED, "ApexClass", "Refunds", "Refunds", Severity.LOW,
            "ApexClass Refunds is new and declares no sharing", app + "classes/Refunds.cls", Change.Side.AFTER, 1, 1));
  }

  static List<PolicyOutcome> held() {
    return List.of(
        PolicyOutcome.hold("deploy.dangerous-grant-needs-approval", "a dangerous permission is granted", 2,
            "identity.approvers"),
        PolicyOutcome.allow("deploy.tests-required", "production deploys run local tests"));
  }

  static DeploymentResult failedDeployment() {
    return new DeploymentResult("0Af000000000123", false, "Failed",
        List.of(new DeploymentResult.ComponentFailure("ApexClass", "Refunds",
            "force-app/main/default/classes/Refunds.cls", 14, 9, "Variable does not exist: amount", false)),
        List.of(new DeploymentResult.TestFailure("RefundsTest", "refundsInFull",
            "System.AssertException: Assertion Failed: Expected: 10, Actual: 0",
            "Class.RefundsTest.refundsInFull: line 7, column 1", "force-app/main/default/classes/RefundsTest.cls", 7,
            1)),
        List.of(new DeploymentResult.CoverageWarning("",
            "Average test coverage across all Apex Classes and Triggers is 61%, at least 75% test coverage is required.",
            "")));
  }

  /** Every kind of input: changes of each severity and side, a hold, an allow, and a failed deployment. */
  static Findings everything() {
    return new Findings(changes(), held(), Optional.of(failedDeployment()), "dep-0042", PROJECT);
  }
}
