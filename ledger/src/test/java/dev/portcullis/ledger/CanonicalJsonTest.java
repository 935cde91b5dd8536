package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {

  private static final String VECTORS = "/dev/portcullis/ledger/jcs/";

  @ParameterizedTest
  @ValueSource(strings = {"values", "weird", "structures", "french", "unicode"})
  void publishedInputsCanonicalizeToThePublishedOutputs(String name) {
    byte[] input = resource("input/" + name + ".json");
    byte[] expected = resource("output/" + name + ".json");

    byte[] canonical = CanonicalJson.canonicalize(input);

    assertThat(new String(canonical, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(canonical).isEqualTo(expected);
    assertThat(CanonicalJson.canonicalize(expected)).as("canonical form is a fixed point").isEqualTo(expected);
  }

  static Stream<Arguments> numberSamples() {
    String text = new String(resource("numbers.txt"), StandardCharsets.UTF_8);
    List<Arguments> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(" ");
      samples.add(Arguments.of(parts[0], parts[1]));
    }
    assertThat(samples).hasSize(26);
    return samples.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("numberSamples")
  void numbersSerializeAsRfc8785AppendixB(String ieeeHex, String expected) {
    double value = Double.longBitsToDouble(HexFormat.fromHexDigitsToLong(ieeeHex));

    if (expected.equals("error")) {
      assertThatThrownBy(() -> CanonicalJson.serialize(value))
          .isInstanceOfSatisfying(
              LedgerException.class,
              e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.MALFORMED_JSON))
          .hasMessageContaining("not a JSON number");
      return;
    }
    assertThat(new String(CanonicalJson.serialize(value), StandardCharsets.UTF_8)).isEqualTo(expected);
    // Reading the canonical text back gives the same number again.
    Object back = CanonicalJson.parse(expected.getBytes(StandardCharsets.US_ASCII));
    assertThat(((Number) back).doubleValue()).isEqualTo(value == 0 ? 0.0 : value);
  }

  @Test
  void membersSortByUtf16CodeUnitsNotCodePoints() {
    // U+10000 is the surrogate pair D800 DC00, which sorts before U+E000 in UTF-16.
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("\uE000", 1L);
    object.put("\uD800\uDC00", 2L);
    object.put("b", 3L);
    object.put("B", 4L);

    assertThat(new String(CanonicalJson.serialize(object), StandardCharsets.UTF_8))
        .isEqualTo("{\"B\":4,\"b\":3,\"\uD800\uDC00\":2,\"\uE000\":1}");
  }

  @Test
  void controlCharactersUseTheShortestEscapeAndEverythingElseIsLiteral() {
    String value = "\u0000\b\t\n\f\r\u001f \"\\/\u007f\u2028é😂";

    assertThat(new String(CanonicalJson.serialize(value), StandardCharsets.UTF_8))
        .isEqualTo("\"\\u0000\\b\\t\\n\\f\\r\\u001f \\\"\\\\/\u007f\u2028é😂\"");
  }

  @Test
  void integersAndIntegralDoublesPrintAsDigits() {
    assertThat(text(List.of(0L, -0.0, 1.0, 56.0, -7, 9007199254740992L, 1e21, 1e20)))
        .isEqualTo("[0,0,1,56,-7,9007199254740992,1e+21,100000000000000000000]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "'a'",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "0x10",
        "NaN",
        "Infinity",
        "1e400",
        "-1e400",
        "tru",
        "nul",
        "\"abc",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"tab\there\"",
        "{} {}",
        "[1] x",
        "{\"a\":1,\"a\":2}",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\ud83d x\"",
        "\uFEFF{}",
      })
  void malformedOrNonIJsonIsRefusedWithAnOffset(String json) {
    assertThatThrownBy(() -> CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.MALFORMED_JSON))
        .hasMessageStartingWith("JSON");
  }

  @Test
  void aDuplicateNameIsNamedWithItsOffset() {
    assertThatThrownBy(() -> parse("{\"kind\":1,\n\"kind\":2}"))
        .hasMessage("JSON offset 11: duplicate member name \"kind\" (I-JSON, RFC 7493 §2.3)");
  }

  @Test
  void invalidUtf8IsRefusedAtItsByte() {
    byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
    byte[] truncated = {'"', 'a', (byte) 0xE2, (byte) 0x82};
    byte[] encodedSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};

    for (byte[] bad : List.of(overlong, truncated, encodedSurrogate)) {
      assertThatThrownBy(() -> CanonicalJson.parse(bad))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("not valid UTF-8");
    }
  }

  @Test
  void nestingIsBounded() {
    String deep = "[".repeat(CanonicalJson.MAX_DEPTH + 2) + "]".repeat(CanonicalJson.MAX_DEPTH + 2);
    String fine = "[".repeat(CanonicalJson.MAX_DEPTH) + "]".repeat(CanonicalJson.MAX_DEPTH);

    assertThatThrownBy(() -> parse(deep)).hasMessageContaining("nest deeper than");
    assertThat(CanonicalJson.canonicalize(fine.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(fine.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsedValuesAreUnmodifiableAndTyped() {
    Object parsed = parse("{\"b\":[1,2.5,\"x\",true,null],\"a\":{}}");

    assertThat(parsed).isInstanceOf(Map.class);
    Map<?, ?> object = (Map<?, ?>) parsed;
    assertThat(new ArrayList<Object>(object.keySet())).containsExactly("a", "b");
    assertThat(new ArrayList<Object>((List<?>) object.get("b"))).containsExactly(1L, 2.5, "x", true, null);
    assertThatThrownBy(() -> ((Map<?, ?>) parsed).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void valuesJsonCannotHoldAreRefusedByTheWriter() {
    assertThatThrownBy(() -> CanonicalJson.serialize(Map.of("n", 9007199254740993L)))
        .hasMessageContaining("'/n'")
        .hasMessageContaining("2^53");
    assertThatThrownBy(() -> CanonicalJson.serialize(List.of("ok", "\uD800")))
        .hasMessageContaining("'/1'")
        .hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> CanonicalJson.serialize(Map.of("when", new Object())))
        .hasMessageContaining("java.lang.Object");
  }

  private static Object parse(String json) {
    return CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Object value) {
    return new String(CanonicalJson.serialize(value), StandardCharsets.UTF_8);
  }

  static byte[] resource(String name) {
    try (InputStream in = CanonicalJsonTest.class.getResourceAsStream(VECTORS + name)) {
      assertThat(in).as("test resource " + VECTORS + name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
