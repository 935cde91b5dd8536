package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@code .forceignore} matching: the per-segment shortcut agrees with the whole-path regex it stands for. */
class ForceIgnorePropertiesTest {
  @Provide
  Arbitrary<String> pattern() {
    return Arbitraries.strings().withChars('a', 'b', '.', '*', '?', '/').ofMinLength(1).ofMaxLength(8);
  }

  @Provide
  Arbitrary<String> path() {
    return Arbitraries.strings().withChars('a', 'b', '.', '/').ofMaxLength(10);
  }

  @Property(tries = 2000)
  void theSegmentShortcutMatchesWhatTheRegexMatches(@ForAll("pattern") String pattern, @ForAll("path") String path) {
    ForceIgnore.Rule rule = ForceIgnore.rule(pattern);
    assertThat(rule.matches(path, path.split("/", -1)))
        .as("pattern %s, path %s", pattern, path)
        .isEqualTo(rule.pattern().matcher(path).matches());
  }

  @Test
  void theDefaultsLeaveOutDotFilesDuplicatesAndPackagingFiles() {
    ForceIgnore ignore = ForceIgnore.of(List.of("**/jsconfig.json", "!main/default/lwc/keep/.eslintrc.json"));
    assertThat(ignore.ignores("force-app/main/default/lwc/.eslintrc.json")).isTrue();
    assertThat(ignore.ignores("force-app/.hidden/classes/A.cls")).isTrue();
    assertThat(ignore.ignores("force-app/main/default/classes/A.cls.dup")).isTrue();
    assertThat(ignore.ignores("force-app/package2-descriptor.json")).isTrue();
    assertThat(ignore.ignores("force-app/main/default/lwc/x/jsconfig.json")).isTrue();
    assertThat(ignore.ignores("force-app/main/default/classes/A.cls")).isFalse();
    assertThat(ignore.ignores("force-app/main/default/lwc/keep/.eslintrc.json")).isTrue(); // anchored at the root
    assertThat(ForceIgnore.of(List.of("!force-app/main/default/lwc/keep/.eslintrc.json"))
        .ignores("force-app/main/default/lwc/keep/.eslintrc.json")).isFalse();
  }
}
