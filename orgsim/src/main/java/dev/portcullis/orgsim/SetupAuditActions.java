package dev.portcullis.orgsim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * What Setup Audit Trail says about one metadata component a deploy created, changed or deleted:
 * the rows' {@code Action}, {@code Section} and {@code Display}.
 *
 * <p>Design note: Salesforce records setup changes, not files. A deploy that grants a permission
 * set Modify All Data shows up as {@code PermSetEnableUserPerm} / {@code Manage Users} /
 * "Changed permission set Data Steward: Modify All Data permission was changed from disabled to
 * enabled", one row per permission, so the rows are computed from a semantic diff of the
 * component's XML before and after (permissions keyed by name: a reordered file is no change).
 * Action codes, sections and display wording are the ones Salesforce writes, as observed in real
 * orgs' audit trails and collected in the community "Salesforce Setup Audit Trail Reference"
 * (an "Action (Section) - Display" list per Setup area) and in sfdx-hardis'
 * {@code hardis:org:diagnose:audittrail} documentation; the Object Reference
 * (sforce_api_objects_setupaudittrail.htm) names the fields and gives {@code PermSetCreate} /
 * "Created permission set MAD: with user license Salesforce" as its example. Types Salesforce is
 * not known to audit (custom labels, CSP trusted sites, settings, …) produce no row, as a deploy of
 * them produces none that this simulator can word faithfully; docs/ORGSIM.md lists them.
 */
final class SetupAuditActions {
  /** One row's words. */
  record Entry(String action, String section, String display) {
    Entry {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(display, "display");
    }
  }

  /** The change a deploy made to one component: {@code before} empty for a creation, {@code after} for a deletion. */
  record Change(MetadataType type, String fullName, Optional<Map<String, byte[]>> before,
      Optional<Map<String, byte[]>> after) {}

  /** The standard profiles' API names (their audit actions end in {@code Standard}, custom ones' in {@code Custom}). */
  private static final Set<String> STANDARD_PROFILES = Set.of("admin", "standard", "readonly", "contractmanager",
      "marketingprofile", "solutionmanager", "standardaul", "minimum access - salesforce");

  /**
   * User permission labels as Setup shows them, for the API names whose label is not just the
   * name split into words (Profile and PermissionSet "Permissions…" fields in the Object Reference).
   */
  private static final Map<String, String> PERMISSION_LABELS = Map.ofEntries(
      Map.entry("ApiEnabled", "API Enabled"),
      Map.entry("ViewSetup", "View Setup and Configuration"),
      Map.entry("ManageProfilesPermissionsets", "Manage Profiles and Permission Sets"),
      Map.entry("ExportReport", "Export Reports"),
      Map.entry("ManageSharing", "Manage Sharing"),
      Map.entry("ModifyMetadata", "Modify Metadata Through Metadata API Functions"),
      Map.entry("PasswordNeverExpires", "Password Never Expires"),
      Map.entry("ViewEncryptedData", "View Encrypted Data"),
      Map.entry("ManageEncryptionKeys", "Manage Encryption Keys"));

  /** Connected app scope names (ConnectedAppOauthAccessScope) as the audit trail writes them. */
  private static final Map<String, String> SCOPES = Map.ofEntries(
      Map.entry("Api", "api"), Map.entry("Basic", "id"), Map.entry("Chatter", "chatter_api"),
      Map.entry("Full", "full"), Map.entry("RefreshToken", "refresh_token"), Map.entry("Web", "web"),
      Map.entry("OpenID", "openid"), Map.entry("CustomPermissions", "custom_permissions"),
      Map.entry("Address", "address"), Map.entry("Email", "email"), Map.entry("Phone", "phone"),
      Map.entry("Profile", "profile"), Map.entry("Wave", "wave_api"), Map.entry("CDPIngest", "cdp_ingest_api"));

  private static final Pattern TRIGGER_OBJECT = Pattern.compile("(?is)\\btrigger\\s+\\w+\\s+on\\s+(\\w+)");

  private SetupAuditActions() {}

  /**
   * The rows for one change, in the order Salesforce would write them; {@code flowVersion} is the
   * number a changed flow's new version gets (Salesforce numbers them from 1).
   */
  static List<Entry> of(Change change, int flowVersion) {
    String name = change.fullName();
    Kind kind = change.before().isEmpty() ? Kind.CREATED : change.after().isEmpty() ? Kind.DELETED : Kind.CHANGED;
    return switch (change.type().xmlName()) {
      case "ApexClass" -> List.of(new Entry(kind.word + "ApexClass", "Apex Class",
          kind.title + " " + name + " Apex Class code"));
      case "ApexTrigger" -> List.of(new Entry(kind.word + "ApexTrigger", "Apex Trigger",
          kind.title + " " + triggerObject(change) + " Trigger code: " + name));
      case "ApexPage" -> List.of(new Entry(kind.word + "ApexPage", "Page", kind.title + " Page " + name));
      case "ApexComponent" -> List.of(new Entry(kind.word + "ApexComponent", "Component",
          kind.title + " Component " + name));
      case "StaticResource" -> List.of(new Entry(kind.word + "StaticResource", "Static Resource",
          kind.title + " Static Resource " + name));
      case "LightningComponentBundle" -> List.of(new Entry(kind.word + "LightningWebComponent",
          "Lightning Components", kind.title + " " + name + " Lightning Web Component"));
      case "AuraDefinitionBundle" -> List.of(new Entry(kind.word + "AuraComponent", "Lightning Components",
          kind.title + " " + name + " Aura Component"));
      case "PermissionSet" -> permissionSet(change, kind);
      case "Profile" -> profile(change);
      case "PermissionSetGroup" -> permissionSetGroup(change, kind);
      case "CustomObject" -> customObject(change, kind);
      case "ConnectedApp" -> connectedApp(change, kind);
      case "RemoteSiteSetting" -> List.of(new Entry("remoteproxy", "Security Controls", "Remote Proxy "
          + switch (kind) {
            case CREATED -> "insert";
            case CHANGED -> "update";
            case DELETED -> "delete";
          } + " CPI: " + text(change.after().or(change::before), change, "url").orElse(name)));
      case "NamedCredential" -> namedCredential(change, kind);
      case "ExternalCredential" -> kind == Kind.CREATED
          ? List.of(new Entry("externalCredentialInsert", "External Credentials",
              "Created a new external credential: " + name))
          : List.of();
      case "Certificate" -> kind == Kind.CREATED
          ? List.of(new Entry("insertCertificate", "Certificate and Key Management", "Created Certificate " + name))
          : List.of();
      case "Flow" -> List.of(switch (kind) {
        case CREATED -> new Entry("createdinteractiondefinition", "Flows", "Created flow with Name \""
            + label(change, name) + "\" and Unique Name \"" + name + "\"");
        case CHANGED -> new Entry("createdinteractiondefversion", "Flows", "Created flow version #" + flowVersion
            + " \"" + label(change, name) + "\" for flow with Unique Name \"" + name + "\"");
        case DELETED -> new Entry("deletedinteractiondefinition", "Flows", "Deleted flow with Name \""
            + label(change, name) + "\" and Unique Name \"" + name + "\"");
      });
      case "Layout" -> layout(change, kind);
      case "Group" -> List.of(switch (kind) {
        case CREATED -> new Entry("createdgroup", "Groups", "Created Public Group " + label(change, name));
        case CHANGED -> new Entry("updatedgroup", "Groups", "Updated Public Group " + label(change, name));
        case DELETED -> new Entry("deletedgroup", "Groups", "Deleted Public Group " + label(change, name));
      });
      case "Queue" -> kind == Kind.DELETED ? List.of() : List.of(new Entry(kind == Kind.CREATED ? "createdqueue"
          : "updatedqueue", "Data Management", (kind == Kind.CREATED ? "Created" : "Updated") + " Queue "
          + label(change, name)));
      case "Role" -> List.of(switch (kind) {
        case CREATED -> new Entry("createdrole", "Manage Users", "Created new role " + name(change, name));
        case CHANGED -> new Entry("role", "Manage Users", "Changed role " + name(change, name));
        case DELETED -> new Entry("deletedrole", "Manage Users", "Deleted role " + name(change, name));
      });
      case "CustomTab" -> kind == Kind.CHANGED ? List.of() : List.of(new Entry(kind.word + "CustEntTab",
          "Custom Tabs", kind.title + " custom object tab: " + name));
      case "CustomApplication" -> List.of(switch (kind) {
        case CREATED -> new Entry("createdTabSet", "Custom Apps", "Created custom app " + label(change, name));
        case CHANGED -> new Entry("changedTabSetTabs", "Custom Apps", "Changed tabs of custom app " + label(change, name));
        case DELETED -> new Entry("deletedTabSet", "Custom Apps", "Deleted custom app " + label(change, name));
      });
      case "SharingRules" -> sharingRules(change);
      default -> List.of();
    };
  }

  private enum Kind {
    CREATED("created", "Created"),
    CHANGED("changed", "Changed"),
    DELETED("deleted", "Deleted");

    final String word;
    final String title;

    Kind(String word, String title) {
      this.word = word;
      this.title = title;
    }
  }

  private static List<Entry> permissionSet(Change change, Kind kind) {
    String label = label(change, change.fullName());
    List<Entry> rows = new ArrayList<>();
    if (kind == Kind.DELETED) {
      rows.add(new Entry("PermSetDelete", "Manage Users", "Deleted permission set " + label));
      return rows;
    }
    if (kind == Kind.CREATED) {
      Optional<String> license = text(change.after(), change, "license");
      rows.add(license.isPresent()
          ? new Entry("PermSetCreate", "Manage Users", "Created permission set " + label + ": with user license "
              + license.get())
          : new Entry("PermSetCreateNoLicense", "Manage Users", "Created permission set " + label + ": with no license"));
    }
    String prefix = "Changed permission set " + label + ": ";
    Permissions before = Permissions.of(root(change.before(), change));
    Permissions after = Permissions.of(root(change.after(), change));
    for (String permission : union(before.user.keySet(), after.user.keySet())) {
      boolean was = before.user.getOrDefault(permission, false);
      boolean is = after.user.getOrDefault(permission, false);
      if (was != is) {
        rows.add(new Entry(is ? "PermSetEnableUserPerm" : "PermSetDisableUserPerm", "Manage Users", prefix
            + permissionLabel(permission) + " permission was changed from " + onOff(was) + " to " + onOff(is)));
      }
    }
    for (String object : union(before.objects.keySet(), after.objects.keySet())) {
      String was = before.objects.getOrDefault(object, "No Access");
      String is = after.objects.getOrDefault(object, "No Access");
      if (!was.equals(is)) {
        rows.add(new Entry("PermSetEntityPermChanged", "Manage Users", prefix + object
            + " object permissions were changed from " + was + " to " + is));
      }
    }
    for (String field : union(before.fields.keySet(), after.fields.keySet())) {
      String was = before.fields.getOrDefault(field, "No Access");
      String is = after.fields.getOrDefault(field, "No Access");
      if (!was.equals(is)) {
        rows.add(new Entry("PermSetFlsChanged", "Manage Users", prefix + "field-level security for "
            + field.replace(".", ": ") + " was changed from " + was + " to " + is));
      }
    }
    for (String apexClass : union(before.classes, after.classes)) {
      boolean is = after.classes.contains(apexClass);
      if (before.classes.contains(apexClass) != is) {
        rows.add(new Entry("SetupEntityAccessAudit_PermissionSet_ApexClass_" + (is ? "Enabled" : "Disabled"),
            "Manage Users", prefix + apexClass + " Apex class access was " + (is ? "enabled" : "disabled")));
      }
    }
    return rows;
  }

  /**
   * A profile: one row per permission changed (a profile deploy creates no "profile created" row
   * Salesforce is known to write; cloning is done in Setup).
   */
  private static List<Entry> profile(Change change) {
    if (change.after().isEmpty()) {
      return List.of();
    }
    String suffix = STANDARD_PROFILES.contains(change.fullName().toLowerCase(Locale.ROOT)) ? "Standard" : "Custom";
    String prefix = "Changed profile " + change.fullName() + ": ";
    Permissions before = Permissions.of(root(change.before(), change));
    Permissions after = Permissions.of(root(change.after(), change));
    List<Entry> rows = new ArrayList<>();
    for (String permission : union(before.user.keySet(), after.user.keySet())) {
      boolean was = before.user.getOrDefault(permission, false);
      boolean is = after.user.getOrDefault(permission, false);
      if (was != is) {
        rows.add(new Entry("profilePermChanged" + suffix, "Manage Users", prefix + "general user permission "
            + permissionLabel(permission) + " was changed from " + onOff(was) + " to " + onOff(is)));
      }
    }
    for (String object : union(before.objects.keySet(), after.objects.keySet())) {
      String was = before.objects.getOrDefault(object, "No Access");
      String is = after.objects.getOrDefault(object, "No Access");
      if (!was.equals(is)) {
        rows.add(new Entry("profileOlpChanged" + suffix, "Manage Users", prefix + object
            + " object permissions were changed from " + was + " to " + is));
      }
    }
    for (String field : union(before.fields.keySet(), after.fields.keySet())) {
      String was = before.fields.getOrDefault(field, "No Access");
      String is = after.fields.getOrDefault(field, "No Access");
      if (!was.equals(is)) {
        rows.add(new Entry("profileFlsChanged" + suffix, "Manage Users", prefix + "field-level security for "
            + field.replace(".", ": ") + " was changed from " + was + " to " + is));
      }
    }
    for (String apexClass : union(before.classes, after.classes)) {
      boolean is = after.classes.contains(apexClass);
      if (before.classes.contains(apexClass) != is) {
        rows.add(new Entry("SetupEntityAccessAudit_Profile_ApexClass_" + (is ? "Enabled" : "Disabled") + suffix,
            "Manage Users", prefix + apexClass + " Apex class access was " + (is ? "enabled" : "disabled")));
      }
    }
    return rows;
  }

  private static List<Entry> permissionSetGroup(Change change, Kind kind) {
    String name = change.fullName();
    return switch (kind) {
      case CREATED -> List.of(new Entry("PermissionSetGroupCreate", "Permission Set Group",
          "Created permission set group " + name));
      case DELETED -> List.of(new Entry("PermissionSetGroupDelete", "Permission Set Group",
          "Deleted permission set group " + name));
      case CHANGED -> {
        Set<String> before = new TreeSet<>(texts(root(change.before(), change), "permissionSets"));
        Set<String> after = new TreeSet<>(texts(root(change.after(), change), "permissionSets"));
        List<Entry> rows = new ArrayList<>();
        for (String member : union(before, after)) {
          if (before.contains(member) != after.contains(member)) {
            boolean added = after.contains(member);
            rows.add(new Entry(added ? "PermissionSetGroupComponentAdd" : "PermissionSetGroupComponentRemoved",
                "Permission Set Group", "Changed permission set group " + name + ": group member " + member
                    + " was " + (added ? "added" : "removed")));
          }
        }
        yield rows;
      }
    };
  }

  /** A custom object: the object itself, then each custom field and validation rule added or removed. */
  private static List<Entry> customObject(Change change, Kind kind) {
    String name = change.fullName();
    boolean custom = name.endsWith("__c");
    Optional<Element> beforeRoot = root(change.before(), change);
    Optional<Element> afterRoot = root(change.after(), change);
    String label = label(change, name);
    List<Entry> rows = new ArrayList<>();
    if (custom && kind == Kind.CREATED) {
      rows.add(new Entry("createdCustEnt", "Custom Objects", "Created custom object: " + label));
    }
    if (custom && kind == Kind.DELETED) {
      rows.add(new Entry("deletedCustEnt", "Custom Objects", "Deleted custom object: " + label));
      return rows;
    }
    Map<String, Element> fieldsBefore = byFullName(beforeRoot, "fields");
    Map<String, Element> fieldsAfter = byFullName(afterRoot, "fields");
    String plural = afterRoot.flatMap(r -> MetadataXml.text(r, "pluralLabel")).orElse(name + "s");
    for (String field : union(fieldsBefore.keySet(), fieldsAfter.keySet())) {
      Element was = fieldsBefore.get(field);
      Element is = fieldsAfter.get(field);
      if (was == null) {
        String fieldLabel = MetadataXml.text(is, "label").orElse(field);
        String fieldType = MetadataXml.text(is, "type").orElse("Text");
        rows.add(custom
            ? new Entry("createdCFCustom", "Custom Objects", "Created custom field " + fieldLabel + " (" + fieldType
                + ") on " + label)
            : new Entry("createdCF", "Customize " + plural, "Created custom field: " + fieldLabel + " (" + fieldType
                + ")"));
      } else if (is == null) {
        String fieldLabel = MetadataXml.text(was, "label").orElse(field);
        rows.add(custom
            ? new Entry("deletedCFCustom", "Custom Objects", "Deleted custom field " + fieldLabel + " from " + label)
            : new Entry("deletedCF", "Customize " + plural, "Deleted custom field " + fieldLabel));
      } else {
        String typeWas = MetadataXml.text(was, "type").orElse("");
        String typeIs = MetadataXml.text(is, "type").orElse("");
        String fieldLabel = MetadataXml.text(is, "label").orElse(field);
        if (!typeWas.equals(typeIs)) {
          rows.add(custom
              ? new Entry("changedCFTypeCustom", "Custom Objects", "Changed field type of " + fieldLabel
                  + " custom field on " + label + " from " + typeWas + " to " + typeIs)
              : new Entry("changedCFType", "Customize " + plural, "Changed field type of " + fieldLabel
                  + " custom field from " + typeWas + " to " + typeIs));
        }
      }
    }
    Map<String, Element> rulesBefore = byFullName(beforeRoot, "validationRules");
    Map<String, Element> rulesAfter = byFullName(afterRoot, "validationRules");
    for (String rule : union(rulesBefore.keySet(), rulesAfter.keySet())) {
      Element was = rulesBefore.get(rule);
      Element is = rulesAfter.get(rule);
      if (was == null) {
        rows.add(new Entry("newValidation", "Validation Rules", "New " + label + " validation rule \"" + rule + "\""));
      } else if (is == null) {
        rows.add(new Entry("removedValidation", "Validation Rules", "Removed " + label + " validation \"" + rule + "\""));
      } else {
        String formulaWas = MetadataXml.text(was, "errorConditionFormula").orElse("");
        String formulaIs = MetadataXml.text(is, "errorConditionFormula").orElse("");
        if (!formulaWas.equals(formulaIs)) {
          rows.add(new Entry("changedValidationFormula", "Validation Rules", "Changed formula for " + label
              + " validation \"" + rule + "\" from \"" + formulaWas + "\" to \"" + formulaIs + "\""));
        }
      }
    }
    return rows;
  }

  private static List<Entry> connectedApp(Change change, Kind kind) {
    String label = label(change, change.fullName());
    if (kind == Kind.CREATED) {
      return List.of(new Entry("insertApplication", "Application", "Created Connected App " + label));
    }
    if (kind == Kind.DELETED) {
      return List.of(new Entry("deleteApplication", "Application", "Deleted Connected App " + label));
    }
    Optional<Element> before = root(change.before(), change).flatMap(r -> MetadataXml.child(r, "oauthConfig"));
    Optional<Element> after = root(change.after(), change).flatMap(r -> MetadataXml.child(r, "oauthConfig"));
    List<Entry> rows = new ArrayList<>();
    String scopesWas = scopes(before);
    String scopesIs = scopes(after);
    if (!scopesWas.equals(scopesIs)) {
      rows.add(new Entry("changeOauthDefaultScope", "Application", "Changed connected app " + label + " scopes from "
          + scopesWas + " to " + scopesIs));
    }
    String callbackWas = before.flatMap(e -> MetadataXml.text(e, "callbackUrl")).orElse("null");
    String callbackIs = after.flatMap(e -> MetadataXml.text(e, "callbackUrl")).orElse("null");
    if (!callbackWas.equals(callbackIs)) {
      rows.add(new Entry("changeApplicationCallbackUrl", "Application", "Changed Connected App Callback URL from "
          + callbackWas + " to " + callbackIs));
    }
    return rows;
  }

  private static String scopes(Optional<Element> oauthConfig) {
    List<String> scopes = oauthConfig.map(e -> MetadataXml.texts(e, "scopes")).orElse(List.of()).stream()
        .map(s -> SCOPES.getOrDefault(s, s.toLowerCase(Locale.ROOT))).sorted().toList();
    return scopes.isEmpty() ? "null" : String.join(", ", scopes);
  }

  private static List<Entry> namedCredential(Change change, Kind kind) {
    String name = change.fullName();
    if (kind == Kind.CREATED) {
      return List.of(new Entry("namedCredentialInsert", "Named Credentials", "Created a new named credential: " + name));
    }
    if (kind == Kind.DELETED) {
      return List.of();
    }
    String was = text(change.before(), change, "endpoint").orElse("null");
    String is = text(change.after(), change, "endpoint").orElse("null");
    return was.equals(is) ? List.of() : List.of(new Entry("namedCredentialFieldChange", "Named Credentials",
        "URL changed for named credential " + name + " from " + was + " to " + is));
  }

  /** Page layouts: {@code Object-Layout Name}; a custom object's are "custentlayout", a standard one's "accountlayout" and so on. */
  private static List<Entry> layout(Change change, Kind kind) {
    if (kind == Kind.DELETED) {
      return List.of();
    }
    String name = change.fullName();
    int dash = name.indexOf('-');
    String object = dash < 0 ? name : name.substring(0, dash);
    String layoutName = dash < 0 ? name : name.substring(dash + 1);
    if (object.endsWith("__c")) {
      return List.of(kind == Kind.CREATED
          ? new Entry("createdcustentlayout", "Custom Objects", "Created " + object + " page layout " + layoutName)
          : new Entry("custentlayout", "Custom Objects", "Changed " + object + " page layout " + layoutName));
    }
    String short_ = switch (object) {
      case "Opportunity" -> "opp";
      default -> object.toLowerCase(Locale.ROOT);
    };
    String plural = object.endsWith("y") ? object.substring(0, object.length() - 1) + "ies" : object + "s";
    return List.of(new Entry(short_ + "layout", "Customize " + plural, "Changed " + object + " page layout " + layoutName));
  }

  /** One row per criteria or owner sharing rule added, removed or changed. */
  private static List<Entry> sharingRules(Change change) {
    String object = change.fullName();
    List<Entry> rows = new ArrayList<>();
    for (String element : List.of("sharingCriteriaRules", "sharingOwnerRules")) {
      String kind = element.equals("sharingCriteriaRules") ? "Criteria-Based" : "Owner";
      Map<String, Element> before = byFullName(root(change.before(), change), element);
      Map<String, Element> after = byFullName(root(change.after(), change), element);
      for (String rule : union(before.keySet(), after.keySet())) {
        if (!before.containsKey(rule)) {
          rows.add(new Entry("insertSharingRule", "Sharing Rules", "Created " + object + " " + kind + " Sharing Rule " + rule));
        } else if (!after.containsKey(rule)) {
          rows.add(new Entry("deleteSharingRule", "Sharing Rules", "Deleted " + object + " " + kind + " Sharing Rule " + rule));
        } else if (!before.get(rule).isEqualNode(after.get(rule))) {
          rows.add(new Entry("updateSharingRule", "Sharing Rules", "Updated " + object + " " + kind + " Sharing Rule " + rule));
        }
      }
    }
    return rows;
  }

  /** The object and field permissions and user permissions a profile or permission set grants, keyed by name. */
  private record Permissions(Map<String, Boolean> user, Map<String, String> objects, Map<String, String> fields,
      Set<String> classes) {
    static Permissions of(Optional<Element> root) {
      Map<String, Boolean> user = new LinkedHashMap<>();
      Map<String, String> objects = new LinkedHashMap<>();
      Map<String, String> fields = new LinkedHashMap<>();
      Set<String> classes = new TreeSet<>();
      if (root.isPresent()) {
        for (Element p : MetadataXml.children(root.get(), "userPermissions")) {
          MetadataXml.text(p, "name").ifPresent(n -> user.put(n, flag(p, "enabled")));
        }
        for (Element p : MetadataXml.children(root.get(), "objectPermissions")) {
          MetadataXml.text(p, "object").ifPresent(o -> objects.put(o, objectAccess(p)));
        }
        for (Element p : MetadataXml.children(root.get(), "fieldPermissions")) {
          MetadataXml.text(p, "field").ifPresent(f -> fields.put(f,
              flag(p, "editable") ? "Edit" : flag(p, "readable") ? "Read Only" : "No Access"));
        }
        for (Element p : MetadataXml.children(root.get(), "classAccesses")) {
          if (flag(p, "enabled")) {
            MetadataXml.text(p, "apexClass").ifPresent(classes::add);
          }
        }
      }
      return new Permissions(user, objects, fields, classes);
    }
  }

  /** Object permissions as Setup words them: "Read, Create, Edit, Delete, View All, Modify All", or "No Access". */
  private static String objectAccess(Element p) {
    List<String> words = new ArrayList<>();
    String[][] flags = {{"allowRead", "Read"}, {"allowCreate", "Create"}, {"allowEdit", "Edit"},
        {"allowDelete", "Delete"}, {"viewAllRecords", "View All"}, {"modifyAllRecords", "Modify All"}};
    for (String[] flag : flags) {
      if (flag(p, flag[0])) {
        words.add(flag[1]);
      }
    }
    return words.isEmpty() ? "No Access" : String.join(", ", words);
  }

  private static boolean flag(Element parent, String name) {
    return MetadataXml.text(parent, name).map("true"::equalsIgnoreCase).orElse(false);
  }

  /** "Modify All Data" for {@code ModifyAllData}: Setup's label, else the API name split into words. */
  static String permissionLabel(String apiName) {
    String label = PERMISSION_LABELS.get(apiName);
    return label != null ? label : apiName.replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ");
  }

  private static String onOff(boolean enabled) {
    return enabled ? "enabled" : "disabled";
  }

  private static <T extends Comparable<T>> Set<T> union(Set<T> a, Set<T> b) {
    Set<T> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Map<String, Element> byFullName(Optional<Element> root, String element) {
    Map<String, Element> out = new LinkedHashMap<>();
    root.ifPresent(r -> {
      for (Element e : MetadataXml.children(r, element)) {
        MetadataXml.text(e, "fullName").ifPresent(n -> out.put(n, e));
      }
    });
    return out;
  }

  private static List<String> texts(Optional<Element> root, String name) {
    return root.map(r -> MetadataXml.texts(r, name)).orElse(List.of());
  }

  /** The component's {@code <label>}, else its full name. */
  private static String label(Change change, String fallback) {
    return text(change.after().or(change::before), change, "label").orElse(fallback);
  }

  /** The component's {@code <name>}, else its full name. */
  private static String name(Change change, String fallback) {
    return text(change.after().or(change::before), change, "name").orElse(fallback);
  }

  private static Optional<String> text(Optional<Map<String, byte[]>> files, Change change, String element) {
    return root(files, change).flatMap(r -> MetadataXml.text(r, element));
  }

  /** The root element of the component's XML file (the {@code -meta.xml} for content types); empty when unreadable. */
  private static Optional<Element> root(Optional<Map<String, byte[]>> files, Change change) {
    if (files.isEmpty()) {
      return Optional.empty();
    }
    String main = change.type().mainFile(change.fullName());
    byte[] xml = files.get().get(change.type().metaFile() ? main + "-meta.xml" : main);
    if (xml == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(MetadataXml.parse(xml).getDocumentElement());
    } catch (MetadataXml.MalformedXmlException e) {
      return Optional.empty();
    }
  }

  /** The sObject an Apex trigger is declared on ({@code trigger Name on Account (…)}). */
  private static String triggerObject(Change change) {
    Optional<Map<String, byte[]>> files = change.after().or(change::before);
    byte[] source = files.map(f -> f.get(change.type().mainFile(change.fullName()))).orElse(null);
    if (source != null) {
      Matcher m = TRIGGER_OBJECT.matcher(new String(source, StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
    }
    return change.fullName();
  }
}
