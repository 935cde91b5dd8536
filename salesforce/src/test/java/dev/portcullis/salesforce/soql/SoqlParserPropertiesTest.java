package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.NullsOrder;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Property tests: random queries survive render-then-parse with any keyword case, whitespace and
 * escape spelling; arbitrary and mutated input never produces anything but {@link SoqlException}.
 */
class SoqlParserPropertiesTest {

  // ------------------------------------------------------------------ round trip

  @Property(tries = 3000)
  void renderedQueriesParseBackToEqualQueries(@ForAll("queries") Query query) {
    String soql = query.toSoql();
    Statistics.label("where").collect(query.where().isPresent());
    Statistics.label("subquery")
        .collect(query.select().stream().anyMatch(i -> i instanceof SelectItem.SubQuery));
    Statistics.label("length").collect(soql.length() < 100 ? "<100" : soql.length() < 500 ? "<500" : ">=500");
    assertThat(SoqlParser.parse(soql)).isEqualTo(query);
  }

  @Property(tries = 3000)
  void anySpellingParsesBackToTheSameQuery(
      @ForAll("queries") Query query, @ForAll long seed) {
    String soql = SoqlRenderer.render(query, new RandomStyle(new Random(seed)));
    assertThat(SoqlParser.parse(soql)).as(soql).isEqualTo(query);
  }

  // ------------------------------------------------------------------ fuzz

  @Property(tries = 5000, shrinking = ShrinkingMode.FULL)
  void arbitraryTextOnlyEverFailsWithSoqlException(@ForAll("noise") String soql) {
    parseAndCheck(soql);
  }

  @Property(tries = 5000)
  void mutatedQueriesOnlyEverFailWithSoqlException(
      @ForAll("queries") Query query, @ForAll long seed) {
    Random random = new Random(seed);
    String soql = SoqlRenderer.render(query, new RandomStyle(random));
    StringBuilder mutated = new StringBuilder(soql);
    int mutations = 1 + random.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      mutate(mutated, random);
    }
    parseAndCheck(mutated.toString());
  }

  @Property(tries = 1000)
  void mutatedCliQueriesOnlyEverFailWithSoqlException(
      @ForAll("cliQueries") String soql, @ForAll long seed) {
    Random random = new Random(seed);
    StringBuilder mutated = new StringBuilder(soql);
    mutate(mutated, random);
    parseAndCheck(mutated.toString());
  }

  /**
   * Parses {@code soql}; the only allowed failure is SoqlException with a position inside the
   * input; anything that parses must render to text that parses to the same query.
   */
  private static void parseAndCheck(String soql) {
    Query query;
    try {
      query = SoqlParser.parse(soql);
    } catch (SoqlException e) {
      assertThat(e.position()).as("position of %s in %s", e.getMessage(), soql)
          .isBetween(0, soql.length());
      assertThat(e.getMessage()).isNotBlank();
      Statistics.label("outcome").collect("rejected");
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("parse threw " + e + " for: " + soql, e);
    }
    Statistics.label("outcome").collect("accepted");
    assertThat(SoqlParser.parse(query.toSoql())).as(soql).isEqualTo(query);
  }

  private static final String[] WORDS = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER BY", "LIMIT", "OFFSET",
    "ASC", "DESC", "NULLS FIRST", "NULLS LAST", "COUNT()", "FIELDS(ALL)", "GROUP BY", "(SELECT Id FROM X)",
    "TODAY", "LAST_N_DAYS:3", "LAST_N_DAYS:", "2026-02-30", "2026-11-28T10:00:00Z", "'x'", "'",
    "\\", "\\u", "(", ")", "((((", "))", ",", ".", ":", "=", "!=", "<>", "<=", ">=", "NULL",
    "TRUE", "-", "+", "1.5", "99999999999999999999", "Name", "a.b.c", " ", "\n", "\u0000", "é",
    "\uD800", "%", "_", "\"", "#", ";", "T", "Z", "+05:30"
  };

  private static void mutate(StringBuilder s, Random random) {
    int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
    switch (random.nextInt(6)) {
      case 0 -> s.insert(at, WORDS[random.nextInt(WORDS.length)]);
      case 1 -> s.insert(at, (char) random.nextInt(128));
      case 2 -> {
        if (at < s.length()) {
          s.deleteCharAt(at);
        }
      }
      case 3 -> {
        if (at < s.length()) {
          s.setCharAt(at, (char) (32 + random.nextInt(95)));
        }
      }
      case 4 -> {
        int end = Math.min(s.length(), at + random.nextInt(12));
        s.delete(at, end);
      }
      default -> {
        int end = Math.min(s.length(), at + random.nextInt(20));
        s.insert(random.nextInt(s.length() + 1), s.substring(at, end));
      }
    }
  }

  @Provide
  Arbitrary<String> noise() {
    Arbitrary<String> anyChars = Arbitraries.strings().ofMaxLength(200);
    Arbitrary<String> soqlChars =
        Arbitraries.strings().withChars("SELCTFROMWHEDNIKLAGBYPUsfelct '\\\"(),.:=<>!-+%_0123456789TZu\n")
            .ofMaxLength(200);
    Arbitrary<String> words =
        Arbitraries.of(WORDS).list().ofMaxSize(40).map(list -> String.join(" ", list));
    Arbitrary<String> prefixed = words.map(w -> "SELECT Id FROM Account WHERE " + w);
    return Arbitraries.oneOf(anyChars, soqlChars, words, prefixed);
  }

  @Provide
  Arbitrary<String> cliQueries() {
    return Arbitraries.of(
        "SELECT Id FROM ScratchOrgInfo limit 1",
        "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix,"
            + " OrganizationType FROM Organization",
        "SELECT Id, Name FROM Account LIMIT 5",
        "SELECT Id,Status,SandboxName,SandboxInfoId,LicenseType,CreatedDate,CopyProgress,"
            + "SandboxOrganization,SourceId,Description,EndDate,Features FROM SandboxProcess"
            + " WHERE SandboxOrganization='00D5g00000ABCDE' ORDER BY CreatedDate DESC");
  }

  // ------------------------------------------------------------------ generators

  private static final Set<String> NOT_NAMES =
      Stream.concat(SoqlParser.RESERVED.stream(), SoqlParser.KEYWORDS.stream())
          .collect(Collectors.toUnmodifiableSet());

  static Arbitrary<String> names() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z');
    Arbitrary<String> rest =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
            .withCharRange('0', '9').withChars('_').ofMaxLength(10);
    Arbitrary<String> custom = Arbitraries.of("Name", "Id", "Account", "Owner", "CreatedDate",
        "ns__Field__c", "Parent__r", "Order", "Group", "Today");
    return Arbitraries.oneOf(custom, Combinators.combine(first, rest).as((f, r) -> f + r))
        .filter(name -> !NOT_NAMES.contains(name.toUpperCase(Locale.ROOT)));
  }

  static Arbitrary<FieldPath> paths() {
    return names().list().ofMinSize(1).ofMaxSize(4).map(FieldPath::new);
  }

  static Arbitrary<Value> values() {
    Arbitrary<Value> text = Arbitraries.strings().ofMaxLength(30).map(Value.Text::new);
    Arbitrary<Value> number =
        Combinators.combine(
                Arbitraries.bigIntegers().between(
                    BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                Arbitraries.integers().between(0, 12))
            .as((unscaled, scale) -> new Value.Number(new BigDecimal(unscaled, scale)));
    Arbitrary<Value> bool = Arbitraries.of(true, false).map(Value.Bool::new);
    Arbitrary<Value> nul = Arbitraries.just(new Value.Null());
    Arbitrary<LocalDate> dates =
        Arbitraries.longs()
            .between(LocalDate.of(0, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
            .map(LocalDate::ofEpochDay);
    Arbitrary<Value> date = dates.map(Value.Date::new);
    Arbitrary<LocalTime> times =
        Combinators.combine(
                Arbitraries.longs().between(0, 86_399),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999)
                    .map(ms -> ms * 1_000_000), Arbitraries.integers().between(0, 999_999_999)))
            .as((second, nanos) -> LocalTime.ofSecondOfDay(second).withNano(nanos));
    Arbitrary<ZoneOffset> offsets =
        Arbitraries.oneOf(
            Arbitraries.just(ZoneOffset.UTC),
            Arbitraries.integers().between(-18 * 60, 18 * 60)
                .map(minutes -> ZoneOffset.ofTotalSeconds(minutes * 60)));
    Arbitrary<Value> dateTime =
        Combinators.combine(dates, times, offsets)
            .as((d, t, o) -> new Value.DateTime(OffsetDateTime.of(d, t, o)));
    Arbitrary<Value> relative = Arbitraries.of(SoqlParser.RELATIVE_DATES)
        .map(name -> new Value.RelativeDate(name, OptionalInt.empty()));
    Arbitrary<Value> relativeN =
        Combinators.combine(
                Arbitraries.of(SoqlParser.RELATIVE_DATES_N),
                Arbitraries.integers().between(0, Integer.MAX_VALUE))
            .as((name, n) -> new Value.RelativeDate(name, OptionalInt.of(n)));
    return Arbitraries.oneOf(text, number, bool, nul, date, dateTime, relative, relativeN);
  }

  /** LIKE patterns: literal characters, wildcards and the escapes \%, \_ and \\. */
  static Arbitrary<String> likePatterns() {
    Arbitrary<String> literal =
        Arbitraries.chars().filter(c -> c != '\\' && c != '%' && c != '_').map(String::valueOf);
    Arbitrary<String> special = Arbitraries.of("%", "_", "\\%", "\\_", "\\\\");
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, literal), net.jqwik.api.Tuple.of(1, special))
        .list().ofMaxSize(12).map(parts -> String.join("", parts));
  }

  static Arbitrary<Condition> simpleConditions() {
    Arbitrary<Condition> comparison =
        Combinators.combine(paths(), Arbitraries.of(Operator.class), values())
            .as(Condition.Comparison::new);
    Arbitrary<Condition> like =
        Combinators.combine(paths(), likePatterns()).as(Condition.Like::new);
    Arbitrary<Condition> in =
        Combinators.combine(paths(), Arbitraries.of(true, false),
                values().list().ofMinSize(1).ofMaxSize(4))
            .as(Condition.In::new);
    return Arbitraries.oneOf(comparison, like, in);
  }

  static Arbitrary<Condition> conditions(int depth) {
    if (depth == 0) {
      return simpleConditions();
    }
    Arbitrary<Condition> smaller = Arbitraries.lazy(() -> conditions(depth - 1));
    Arbitrary<Condition> and =
        smaller.list().ofMinSize(2).ofMaxSize(4).map(Condition.And::new);
    Arbitrary<Condition> or =
        smaller.list().ofMinSize(2).ofMaxSize(4).map(Condition.Or::new);
    Arbitrary<Condition> not = smaller.map(Condition.Not::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, simpleConditions()),
        net.jqwik.api.Tuple.of(1, and),
        net.jqwik.api.Tuple.of(1, or),
        net.jqwik.api.Tuple.of(1, not));
  }

  static Arbitrary<OrderBy> orderBys() {
    return Combinators.combine(paths(), Arbitraries.of(true, false),
            Arbitraries.of(NullsOrder.class))
        .as(OrderBy::new);
  }

  static Arbitrary<Query> queries(boolean subquery) {
    Arbitrary<SelectItem> fieldItem = paths().map(SelectItem.Field::new);
    Arbitrary<SelectItem> fieldsItem =
        Arbitraries.of(FieldsKind.class).map(SelectItem.Fields::new);
    Arbitrary<SelectItem> item =
        subquery
            ? Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, fieldItem),
                net.jqwik.api.Tuple.of(1, fieldsItem))
            : Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, fieldItem),
                net.jqwik.api.Tuple.of(1, fieldsItem),
                net.jqwik.api.Tuple.of(1, Arbitraries.lazy(() -> queries(true))
                    .map(SelectItem.SubQuery::new)));
    Arbitrary<List<SelectItem>> items =
        item.list().ofMinSize(1).ofMaxSize(5)
            .uniqueElements(i -> i instanceof SelectItem.Field(FieldPath p, var a)
                ? p.toString().toLowerCase(Locale.ROOT) : i);
    Arbitrary<List<SelectItem>> select =
        Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, items),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(new SelectItem.Count()))));
    Arbitrary<Optional<String>> alias = names().optional(0.3);
    Arbitrary<Optional<Condition>> where = conditions(subquery ? 1 : 3).optional(0.7);
    Arbitrary<List<OrderBy>> orderBy = orderBys().list().ofMaxSize(3);
    Arbitrary<OptionalInt> limit = ints();
    Arbitrary<OptionalInt> offset = ints();
    return Combinators.combine(select, names(), alias, where, orderBy, limit, offset)
        .as((s, from, a, w, o, l, off) -> {
          boolean unbounded = !subquery && s.stream().anyMatch(
              i -> i instanceof SelectItem.Fields(FieldsKind k) && k != FieldsKind.STANDARD);
          OptionalInt bounded =
              unbounded && (l.isEmpty() || l.getAsInt() > 200) ? OptionalInt.of(200) : l;
          return new Query(s, from, a, w, o, bounded, off);
        });
  }

  private static Arbitrary<OptionalInt> ints() {
    return Arbitraries.oneOf(
        Arbitraries.just(OptionalInt.empty()),
        Arbitraries.integers().between(0, 2000).map(OptionalInt::of),
        Arbitraries.integers().between(0, Integer.MAX_VALUE).map(OptionalInt::of));
  }

  @Provide
  Arbitrary<Query> queries() {
    return queries(false);
  }

  // ------------------------------------------------------------------ random spelling

  /** Random keyword case, whitespace and equivalent escapes. */
  static final class RandomStyle implements SoqlRenderer.Style {
    private static final String[] SPACES = {" ", "  ", "\n", "\t", "\r\n", "\f", " \n\t "};
    private final Random random;

    RandomStyle(Random random) {
      this.random = random;
    }

    @Override
    public String keyword(String upperCase) {
      return switch (random.nextInt(3)) {
        case 0 -> upperCase;
        case 1 -> upperCase.toLowerCase(Locale.ROOT);
        default -> {
          StringBuilder s = new StringBuilder();
          for (char c : upperCase.toCharArray()) {
            s.append(random.nextBoolean() ? Character.toLowerCase(c) : c);
          }
          yield s.toString();
        }
      };
    }

    @Override
    public String space() {
      return SPACES[random.nextInt(SPACES.length)];
    }

    @Override
    public String gap() {
      return random.nextInt(3) == 0 ? space() : "";
    }

    @Override
    public String escape(char c, String canonical) {
      int choice = random.nextInt(8);
      if (choice == 0) {
        return String.format(Locale.ROOT, random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c);
      }
      if (choice == 1 && canonical.length() == 2 && canonical.charAt(0) == '\\'
          && "nrtbf".indexOf(canonical.charAt(1)) >= 0) {
        return "\\" + Character.toUpperCase(canonical.charAt(1));
      }
      if (choice == 2 && c == '"') {
        return "\\\"";
      }
      return canonical;
    }

    @Override
    public String optionalSpace() {
      return random.nextBoolean() ? "" : space();
    }

    @Override
    public boolean explicitAscending() {
      return random.nextBoolean();
    }
  }

}
