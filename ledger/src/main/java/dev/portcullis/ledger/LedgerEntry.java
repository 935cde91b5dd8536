package dev.portcullis.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One ledger entry: an RFC 8785 canonical JSON object with {@code v} (format version, 1),
 * {@code kind}, {@code time} (UTC, RFC 3339 with milliseconds) and the kind's own fields. The bytes
 * that the log hashes are {@link #toCanonicalJson()}; equal entries have equal bytes.
 *
 * <p>Design note. An entry is valid by construction: {@link #of} and {@link #parse} run the same
 * checks — a well-formed kind, a known kind's exact fields and types ({@link EntryKind}), top-level
 * field names in lower snake case, no secrets ({@link SecretGuard}), at most {@value #MAX_SIZE}
 * bytes — so no invalid entry exists to be appended or passed around. {@link #parse} is strict:
 * the input must already be canonical (parsed, re-serialized and compared byte for byte), so one
 * entry has one spelling and one leaf hash, and a reader never has to guess which bytes were
 * signed. Times are kept to the millisecond that the format shows, so an entry read back equals the
 * entry written.
 */
public final class LedgerEntry {

  /** The entry format version this build writes and reads. */
  public static final int VERSION = 1;

  /** The largest entry, in bytes: an entry bundle stores each length as a uint16. */
  public static final int MAX_SIZE = 65_535;

  private final String kind;
  private final Instant time;
  private final SortedMap<String, Object> fields;
  private final byte[] canonical;

  private LedgerEntry(String kind, Instant time, SortedMap<String, Object> fields, byte[] canonical) {
    this.kind = kind;
    this.time = time;
    this.fields = fields;
    this.canonical = canonical;
  }

  /**
   * A new entry. {@code time} is kept to the millisecond; {@code fields} are copied (integral
   * numbers become {@link Long}, maps are sorted, everything is made unmodifiable).
   *
   * @param fields the kind's fields, not including {@code v}, {@code kind} or {@code time}
   * @throws LedgerException {@link LedgerErrorCode#INVALID_ENTRY_KIND}, {@link
   *     LedgerErrorCode#INVALID_ENTRY_FIELD}, {@link LedgerErrorCode#ENTRY_HOLDS_SECRET} or {@link
   *     LedgerErrorCode#ENTRY_TOO_LARGE}, naming the kind and the field
   */
  public static LedgerEntry of(String kind, Instant time, Map<String, ?> fields) {
    return build(kind, time, fields, null);
  }

  /**
   * Kind names and field names already seen to be well formed, one set per pattern: entries reuse a few dozen,
   * so each is matched once. Only good names are kept, at most {@link #MAX_KNOWN_NAMES} each; past that, names are
   * matched again every time.
   */
  private static final java.util.Set<String> GOOD_KINDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.util.Set<String> GOOD_FIELD_NAMES = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int MAX_KNOWN_NAMES = 4096;

  private static boolean wellFormed(String name, java.util.regex.Pattern pattern, java.util.Set<String> good) {
    if (good.contains(name)) {
      return true;
    }
    if (!pattern.matcher(name).matches()) {
      return false;
    }
    if (good.size() < MAX_KNOWN_NAMES) {
      good.add(name);
    }
    return true;
  }

  /**
   * {@link #of}, with the entry's canonical bytes when they are already known (read back and checked
   * to be canonical, and its time spelled as this build spells it): then they are not serialised
   * again.
   */
  private static LedgerEntry build(String kind, Instant time, Map<String, ?> fields, byte[] knownCanonical) {
    if (kind == null || !wellFormed(kind, EntryKind.NAME, GOOD_KINDS)) {
      throw new LedgerException(
          LedgerErrorCode.INVALID_ENTRY_KIND,
          "ledger entry kind " + (kind == null ? "is missing" : "'" + printable(kind) + "'")
              + (kind == null ? "" : " is not lower-case dotted words, e.g. deploy.approved"));
    }
    if (time == null) {
      throw field(kind, "/time", "is missing");
    }
    Instant millis = EntryTime.normalize(time);
    if (millis == null) {
      throw field(kind, "/time", "is " + time + ", outside the years 0000 to 9999");
    }
    if (fields == null) {
      throw field(kind, "", "fields are missing (use an empty map)");
    }
    TreeMap<String, Object> copy = new TreeMap<>();
    for (Map.Entry<String, ?> field : fields.entrySet()) {
      String name = field.getKey();
      if (name == null || EntryKind.ENVELOPE.contains(name)) {
        throw field(kind, "/" + name, "is reserved for the entry itself");
      }
      if (!wellFormed(name, EntryKind.FIELD_NAME, GOOD_FIELD_NAMES)) {
        throw field(
            kind,
            JsonPointer.member("", name),
            "is not a field name (lower case, digits and '_', starting with a letter, at most 64)");
      }
      if (field.getValue() == null) {
        throw field(kind, "/" + name, "is null; leave an absent field out");
      }
      copy.put(name, JsonValues.normalize(field.getValue(), "/" + name, 1));
    }
    SortedMap<String, Object> immutable = Collections.unmodifiableSortedMap(copy);
    SecretGuard.check(immutable);
    EntryKind.known(kind).ifPresent(known -> known.check(immutable));
    byte[] canonical = knownCanonical != null ? knownCanonical
        : CanonicalJson.serialize(envelope(kind, millis, immutable));
    if (canonical.length > MAX_SIZE) {
      throw new LedgerException(
          LedgerErrorCode.ENTRY_TOO_LARGE,
          "ledger entry of kind " + kind + " is " + canonical.length + " bytes; at most "
              + MAX_SIZE + " fit (store large data elsewhere and record its SHA-256)");
    }
    return new LedgerEntry(kind, millis, immutable, canonical);
  }

  /**
   * Reads an entry from its bytes, which must be exactly its RFC 8785 canonical form.
   *
   * @throws LedgerException {@link LedgerErrorCode#ENTRY_TOO_LARGE}, {@link
   *     LedgerErrorCode#MALFORMED_JSON}, {@link LedgerErrorCode#ENTRY_NOT_CANONICAL}, {@link
   *     LedgerErrorCode#UNSUPPORTED_ENTRY_VERSION} or any refusal of {@link #of}
   */
  public static LedgerEntry parse(byte[] bytes) {
    if (bytes.length > MAX_SIZE) {
      throw new LedgerException(
          LedgerErrorCode.ENTRY_TOO_LARGE,
          "ledger entry is " + bytes.length + " bytes; at most " + MAX_SIZE + " are allowed");
    }
    Object tree = CanonicalJson.parse(bytes);
    byte[] canonical = CanonicalJson.serialize(tree);
    if (!Arrays.equals(canonical, bytes)) {
      int at = Arrays.mismatch(canonical, bytes);
      throw new LedgerException(
          LedgerErrorCode.ENTRY_NOT_CANONICAL,
          "ledger entry is not in RFC 8785 canonical form: it differs from its canonical"
              + " spelling at byte " + at + " (members sorted, no whitespace, minimal escapes,"
              + " ECMAScript numbers)");
    }
    if (!(tree instanceof Map<?, ?> object)) {
      throw new LedgerException(
          LedgerErrorCode.INVALID_ENTRY_FIELD, "ledger entry is not a JSON object");
    }
    Object v = object.get("v");
    if (!(v instanceof Long version) || version != VERSION) {
      throw new LedgerException(
          LedgerErrorCode.UNSUPPORTED_ENTRY_VERSION,
          "ledger entry " + (v == null ? "has no 'v'" : "has v " + v)
              + "; this build reads version " + VERSION + " only");
    }
    if (!(object.get("kind") instanceof String kind)) {
      throw new LedgerException(
          LedgerErrorCode.INVALID_ENTRY_KIND,
          "ledger entry has " + (object.containsKey("kind") ? "a 'kind' that is not a string" : "no 'kind'"));
    }
    Object timeValue = object.get("time");
    Instant time = timeValue instanceof String text ? EntryTime.parseOrNull(text) : null;
    if (time == null) {
      throw field(
          printable(kind),
          "/time",
          (timeValue == null ? "is missing" : "is not")
              + " a time in the form 2026-11-28T12:00:00.000Z (UTC, RFC 3339, milliseconds)");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Map.Entry<?, ?> member : object.entrySet()) {
      String name = (String) member.getKey();
      if (!EntryKind.ENVELOPE.contains(name)) {
        fields.put(name, member.getValue());
      }
    }
    // the bytes are canonical (checked above); when the time reads back as written, rebuilding the
    // envelope would give these very bytes, so they are kept rather than serialised again
    return build(kind, time, fields, EntryTime.format(time).equals(timeValue) ? bytes : null);
  }

  /** {@code instant} in the entry time format ({@code 2026-11-28T12:00:00.000Z}), for fields of type time. */
  public static String formatTime(Instant instant) {
    return EntryTime.format(instant);
  }

  /**
   * The lower-case hex SHA-256 of {@code secret}'s UTF-8 bytes: what an entry records in place of a
   * token, in a field named {@code <name>_sha256}.
   */
  public static String sha256(String secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** The format version, {@value #VERSION}. */
  public int v() {
    return VERSION;
  }

  public String kind() {
    return kind;
  }

  /** When it happened, to the millisecond. */
  public Instant time() {
    return time;
  }

  /** {@link #time()} as the entry spells it, e.g. {@code 2026-11-28T12:00:00.000Z}. */
  public String timeText() {
    return EntryTime.format(time);
  }

  /** The kind's fields, sorted by name, unmodifiable (nested maps and lists too). */
  public SortedMap<String, Object> fields() {
    return fields;
  }

  /** The entry's bytes: RFC 8785 canonical JSON, UTF-8, at most {@value #MAX_SIZE} bytes. */
  public byte[] toCanonicalJson() {
    return canonical.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LedgerEntry entry && Arrays.equals(canonical, entry.canonical);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(canonical);
  }

  /** The canonical JSON (which by construction holds no secret). */
  @Override
  public String toString() {
    return new String(canonical, StandardCharsets.UTF_8);
  }

  private static Map<String, Object> envelope(
      String kind, Instant time, Map<String, Object> fields) {
    Map<String, Object> object = new TreeMap<>(fields);
    object.put("v", (long) VERSION);
    object.put("kind", kind);
    object.put("time", EntryTime.format(time));
    return object;
  }

  private static LedgerException field(String kind, String path, String what) {
    return new LedgerException(
        LedgerErrorCode.INVALID_ENTRY_FIELD,
        "ledger entry of kind " + kind + ": field '" + path + "' " + what);
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
