package dev.portcullis.deploy.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The text rules of the package identity agree with their plain definitions, on any bytes. */
class PackageHashPropertiesTest {
  /** Bytes rich in CR, LF, NUL, ASCII and the bytes of multi-byte UTF-8 sequences (valid and broken). */
  @Provide
  Arbitrary<byte[]> text() {
    Arbitrary<Byte> interesting = Arbitraries.of((byte) '\r', (byte) '\n', (byte) 0, (byte) 'a', (byte) 0xC3,
        (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC, (byte) 0xFF);
    return Arbitraries.oneOf(interesting, Arbitraries.bytes()).array(byte[].class).ofMaxSize(64);
  }

  @Property(tries = 500)
  void lineEndingsAreThoseOfTheDefinition(@ForAll("text") byte[] bytes) {
    // ISO-8859-1 maps each byte to one char and back, so the replacement is exactly on bytes.
    String latin = new String(bytes, StandardCharsets.ISO_8859_1);
    byte[] expected = latin.replace("\r\n", "\n").replace('\r', '\n').getBytes(StandardCharsets.ISO_8859_1);
    assertThat(PackageHash.normaliseLineEndings(bytes)).isEqualTo(expected);
  }

  @Property(tries = 500)
  void textIsValidUtf8WithoutNul(@ForAll("text") byte[] bytes) {
    boolean valid;
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      valid = true;
    } catch (CharacterCodingException e) {
      valid = false;
    }
    boolean nul = false;
    for (byte b : bytes) {
      nul |= b == 0;
    }
    assertThat(PackageHash.isText(bytes)).isEqualTo(valid && !nul);
  }
}
