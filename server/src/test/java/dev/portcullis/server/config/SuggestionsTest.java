package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

class SuggestionsTest {
  @Property
  void distanceIsAMetricOnSmallStrings(
      @ForAll @AlphaChars @StringLength(max = 12) String a,
      @ForAll @AlphaChars @StringLength(max = 12) String b) {
    assertThat(Suggestions.distance(a, a)).isZero();
    assertThat(Suggestions.distance(a, b)).isEqualTo(Suggestions.distance(b, a));
    assertThat(Suggestions.distance(a, b)).isLessThanOrEqualTo(Math.max(a.length(), b.length()));
  }

  @Property
  void oneTypoFindsTheField(@ForAll("fields") String field) {
    String typo = field.substring(0, field.length() - 1);
    assertThat(Suggestions.closest(typo, List.of("consumer_key", "username", "instance_url", "private_key")))
        .contains(field);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> fields() {
    return net.jqwik.api.Arbitraries.of("consumer_key", "username", "instance_url", "private_key");
  }
}
