package dev.portcullis.deploy.diff;

import static dev.portcullis.deploy.diff.Documents.bool;
import static dev.portcullis.deploy.diff.Documents.isTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Diffs Profile, PermissionSet, MutingPermissionSet and PermissionSetGroup documents entry by entry.
 *
 * <p>Design: every permission list is keyed by what it grants on ({@code userPermissions} by {@code
 * name}, {@code objectPermissions} by {@code object}, {@code fieldPermissions} by {@code field},
 * ...), never by position, so a reordered or reformatted document is no change. Within an entry,
 * each boolean flag is its own fact: one entry that turns on {@code allowRead} and {@code
 * modifyAllRecords} yields two changes. An entry listed twice counts as granting a flag if either
 * copy grants it (fail closed). Field lists and their flags follow the Metadata API reference
 * (Profile and PermissionSet types; WSDL v47 and the v67 pages, shared/reference/salesforce-formats.md
 * section 2.3).
 *
 * <p>What is absent means different things. A Profile deploy changes only what the file lists, so
 * an entry missing from a Profile is "unchanged", never a revocation; for the other types the file
 * is the whole definition, so a missing entry is revoked. Either way only an explicit {@code true}
 * in the package can grant, so the facts that matter (grants) never depend on this rule. A
 * MutingPermissionSet inverts the meaning: {@code enabled} there mutes the permission for the
 * group, so its "grants" are {@link ChangeKind#PERMISSION_MUTED} and its "revocations" are
 * {@link ChangeKind#PERMISSION_UNMUTED}, as severe as the grant they restore.
 */
final class PermissionsDiff {

  /** A keyed permission list: element, key child, boolean flags, and the kinds for its grants and revocations. */
  private record Section(String element, String key, List<String> flags, ChangeKind granted, ChangeKind revoked) {}

  private static final List<Section> SECTIONS = List.of(
      new Section("userPermissions", "name", List.of("enabled"),
          ChangeKind.USER_PERMISSION_GRANTED, ChangeKind.USER_PERMISSION_REVOKED),
      new Section("objectPermissions", "object",
          List.of("allowRead", "allowCreate", "allowEdit", "allowDelete", "viewAllRecords", "modifyAllRecords",
              "viewAllFields"),
          ChangeKind.OBJECT_ACCESS_GRANTED, ChangeKind.OBJECT_ACCESS_REVOKED),
      new Section("fieldPermissions", "field", List.of("readable", "editable"),
          ChangeKind.FIELD_ACCESS_GRANTED, ChangeKind.FIELD_ACCESS_REVOKED),
      new Section("classAccesses", "apexClass", List.of("enabled"),
          ChangeKind.CLASS_ACCESS_GRANTED, ChangeKind.CLASS_ACCESS_REVOKED),
      new Section("pageAccesses", "apexPage", List.of("enabled"),
          ChangeKind.PAGE_ACCESS_GRANTED, ChangeKind.PAGE_ACCESS_REVOKED),
      new Section("customPermissions", "name", List.of("enabled"),
          ChangeKind.CUSTOM_PERMISSION_GRANTED, ChangeKind.CUSTOM_PERMISSION_REVOKED),
      new Section("flowAccesses", "flow", List.of("enabled"),
          ChangeKind.FLOW_ACCESS_GRANTED, ChangeKind.FLOW_ACCESS_REVOKED),
      new Section("externalCredentialPrincipalAccesses", "externalCredentialPrincipal", List.of("enabled"),
          ChangeKind.EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_GRANTED,
          ChangeKind.EXTERNAL_CREDENTIAL_PRINCIPAL_ACCESS_REVOKED),
      new Section("customMetadataTypeAccesses", "name", List.of("enabled"),
          ChangeKind.CUSTOM_METADATA_TYPE_ACCESS_GRANTED, ChangeKind.CUSTOM_METADATA_TYPE_ACCESS_REVOKED),
      new Section("customSettingAccesses", "name", List.of("enabled"),
          ChangeKind.CUSTOM_SETTING_ACCESS_GRANTED, ChangeKind.CUSTOM_SETTING_ACCESS_REVOKED),
      new Section("externalDataSourceAccesses", "externalDataSource", List.of("enabled"),
          ChangeKind.EXTERNAL_DATA_SOURCE_ACCESS_GRANTED, ChangeKind.EXTERNAL_DATA_SOURCE_ACCESS_REVOKED),
      new Section("applicationVisibilities", "application", List.of("visible"),
          ChangeKind.APPLICATION_VISIBILITY_GRANTED, ChangeKind.APPLICATION_VISIBILITY_REVOKED),
      new Section("recordTypeVisibilities", "recordType", List.of("visible"),
          ChangeKind.RECORD_TYPE_VISIBILITY_GRANTED, ChangeKind.RECORD_TYPE_VISIBILITY_REVOKED));

  /** How each object-permission flag reads in a message. */
  private static final Map<String, String> FLAG_WORDS = Map.ofEntries(
      Map.entry("allowRead", "read"), Map.entry("allowCreate", "create"), Map.entry("allowEdit", "edit"),
      Map.entry("allowDelete", "delete"), Map.entry("viewAllRecords", "View All"),
      Map.entry("modifyAllRecords", "Modify All"), Map.entry("viewAllFields", "View All Fields"),
      Map.entry("readable", "read"), Map.entry("editable", "edit"), Map.entry("enabled", "access to"),
      Map.entry("visible", "visibility of"));

  /** Profile {@code tabVisibilities} and PermissionSet {@code tabSettings} values, least visible first. */
  private static final List<String> PROFILE_TAB_VISIBILITY = List.of("Hidden", "DefaultOff", "DefaultOn");
  private static final List<String> PERMISSION_SET_TAB_VISIBILITY = List.of("None", "Available", "Visible");

  private static final List<String> LOGIN_HOURS = List.of("monday", "tuesday", "wednesday", "thursday", "friday",
      "saturday", "sunday");

  private static final Set<String> MODELLED = Set.of("userPermissions", "objectPermissions", "fieldPermissions",
      "classAccesses", "pageAccesses", "customPermissions", "flowAccesses", "externalCredentialPrincipalAccesses",
      "customMetadataTypeAccesses", "customSettingAccesses", "externalDataSourceAccesses", "applicationVisibilities",
      "recordTypeVisibilities", "tabVisibilities", "tabSettings", "loginIpRanges", "loginHours",
      "hasActivationRequired", "permissionSets", "mutingPermissionSets");

  private final DangerousPermissions dangerous;

  PermissionsDiff(DangerousPermissions dangerous) {
    this.dangerous = dangerous;
  }

  void diff(ComponentChanges changes) {
    String type = changes.component.type();
    boolean profile = type.equals("Profile");
    boolean muting = type.equals("MutingPermissionSet");
    for (Section section : SECTIONS) {
      section(changes, section, profile, muting);
    }
    tabs(changes, profile ? "tabVisibilities" : "tabSettings",
        profile ? PROFILE_TAB_VISIBILITY : PERMISSION_SET_TAB_VISIBILITY, profile);
    if (profile) {
      loginIpRanges(changes);
      loginHours(changes);
    }
    if (type.equals("PermissionSetGroup")) {
      groupMembers(changes, "permissionSets", ChangeKind.PERMISSION_SET_GROUP_MEMBER_ADDED, Severity.MEDIUM,
          ChangeKind.PERMISSION_SET_GROUP_MEMBER_REMOVED, Severity.INFO, "permission set");
      groupMembers(changes, "mutingPermissionSets", ChangeKind.PERMISSION_SET_GROUP_MUTING_ADDED, Severity.INFO,
          ChangeKind.PERMISSION_SET_GROUP_MUTING_REMOVED, Severity.MEDIUM, "muting permission set");
    }
    activationRequired(changes);
    Documents.unmodelled(changes, MODELLED, false, Severity.INFO);
  }

  private void section(ComponentChanges changes, Section section, boolean profile, boolean muting) {
    Map<String, Entry> before = entries(changes.before, section);
    Map<String, Entry> after = entries(changes.after, section);
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String key : keys) {
      Entry was = before.get(key);
      Entry now = after.get(key);
      if (now == null && profile) {
        continue; // a Profile deploy leaves what it does not list unchanged
      }
      for (String flag : section.flags) {
        Boolean oldValue = was == null ? null : was.flags.get(flag);
        Boolean newValue = now == null ? null : now.flags.get(flag);
        boolean grantedBefore = isTrue(oldValue);
        boolean grantedAfter = isTrue(newValue);
        if (grantedAfter && !grantedBefore) {
          granted(changes, section, key, flag, oldValue, muting, now.element);
        } else if (grantedBefore && !grantedAfter && (now == null || newValue != null)) {
          revoked(changes, section, key, flag, muting, was.element, now == null ? null : now.element);
        }
      }
    }
  }

  private void granted(ComponentChanges changes, Section section, String key, String flag, Boolean oldValue,
      boolean muting, XmlElement at) {
    if (muting) {
      changes.inAfter(ChangeKind.PERMISSION_MUTED, key, section.element + "/" + flag, oldValue, true, Severity.INFO,
          changes.who() + " mutes " + describe(section, key, flag), at);
      return;
    }
    Severity severity = grantSeverity(section, key, flag);
    String verb = changes.component.type().equals("Profile") ? " gains " : " grants ";
    String message = section.element.equals("userPermissions")
        ? changes.who() + verb + key + reason(key)
        : changes.who() + verb + describe(section, key, flag);
    changes.inAfter(section.granted, key, flag, oldValue, true, severity, message, at);
  }

  private void revoked(ComponentChanges changes, Section section, String key, String flag, boolean muting,
      XmlElement beforeElement, XmlElement afterElement) {
    if (muting) {
      changes.at(ChangeKind.PERMISSION_UNMUTED, key, section.element + "/" + flag, true, afterElement == null ? null : false,
          grantSeverity(section, key, flag),
          changes.who() + " stops muting " + describe(section, key, flag) + reason(section, key), afterElement,
          beforeElement);
      return;
    }
    String message = section.element.equals("userPermissions")
        ? changes.who() + " no longer grants " + key
        : changes.who() + " no longer grants " + describe(section, key, flag);
    changes.at(section.revoked, key, flag, true, afterElement == null ? null : false, Severity.INFO, message,
        afterElement, beforeElement);
  }

  private String reason(Section section, String key) {
    return section.element.equals("userPermissions") ? reason(key) : "";
  }

  private String reason(String permission) {
    return dangerous.find(permission)
        .map(p -> " (" + p.severity().id() + ": " + p.why() + ")")
        .orElse("");
  }

  private Severity grantSeverity(Section section, String key, String flag) {
    return switch (section.element) {
      case "userPermissions" -> dangerous.find(key).map(DangerousPermissions.DangerousPermission::severity)
          .orElse(Severity.LOW);
      case "objectPermissions" -> switch (flag) {
        case "modifyAllRecords", "viewAllRecords" -> Severity.HIGH;
        case "viewAllFields" -> Severity.MEDIUM;
        default -> Severity.LOW;
      };
      case "externalCredentialPrincipalAccesses" -> Severity.MEDIUM;
      case "applicationVisibilities", "recordTypeVisibilities" -> Severity.INFO;
      default -> Severity.LOW;
    };
  }

  private static String describe(Section section, String key, String flag) {
    return switch (section.element) {
      case "userPermissions" -> key;
      case "objectPermissions", "fieldPermissions" -> FLAG_WORDS.get(flag) + " on " + key;
      default -> FLAG_WORDS.get(flag) + " " + singular(section.element) + " " + key;
    };
  }

  private static String singular(String element) {
    return switch (element) {
      case "classAccesses" -> "Apex class";
      case "pageAccesses" -> "Visualforce page";
      case "customPermissions" -> "custom permission";
      case "flowAccesses" -> "flow";
      case "externalCredentialPrincipalAccesses" -> "external credential principal";
      case "customMetadataTypeAccesses" -> "custom metadata type";
      case "customSettingAccesses" -> "custom setting";
      case "externalDataSourceAccesses" -> "external data source";
      case "applicationVisibilities" -> "app";
      case "recordTypeVisibilities" -> "record type";
      default -> element;
    };
  }

  /** One key's entry: the flags of every copy OR-ed together, and the first copy's element for its location. */
  private record Entry(XmlElement element, Map<String, Boolean> flags) {}

  private static Map<String, Entry> entries(XmlElement root, Section section) {
    Map<String, Entry> entries = new TreeMap<>();
    for (XmlElement element : Documents.children(root, section.element)) {
      String key = element.text(section.key);
      if (key == null || key.isEmpty()) {
        continue; // not a grant of anything; the remainder comparison does not see it either, so note it there
      }
      Entry entry = entries.computeIfAbsent(key, k -> new Entry(element, new LinkedHashMap<>()));
      for (String flag : section.flags) {
        Boolean value = bool(element.text(flag));
        Boolean previous = entry.flags.get(flag);
        if (value != null && !isTrue(previous)) {
          entry.flags.put(flag, value);
        }
      }
    }
    return entries;
  }

  private static void tabs(ComponentChanges changes, String element, List<String> order, boolean profile) {
    Map<String, XmlElement> before = keyed(changes.before, element, "tab");
    Map<String, XmlElement> after = keyed(changes.after, element, "tab");
    Set<String> tabs = new TreeSet<>(before.keySet());
    tabs.addAll(after.keySet());
    for (String tab : tabs) {
      XmlElement was = before.get(tab);
      XmlElement now = after.get(tab);
      if (now == null && profile) {
        continue;
      }
      String oldValue = was == null ? null : was.text("visibility");
      String newValue = now == null ? null : now.text("visibility");
      int oldRank = oldValue == null ? 0 : Math.max(0, order.indexOf(oldValue));
      int newRank = newValue == null ? 0 : Math.max(0, order.indexOf(newValue));
      if (newRank > oldRank) {
        changes.inAfter(ChangeKind.TAB_VISIBILITY_WIDENED, tab, "visibility", oldValue, newValue, Severity.INFO,
            changes.who() + " makes tab " + tab + " " + newValue + (oldValue == null ? "" : " (was " + oldValue + ")"),
            now);
      } else if (newRank < oldRank) {
        changes.at(ChangeKind.TAB_VISIBILITY_NARROWED, tab, "visibility", oldValue, newValue, Severity.INFO,
            changes.who() + " makes tab " + tab + " " + (newValue == null ? "hidden" : newValue) + " (was "
                + oldValue + ")", now, was);
      }
    }
  }

  private static Map<String, XmlElement> keyed(XmlElement root, String element, String key) {
    Map<String, XmlElement> keyed = new TreeMap<>();
    for (XmlElement child : Documents.children(root, element)) {
      String value = child.text(key);
      if (value != null && !value.isEmpty()) {
        keyed.putIfAbsent(value, child);
      }
    }
    return keyed;
  }

  private static void loginIpRanges(ComponentChanges changes) {
    Map<String, XmlElement> before = ranges(changes.before);
    Map<String, XmlElement> after = ranges(changes.after);
    if (after.isEmpty()) {
      return; // not listed: the Profile's ranges stay as they are
    }
    for (Map.Entry<String, XmlElement> range : after.entrySet()) {
      if (before.containsKey(range.getKey())) {
        continue;
      }
      long size = IpRanges.size(range.getValue().text("startAddress"), range.getValue().text("endAddress"));
      Severity severity;
      String why;
      if (before.isEmpty() && changes.before != null) {
        severity = Severity.INFO;
        why = " (the profile had no login IP restriction)";
      } else if (size < 0 || size >= IpRanges.HUGE) {
        severity = Severity.HIGH;
        why = " (a very large range: logins from almost anywhere)";
      } else {
        severity = Severity.MEDIUM;
        why = "";
      }
      changes.inAfter(ChangeKind.LOGIN_IP_RANGE_ADDED, range.getKey(), "", null, range.getKey(), severity,
          changes.who() + " allows logins from " + range.getKey() + why, range.getValue());
    }
    for (Map.Entry<String, XmlElement> range : before.entrySet()) {
      if (!after.containsKey(range.getKey())) {
        changes.inBefore(ChangeKind.LOGIN_IP_RANGE_REMOVED, range.getKey(), "", range.getKey(), null, Severity.INFO,
            changes.who() + " no longer allows logins from " + range.getKey(), range.getValue());
      }
    }
  }

  private static Map<String, XmlElement> ranges(XmlElement root) {
    Map<String, XmlElement> ranges = new TreeMap<>();
    for (XmlElement range : Documents.children(root, "loginIpRanges")) {
      String start = range.text("startAddress");
      String end = range.text("endAddress");
      ranges.putIfAbsent((start == null ? "" : start) + "-" + (end == null ? "" : end), range);
    }
    return ranges;
  }

  private static void loginHours(ComponentChanges changes) {
    XmlElement before = changes.before == null ? null : changes.before.child("loginHours");
    XmlElement after = changes.after == null ? null : changes.after.child("loginHours");
    if (after == null) {
      return; // not listed: unchanged
    }
    for (String day : LOGIN_HOURS) {
      for (String bound : List.of("Start", "End")) {
        String field = day + bound;
        String oldValue = before == null ? null : before.text(field);
        String newValue = after.text(field);
        if (Objects.equals(oldValue, newValue)) {
          continue;
        }
        boolean widened;
        if (newValue == null) {
          widened = true; // the day's bound is gone
        } else if (oldValue == null) {
          widened = false; // a bound where there was none restricts the day
        } else {
          long oldMinutes = minutes(oldValue);
          long newMinutes = minutes(newValue);
          widened = bound.equals("Start") ? newMinutes < oldMinutes : newMinutes > oldMinutes;
        }
        XmlElement at = after.child(field) != null ? after.child(field) : after;
        if (widened) {
          changes.inAfter(ChangeKind.LOGIN_HOURS_WIDENED, field, "", oldValue, newValue, Severity.MEDIUM,
              changes.who() + " widens login hours: " + field + " " + show(oldValue) + " -> " + show(newValue), at);
        } else {
          changes.inAfter(ChangeKind.LOGIN_HOURS_NARROWED, field, "", oldValue, newValue, Severity.INFO,
              changes.who() + " narrows login hours: " + field + " " + show(oldValue) + " -> " + show(newValue), at);
        }
      }
    }
  }

  private static String show(String value) {
    return value == null ? "(none)" : value;
  }

  private static long minutes(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void groupMembers(ComponentChanges changes, String element, ChangeKind added, Severity addedSeverity,
      ChangeKind removed, Severity removedSeverity, String noun) {
    Map<String, XmlElement> before = values(changes.before, element);
    Map<String, XmlElement> after = values(changes.after, element);
    for (Map.Entry<String, XmlElement> member : after.entrySet()) {
      if (!before.containsKey(member.getKey())) {
        changes.inAfter(added, member.getKey(), element, null, member.getKey(), addedSeverity,
            changes.who() + " adds " + noun + " " + member.getKey(), member.getValue());
      }
    }
    for (Map.Entry<String, XmlElement> member : before.entrySet()) {
      if (!after.containsKey(member.getKey())) {
        changes.inBefore(removed, member.getKey(), element, member.getKey(), null, removedSeverity,
            changes.who() + " removes " + noun + " " + member.getKey(), member.getValue());
      }
    }
  }

  private static Map<String, XmlElement> values(XmlElement root, String element) {
    Map<String, XmlElement> values = new TreeMap<>();
    for (XmlElement child : Documents.children(root, element)) {
      if (!child.text().isEmpty()) {
        values.putIfAbsent(child.text(), child);
      }
    }
    return values;
  }

  private static void activationRequired(ComponentChanges changes) {
    if (changes.after == null) {
      return;
    }
    Boolean was = changes.before == null ? null : bool(changes.before.text("hasActivationRequired"));
    Boolean now = bool(changes.after.text("hasActivationRequired"));
    if (isTrue(was) && Boolean.FALSE.equals(now)) {
      changes.inAfter(ChangeKind.SETTING_WEAKENED, "hasActivationRequired", "", true, false, Severity.MEDIUM,
          changes.who() + " no longer requires session activation: its permissions apply in every session",
          changes.after.child("hasActivationRequired"));
    } else if (!isTrue(was) && isTrue(now) && changes.before != null) {
      changes.inAfter(ChangeKind.SETTING_STRENGTHENED, "hasActivationRequired", "", was, true, Severity.INFO,
          changes.who() + " now requires session activation", changes.after.child("hasActivationRequired"));
    }
  }
}
