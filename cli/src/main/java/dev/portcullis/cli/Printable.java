package dev.portcullis.cli;

/**
 * Text from a server or a file made safe to print on a terminal: control characters (which could
 * move the cursor, rewrite earlier lines, or inject a GitHub workflow command at the start of a
 * line) become {@code \\uXXXX}.
 */
final class Printable {
  private Printable() {}

  static String of(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  /** {@code 'text'}, made printable. */
  static String quoted(String text) {
    return "'" + of(text) + "'";
  }
}
