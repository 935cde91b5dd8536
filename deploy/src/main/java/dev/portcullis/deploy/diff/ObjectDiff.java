package dev.portcullis.deploy.diff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CustomObject compared child by child: each field, validation rule, record type, list view, ... (the
 * elements a decomposed object keeps in child files) is keyed by its {@code fullName}, and each one that is
 * new or different in the package is one {@link ChangeKind#COMPONENT_CHANGED} located at its element (so a
 * finding lands in the child's own source file); one the package no longer lists is located in the org's
 * document. The object's own elements are compared as a whole, as for any type the diff does not model.
 */
final class ObjectDiff {
  /** The elements of a CustomObject that are components of their own (Metadata API Developer Guide, "CustomObject"). */
  static final Set<String> CHILDREN = Set.of("fields", "validationRules", "recordTypes", "listViews",
      "compactLayouts", "businessProcesses", "webLinks", "fieldSets", "indexes", "sharingReasons");

  private ObjectDiff() {}

  static void diff(ComponentChanges changes) {
    if (changes.before == null) {
      return; // a new object: component.added covers it
    }
    for (String element : CHILDREN.stream().sorted().toList()) {
      List<XmlElement> beforeElements = changes.before.children(element);
      List<XmlElement> afterElements = changes.after.children(element);
      Map<String, XmlElement> before = byFullName(beforeElements);
      Map<String, XmlElement> after = byFullName(afterElements);
      if (before.size() != beforeElements.size() || after.size() != afterElements.size()) {
        // A fullName listed twice: not keyed, compared as a whole so that no difference goes unreported.
        if (!canonical(beforeElements).equals(canonical(afterElements))) {
          changes.at(ChangeKind.COMPONENT_CHANGED, element, "", null, null, Severity.LOW,
              changes.who() + " changes " + element, afterElements.isEmpty() ? null : afterElements.getFirst(),
              beforeElements.isEmpty() ? null : beforeElements.getFirst());
        }
        continue;
      }
      for (Map.Entry<String, XmlElement> entry : after.entrySet()) {
        XmlElement was = before.get(entry.getKey());
        if (was == null || !was.canonical(true).equals(entry.getValue().canonical(true))) {
          String subject = changes.component.fullName() + "." + entry.getKey();
          changes.inAfter(ChangeKind.COMPONENT_CHANGED, subject, element, null, null, Severity.LOW,
              changes.who() + (was == null ? " adds " : " changes ") + element + " " + entry.getKey(),
              entry.getValue());
        }
      }
      for (Map.Entry<String, XmlElement> entry : before.entrySet()) {
        if (!after.containsKey(entry.getKey())) {
          changes.inBefore(ChangeKind.COMPONENT_CHANGED, changes.component.fullName() + "." + entry.getKey(),
              element, null, null, Severity.LOW, changes.who() + " no longer lists " + element + " " + entry.getKey(),
              entry.getValue());
        }
      }
    }
    Documents.unmodelled(changes, CHILDREN, true, Severity.LOW);
  }

  private static List<String> canonical(List<XmlElement> elements) {
    return elements.stream().map(e -> e.canonical(true)).sorted().toList();
  }

  private static Map<String, XmlElement> byFullName(List<XmlElement> elements) {
    Map<String, XmlElement> byName = new LinkedHashMap<>();
    for (XmlElement element : elements) {
      String name = element.text("fullName");
      byName.putIfAbsent(name == null ? "" : name, element);
    }
    return byName;
  }
}
