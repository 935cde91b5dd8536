package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * The changes found in one component, with what every change of it shares: type, name, the package
 * file, and the two parsed documents (either may be {@code null}) for locations.
 */
final class ComponentChanges {
  final ComponentVersions component;
  final XmlElement before;
  final XmlElement after;
  private final List<Change> changes = new ArrayList<>();

  ComponentChanges(ComponentVersions component, XmlElement before, XmlElement after) {
    this.component = component;
    this.before = before;
    this.after = after;
  }

  /** {@code Type Name}, as messages start. */
  String who() {
    return component.type() + " " + component.fullName();
  }

  /** A change located at {@code element} in the package's document. */
  void inAfter(ChangeKind kind, String subject, String aspect, Object was, Object now, Severity severity,
      String message, XmlElement element) {
    add(kind, subject, aspect, was, now, severity, message, location(Change.Side.AFTER, element));
  }

  /** A change located at {@code element} in the org's document (a removal). */
  void inBefore(ChangeKind kind, String subject, String aspect, Object was, Object now, Severity severity,
      String message, XmlElement element) {
    add(kind, subject, aspect, was, now, severity, message, location(Change.Side.BEFORE, element));
  }

  /**
   * A change located at {@code afterElement} when it is there, else at {@code beforeElement} in the
   * org's document, else at the root of whichever document exists.
   */
  void at(ChangeKind kind, String subject, String aspect, Object was, Object now, Severity severity,
      String message, XmlElement afterElement, XmlElement beforeElement) {
    Change.Location location = afterElement != null
        ? location(Change.Side.AFTER, afterElement)
        : beforeElement != null ? location(Change.Side.BEFORE, beforeElement) : rootLocation();
    add(kind, subject, aspect, was, now, severity, message, location);
  }

  void add(ChangeKind kind, String subject, String aspect, Object was, Object now, Severity severity,
      String message, Change.Location location) {
    changes.add(new Change(kind, component.type(), component.fullName(), subject, aspect, was, now, severity,
        message, location));
  }

  /** The root of the package's document, or of the org's when the component is deleted. */
  Change.Location rootLocation() {
    if (after != null) {
      return location(Change.Side.AFTER, after);
    }
    if (before != null) {
      return location(Change.Side.BEFORE, before);
    }
    return new Change.Location(component.sourceFile(), component.after() != null ? Change.Side.AFTER
        : Change.Side.BEFORE, 1, 1);
  }

  Change.Location location(Change.Side side, XmlElement element) {
    XmlElement at = element != null ? element : side == Change.Side.AFTER ? after : before;
    int line = at == null ? 1 : at.line();
    int column = at == null ? 1 : at.column();
    // A deletion's only file is the destructive-changes manifest that asks for it.
    boolean fileApplies = side == Change.Side.AFTER || component.after() == null;
    return new Change.Location(fileApplies ? component.sourceFile() : "", side, line, column);
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  List<Change> changes() {
    return changes;
  }
}
