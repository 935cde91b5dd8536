package dev.portcullis.salesforce.rest;

/**
 * One org limit from {@code GET /services/data/vXX.X/limits}, e.g. {@code
 * "DailyApiRequests":{"Max":15000,"Remaining":14998}} (REST API Developer Guide, "Limits").
 */
public record Limit(long max, long remaining) {
  /** {@code max - remaining}. */
  public long used() {
    return max - remaining;
  }
}
