package dev.portcullis.salesforce.soql;

/**
 * A query that is not valid SOQL, or uses SOQL outside the supported subset. Salesforce answers
 * such a query with {@code MALFORMED_QUERY}; so does the org simulator.
 */
public final class SoqlException extends RuntimeException {
  private final int position;

  /**
   * @param message what was wrong, e.g. {@code unexpected token: 'FORM'}
   * @param position the zero-based character offset in the query where the problem was found
   */
  public SoqlException(String message, int position) {
    super(message);
    this.position = position;
  }

  /** Zero-based character offset where the problem was found. */
  public int position() {
    return position;
  }

  /**
   * The error as Salesforce words a MALFORMED_QUERY message: a newline, the line of {@code soql}
   * that holds the problem, a caret under it, {@code ERROR at Row:r:Column:c} (both one-based)
   * and the message. For example, for {@code SELECT Id FORM Account}:
   *
   * <pre>
   *
   * SELECT Id FORM Account
   *           ^
   * ERROR at Row:1:Column:11
   * unexpected token: 'FORM'
   * </pre>
   *
   * @param soql the query that {@link SoqlParser#parse} rejected with this exception
   */
  public String malformedQueryMessage(String soql) {
    int at = Math.max(0, Math.min(position, soql.length()));
    int row = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      char c = soql.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= soql.length() || soql.charAt(i + 1) != '\n'))) {
        row++;
        lineStart = i + 1;
      }
    }
    int lineEnd = lineStart;
    while (lineEnd < soql.length() && soql.charAt(lineEnd) != '\n' && soql.charAt(lineEnd) != '\r') {
      lineEnd++;
    }
    int column = at - lineStart + 1;
    return "\n" + soql.substring(lineStart, lineEnd) + "\n" + " ".repeat(column - 1) + "^\n"
        + "ERROR at Row:" + row + ":Column:" + column + "\n" + getMessage();
  }
}
