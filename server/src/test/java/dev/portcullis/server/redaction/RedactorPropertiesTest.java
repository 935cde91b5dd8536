package dev.portcullis.server.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RedactorPropertiesTest {
  @Property
  void anAccessTokenNeverSurvivesWhateverSurroundsIt(
      @ForAll("accessTokens") String token, @ForAll("prose") String before, @ForAll("prose") String after) {
    String redacted = Redactor.redact(before + " " + token + " " + after);
    assertThat(redacted).doesNotContain(token.substring(token.indexOf('!')));
  }

  @Property
  void aJwtNeverSurvives(@ForAll("jwts") String jwt, @ForAll("prose") String before) {
    String redacted = Redactor.redact(before + " jwt=" + jwt + "; done");
    assertThat(redacted).doesNotContain(jwt.substring(jwt.indexOf('.')));
  }

  @Property
  void redactingTwiceChangesNothingMore(@ForAll("accessTokens") String token, @ForAll("prose") String text) {
    String once = Redactor.redact(text + " " + token + " password=" + text.length());
    assertThat(Redactor.redact(once)).isEqualTo(once);
  }

  @Provide
  Arbitrary<String> accessTokens() {
    Arbitrary<String> orgId = Arbitraries.strings().alpha().numeric().ofLength(15);
    Arbitrary<String> opaque = Arbitraries.strings().alpha().numeric().withChars('.', '_').ofMinLength(20).ofMaxLength(100)
        .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
    return Combinators.combine(orgId, opaque).as((id, rest) -> "00D" + id.substring(3) + "!" + rest);
  }

  @Provide
  Arbitrary<String> jwts() {
    Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_').ofMinLength(8).ofMaxLength(60);
    return Combinators.combine(part, part, part).as((header, payload, signature) -> "eyJ" + header + "." + payload + "." + signature);
  }

  @Provide
  Arbitrary<String> prose() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars(' ', ',', ':', '(', ')').ofMaxLength(40);
  }
}
