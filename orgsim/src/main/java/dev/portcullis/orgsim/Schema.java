package dev.portcullis.orgsim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sObject types the simulator knows, with the describe metadata clients read.
 *
 * <p>Field names, types and key prefixes follow Salesforce's "Object Reference for the Salesforce
 * Platform" (sforce_api_objects_account.htm, _contact.htm, _opportunity.htm, _user.htm,
 * _profile.htm, _permissionset.htm, _organization.htm). Only a useful subset of each object's
 * fields is modelled. Names compare case-insensitively, as SOQL and REST do.
 */
final class Schema {

  /** Describe field types, as the {@code type} property of a describe field spells them. */
  enum FieldType {
    ID("id", "tns:ID", "Id"),
    STRING("string", "xsd:string", "String"),
    TEXTAREA("textarea", "xsd:string", "String"),
    PICKLIST("picklist", "xsd:string", "String"),
    EMAIL("email", "xsd:string", "String"),
    PHONE("phone", "xsd:string", "String"),
    URL("url", "xsd:string", "String"),
    REFERENCE("reference", "tns:ID", "Id"),
    BOOLEAN("boolean", "xsd:boolean", "Boolean"),
    CURRENCY("currency", "xsd:double", "Double"),
    DOUBLE("double", "xsd:double", "Double"),
    PERCENT("percent", "xsd:double", "Double"),
    INT("int", "xsd:int", "Integer"),
    DATE("date", "xsd:date", "Date"),
    DATETIME("datetime", "xsd:dateTime", "Datetime"),
    /** Binary; REST answers a query or retrieve with the blob's URL, and the URL with the bytes (resources_sobject_blob_retrieve.htm). */
    BASE64("base64", "xsd:base64Binary", "Blob");

    final String describeName;
    final String soapType;
    final String apexType;

    FieldType(String describeName, String soapType, String apexType) {
      this.describeName = describeName;
      this.soapType = soapType;
      this.apexType = apexType;
    }

    boolean isText() {
      return switch (this) {
        case STRING, TEXTAREA, PICKLIST, EMAIL, PHONE, URL -> true;
        default -> false;
      };
    }

    boolean isNumber() {
      return this == CURRENCY || this == DOUBLE || this == PERCENT || this == INT;
    }

    boolean isIdLike() {
      return this == ID || this == REFERENCE;
    }
  }

  /** One field of an sObject type. {@code referenceTo} is empty unless the type is REFERENCE. */
  record FieldDef(
      String name,
      FieldType type,
      String label,
      boolean custom,
      boolean nillable,
      boolean createable,
      boolean updateable,
      List<String> referenceTo,
      String relationshipName,
      boolean required) {

    boolean isStandard() {
      return !custom;
    }
  }

  /** A parent-to-child relationship, e.g. Account.Contacts via Contact.AccountId. */
  record ChildRelationship(String relationshipName, String childSObject, String field) {}

  /**
   * One sObject type. {@code readOnly} types are written by the org alone, never through the API
   * (SetupAuditTrail's supported calls are query() and retrieve() only).
   */
  record SObjectDef(
      String name,
      String keyPrefix,
      String label,
      String labelPlural,
      boolean createable,
      boolean readOnly,
      boolean deletable,
      List<FieldDef> fields,
      List<ChildRelationship> childRelationships) {

    Optional<FieldDef> field(String fieldName) {
      for (FieldDef f : fields) {
        if (f.name().equalsIgnoreCase(fieldName)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }

    /** The lookup field whose relationship name is {@code relationshipName}. */
    Optional<FieldDef> relationship(String relationshipName) {
      for (FieldDef f : fields) {
        if (f.relationshipName() != null && f.relationshipName().equalsIgnoreCase(relationshipName)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }

    Optional<ChildRelationship> childRelationship(String relationshipName) {
      for (ChildRelationship c : childRelationships) {
        if (c.relationshipName().equalsIgnoreCase(relationshipName)) {
          return Optional.of(c);
        }
      }
      return Optional.empty();
    }

    boolean hasIsDeleted() {
      return field("IsDeleted").isPresent();
    }
  }

  private final Map<String, SObjectDef> types = new LinkedHashMap<>();

  private Schema() {}

  Optional<SObjectDef> type(String name) {
    return Optional.ofNullable(types.get(name.toLowerCase(Locale.ROOT)));
  }

  Optional<SObjectDef> typeByKeyPrefix(String prefix) {
    return types.values().stream().filter(t -> t.keyPrefix().equals(prefix)).findFirst();
  }

  List<SObjectDef> types() {
    return List.copyOf(types.values());
  }

  /**
   * The built-in schema: Account, Contact, Opportunity, User, Profile, PermissionSet, Organization,
   * SetupAuditTrail, UserAuthCertificate.
   */
  static Schema standard() {
    Schema s = new Schema();
    s.add(
        new Builder("Account", "001", "Account", "Accounts", true, true)
            .id()
            .isDeleted()
            .field("Name", FieldType.STRING, "Account Name", Req.REQUIRED)
            .field("Type", FieldType.PICKLIST, "Account Type")
            .field("Industry", FieldType.PICKLIST, "Industry")
            .field("BillingCity", FieldType.STRING, "Billing City")
            .field("BillingCountry", FieldType.STRING, "Billing Country")
            .field("Phone", FieldType.PHONE, "Account Phone")
            .field("Website", FieldType.URL, "Website")
            .field("AnnualRevenue", FieldType.CURRENCY, "Annual Revenue")
            .field("NumberOfEmployees", FieldType.INT, "Employees")
            .lookup("OwnerId", "Owner ID", "User", "Owner", true)
            .audit()
            .child("Contacts", "Contact", "AccountId")
            .child("Opportunities", "Opportunity", "AccountId")
            .build());
    s.add(
        new Builder("Contact", "003", "Contact", "Contacts", true, true)
            .id()
            .isDeleted()
            .lookup("AccountId", "Account ID", "Account", "Account", true)
            .field("FirstName", FieldType.STRING, "First Name")
            .field("LastName", FieldType.STRING, "Last Name", Req.REQUIRED)
            .field("Name", FieldType.STRING, "Full Name", Req.READ_ONLY)
            .field("Email", FieldType.EMAIL, "Email")
            .field("Phone", FieldType.PHONE, "Business Phone")
            .field("Title", FieldType.STRING, "Title")
            .field("Birthdate", FieldType.DATE, "Birthdate")
            .custom("SSN__c", FieldType.STRING, "SSN")
            .lookup("OwnerId", "Owner ID", "User", "Owner", true)
            .audit()
            .build());
    s.add(
        new Builder("Opportunity", "006", "Opportunity", "Opportunities", true, true)
            .id()
            .isDeleted()
            .lookup("AccountId", "Account ID", "Account", "Account", true)
            .field("Name", FieldType.STRING, "Name", Req.REQUIRED)
            .field("StageName", FieldType.PICKLIST, "Stage", Req.REQUIRED)
            .field("Amount", FieldType.CURRENCY, "Amount")
            .field("CloseDate", FieldType.DATE, "Close Date", Req.REQUIRED)
            .field("Probability", FieldType.PERCENT, "Probability (%)")
            .field("IsClosed", FieldType.BOOLEAN, "Closed", Req.READ_ONLY)
            .field("IsWon", FieldType.BOOLEAN, "Won", Req.READ_ONLY)
            .lookup("OwnerId", "Owner ID", "User", "Owner", true)
            .audit()
            .build());
    s.add(
        new Builder("User", "005", "User", "Users", true, false)
            .id()
            .field("Username", FieldType.STRING, "Username", Req.REQUIRED)
            .field("FirstName", FieldType.STRING, "First Name")
            .field("LastName", FieldType.STRING, "Last Name", Req.REQUIRED)
            .field("Name", FieldType.STRING, "Full Name", Req.READ_ONLY)
            .field("Email", FieldType.EMAIL, "Email", Req.REQUIRED)
            .field("Alias", FieldType.STRING, "Alias")
            .field("IsActive", FieldType.BOOLEAN, "Active")
            .lookup("ProfileId", "Profile ID", "Profile", "Profile", false)
            .field("UserType", FieldType.PICKLIST, "User Type", Req.READ_ONLY)
            .field("TimeZoneSidKey", FieldType.PICKLIST, "Time Zone")
            .field("LocaleSidKey", FieldType.PICKLIST, "Locale")
            .field("LanguageLocaleKey", FieldType.PICKLIST, "Language")
            .field("LastLoginDate", FieldType.DATETIME, "Last Login", Req.READ_ONLY)
            .audit()
            .build());
    s.add(
        new Builder("Profile", "00e", "Profile", "Profile", false, false)
            .id()
            .field("Name", FieldType.STRING, "Name", Req.REQUIRED)
            .field("Description", FieldType.TEXTAREA, "Description")
            .field("UserType", FieldType.PICKLIST, "User Type", Req.READ_ONLY)
            .field("PermissionsApiEnabled", FieldType.BOOLEAN, "API Enabled")
            .field("PermissionsModifyAllData", FieldType.BOOLEAN, "Modify All Data")
            .field("PermissionsViewAllData", FieldType.BOOLEAN, "View All Data")
            .audit()
            .build());
    s.add(
        new Builder("PermissionSet", "0PS", "Permission Set", "Permission Sets", true, true)
            .id()
            .field("Name", FieldType.STRING, "Name", Req.REQUIRED)
            .field("Label", FieldType.STRING, "Label", Req.REQUIRED)
            .field("Description", FieldType.TEXTAREA, "Description")
            .field("IsOwnedByProfile", FieldType.BOOLEAN, "Is Owned By Profile", Req.READ_ONLY)
            .lookup("ProfileId", "Profile ID", "Profile", "Profile", true)
            .field("NamespacePrefix", FieldType.STRING, "Namespace Prefix", Req.READ_ONLY)
            .field("PermissionsApiEnabled", FieldType.BOOLEAN, "API Enabled")
            .field("PermissionsModifyAllData", FieldType.BOOLEAN, "Modify All Data")
            .field("PermissionsViewAllData", FieldType.BOOLEAN, "View All Data")
            .audit()
            .build());
    s.add(
        new Builder("Organization", "00D", "Organization", "Organizations", false, false)
            .id()
            .field("Name", FieldType.STRING, "Name", Req.READ_ONLY)
            .field("InstanceName", FieldType.STRING, "Instance Name", Req.READ_ONLY)
            .field("IsSandbox", FieldType.BOOLEAN, "Is Sandbox", Req.READ_ONLY)
            .field("TrialExpirationDate", FieldType.DATETIME, "Trial Expiration Date", Req.READ_ONLY)
            .field("NamespacePrefix", FieldType.STRING, "Namespace Prefix", Req.READ_ONLY)
            .field("OrganizationType", FieldType.PICKLIST, "Edition", Req.READ_ONLY)
            .field("Country", FieldType.STRING, "Country", Req.READ_ONLY)
            .field("TimeZoneSidKey", FieldType.PICKLIST, "Default Time Zone", Req.READ_ONLY)
            .field("LanguageLocaleKey", FieldType.PICKLIST, "Language", Req.READ_ONLY)
            .audit()
            .build());
    // Object Reference for the Salesforce Platform, "SetupAuditTrail"
    // (sforce_api_objects_setupaudittrail.htm; the Field Reference lists the same fields with their
    // types and lengths): supported calls query() and retrieve(); every field read-only. Key prefix
    // 0Ym, as the ids of real rows begin.
    s.add(
        new Builder("SetupAuditTrail", "0Ym", "Setup Audit Trail", "Setup Audit Trail", false, false)
            .readOnly()
            .id()
            .field("Action", FieldType.STRING, "Action", Req.READ_ONLY)
            .field("CreatedByContext", FieldType.STRING, "Created By Context", Req.READ_ONLY_NILLABLE)
            .readOnlyLookup("CreatedById", "Created By ID", "User", "CreatedBy")
            .field("CreatedByIssuer", FieldType.STRING, "Created By Issuer", Req.READ_ONLY_NILLABLE)
            .field("CreatedDate", FieldType.DATETIME, "Created Date", Req.READ_ONLY)
            .field("DelegateUser", FieldType.STRING, "Delegate User", Req.READ_ONLY_NILLABLE)
            .field("Display", FieldType.STRING, "Display", Req.READ_ONLY_NILLABLE)
            .field("ResponsibleNamespacePrefix", FieldType.STRING, "Source Namespace Prefix", Req.READ_ONLY_NILLABLE)
            .field("Section", FieldType.STRING, "Section", Req.READ_ONLY_NILLABLE)
            .field("SystemModstamp", FieldType.DATETIME, "System Modstamp", Req.READ_ONLY)
            .build());
    // Object Reference for the Salesforce Platform, "UserAuthCertificate"
    // (sforce_api_objects_userauthcertificate.htm, API 45.0+): a user's certificate for
    // certificate-based authentication; create(), delete(), query(), retrieve(), update(), upsert().
    // CertificateChain is base64 (the uploaded PEM file, up to 10 certificates, at most 1 MB);
    // ExpirationDate, Fingerprint and SerialNumber are the org's, read only, computed from the
    // chain's first certificate (RecordDefaults). The key prefix is the simulator's: no source read
    // shows the real one.
    s.add(
        new Builder("UserAuthCertificate", "0Uc", "User Authentication Certificate", "User Authentication Certificates", true, true)
            .id()
            .isDeleted()
            .field("CertificateChain", FieldType.BASE64, "Certificate Chain", Req.REQUIRED)
            .field("CertificateChainLength", FieldType.INT, "Certificate Chain Length")
            .field("DeveloperName", FieldType.STRING, "Unique Name", Req.REQUIRED)
            .field("ExpirationDate", FieldType.DATETIME, "Expiration Date", Req.READ_ONLY)
            .field("Fingerprint", FieldType.STRING, "Fingerprint", Req.READ_ONLY)
            .field("Language", FieldType.PICKLIST, "Master Language")
            .field("MasterLabel", FieldType.STRING, "Label", Req.REQUIRED)
            .field("SerialNumber", FieldType.STRING, "Serial Number", Req.READ_ONLY)
            .lookup("UserId", "User ID", "User", "User", false)
            .audit()
            .build());
    return s;
  }

  private void add(SObjectDef def) {
    types.put(def.name().toLowerCase(Locale.ROOT), def);
  }

  private enum Req {
    OPTIONAL,
    REQUIRED,
    READ_ONLY,
    /** Read-only and may be null. */
    READ_ONLY_NILLABLE
  }

  private static final class Builder {
    private final String name;
    private final String keyPrefix;
    private final String label;
    private final String labelPlural;
    private final boolean createable;
    private final boolean deletable;
    private boolean readOnly;
    private final List<FieldDef> fields = new ArrayList<>();
    private final List<ChildRelationship> children = new ArrayList<>();

    Builder(String name, String keyPrefix, String label, String labelPlural, boolean createable, boolean deletable) {
      this.name = name;
      this.keyPrefix = keyPrefix;
      this.label = label;
      this.labelPlural = labelPlural;
      this.createable = createable;
      this.deletable = deletable;
    }

    /** Records of this type are never written through the API. */
    Builder readOnly() {
      this.readOnly = true;
      return this;
    }

    Builder id() {
      fields.add(new FieldDef("Id", FieldType.ID, label + " ID", false, false, false, false, List.of(), null, false));
      return this;
    }

    Builder isDeleted() {
      fields.add(new FieldDef("IsDeleted", FieldType.BOOLEAN, "Deleted", false, false, false, false, List.of(), null, false));
      return this;
    }

    Builder field(String fieldName, FieldType type, String fieldLabel) {
      return field(fieldName, type, fieldLabel, Req.OPTIONAL);
    }

    Builder field(String fieldName, FieldType type, String fieldLabel, Req req) {
      boolean writable = req != Req.READ_ONLY && req != Req.READ_ONLY_NILLABLE;
      boolean nillable = req == Req.READ_ONLY_NILLABLE || req == Req.OPTIONAL && type != FieldType.BOOLEAN;
      fields.add(new FieldDef(fieldName, type, fieldLabel, false, nillable, writable, writable, List.of(), null, req == Req.REQUIRED));
      return this;
    }

    Builder custom(String fieldName, FieldType type, String fieldLabel) {
      fields.add(new FieldDef(fieldName, type, fieldLabel, true, true, true, true, List.of(), null, false));
      return this;
    }

    Builder lookup(String fieldName, String fieldLabel, String target, String relationshipName, boolean nillable) {
      fields.add(new FieldDef(fieldName, FieldType.REFERENCE, fieldLabel, false, nillable, true, true, List.of(target), relationshipName, false));
      return this;
    }

    Builder readOnlyLookup(String fieldName, String fieldLabel, String target, String relationshipName) {
      fields.add(new FieldDef(fieldName, FieldType.REFERENCE, fieldLabel, false, false, false, false, List.of(target), relationshipName, false));
      return this;
    }

    Builder audit() {
      fields.add(new FieldDef("CreatedDate", FieldType.DATETIME, "Created Date", false, false, false, false, List.of(), null, false));
      fields.add(new FieldDef("CreatedById", FieldType.REFERENCE, "Created By ID", false, false, false, false, List.of("User"), "CreatedBy", false));
      fields.add(new FieldDef("LastModifiedDate", FieldType.DATETIME, "Last Modified Date", false, false, false, false, List.of(), null, false));
      fields.add(new FieldDef("LastModifiedById", FieldType.REFERENCE, "Last Modified By ID", false, false, false, false, List.of("User"), "LastModifiedBy", false));
      fields.add(new FieldDef("SystemModstamp", FieldType.DATETIME, "System Modstamp", false, false, false, false, List.of(), null, false));
      return this;
    }

    Builder child(String relationshipName, String childType, String field) {
      children.add(new ChildRelationship(relationshipName, childType, field));
      return this;
    }

    SObjectDef build() {
      return new SObjectDef(name, keyPrefix, label, labelPlural, createable, readOnly, deletable, List.copyOf(fields), List.copyOf(children));
    }
  }
}
