package dev.portcullis.ledger;

/** JSON Pointer (RFC 6901) paths, used to name where in an entry something was wrong. */
final class JsonPointer {
  private JsonPointer() {}

  /** One reference token: {@code ~} as {@code ~0}, {@code /} as {@code ~1} (RFC 6901 §3). */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  /** {@code parent} extended by the member {@code name}. */
  static String member(String parent, String name) {
    return parent + "/" + escape(name);
  }
}
