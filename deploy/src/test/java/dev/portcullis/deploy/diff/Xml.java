package dev.portcullis.deploy.diff;

/** Builds Metadata API documents for tests, in the layout a retrieve writes. */
final class Xml {
  private Xml() {}

  /** {@code <root xmlns="http://soap.sforce.com/2006/04/metadata">body</root>} with the XML declaration. */
  static String doc(String root, String... body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n"
        + String.join("\n", body) + "\n</" + root + ">\n";
  }

  /** {@code <name>children</name>}. */
  static String el(String name, String... children) {
    return "    <" + name + ">" + String.join("", children) + "</" + name + ">";
  }

  /** {@code <name>value</name>} for a boolean or number. */
  static String el(String name, Object value) {
    return "    <" + name + ">" + value + "</" + name + ">";
  }

  /** {@code <name>text</name>} without indentation, for nesting. */
  static String leaf(String name, Object text) {
    return "<" + name + ">" + text + "</" + name + ">";
  }

  static String userPermission(String name, boolean enabled) {
    return el("userPermissions", leaf("enabled", enabled), leaf("name", name));
  }
}
