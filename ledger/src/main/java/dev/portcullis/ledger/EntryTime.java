package dev.portcullis.ledger;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The one time format of ledger entries: RFC 3339 {@code date-time} in UTC with exactly three
 * fractional digits and {@code Z}, e.g. {@code 2026-11-28T12:00:00.000Z}. One spelling per instant,
 * as canonical entries need. Years 0000 to 9999; no leap second (Java's clock has none).
 */
final class EntryTime {

  private static final Pattern FORM =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z");

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

  private EntryTime() {}

  static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** Whether {@code text} is an entry time, exactly as {@link #format} would write it. */
  static boolean isWellFormed(String text) {
    return parseOrNull(text) != null;
  }

  /** The instant {@code text} spells, or {@code null} unless it is exactly an entry time. */
  static Instant parseOrNull(String text) {
    if (!FORM.matcher(text).matches()) {
      return null;
    }
    try {
      Instant instant = Instant.parse(text);
      return format(instant).equals(text) ? instant : null;
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** {@code instant} to milliseconds, or {@code null} when outside years 0000 to 9999. */
  static Instant normalize(Instant instant) {
    Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
    return millis.isBefore(MIN) || millis.isAfter(MAX) ? null : millis;
  }
}
