package dev.portcullis.deploy.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * An element of a Metadata API document: its local name, attributes (namespace declarations left
 * out), trimmed text, children in document order, and where its start tag is. Immutable once built.
 */
record XmlElement(
    String name, SortedMap<String, String> attributes, String text, List<XmlElement> children, int line, int column) {

  /** The first child named {@code childName}, or {@code null}. */
  XmlElement child(String childName) {
    for (XmlElement child : children) {
      if (child.name.equals(childName)) {
        return child;
      }
    }
    return null;
  }

  /** Every child named {@code childName}, in document order. */
  List<XmlElement> children(String childName) {
    List<XmlElement> found = new ArrayList<>();
    for (XmlElement child : children) {
      if (child.name.equals(childName)) {
        found.add(child);
      }
    }
    return found;
  }

  /** The trimmed text of the first child named {@code childName}, or {@code null} when there is no such child. */
  String text(String childName) {
    XmlElement child = child(childName);
    return child == null ? null : child.text;
  }

  /** The element at a {@code /}-separated path of child names below this one, or {@code null}. */
  XmlElement at(String path) {
    XmlElement current = this;
    for (String step : path.split("/")) {
      current = current.child(step);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /**
   * A canonical text of this element: name, sorted attributes, trimmed text and children. With
   * {@code ordered} false the children are sorted by their own canonical text, so two elements
   * that differ only in the order of their children have the same canonical text.
   */
  String canonical(boolean ordered) {
    StringBuilder out = new StringBuilder();
    appendCanonical(out, ordered);
    return out.toString();
  }

  private void appendCanonical(StringBuilder out, boolean ordered) {
    out.append('<').append(name);
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      out.append(' ').append(attribute.getKey()).append("=\"").append(escape(attribute.getValue())).append('"');
    }
    out.append('>').append(escape(text));
    if (ordered) {
      for (XmlElement child : children) {
        child.appendCanonical(out, true);
      }
    } else {
      List<String> parts = new ArrayList<>(children.size());
      for (XmlElement child : children) {
        parts.add(child.canonical(false));
      }
      parts.sort(null);
      parts.forEach(out::append);
    }
    out.append("</").append(name).append('>');
  }

  private static String escape(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }
}
