package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The loader and the bundle hash under random input. */
class BundlePropertiesTest {
  private static final String VALID = """
      params: { repos: [acme/a] }
      rules:
        - id: r1
          effect: allow
          when: principal.kind == "github" && principal.claims.repository in params.repos
          session: { max_ttl: 15m, scopes: [api:read] }
        - id: r2
          effect: deny
          when: org.environment == "production" && request.operation == "delete"
      """;

  /** Any bytes: the loader answers with a bundle or PolicyException, never anything else. */
  @Property(tries = 300)
  void randomBytesNeverThrowAnythingButPolicyException(@ForAll byte[] bytes) {
    load(Map.of("p.yaml", bytes));
  }

  /** Any text, including YAML-looking garbage made of the format's own words. */
  @Property(tries = 500)
  void yamlishGarbageNeverThrowsAnythingButPolicyException(@ForAll("yamlish") String text) {
    load(Map.of("p.yaml", text.getBytes(StandardCharsets.UTF_8)));
    load(Map.of("p.yaml", VALID.getBytes(StandardCharsets.UTF_8), "x_test.yaml", text.getBytes(StandardCharsets.UTF_8)));
  }

  /** A valid file with one random cut or one random character replaced loads or reports positioned problems. */
  @Property(tries = 500)
  void mutatedValidFilesLoadOrReportProblemsInsideTheFile(@ForAll @IntRange(min = 0, max = 400) int at,
      @ForAll("yamlChars") char replacement, @ForAll boolean cut) {
    int index = at % VALID.length();
    String text = cut ? VALID.substring(0, index) : VALID.substring(0, index) + replacement + VALID.substring(index + 1);
    Optional<List<PolicyProblem>> problems = load(Map.of("p.yaml", text.getBytes(StandardCharsets.UTF_8)));
    long lines = text.lines().count() + 1;
    problems.ifPresent(list -> assertThat(list).allSatisfy(problem -> {
      assertThat(problem.line()).isBetween(0, (int) lines);
      assertThat(problem.column()).isGreaterThanOrEqualTo(0);
      assertThat(problem.message()).isNotBlank();
    }));
  }

  /** Random decision inputs never make decide throw; the decision always names the bundle. */
  @Property(tries = 300)
  void decideNeverThrows(@ForAll("claims") Map<String, Object> claims, @ForAll("words") String environment,
      @ForAll @LongRange(min = 0, max = 100_000) long records) throws Exception {
    PolicyBundle bundle = Bundles.of("p.yaml", VALID);
    DecisionInput input = Bundles.input()
        .principal(new DecisionInput.Principal("github", "", "", claims))
        .org(new DecisionInput.Org("", environment, ""))
        .request(new DecisionInput.Request("rest", "delete", "", List.of(), records, 0))
        .build();
    assertThat(bundle.decide(input).bundleHash()).isEqualTo(bundle.hash());
  }

  /** Durations: what format writes, parse reads back. */
  @Property
  void durationsRoundTrip(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long millis) {
    Duration duration = Duration.ofMillis(millis);
    assertThat(Durations.parse(Durations.format(duration))).contains(duration);
  }

  /** Flipping any bit of any policy file changes the hash. */
  @Property(tries = 300)
  void anyByteChangeChangesTheHash(@ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    Map<String, byte[]> files = twoFiles();
    String hash = BundleHash.of(sorted(files));
    List<String> names = new ArrayList<>(files.keySet());
    String name = names.get(position % names.size());
    byte[] changed = files.get(name).clone();
    changed[position % changed.length] ^= (byte) (1 << bit);
    files.put(name, changed);
    assertThat(BundleHash.of(sorted(files))).isNotEqualTo(hash);
  }

  /** Moving bytes from the end of one file to the start of the next (same concatenation) changes the hash. */
  @Property(tries = 100)
  void theBoundaryBetweenFilesIsPartOfTheHash(@ForAll @IntRange(min = 1, max = 50) int moved) {
    Map<String, byte[]> files = twoFiles();
    String hash = BundleHash.of(sorted(files));
    byte[] a = files.get("a.yaml");
    byte[] b = files.get("b.yaml");
    int n = Math.min(moved, a.length);
    byte[] a2 = java.util.Arrays.copyOf(a, a.length - n);
    byte[] b2 = new byte[b.length + n];
    System.arraycopy(a, a.length - n, b2, 0, n);
    System.arraycopy(b, 0, b2, n, b.length);
    files.put("a.yaml", a2);
    files.put("b.yaml", b2);
    assertThat(BundleHash.of(sorted(files))).isNotEqualTo(hash);
  }

  /** The order in which files are listed does not change the hash, nor does a test file. */
  @Property(tries = 50)
  void listingOrderAndTestFilesDoNotChangeTheHash(@ForAll long seed) throws Exception {
    Map<String, byte[]> files = twoFiles();
    files.put("c/d.yml", "rules: []\n".getBytes(StandardCharsets.UTF_8));
    String expected = PolicyBundle.fromFiles("x", files).hash();
    List<String> names = new ArrayList<>(files.keySet());
    Collections.shuffle(names, new Random(seed));
    Map<String, byte[]> shuffled = new LinkedHashMap<>();
    names.forEach(name -> shuffled.put(name, files.get(name)));
    shuffled.put("z_test.yaml", ("tests: []\n# " + seed).getBytes(StandardCharsets.UTF_8));
    assertThat(PolicyBundle.fromFiles("y", shuffled).hash()).isEqualTo(expected);
  }

  @Property(tries = 1)
  void renamingAFileChangesTheHash() throws Exception {
    Map<String, byte[]> files = twoFiles();
    String hash = PolicyBundle.fromFiles("x", files).hash();
    files.put("renamed.yaml", files.remove("b.yaml"));
    assertThat(PolicyBundle.fromFiles("x", files).hash()).isNotEqualTo(hash);
  }

  private static Map<String, byte[]> twoFiles() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("a.yaml", VALID.getBytes(StandardCharsets.UTF_8));
    files.put("b.yaml", "rules:\n  - { id: other, effect: allow, when: 'org.alias == \"x\"' }\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  private static java.util.SortedMap<String, byte[]> sorted(Map<String, byte[]> files) {
    java.util.SortedMap<String, byte[]> sorted = new TreeMap<>(BundleHash.ORDER);
    sorted.putAll(files);
    return sorted;
  }

  /** Loads; returns the problems, or empty when it loaded. Any exception other than PolicyException fails the property. */
  private static Optional<List<PolicyProblem>> load(Map<String, byte[]> files) {
    try {
      PolicyBundle.fromFiles("t", files);
      return Optional.empty();
    } catch (PolicyException e) {
      assertThat(e.problems()).isNotEmpty();
      return Optional.of(e.problems());
    }
  }

  @Provide
  Arbitrary<String> yamlish() {
    Arbitrary<String> tokens = Arbitraries.of("rules:", "params:", "tests:", "- ", "id: ", "effect: ", "allow", "deny",
        "when: ", "reason: ", "obligations: ", "session: ", "max_ttl: ", "scopes: ", "[", "]", "{", "}", ",", ":",
        "\n", "  ", "    ", "\"", "'", "|", ">", "&a ", "*a", "!!int ", "!!binary ", "? ", "#", "true", "null", "1e999",
        "99999999999999999999", "principal.kind", "==", "&&", "||", "(", ")", "params.x", "org.", "max_records: ",
        "redact_fields: ", "input: ", "expect: ", "name: ", "15m", "-1", "api:read", "\t", "%YAML 1.2\n", "---\n", "...\n",
        "\u0000", "\uFEFF", "é", "😀");
    return tokens.list().ofMaxSize(60).map(list -> String.join("", list));
  }

  @Provide
  Arbitrary<Character> yamlChars() {
    return Arbitraries.of(':', '-', '[', ']', '{', '}', '"', '\'', '\n', ' ', '#', '&', '*', '!', '|', '>', 'x', '(', '.');
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.strings().ofMaxLength(12);
  }

  @Provide
  Arbitrary<Map<String, Object>> claims() {
    Arbitrary<Object> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(10).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(3).map(l -> (Object) l));
    return Arbitraries.maps(Arbitraries.of("repository", "ref", "ref_type", "x", ""), values).ofMaxSize(4);
  }
}
