package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes found in one component, with what every change of it shares: type, name, the package
 * file, and the two parsed documents (either may be {@code null}) for locations.
 */
final class ComponentChanges {
  final ComponentVersions component;
  final XmlElement before;
  final XmlElement after;
  private final List<Change> changes = new ArrayList<>();
  /** The parsed child files, parsed when a change first lands in one. */
  private final Map<ComponentVersions.ChildFile, XmlElement> childRoots = new IdentityHashMap<>();

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
    if (side == Change.Side.AFTER && at != null) {
      for (ComponentVersions.ChildFile child : component.childFiles()) {
        if (line >= child.firstLine() && line <= child.lastLine()) {
          return inChild(child, at);
        }
      }
    }
    // A deletion's only file is the destructive-changes manifest that asks for it.
    boolean fileApplies = side == Change.Side.AFTER || component.after() == null;
    return new Change.Location(fileApplies ? component.sourceFile() : "", side, line, column);
  }

  /**
   * {@code element} of the package's document, located in the child file inlined at {@code child}. The child's
   * element holds the child file's root element's children in the same order (only the layout differs), so the
   * element that is the n-th, in document order, of the inlined element's subtree is the n-th of the child
   * file's: the position is the one the same parser reports in the child file, whatever its layout. If the
   * child file cannot be matched (it does not parse, or has fewer elements) the location is its first line.
   */
  private Change.Location inChild(ComponentVersions.ChildFile child, XmlElement element) {
    XmlElement inlined = null;
    for (XmlElement top : after.children()) {
      if (top.line() == child.firstLine()) {
        inlined = top;
        break;
      }
    }
    int ordinal = inlined == null ? -1 : ordinal(inlined, element, new int[1]);
    XmlElement match = null;
    if (ordinal >= 0) {
      XmlElement childRoot = childRoots.computeIfAbsent(child, c -> {
        try {
          return MetadataXml.parse(new String(c.content(), java.nio.charset.StandardCharsets.UTF_8), c.file());
        } catch (DiffException e) {
          return null; // located at the file's first line below; the package's document itself parsed
        }
      });
      match = childRoot == null ? null : nth(childRoot, ordinal, new int[1]);
    }
    return match == null ? new Change.Location(child.file(), Change.Side.AFTER, 1, 1)
        : new Change.Location(child.file(), Change.Side.AFTER, match.line(), match.column());
  }

  /** The pre-order index of {@code target} in {@code root}'s subtree (by identity), or -1. */
  private static int ordinal(XmlElement root, XmlElement target, int[] counter) {
    if (root == target) {
      return counter[0];
    }
    for (XmlElement child : root.children()) {
      counter[0]++;
      int found = ordinal(child, target, counter);
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  /** The element at pre-order index {@code n} in {@code root}'s subtree, or {@code null}. */
  private static XmlElement nth(XmlElement root, int n, int[] counter) {
    if (counter[0] == n) {
      return root;
    }
    for (XmlElement child : root.children()) {
      counter[0]++;
      XmlElement found = nth(child, n, counter);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  List<Change> changes() {
    return changes;
  }
}
