package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.SetupAuditActions.Change;
import dev.portcullis.orgsim.SetupAuditActions.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Action, Section and Display that Setup Audit Trail rows get for each kind of metadata change. */
class SetupAuditActionsTest {
  static final String NS = "xmlns=\"http://soap.sforce.com/2006/04/metadata\"";

  static Optional<Map<String, byte[]>> file(String path, String xml) {
    return Optional.of(Map.of(path, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8)));
  }

  static List<Entry> rows(String type, String name, Optional<Map<String, byte[]>> before, Optional<Map<String, byte[]>> after) {
    return SetupAuditActions.of(new Change(MetadataType.named(type).orElseThrow(), name, before, after), 2);
  }

  static String perm(String name, boolean enabled) {
    return "<userPermissions><enabled>" + enabled + "</enabled><name>" + name + "</name></userPermissions>";
  }

  @Test
  void aReorderedProfileIsNoChangeAndAGrantIsOneRowPerPermission() {
    String path = "profiles/Integration.profile";
    var before = file(path, "<Profile " + NS + "><custom>true</custom>" + perm("ApiEnabled", true)
        + perm("ViewSetup", true) + "</Profile>");
    var reordered = file(path, "<Profile " + NS + ">" + perm("ViewSetup", true) + perm("ApiEnabled", true)
        + "<custom>true</custom></Profile>");
    assertThat(rows("Profile", "Integration", before, reordered)).isEmpty();

    var widened = file(path, "<Profile " + NS + ">" + perm("ViewSetup", false) + perm("ApiEnabled", true)
        + perm("ModifyAllData", true) + "<fieldPermissions><editable>false</editable><field>Contact.SSN__c</field>"
        + "<readable>true</readable></fieldPermissions></Profile>");
    assertThat(rows("Profile", "Integration", before, widened)).containsExactly(
        new Entry("profilePermChangedCustom", "Manage Users",
            "Changed profile Integration: general user permission Modify All Data was changed from disabled to enabled"),
        new Entry("profilePermChangedCustom", "Manage Users",
            "Changed profile Integration: general user permission View Setup and Configuration was changed from enabled to disabled"),
        new Entry("profileFlsChangedCustom", "Manage Users",
            "Changed profile Integration: field-level security for Contact: SSN__c was changed from No Access to Read Only"));
    assertThat(rows("Profile", "Admin", file("profiles/Admin.profile", "<Profile " + NS + "/>"),
        file("profiles/Admin.profile", "<Profile " + NS + ">" + perm("AuthorApex", true) + "</Profile>")))
        .extracting(Entry::action).containsExactly("profilePermChangedStandard");
  }

  @Test
  void aNewPermissionSetIsCreatedThenEachGrantIsEnabled() {
    String path = "permissionsets/Release.permissionset";
    var created = file(path, "<PermissionSet " + NS + "><label>Release Manager</label><license>Salesforce</license>"
        + perm("ModifyAllData", true) + "<objectPermissions><allowCreate>true</allowCreate><allowRead>true</allowRead>"
        + "<object>Account</object></objectPermissions></PermissionSet>");
    assertThat(rows("PermissionSet", "Release", Optional.empty(), created)).containsExactly(
        new Entry("PermSetCreate", "Manage Users", "Created permission set Release Manager: with user license Salesforce"),
        new Entry("PermSetEnableUserPerm", "Manage Users",
            "Changed permission set Release Manager: Modify All Data permission was changed from disabled to enabled"),
        new Entry("PermSetEntityPermChanged", "Manage Users",
            "Changed permission set Release Manager: Account object permissions were changed from No Access to Read, Create"));
    assertThat(rows("PermissionSet", "Release", created, Optional.empty()))
        .containsExactly(new Entry("PermSetDelete", "Manage Users", "Deleted permission set Release Manager"));
  }

  @Test
  void contentTypesWordTheirComponent() {
    var trigger = Optional.of(Map.of("triggers/InvoiceTrigger.trigger",
        "trigger InvoiceTrigger on Invoice__c (before insert) {}".getBytes(StandardCharsets.UTF_8)));
    assertThat(rows("ApexTrigger", "InvoiceTrigger", trigger, trigger)).containsExactly(
        new Entry("changedApexTrigger", "Apex Trigger", "Changed Invoice__c Trigger code: InvoiceTrigger"));
    assertThat(rows("LightningComponentBundle", "invoiceList", Optional.empty(), Optional.of(Map.of())))
        .containsExactly(new Entry("createdLightningWebComponent", "Lightning Components",
            "Created invoiceList Lightning Web Component"));
    assertThat(rows("StaticResource", "logo", Optional.of(Map.of()), Optional.empty()))
        .containsExactly(new Entry("deletedStaticResource", "Static Resource", "Deleted Static Resource logo"));
  }

  @Test
  void connectedAppScopesRemoteSitesObjectsAndFlows() {
    String app = "connectedApps/Ci.connectedApp";
    var narrow = file(app, "<ConnectedApp " + NS + "><label>CI</label><oauthConfig><callbackUrl>https://a.example</callbackUrl>"
        + "<scopes>Api</scopes></oauthConfig></ConnectedApp>");
    var wide = file(app, "<ConnectedApp " + NS + "><label>CI</label><oauthConfig><callbackUrl>https://a.example</callbackUrl>"
        + "<scopes>RefreshToken</scopes><scopes>Full</scopes><scopes>Api</scopes></oauthConfig></ConnectedApp>");
    assertThat(rows("ConnectedApp", "Ci", narrow, wide)).containsExactly(new Entry("changeOauthDefaultScope",
        "Application", "Changed connected app CI scopes from api to api, full, refresh_token"));

    assertThat(rows("RemoteSiteSetting", "Billing", Optional.empty(), file("remoteSiteSettings/Billing.remoteSite",
        "<RemoteSiteSetting " + NS + "><url>http://billing.example</url></RemoteSiteSetting>")))
        .containsExactly(new Entry("remoteproxy", "Security Controls", "Remote Proxy insert CPI: http://billing.example"));

    String object = "objects/Invoice__c.object";
    var before = file(object, "<CustomObject " + NS + "><label>Invoice</label><pluralLabel>Invoices</pluralLabel>"
        + "</CustomObject>");
    var after = file(object, "<CustomObject " + NS + "><fields><fullName>Total__c</fullName><label>Total</label>"
        + "<type>Currency</type></fields><label>Invoice</label><pluralLabel>Invoices</pluralLabel></CustomObject>");
    assertThat(rows("CustomObject", "Invoice__c", Optional.empty(), before))
        .containsExactly(new Entry("createdCustEnt", "Custom Objects", "Created custom object: Invoice"));
    assertThat(rows("CustomObject", "Invoice__c", before, after)).containsExactly(
        new Entry("createdCFCustom", "Custom Objects", "Created custom field Total (Currency) on Invoice"));

    var flow = file("flows/Welcome.flow", "<Flow " + NS + "><label>Send Welcome</label></Flow>");
    assertThat(rows("Flow", "Welcome", flow, flow)).containsExactly(new Entry("createdinteractiondefversion", "Flows",
        "Created flow version #2 \"Send Welcome\" for flow with Unique Name \"Welcome\""));
  }

  @Test
  void typesSalesforceIsNotKnownToAuditWriteNothing() {
    assertThat(rows("CustomLabels", "CustomLabels", Optional.empty(), Optional.of(Map.of()))).isEmpty();
    assertThat(rows("CspTrustedSite", "Cdn", Optional.empty(), Optional.of(Map.of()))).isEmpty();
  }

  @Test
  void permissionLabelsAreSetupsWords() {
    assertThat(SetupAuditActions.permissionLabel("ModifyAllData")).isEqualTo("Modify All Data");
    assertThat(SetupAuditActions.permissionLabel("ApiEnabled")).isEqualTo("API Enabled");
    assertThat(SetupAuditActions.permissionLabel("ManageUsers")).isEqualTo("Manage Users");
  }
}
