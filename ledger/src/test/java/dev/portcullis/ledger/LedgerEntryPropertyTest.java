package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class LedgerEntryPropertyTest {

  // --- generators ---

  /** Strings without lone surrogates or credential shapes; control characters and non-ASCII included. */
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange('\u0000', '\u007f')
        .withChars("é€\u2028\u0080\uFB33\uFFFF")
        .ofMaxLength(20)
        .filter(s -> SecretGuard.credentialShape(s) == null);
  }

  Arbitrary<String> nonEmptyText() {
    return text().filter(s -> !s.isEmpty());
  }

  Arbitrary<String> fieldName() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_').ofMaxLength(12)
        .map(s -> "f" + s)
        .filter(s -> !SecretGuard.isSecretName(s) && !s.endsWith("_sha256"));
  }

  Arbitrary<String> memberName() {
    return text().filter(s -> !SecretGuard.isSecretName(s) && !s.endsWith("_sha256"));
  }

  Arbitrary<Object> jsonValue(int depth) {
    List<Arbitrary<?>> choices = new ArrayList<>(List.of(
        text(),
        Arbitraries.longs().between(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER),
        Arbitraries.doubles().filter(Double::isFinite),
        Arbitraries.of(true, false),
        Arbitraries.just(null)));
    if (depth > 0) {
      choices.add(Arbitraries.lazy(() -> jsonValue(depth - 1)).list().ofMaxSize(4));
      choices.add(Arbitraries.maps(memberName(), Arbitraries.lazy(() -> jsonValue(depth - 1))).ofMaxSize(4));
    }
    return Arbitraries.oneOf(choices.stream().map(a -> a.map(v -> (Object) v)).toList());
  }

  Arbitrary<Instant> time() {
    return Arbitraries.longs()
        .between(EntryTime.MIN.getEpochSecond(), EntryTime.MAX.getEpochSecond())
        .flatMap(s -> Arbitraries.longs().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)))
        .filter(t -> !t.isAfter(EntryTime.MAX));
  }

  Arbitrary<String> kindName() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    return word.list().ofMinSize(2).ofMaxSize(4).map(words -> String.join(".", words))
        .filter(k -> EntryKind.known(k).isEmpty());
  }

  @Provide
  Arbitrary<LedgerEntry> freeFormEntries() {
    Arbitrary<Map<String, Object>> fields =
        Arbitraries.maps(fieldName(), jsonValue(2).filter(v -> v != null)).ofMaxSize(6);
    return Combinators.combine(kindName(), time(), fields).as(LedgerEntry::of);
  }

  Arbitrary<Object> valueOf(EntryKind.FieldType type) {
    net.jqwik.api.arbitraries.StringArbitrary hex = Arbitraries.strings().withChars("0123456789abcdef");
    return switch (type) {
      case TEXT -> nonEmptyText().map(v -> v);
      case INTEGER -> Arbitraries.longs().between(-1_000_000, 1_000_000).map(v -> v);
      case NUMBER -> Arbitraries.oneOf(Arbitraries.longs().between(-1_000, 1_000).map(v -> (Object) v),
          Arbitraries.doubles().between(-1_000, 1_000).ofScale(3).map(v -> (Object) v));
      case BOOLEAN -> Arbitraries.of(true, false).map(v -> v);
      case TEXT_LIST -> nonEmptyText().list().ofMaxSize(4).map(v -> v);
      case TIME -> time().map(EntryTime::format).map(v -> v);
      case SHA256 -> hex.ofLength(64).map(v -> v);
      case COMMIT -> Arbitraries.oneOf(hex.ofLength(40), hex.ofLength(64)).map(v -> v);
      case EFFECT -> Arbitraries.of("allow", "deny").map(v -> v);
      case SEVERITY -> Arbitraries.of("low", "medium", "high", "critical").map(v -> v);
      case OUTCOME -> Arbitraries.of("succeeded", "failed", "canceled").map(v -> v);
    };
  }

  @Provide
  Arbitrary<LedgerEntry> knownKindEntries() {
    return Arbitraries.of(EntryKind.known()).flatMap(kind -> {
      List<Arbitrary<Map<String, Object>>> parts = new ArrayList<>();
      kind.required().forEach((name, type) -> parts.add(valueOf(type).map(v -> Map.of(name, v))));
      kind.optional().forEach((name, type) ->
          parts.add(Arbitraries.oneOf(Arbitraries.just(Map.<String, Object>of()),
              valueOf(type).map(v -> Map.of(name, v)))));
      Arbitrary<Map<String, Object>> fields = Combinators.combine(parts).as(maps -> {
        Map<String, Object> all = new LinkedHashMap<>();
        maps.forEach(all::putAll);
        return all;
      });
      return Combinators.combine(time(), fields).as((t, f) -> LedgerEntry.of(kind.name(), t, f));
    });
  }

  // --- properties ---

  @Property(tries = 500)
  void freeFormEntriesRoundTrip(@ForAll("freeFormEntries") LedgerEntry entry) {
    roundTrips(entry);
  }

  @Property(tries = 500)
  void knownKindEntriesRoundTrip(@ForAll("knownKindEntries") LedgerEntry entry) {
    roundTrips(entry);
    assertThat(EntryIndexFields.of(entry).kind()).isEqualTo(entry.kind());
  }

  private static void roundTrips(LedgerEntry entry) {
    byte[] bytes = entry.toCanonicalJson();
    LedgerEntry back = LedgerEntry.parse(bytes);
    assertThat(back).isEqualTo(entry);
    assertThat(back.fields()).isEqualTo(entry.fields());
    assertThat(back.time()).isEqualTo(entry.time());
    assertThat(back.toCanonicalJson()).isEqualTo(bytes);
    assertThat(CanonicalJson.canonicalize(bytes)).isEqualTo(bytes);
  }

  @Property(tries = 300)
  void whitespaceAnywhereBetweenTokensIsRefused(
      @ForAll("freeFormEntries") LedgerEntry entry,
      @ForAll @IntRange(min = 0, max = 10_000) int pick,
      @ForAll("whitespace") String space) {
    String canonical = entry.toString();
    List<Integer> positions = structuralPositions(canonical);
    int at = positions.get(pick % positions.size());
    String spaced = canonical.substring(0, at) + space + canonical.substring(at);

    assertThat(CanonicalJson.parse(spaced.getBytes(UTF_8))).as("still JSON").isNotNull();
    assertThatThrownBy(() -> LedgerEntry.parse(spaced.getBytes(UTF_8)))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.ENTRY_NOT_CANONICAL));
  }

  @Provide
  Arbitrary<String> whitespace() {
    return Arbitraries.strings().withChars(" \t\r\n").ofMinLength(1).ofMaxLength(3);
  }

  @Property(tries = 300)
  void anyOtherMemberOrderIsRefused(
      @ForAll("freeFormEntries") LedgerEntry entry, @ForAll long seed) {
    // Top-level members in a shuffled order that is not the sorted one.
    List<Map.Entry<String, Object>> members = new ArrayList<>(envelope(entry).entrySet());
    java.util.Collections.shuffle(members, new java.util.Random(seed));
    if (members.stream().map(Map.Entry::getKey).toList().equals(new ArrayList<>(envelope(entry).keySet()))) {
      java.util.Collections.reverse(members);
    }
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> member : members) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append(new String(CanonicalJson.serialize(member.getKey()), UTF_8)).append(':')
          .append(new String(CanonicalJson.serialize(member.getValue()), UTF_8));
    }
    byte[] reordered = json.append('}').toString().getBytes(UTF_8);

    assertThat(CanonicalJson.canonicalize(reordered)).isEqualTo(entry.toCanonicalJson());
    assertThatThrownBy(() -> LedgerEntry.parse(reordered))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.ENTRY_NOT_CANONICAL));
  }

  @Property(tries = 2000)
  void arbitraryStringsOnlyEverThrowLedgerException(@ForAll String input) {
    parseQuietly(input.getBytes(UTF_8));
  }

  @Property(tries = 1000)
  void arbitraryBytesOnlyEverThrowLedgerException(@ForAll byte[] input) {
    parseQuietly(input);
  }

  @Property(tries = 1000)
  void corruptedEntriesOnlyEverThrowLedgerException(
      @ForAll("knownKindEntries") LedgerEntry entry,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll byte value) {
    byte[] bytes = entry.toCanonicalJson();
    bytes[position % bytes.length] = value;
    parseQuietly(bytes);
  }

  private static void parseQuietly(byte[] input) {
    try {
      LedgerEntry entry = LedgerEntry.parse(input);
      assertThat(entry.toCanonicalJson()).isEqualTo(input);
    } catch (LedgerException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static Map<String, Object> envelope(LedgerEntry entry) {
    Map<String, Object> all = new TreeMap<>(entry.fields());
    all.put("v", 1L);
    all.put("kind", entry.kind());
    all.put("time", entry.timeText());
    return all;
  }

  /** Offsets just before or after a structural character outside strings. */
  private static List<Integer> structuralPositions(String json) {
    List<Integer> positions = new ArrayList<>();
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if ("{}[]:,".indexOf(c) >= 0) {
        positions.add(i);
        positions.add(i + 1);
      }
    }
    return positions;
  }
}
