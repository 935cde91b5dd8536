package dev.portcullis.orgsim;

import dev.portcullis.orgsim.Schema.FieldDef;
import dev.portcullis.salesforce.SalesforceId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Field values: the Java type each field type is stored as, conversion from JSON/YAML input and
 * formatting to REST JSON. Stored types: text and ids as {@link String} (ids always 18
 * characters), booleans as {@link Boolean}, numbers as {@link BigDecimal}, dates as
 * {@link LocalDate}, date-times as {@link Instant}, base64 as {@code byte[]}.
 *
 * <p>REST renders date-times as {@code 2023-12-19T21:04:35.000+0000} (offset without a colon),
 * as real responses do (salesforce-formats.md §8).
 */
final class Values {
  static final DateTimeFormatter REST_DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter INPUT_DATETIME =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
          .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
          .toFormatter(Locale.ROOT);

  private Values() {}

  /** Converts an input value (JSON scalar or YAML text) to the stored type of {@code field}. */
  static Object coerce(FieldDef field, Object input) {
    if (input == null) {
      return null;
    }
    String text = input.toString();
    try {
      return switch (field.type()) {
        case ID, REFERENCE -> {
          if (!(input instanceof String) || !SalesforceId.isValid(text)) {
            throw new IllegalArgumentException(field.name() + ": id value of incorrect type: " + text);
          }
          yield SalesforceId.to18(text);
        }
        case STRING, TEXTAREA, PICKLIST, EMAIL, PHONE, URL -> text;
        case BOOLEAN -> {
          if (input instanceof Boolean b) {
            yield b;
          }
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            yield Boolean.parseBoolean(text);
          }
          throw new IllegalArgumentException("Cannot deserialize value of type boolean from String \"" + text + "\"");
        }
        case CURRENCY, DOUBLE, PERCENT, INT -> {
          BigDecimal d = new BigDecimal(text);
          if (field.type() == Schema.FieldType.INT && d.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("Cannot deserialize value of type int from \"" + text + "\"");
          }
          yield d;
        }
        case DATE -> LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
        case DATETIME -> parseDateTime(text);
        case BASE64 -> {
          try {
            yield java.util.Base64.getDecoder().decode(text.strip());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot deserialize value of type base64 from String: not base64", e);
          }
        }
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Cannot deserialize value of type " + field.type().describeName + " from String \"" + text + "\"", e);
    }
  }

  static Instant parseDateTime(String text) {
    if (text.length() == 10) {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    var parsed = INPUT_DATETIME.parse(text);
    if (parsed.isSupported(java.time.temporal.ChronoField.OFFSET_SECONDS)) {
      return OffsetDateTime.from(parsed).toInstant();
    }
    return java.time.LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
  }

  /**
   * The REST JSON form of {@code field} of {@code row}: a base64 field is the path of its blob,
   * {@code /services/data/vXX.X/sobjects/TYPE/ID/FIELD}, which answers the bytes (REST API Developer
   * Guide, "sObject Blob Get", resources_sobject_blob_retrieve.htm).
   */
  static Object toJson(String version, OrgData.Row row, FieldDef field) {
    Object stored = row.get(field.name());
    if (field.type() == Schema.FieldType.BASE64 && stored != null) {
      return RestApi.attributes(version, row).get("url") + "/" + field.name();
    }
    return toJson(stored);
  }

  /** The REST JSON form of a stored value. */
  static Object toJson(Object stored) {
    return switch (stored) {
      case null -> null;
      case Instant i -> REST_DATETIME.format(i);
      case LocalDate d -> d.toString();
      default -> stored;
    };
  }
}
