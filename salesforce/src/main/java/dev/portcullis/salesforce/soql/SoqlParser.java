package dev.portcullis.salesforce.soql;

/** Parses the documented SOQL subset into a {@link Query}. Thread-safe. */
public final class SoqlParser {
  private SoqlParser() {}

  /**
   * Parses {@code soql}.
   *
   * @throws SoqlException when the query is malformed or outside the supported subset
   */
  public static Query parse(String soql) {
    throw new SoqlException("SOQL parser not implemented yet", 0);
  }
}
