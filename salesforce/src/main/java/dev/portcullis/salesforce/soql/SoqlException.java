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
}
