package dev.portcullis.deploy.diff;

import static dev.portcullis.deploy.diff.Xml.doc;
import static dev.portcullis.deploy.diff.Xml.el;
import static dev.portcullis.deploy.diff.Xml.leaf;
import static dev.portcullis.deploy.diff.Xml.userPermission;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One example per {@link ChangeKind}: the input that yields it, its subject and severity. */
class ChangeKindExamplesTest {
  private static final SemanticDiff DIFF = SemanticDiff.create();

  record Example(ChangeKind kind, String subject, Severity severity, ComponentVersions input) {
    @Override
    public String toString() {
      return kind.id() + " " + input.label();
    }
  }

  static Stream<Example> examples() {
    List<Example> examples = new ArrayList<>();
    // Components as a whole.
    examples.add(new Example(ChangeKind.COMPONENT_ADDED, "", Severity.INFO,
        ComponentVersions.added("CustomObject", "Invoice__c", doc("CustomObject", el("label", "Invoice")),
            "objects/Invoice__c.object")));
    examples.add(new Example(ChangeKind.COMPONENT_DELETED, "", Severity.MEDIUM,
        ComponentVersions.deleted("Layout", "Account-Old", doc("Layout"), "destructiveChanges.xml")));
    examples.add(new Example(ChangeKind.COMPONENT_CHANGED, "", Severity.LOW,
        ComponentVersions.changed("CustomField", "Account.Tier__c", doc("CustomField", el("label", "Tier")),
            doc("CustomField", el("label", "Customer tier")), "objects/Account/fields/Tier__c.field")));

    // Keyed permission lists, both directions, on a PermissionSet.
    record Section(String element, String key, String keyValue, String flag, ChangeKind granted, ChangeKind revoked,
        Severity severity) {}
    List<Section> sections = List.of(
        new Section("userPermissions", "name", "ModifyAllData", "enabled", ChangeKind.USER_PERMISSION_GRANTED,
            ChangeKind.USER_PERMISSION_REVOKED, Severity.CRITICAL),
        new Section("objectPermissions", "object", "Account", "modifyAllRecords", ChangeKind.OBJECT_ACCESS_GRANTED,
            ChangeKind.OBJECT_ACCESS_REVOKED, Severity.HIGH),
        new Section("fieldPermissions", "field", "Contact.SSN__c", "readable", ChangeKind.FIELD_ACCESS_GRANTED,
            ChangeKind.FIELD_ACCESS_REVOKED, Severity.LOW),
        new Section("classAccesses", "apexClass", "PaymentService", "enabled", ChangeKind.CLASS_ACCESS_GRANTED,
            ChangeKind.CLASS_ACCESS_REVOKED, Severity.LOW),
        new Section("pageAccesses", "apexPage", "Invoices", "enabled", ChangeKind.PAGE_ACCESS_GRANTED,
            ChangeKind.PAGE_ACCESS_REVOKED, Severity.LOW),
        new Section("customPermissions", "name", "Approve_Refunds", "enabled", ChangeKind.CUSTOM_PERMISSION_GRANTED,
            ChangeKind.CUSTOM_PERMISSION_REVOKED, Severity.LOW),
        new Section("flowAccesses", "flow", "Refund_Flow", "enabled", ChangeKind.FLOW_ACCESS_GRANTED,
            ChangeKind.FLOW_ACCESS_REVOKED, Severity.LOW),
        new Section("externalCredentialPrincipalAccesses", "externalCredentialPrincipal", "Erp-Integration", "enabled",
            ChangeKind.EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_GRANTED,
            ChangeKind.EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_REVOKED, Severity.MEDIUM),
        new Section("customMetadataTypeAccesses", "name", "Routing__mdt", "enabled",
            ChangeKind.CUSTOM_METADATA_TYPE_ACCESS_GRANTED, ChangeKind.CUSTOM_METADATA_TYPE_ACCESS_REVOKED,
            Severity.LOW),
        new Section("customSettingAccesses", "name", "Limits__c", "enabled", ChangeKind.CUSTOM_SETTING_ACCESS_GRANTED,
            ChangeKind.CUSTOM_SETTING_ACCESS_REVOKED, Severity.LOW),
        new Section("externalDataSourceAccesses", "externalDataSource", "Erp", "enabled",
            ChangeKind.EXTERNAL_DATA_SOURCE_ACCESS_GRANTED, ChangeKind.EXTERNAL_DATA_SOURCE_ACCESS_REVOKED,
            Severity.LOW),
        new Section("applicationVisibilities", "application", "Billing", "visible",
            ChangeKind.APPLICATION_VISIBILITY_GRANTED, ChangeKind.APPLICATION_VISIBILITY_REVOKED, Severity.INFO),
        new Section("recordTypeVisibilities", "recordType", "Account.Partner", "visible",
            ChangeKind.RECORD_TYPE_VISIBILITY_GRANTED, ChangeKind.RECORD_TYPE_VISIBILITY_REVOKED, Severity.INFO));
    for (Section s : sections) {
      String off = doc("PermissionSet", el("label", "Support"),
          el(s.element, leaf(s.flag, false), leaf(s.key, s.keyValue)));
      String on = doc("PermissionSet", el("label", "Support"),
          el(s.element, leaf(s.flag, true), leaf(s.key, s.keyValue)));
      examples.add(new Example(s.granted, s.keyValue, s.severity,
          ComponentVersions.changed("PermissionSet", "Support", off, on, "permissionsets/Support.permissionset")));
      examples.add(new Example(s.revoked, s.keyValue, Severity.INFO,
          ComponentVersions.changed("PermissionSet", "Support", on, off, "permissionsets/Support.permissionset")));
    }
    String available = doc("PermissionSet", el("tabSettings", leaf("tab", "Invoice__c"), leaf("visibility", "Available")));
    String visible = doc("PermissionSet", el("tabSettings", leaf("tab", "Invoice__c"), leaf("visibility", "Visible")));
    examples.add(new Example(ChangeKind.TAB_VISIBILITY_WIDENED, "Invoice__c", Severity.INFO,
        ComponentVersions.changed("PermissionSet", "Support", available, visible, "ps")));
    examples.add(new Example(ChangeKind.TAB_VISIBILITY_NARROWED, "Invoice__c", Severity.INFO,
        ComponentVersions.changed("PermissionSet", "Support", visible, available, "ps")));
    String unmuted = doc("MutingPermissionSet", el("label", "Mute"));
    String muted = doc("MutingPermissionSet", el("label", "Mute"), userPermission("ViewAllData", true));
    examples.add(new Example(ChangeKind.PERMISSION_MUTED, "ViewAllData", Severity.INFO,
        ComponentVersions.changed("MutingPermissionSet", "Mute", unmuted, muted, "m")));
    examples.add(new Example(ChangeKind.PERMISSION_UNMUTED, "ViewAllData", Severity.HIGH,
        ComponentVersions.changed("MutingPermissionSet", "Mute", muted, unmuted, "m")));

    // Profile login restrictions.
    String oneRange = doc("Profile",
        el("loginIpRanges", leaf("endAddress", "10.0.0.255"), leaf("startAddress", "10.0.0.0")));
    String twoRanges = doc("Profile",
        el("loginIpRanges", leaf("endAddress", "10.0.0.255"), leaf("startAddress", "10.0.0.0")),
        el("loginIpRanges", leaf("endAddress", "192.168.1.255"), leaf("startAddress", "192.168.1.0")));
    examples.add(new Example(ChangeKind.LOGIN_IP_RANGE_ADDED, "192.168.1.0-192.168.1.255", Severity.MEDIUM,
        ComponentVersions.changed("Profile", "Integration", oneRange, twoRanges, "p")));
    examples.add(new Example(ChangeKind.LOGIN_IP_RANGE_REMOVED, "192.168.1.0-192.168.1.255", Severity.INFO,
        ComponentVersions.changed("Profile", "Integration", twoRanges, oneRange, "p")));
    String office = doc("Profile", el("loginHours", leaf("mondayEnd", "1080"), leaf("mondayStart", "480")));
    String longer = doc("Profile", el("loginHours", leaf("mondayEnd", "1320"), leaf("mondayStart", "480")));
    examples.add(new Example(ChangeKind.LOGIN_HOURS_WIDENED, "mondayEnd", Severity.MEDIUM,
        ComponentVersions.changed("Profile", "Integration", office, longer, "p")));
    examples.add(new Example(ChangeKind.LOGIN_HOURS_NARROWED, "mondayEnd", Severity.INFO,
        ComponentVersions.changed("Profile", "Integration", longer, office, "p")));

    // PermissionSetGroup.
    String group = doc("PermissionSetGroup", el("label", "Ops"), el("permissionSets", "Support"));
    String bigger = doc("PermissionSetGroup", el("label", "Ops"), el("permissionSets", "Support"),
        el("permissionSets", "Admin_Tools"), el("mutingPermissionSets", "Mute_Exports"));
    examples.add(new Example(ChangeKind.PERMISSION_SET_GROUP_MEMBER_ADDED, "Admin_Tools", Severity.MEDIUM,
        ComponentVersions.changed("PermissionSetGroup", "Ops", group, bigger, "g")));
    examples.add(new Example(ChangeKind.PERMISSION_SET_GROUP_MEMBER_REMOVED, "Admin_Tools", Severity.INFO,
        ComponentVersions.changed("PermissionSetGroup", "Ops", bigger, group, "g")));
    examples.add(new Example(ChangeKind.PERMISSION_SET_GROUP_MUTING_ADDED, "Mute_Exports", Severity.INFO,
        ComponentVersions.changed("PermissionSetGroup", "Ops", group, bigger, "g")));
    examples.add(new Example(ChangeKind.PERMISSION_SET_GROUP_MUTING_REMOVED, "Mute_Exports", Severity.MEDIUM,
        ComponentVersions.changed("PermissionSetGroup", "Ops", bigger, group, "g")));

    // SecuritySettings.
    examples.add(settings(ChangeKind.SETTING_WEAKENED, "sessionSettings.lockSessionsToIp", Severity.MEDIUM,
        el("sessionSettings", leaf("lockSessionsToIp", true)), el("sessionSettings", leaf("lockSessionsToIp", false))));
    examples.add(settings(ChangeKind.SETTING_STRENGTHENED, "sessionSettings.lockSessionsToIp", Severity.INFO,
        el("sessionSettings", leaf("lockSessionsToIp", false)), el("sessionSettings", leaf("lockSessionsToIp", true))));
    examples.add(settings(ChangeKind.SETTING_CHANGED, "sessionSettings.logoutURL", Severity.LOW,
        el("sessionSettings", leaf("logoutURL", "https://a.example.com")),
        el("sessionSettings", leaf("logoutURL", "https://b.example.com"))));
    examples.add(settings(ChangeKind.SESSION_TIMEOUT_RAISED, "sessionSettings.sessionTimeout", Severity.MEDIUM,
        el("sessionSettings", leaf("sessionTimeout", "TwoHours")),
        el("sessionSettings", leaf("sessionTimeout", "TwentyFourHours"))));
    examples.add(settings(ChangeKind.SESSION_TIMEOUT_LOWERED, "sessionSettings.sessionTimeout", Severity.INFO,
        el("sessionSettings", leaf("sessionTimeout", "TwoHours")),
        el("sessionSettings", leaf("sessionTimeout", "FifteenMinutes"))));
    String noRanges = el("networkAccess", "");
    String officeRange = el("networkAccess", "<ipRanges><end>203.0.113.255</end><start>203.0.113.0</start></ipRanges>");
    examples.add(settings(ChangeKind.TRUSTED_IP_RANGE_ADDED, "203.0.113.0-203.0.113.255", Severity.MEDIUM,
        noRanges, officeRange));
    examples.add(settings(ChangeKind.TRUSTED_IP_RANGE_REMOVED, "203.0.113.0-203.0.113.255", Severity.INFO,
        officeRange, noRanges));

    // ConnectedApp and External Client Apps.
    String app = doc("ConnectedApp", el("contactEmail", "ops@example.com"), el("label", "Foo"),
        el("oauthConfig", leaf("callbackUrl", "https://app.example.com/cb"), leaf("isAdminApproved", true),
            leaf("scopes", "Api")));
    String wider = doc("ConnectedApp", el("contactEmail", "ops@example.com"), el("label", "Foo"),
        el("oauthConfig", leaf("callbackUrl", "https://app.example.com/cb\nhttps://other.example.com/cb"),
            leaf("certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
            leaf("isAdminApproved", true), leaf("scopes", "Api"), leaf("scopes", "Full")),
        el("profileName", "Integration"));
    examples.add(new Example(ChangeKind.OAUTH_SCOPE_ADDED, "Full", Severity.HIGH,
        ComponentVersions.changed("ConnectedApp", "Foo", app, wider, "connectedApps/Foo.connectedApp")));
    examples.add(new Example(ChangeKind.OAUTH_SCOPE_REMOVED, "Full", Severity.INFO,
        ComponentVersions.changed("ConnectedApp", "Foo", wider, app, "c")));
    examples.add(new Example(ChangeKind.CALLBACK_URL_ADDED, "https://other.example.com/cb", Severity.MEDIUM,
        ComponentVersions.changed("ConnectedApp", "Foo", app, wider, "c")));
    examples.add(new Example(ChangeKind.CALLBACK_URL_REMOVED, "https://other.example.com/cb", Severity.INFO,
        ComponentVersions.changed("ConnectedApp", "Foo", wider, app, "c")));
    examples.add(new Example(ChangeKind.OAUTH_CERTIFICATE_CHANGED, "oauthConfig.certificate", Severity.HIGH,
        ComponentVersions.changed("ConnectedApp", "Foo", app, wider, "c")));
    examples.add(new Example(ChangeKind.PREAUTHORIZATION_ADDED, "Integration", Severity.MEDIUM,
        ComponentVersions.changed("ConnectedApp", "Foo", app, wider, "c")));
    examples.add(new Example(ChangeKind.PREAUTHORIZATION_REMOVED, "Integration", Severity.INFO,
        ComponentVersions.changed("ConnectedApp", "Foo", wider, app, "c")));
    examples.add(new Example(ChangeKind.SECRET_IN_PACKAGE, "consumerSecret", Severity.HIGH,
        ComponentVersions.added("ExtlClntAppGlobalOauthSettings", "Foo_glbloauth",
            doc("ExtlClntAppGlobalOauthSettings", el("callbackUrl", "https://app.example.com/cb"),
                el("consumerSecret", "s3cr3t"), el("externalClientApplication", "Foo"), el("label", "Foo")),
            "extlClntAppGlobalOauthSets/Foo_glbloauth.ecaGlblOauth")));

    // Trusted sites.
    String site = doc("RemoteSiteSetting", el("disableProtocolSecurity", false), el("isActive", false),
        el("url", "https://api.example.com"));
    String moved = doc("RemoteSiteSetting", el("disableProtocolSecurity", true), el("isActive", true),
        el("url", "http://api.example.net"));
    examples.add(new Example(ChangeKind.TRUSTED_SITE_ADDED, "https://api.example.com", Severity.LOW,
        ComponentVersions.added("RemoteSiteSetting", "Erp", site, "remoteSiteSettings/Erp.remoteSite")));
    examples.add(new Example(ChangeKind.TRUSTED_SITE_URL_CHANGED, "http://api.example.net", Severity.MEDIUM,
        ComponentVersions.changed("RemoteSiteSetting", "Erp", site, moved, "r")));
    examples.add(new Example(ChangeKind.TRUSTED_SITE_ACTIVATED, "http://api.example.net", Severity.MEDIUM,
        ComponentVersions.changed("RemoteSiteSetting", "Erp", site, moved, "r")));
    examples.add(new Example(ChangeKind.PROTOCOL_SECURITY_DISABLED, "http://api.example.net", Severity.HIGH,
        ComponentVersions.changed("RemoteSiteSetting", "Erp", site, moved, "r")));
    examples.add(new Example(ChangeKind.INSECURE_URL, "http://api.example.net", Severity.HIGH,
        ComponentVersions.changed("RemoteSiteSetting", "Erp", site, moved, "r")));
    examples.add(new Example(ChangeKind.WILDCARD_URL, "https://*.example.com", Severity.HIGH,
        ComponentVersions.added("CspTrustedSite", "Cdn", doc("CspTrustedSite", el("context", "All"),
            el("endpointUrl", "https://*.example.com"), el("isActive", true)), "cspTrustedSites/Cdn.cspTrustedSite")));

    // Apex.
    examples.add(new Example(ChangeKind.APEX_WITHOUT_SHARING, "Refunds", Severity.HIGH,
        ComponentVersions.added("ApexClass", "Refunds", "public without sharing class Refunds {\n}\n",
            "classes/Refunds.cls")));
    examples.add(new Example(ChangeKind.APEX_SHARING_OMITTED, "Refunds", Severity.LOW,
        ComponentVersions.changed("ApexClass", "Refunds", "public with sharing class Refunds {}",
            "public class Refunds {}", "classes/Refunds.cls")));
    examples.add(new Example(ChangeKind.APEX_INHERITED_SHARING, "Refunds", Severity.INFO,
        ComponentVersions.changed("ApexClass", "Refunds", "public class Refunds {}",
            "public inherited sharing class Refunds {}", "classes/Refunds.cls")));

    // Credentials and certificates.
    String named = doc("NamedCredential", el("label", "Erp"), el("namedCredentialParameters",
        leaf("parameterName", "Url"), leaf("parameterType", "Url"), leaf("parameterValue", "https://erp.example.com")),
        el("namedCredentialParameters", leaf("externalCredential", "Erp_Basic"), leaf("parameterName", "ExternalCredential"),
            leaf("parameterType", "Authentication")));
    String rerouted = doc("NamedCredential", el("label", "Erp"), el("namedCredentialParameters",
        leaf("parameterName", "Url"), leaf("parameterType", "Url"), leaf("parameterValue", "https://erp.example.net")),
        el("namedCredentialParameters", leaf("externalCredential", "Erp_OAuth"), leaf("parameterName", "ExternalCredential"),
            leaf("parameterType", "Authentication")));
    examples.add(new Example(ChangeKind.CREDENTIAL_ENDPOINT_CHANGED, "Url:Url", Severity.MEDIUM,
        ComponentVersions.changed("NamedCredential", "Erp", named, rerouted, "namedCredentials/Erp.namedCredential")));
    examples.add(new Example(ChangeKind.CREDENTIAL_AUTHENTICATION_CHANGED, "Authentication:ExternalCredential",
        Severity.MEDIUM,
        ComponentVersions.changed("NamedCredential", "Erp", named, rerouted, "namedCredentials/Erp.namedCredential")));
    examples.add(new Example(ChangeKind.CERTIFICATE_CHANGED, "content", Severity.MEDIUM,
        ComponentVersions.changed("Certificate", "Signing",
            doc("Certificate", el("caSigned", false), el("content", "QUJD"), el("masterLabel", "Signing")),
            doc("Certificate", el("caSigned", false), el("content", "REVG"), el("masterLabel", "Signing")),
            "certs/Signing.crt-meta.xml")));
    return examples.stream();
  }

  private static Example settings(ChangeKind kind, String subject, Severity severity, String before, String after) {
    return new Example(kind, subject, severity, ComponentVersions.changed("Settings", "Security",
        doc("SecuritySettings", before), doc("SecuritySettings", after), "settings/Security.settings"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void eachExampleYieldsItsKindOnceWithItsSeverity(Example example) throws DiffException {
    List<Change> changes = DIFF.diff(example.input);

    List<Change> ofKind = changes.stream()
        .filter(c -> c.kind() == example.kind && c.subject().equals(example.subject)).toList();
    assertThat(ofKind).as("%s in %s", example.kind.id(), changes).hasSize(1);
    Change change = ofKind.get(0);
    assertThat(change.severity()).as(change.message()).isEqualTo(example.severity);
    assertThat(change.type()).isEqualTo(example.input.type());
    assertThat(change.fullName()).isEqualTo(example.input.fullName());
    assertThat(change.message()).startsWith(example.kind == ChangeKind.TRUSTED_SITE_ADDED ? "new " : "")
        .contains(example.input.fullName());
    assertThat(change.location().line()).isPositive();
  }

  @Test
  void everyKindHasAnExample() {
    Set<ChangeKind> covered = EnumSet.noneOf(ChangeKind.class);
    examples().forEach(example -> covered.add(example.kind));
    assertThat(EnumSet.complementOf(EnumSet.copyOf(covered))).isEmpty();
  }

  @Test
  void everyKindIdIsUniqueAndDocumented() throws Exception {
    String docs = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "DEPLOY.md"));
    Set<String> ids = new java.util.HashSet<>();
    for (ChangeKind kind : ChangeKind.values()) {
      assertThat(ids.add(kind.id())).as(kind.id()).isTrue();
      assertThat(docs).as("docs/DEPLOY.md mentions %s", kind.id()).contains("`" + kind.id() + "`");
    }
  }
}
