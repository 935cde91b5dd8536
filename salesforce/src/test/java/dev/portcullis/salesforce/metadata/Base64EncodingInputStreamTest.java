package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The streaming encoder equals the JDK's one-shot encoder, block boundaries included, and refuses a source that changed size. */
class Base64EncodingInputStreamTest {
  @Property(tries = 60)
  void streamingEqualsOneShotAndTheLengthIsKnownAhead(@ForAll("sizes") int size, @ForAll("readSizes") int readSize) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    byte[] streamed;
    try (InputStream in = new Base64EncodingInputStream(new ByteArrayInputStream(data), size)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[readSize];
      for (int n; (n = in.read(buffer, 0, readSize)) >= 0; ) {
        out.write(buffer, 0, n);
      }
      streamed = out.toByteArray();
    }
    assertThat(streamed).isEqualTo(Base64.getEncoder().encode(data));
    assertThat((long) streamed.length).isEqualTo(Base64EncodingInputStream.encodedLength(size));
  }

  @Provide
  Arbitrary<Integer> sizes() {
    int block = 3 * 16 * 1024;
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 10), Arbitraries.of(block - 1, block, block + 1, 2 * block, 2 * block + 2),
        Arbitraries.integers().between(0, 3 * block));
  }

  @Provide
  Arbitrary<Integer> readSizes() {
    return Arbitraries.of(1, 3, 4, 1000, 8192, 1 << 20);
  }

  @Test
  void aSourceThatGrewOrShrankIsAnError() {
    assertThatThrownBy(() -> new Base64EncodingInputStream(new ByteArrayInputStream(new byte[10]), 9).readAllBytes())
        .isInstanceOf(IOException.class).hasMessageContaining("longer than the 9 bytes");
    assertThatThrownBy(() -> new Base64EncodingInputStream(new ByteArrayInputStream(new byte[10]), 11).readAllBytes())
        .isInstanceOf(IOException.class).hasMessageContaining("10 bytes, not the 11");
    byte[] big = new byte[3 * 16 * 1024 + 5];
    assertThatThrownBy(() -> new Base64EncodingInputStream(new ByteArrayInputStream(big), 100).readAllBytes())
        .isInstanceOf(IOException.class).hasMessageContaining("longer than the 100 bytes");
  }
}
