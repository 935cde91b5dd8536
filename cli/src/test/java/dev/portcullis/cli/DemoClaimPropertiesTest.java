package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@code --claim NAME=VALUE}: VALUE is JSON when all of it parses as JSON, else the string as written. */
class DemoClaimPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property
  void jsonValuesStayJson(@ForAll("jsonValues") String json) throws Exception {
    assertThat(DemoIssuerClient.claim("c=" + json).value()).isEqualTo(JSON.readTree(json));
  }

  @Property
  void anythingElseIsTheStringAsWritten(@ForAll("words") String text) {
    JsonNode value = DemoIssuerClient.claim("name=" + text).value();
    assertThat(value.isTextual()).as(text).isTrue();
    assertThat(value.asText()).isEqualTo(text);
  }

  @Property
  void theNameIsEverythingBeforeTheFirstEquals(@ForAll("names") String name, @ForAll("words") String value) {
    DemoIssuerClient.Claim claim = DemoIssuerClient.claim(name + "=" + value + "=x");
    assertThat(claim.name()).isEqualTo(name);
    assertThat(claim.value().asText()).isEqualTo(value + "=x");
  }

  @Example
  void examples() {
    assertThat(DemoIssuerClient.claim("exp=1700000000").value().isNumber()).isTrue();
    assertThat(DemoIssuerClient.claim("ref_protected=\"true\"").value().asText()).isEqualTo("true");
    assertThat(DemoIssuerClient.claim("ref_protected=\"true\"").value().isTextual()).isTrue();
    assertThat(DemoIssuerClient.claim("flag=true").value().isBoolean()).isTrue();
    assertThat(DemoIssuerClient.claim("environment=null").value().isNull()).isTrue();
    assertThat(DemoIssuerClient.claim("aud=[\"a\",\"b\"]").value().isArray()).isTrue();
    assertThat(DemoIssuerClient.claim("ref=refs/heads/main").value().asText()).isEqualTo("refs/heads/main");
    assertThat(DemoIssuerClient.claim("n=12abc").value().asText()).isEqualTo("12abc");
    assertThat(DemoIssuerClient.claim("empty=").value().asText()).isEmpty();
    assertThatThrownBy(() -> DemoIssuerClient.claim("=x")).isInstanceOf(CliException.class);
    assertThatThrownBy(() -> DemoIssuerClient.claim("novalue")).hasMessageContaining("NAME=VALUE");
  }

  @Provide
  Arbitrary<String> jsonValues() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.of("true", "false", "null", "1.5", "-0", "[]", "{}", "[1,\"a\"]", "{\"k\":\"v\"}"),
        Arbitraries.strings().alpha().ofMaxLength(10).map(s -> "\"" + s + "\""));
  }

  @Provide
  Arbitrary<String> words() {
    // Starting with a letter other than those that begin JSON literals (t, f, n) keeps these non-JSON.
    return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30)
        .map(s -> "x" + s)
        .filter(s -> {
          try {
            JSON.readTree(s);
            return false;
          } catch (Exception e) {
            return true;
          }
        });
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(12);
  }
}
