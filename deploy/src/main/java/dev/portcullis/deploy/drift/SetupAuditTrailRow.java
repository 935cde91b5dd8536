package dev.portcullis.deploy.drift;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One row of Salesforce's {@code SetupAuditTrail} object: a change someone made in Setup (Object Reference for the
 * Salesforce Platform, "SetupAuditTrail", sforce_api_objects_setupaudittrail.htm: {@code Action} the category of the
 * change, {@code Section} the Setup menu section, {@code Display} the full description, {@code DelegateUser} the
 * Login-As user who acted, {@code CreatedDate} when, {@code CreatedById} who; the object supports {@code query()} and
 * {@code retrieve()} only, and keeps at least the last 180 days).
 *
 * @param createdBy {@code CreatedBy.Username}, or {@code ""} when the query could not see it
 * @param delegateUser the Login-As user, or {@code ""}
 */
public record SetupAuditTrailRow(String id, String action, String section, Instant createdDate, String createdBy,
    String display, String delegateUser, String createdById) {

  /** A row without its creator's id. */
  public SetupAuditTrailRow(String id, String action, String section, Instant createdDate, String createdBy,
      String display, String delegateUser) {
    this(id, action, section, createdDate, createdBy, display, delegateUser, "");
  }

  /** The REST API's datetime form, {@code 2026-11-28T12:00:00.000+0000} (also accepted: ISO 8601 with a colon or Z). */
  private static final DateTimeFormatter REST_DATETIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .toFormatter(Locale.ROOT);

  /** The fields {@link #soql} selects, in its order. */
  public static final List<String> FIELDS = List.of("Id", "Action", "Section", "CreatedDate", "CreatedById",
      "CreatedBy.Username", "Display", "DelegateUser");

  public SetupAuditTrailRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    section = section == null ? "" : section;
    Objects.requireNonNull(createdDate, "createdDate");
    createdBy = createdBy == null ? "" : createdBy;
    display = display == null ? "" : display;
    delegateUser = delegateUser == null ? "" : delegateUser;
    createdById = createdById == null ? "" : createdById;
  }

  /**
   * The query of the rows created at or after {@code since}, oldest first. SOQL datetime literals are unquoted
   * ISO 8601 in UTC (SOQL and SOSL Reference, "Date Formats and Date Literals").
   */
  public static String soql(Instant since) {
    return "SELECT " + String.join(", ", FIELDS) + " FROM SetupAuditTrail WHERE CreatedDate >= "
        + DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        + " ORDER BY CreatedDate";
  }

  /**
   * A row from a REST query record ({@code {"attributes":…, "Id":…, "CreatedBy":{"Username":…}, …}}).
   *
   * @throws IllegalArgumentException naming the row and field when {@code Id}, {@code Action} or {@code CreatedDate}
   *     is missing or malformed
   */
  public static SetupAuditTrailRow fromRecord(JsonNode record) {
    String id = required(record, "Id", "?");
    String action = required(record, "Action", id);
    String created = required(record, "CreatedDate", id);
    Instant when;
    try {
      when = REST_DATETIME.parse(created, Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("SetupAuditTrail row " + id + ": CreatedDate '" + created
          + "' is not a datetime such as 2026-11-28T12:00:00.000+0000", e);
    }
    return new SetupAuditTrailRow(id, action, text(record.path("Section")), when,
        text(record.path("CreatedBy").path("Username")), text(record.path("Display")), text(record.path("DelegateUser")),
        text(record.path("CreatedById")));
  }

  private static String required(JsonNode record, String field, String id) {
    JsonNode value = record.path(field);
    if (!value.isTextual() || value.asText().isEmpty()) {
      throw new IllegalArgumentException("SetupAuditTrail row " + id + " has no " + field);
    }
    return value.asText();
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : "";
  }
}
