package dev.portcullis.deploy.diff;

import static dev.portcullis.deploy.diff.Xml.doc;
import static dev.portcullis.deploy.diff.Xml.el;
import static dev.portcullis.deploy.diff.Xml.leaf;
import static dev.portcullis.deploy.diff.Xml.userPermission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The facts the issue names, safe parsing, locations and the policy-input form. */
class SemanticDiffTest {
  private static final SemanticDiff DIFF = SemanticDiff.create();

  private static List<String> messages(List<Change> changes) {
    return changes.stream().map(Change::message).toList();
  }

  @Test
  void profileGainsModifyAllData() throws DiffException {
    String before = doc("Profile", userPermission("ApiEnabled", true), userPermission("ModifyAllData", false));
    String after = doc("Profile", userPermission("ModifyAllData", true), userPermission("ApiEnabled", true));

    List<Change> changes = DIFF.diff(ComponentVersions.changed("Profile", "Integration", before, after,
        "force-app/main/default/profiles/Integration.profile-meta.xml"));

    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.message()).startsWith("Profile Integration gains ModifyAllData (critical: ");
      assertThat(change.location()).isEqualTo(new Change.Location(
          "force-app/main/default/profiles/Integration.profile-meta.xml", Change.Side.AFTER, 3, 22));
    });
  }

  @Test
  void permissionSetGrantsReadOnAField() throws DiffException {
    String after = doc("PermissionSet", el("fieldPermissions", leaf("editable", false), leaf("field", "Contact.SSN__c"),
        leaf("readable", true)), el("label", "Support"));

    List<Change> changes = DIFF.diff(ComponentVersions.changed("PermissionSet", "Support",
        doc("PermissionSet", el("label", "Support")), after, "ps"));

    assertThat(messages(changes)).containsExactly("PermissionSet Support grants read on Contact.SSN__c");
  }

  @Test
  void aNewPermissionSetReportsItselfAndEveryGrant() throws DiffException {
    String after = doc("PermissionSet", el("label", "Ops"), userPermission("ViewAllData", true),
        userPermission("ViewSetup", false));

    List<Change> changes = DIFF.diff(ComponentVersions.added("PermissionSet", "Ops", after, "ps"));

    assertThat(changes).extracting(Change::kind, Change::subject).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ChangeKind.COMPONENT_ADDED, ""),
        org.assertj.core.groups.Tuple.tuple(ChangeKind.USER_PERMISSION_GRANTED, "ViewAllData"));
  }

  @Test
  void aProfileThatOmitsAnEntryRevokesNothingButAPermissionSetDoes() throws DiffException {
    String with = userPermission("ViewSetup", true);
    assertThat(DIFF.diff(ComponentVersions.changed("Profile", "P", doc("Profile", with), doc("Profile"), "p")))
        .isEmpty();
    assertThat(DIFF.diff(ComponentVersions.changed("PermissionSet", "P", doc("PermissionSet", with),
        doc("PermissionSet"), "p"))).extracting(Change::kind).containsExactly(ChangeKind.USER_PERMISSION_REVOKED);
  }

  @Test
  void connectedAppAddsScopesAndAnAliasIsNoChange() throws DiffException {
    String before = doc("ConnectedApp", el("label", "Foo"),
        el("oauthConfig", leaf("callbackUrl", "https://x.example.com"), leaf("scopes", "Api"),
            leaf("scopes", "RefreshToken")));
    String sameByAlias = doc("ConnectedApp", el("label", "Foo"),
        el("oauthConfig", leaf("callbackUrl", "https://x.example.com"), leaf("scopes", "OfflineAccess"),
            leaf("scopes", "Api")));
    String wider = doc("ConnectedApp", el("label", "Foo"),
        el("oauthConfig", leaf("callbackUrl", "https://x.example.com"), leaf("scopes", "Api"), leaf("scopes", "Full"),
            leaf("scopes", "RefreshToken"), leaf("scopes", "Web")));

    assertThat(DIFF.diff(ComponentVersions.changed("ConnectedApp", "Foo", before, sameByAlias, "c"))).isEmpty();
    assertThat(messages(DIFF.diff(ComponentVersions.changed("ConnectedApp", "Foo", before, wider, "c"))))
        .containsExactly("ConnectedApp Foo adds OAuth scope Full", "ConnectedApp Foo adds OAuth scope Web");
  }

  @Test
  void connectedAppPolicyWeakened() throws DiffException {
    String before = doc("ConnectedApp", el("label", "Foo"),
        el("oauthPolicy", leaf("ipRelaxation", "ENFORCE"), leaf("refreshTokenPolicy", "specific_lifetime:1:DAYS")));
    String after = doc("ConnectedApp", el("label", "Foo"),
        el("oauthPolicy", leaf("ipRelaxation", "BYPASS"), leaf("refreshTokenPolicy", "infinite")));

    assertThat(DIFF.diff(ComponentVersions.changed("ConnectedApp", "Foo", before, after, "c")))
        .extracting(Change::kind, Change::subject, Change::severity).containsExactly(
            org.assertj.core.groups.Tuple.tuple(ChangeKind.SETTING_WEAKENED, "oauthPolicy.ipRelaxation", Severity.HIGH),
            org.assertj.core.groups.Tuple.tuple(ChangeKind.SETTING_WEAKENED, "oauthPolicy.refreshTokenPolicy",
                Severity.MEDIUM));
  }

  @Test
  void newRemoteSiteToAnHttpUrl() throws DiffException {
    String site = doc("RemoteSiteSetting", el("disableProtocolSecurity", false), el("isActive", true),
        el("url", "http://legacy.example.com"));

    List<Change> changes = DIFF.diff(ComponentVersions.added("RemoteSiteSetting", "Legacy", site, "r"));

    assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.COMPONENT_ADDED,
        ChangeKind.TRUSTED_SITE_ADDED, ChangeKind.INSECURE_URL);
    assertThat(changes.get(2).message()).startsWith("new RemoteSiteSetting Legacy trusts an http:// URL");
  }

  @Test
  void apexClassNewAndWithoutSharing() throws DiffException {
    String source = """
        /* a without sharing class would be wrong here */
        public without sharing class Refunds {
          String note = 'with sharing';
          public with sharing class Inner {}
        }
        """;

    List<Change> changes = DIFF.diff(ComponentVersions.added("ApexClass", "Refunds", source, "classes/Refunds.cls"));

    assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.COMPONENT_ADDED,
        ChangeKind.APEX_WITHOUT_SHARING);
    assertThat(changes.get(1).message()).startsWith("ApexClass Refunds is new and declared without sharing");
    assertThat(changes.get(1).location().line()).isEqualTo(2);
  }

  @Test
  void sessionSettingsLowersTheTimeoutAndTurnsOffIpLocking() throws DiffException {
    String before = doc("SecuritySettings", el("sessionSettings", leaf("lockSessionsToIp", true),
        leaf("sessionTimeout", "TwoHours")));
    String after = doc("SecuritySettings", el("sessionSettings", leaf("lockSessionsToIp", false),
        leaf("sessionTimeout", "ThirtyMinutes")));

    List<Change> changes = DIFF.diff(ComponentVersions.changed("Settings", "Security", before, after, "s"));

    assertThat(messages(changes)).containsExactly(
        "Settings Security lowers the session timeout: ThirtyMinutes (was TwoHours)",
        "Settings Security weakens locking sessions to the IP they started from: false (was true)");
  }

  @Test
  void passwordPolicyWeakened() throws DiffException {
    String before = doc("SecuritySettings", el("passwordPolicies", leaf("maxLoginAttempts", "ThreeAttempts"),
        leaf("minimumPasswordLength", 12)));
    String after = doc("SecuritySettings", el("passwordPolicies", leaf("maxLoginAttempts", "NoLimit"),
        leaf("minimumPasswordLength", 8)));

    assertThat(DIFF.diff(ComponentVersions.changed("Settings", "Security", before, after, "s")))
        .extracting(Change::kind, Change::severity).containsOnly(
            org.assertj.core.groups.Tuple.tuple(ChangeKind.SETTING_WEAKENED, Severity.HIGH));
  }

  @Test
  void componentDeletedPointsAtTheManifest() throws DiffException {
    List<Change> changes = DIFF.diff(ComponentVersions.deleted("PermissionSet", "Old",
        doc("PermissionSet", el("label", "Old")), "destructiveChanges.xml"));

    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(ChangeKind.COMPONENT_DELETED);
      assertThat(change.message()).isEqualTo("PermissionSet Old is deleted");
      assertThat(change.location().file()).isEqualTo("destructiveChanges.xml");
      assertThat(change.location().side()).isEqualTo(Change.Side.BEFORE);
    });
  }

  @Test
  void anUnknownTypeIsChangedNeverSilentlyNothing() throws DiffException {
    String before = doc("Flow", el("status", "Draft"));
    String after = doc("Flow", el("status", "Active"));
    String reformatted = "<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\"><!-- c --><status>Draft</status></Flow>";

    assertThat(DIFF.diff(ComponentVersions.changed("Flow", "F", before, after, "f")))
        .extracting(Change::kind).containsExactly(ChangeKind.COMPONENT_CHANGED);
    assertThat(DIFF.diff(ComponentVersions.changed("Flow", "F", before, reformatted, "f"))).isEmpty();
  }

  @Test
  void aChangeOutsideTheModelledListsIsStillReported() throws DiffException {
    String before = doc("Profile", el("layoutAssignments", leaf("layout", "Account-Old")));
    String after = doc("Profile", el("layoutAssignments", leaf("layout", "Account-New")));

    assertThat(DIFF.diff(ComponentVersions.changed("Profile", "P", before, after, "p")))
        .extracting(Change::kind, Change::subject)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ChangeKind.COMPONENT_CHANGED, "layoutAssignments"));
  }

  @Test
  void aDoctypeIsRefusedNamingTheComponent() {
    String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Profile [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        + "<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\"><description>&x;</description></Profile>";

    assertThatThrownBy(() -> DIFF.diff(ComponentVersions.added("Profile", "Evil", xxe, "profiles/Evil.profile")))
        .isInstanceOfSatisfying(DiffException.class, e -> {
          assertThat(e.code()).isEqualTo(DiffErrorCode.XML_DTD_REFUSED);
          assertThat(e.getMessage()).contains("Profile:Evil").contains("profiles/Evil.profile")
              .doesNotContain("root:");
        });
  }

  @Test
  void anUndeclaredEntityAndMalformedXmlAreRefused() {
    String entity = doc("Profile", el("description", "&x;"));
    assertThatThrownBy(() -> DIFF.diff(ComponentVersions.added("Profile", "E", entity, "p")))
        .isInstanceOf(DiffException.class).hasMessageContaining("Profile:E");
    assertThatThrownBy(() -> DIFF.diff(ComponentVersions.changed("Profile", "M", "<Profile>", doc("Profile"), "p")))
        .isInstanceOfSatisfying(DiffException.class, e -> {
          assertThat(e.code()).isEqualTo(DiffErrorCode.XML_MALFORMED);
          assertThat(e.getMessage()).startsWith("Profile:M (org)");
        });
  }

  @Test
  void aComponentWithNoDocumentIsRefused() {
    assertThatThrownBy(() -> DIFF.diff(new ComponentVersions("Profile", "Nothing", null, null, null)))
        .isInstanceOfSatisfying(DiffException.class,
            e -> assertThat(e.code()).isEqualTo(DiffErrorCode.INVALID_COMPONENT));
  }

  @Test
  void policyInputIsPlainJsonLikeMaps() throws DiffException {
    List<Change> changes = DIFF.diff(ComponentVersions.changed("PermissionSet", "Support",
        doc("PermissionSet"), doc("PermissionSet", userPermission("ModifyAllData", true)), "ps"));

    List<Map<String, Object>> input = Change.toMaps(changes);

    assertThat(input).singleElement().satisfies(map -> {
      assertThat(map).containsEntry("kind", "user-permission.granted").containsEntry("type", "PermissionSet")
          .containsEntry("fullName", "Support").containsEntry("subject", "ModifyAllData")
          .containsEntry("aspect", "enabled").containsEntry("after", true).containsEntry("severity", "critical")
          .containsEntry("file", "ps").containsEntry("side", "after").containsEntry("line", 3L);
      assertThat(map).containsKey("before");
      assertThat(map.values()).allMatch(v -> v == null || v instanceof String || v instanceof Long
          || v instanceof Boolean || v instanceof List);
    });
  }

  @Test
  void secretsAreReportedNeverPrinted() throws DiffException {
    String named = doc("NamedCredential", el("endpoint", "https://erp.example.com"), el("label", "Erp"),
        el("password", "hunter2"), el("principalType", "NamedUser"), el("protocol", "Password"),
        el("username", "svc"));

    List<Change> changes = DIFF.diff(ComponentVersions.added("NamedCredential", "Erp", named, "n"));

    assertThat(changes).extracting(Change::kind).contains(ChangeKind.SECRET_IN_PACKAGE);
    assertThat(changes.toString()).doesNotContain("hunter2");
  }
}
