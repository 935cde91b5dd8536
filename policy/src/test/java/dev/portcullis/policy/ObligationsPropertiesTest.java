package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** {@link Obligations#merge} gives what merging pair by pair with {@link Obligations#mergeValues} gives. */
class ObligationsPropertiesTest {
  private static final List<String> NAMES = List.of("redact_fields", "max_records", "x_note", "require_approval");

  @Property(tries = 300)
  void approvalsMergeToTheStrictestCombination(@ForAll("approvalNeeds") Map<String, Object> a,
      @ForAll("approvalNeeds") Map<String, Object> b) {
    Optional<Object> merged = Obligations.mergeValues("require_approval", a, b);
    if (merged.isEmpty()) {
      return; // left as two obligations, each applied
    }
    Map<?, ?> m = (Map<?, ?>) merged.get();
    assertThat((Long) m.get("approvers")).isEqualTo(Math.max((Long) a.get("approvers"), (Long) b.get("approvers")));
    assertThat((List<?>) m.get("from")).isNotEmpty()
        .allMatch(name -> ((List<?>) a.get("from")).contains(name) && ((List<?>) b.get("from")).contains(name));
    assertThat((Long) m.get("valid_for_minutes"))
        .isEqualTo(Math.min((Long) a.get("valid_for_minutes"), (Long) b.get("valid_for_minutes")));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Map<String, Object>> approvalNeeds() {
    return net.jqwik.api.Combinators.combine(net.jqwik.api.Arbitraries.longs().between(1, 10),
        net.jqwik.api.Arbitraries.of("alice", "bob", "carol", "dave").set().ofMinSize(1).map(List::copyOf),
        net.jqwik.api.Arbitraries.longs().between(1, 600))
        .as((approvers, from, minutes) -> Map.<String, Object>of("approvers", approvers, "from", from,
            "valid_for_minutes", minutes));
  }

  @Property(tries = 1000)
  void mergingEqualsMergingPairByPair(@ForAll long seed) {
    Random random = new Random(seed);
    List<Rule> rules = new ArrayList<>();
    int count = random.nextInt(8);
    for (int i = 0; i < count; i++) {
      List<Obligation> obligations = new ArrayList<>();
      for (int o = random.nextInt(4); o > 0; o--) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        obligations.add(new Obligation(name, value(random), List.of("r" + i)));
      }
      rules.add(new Rule("r" + i, Decision.Effect.ALLOW, "true", null, List.of(), "", obligations, Optional.empty(),
          Set.of(), "p.yaml", i + 1));
    }
    assertThat(Obligations.merge(rules)).isEqualTo(pairByPair(rules));
  }

  /** Values of every kind that merge or do not: lists (with repeats), numbers, booleans, texts, mappings. */
  private static Object value(Random random) {
    return switch (random.nextInt(8)) {
      case 0, 1 -> {
        List<String> fields = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
          fields.add("Contact.F" + random.nextInt(4) + "__c");
        }
        yield fields;
      }
      case 2 -> (long) random.nextInt(10);
      case 3 -> random.nextInt(10) / 2.0;
      case 4 -> random.nextBoolean();
      case 5 -> random.nextBoolean() ? "a" : "b";
      case 6 -> random.nextBoolean() ? Map.of("approvers", (long) random.nextInt(3)) : Map.of("reason", "x");
      default -> Map.of("approvers", (long) random.nextInt(3), "from", List.of("alice", "bob", "carol").subList(0,
          1 + random.nextInt(3)), "valid_for_minutes", (long) (1 + random.nextInt(60)));
    };
  }

  /** The merge as first written: each obligation joins the first earlier one of its name that merges. */
  private static List<Obligation> pairByPair(List<Rule> rules) {
    List<Obligation> merged = new ArrayList<>();
    for (Rule rule : rules) {
      for (Obligation next : rule.obligations()) {
        boolean absorbed = false;
        for (int i = 0; i < merged.size() && !absorbed; i++) {
          Obligation have = merged.get(i);
          if (have.name().equals(next.name())) {
            Optional<Object> value = Obligations.mergeValues(have.name(), have.value(), next.value());
            if (value.isPresent()) {
              List<String> from = new ArrayList<>(have.rules());
              if (!from.contains(rule.id())) {
                from.add(rule.id());
              }
              merged.set(i, new Obligation(have.name(), value.get(), from));
              absorbed = true;
            }
          }
        }
        if (!absorbed) {
          merged.add(next);
        }
      }
    }
    return merged;
  }
}
