package dev.portcullis.certs.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Arbitrary bytes given to the loaders: a chain or a {@link SourceException}, never another exception. */
class CertificateSourcePropertiesTest {
  private static final SourcePki PKI = new SourcePki();
  private static final byte[] PEM = SourcePki.pem(PKI.leaf, PKI.intermediate).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] P12 = p12();

  private static byte[] p12() {
    try {
      Path file = Files.createTempFile("portcullis-p12", ".p12");
      PKI.write(PKI.keyStore("PKCS12", "pw".toCharArray(), "pw".toCharArray()), file, "pw".toCharArray());
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 300)
  void arbitraryBytesAsPemNeverThrowAnythingElse(@ForAll @Size(max = 4096) byte[] bytes) throws IOException {
    loadPem(bytes);
  }

  @Property(tries = 300)
  void aValidPemChainWithOneByteChangedNeverThrowsAnythingElse(@ForAll("pemMutations") byte[] bytes) throws IOException {
    loadPem(bytes);
  }

  @Property(tries = 200)
  void arbitraryBytesAsAKeystoreNeverThrowAnythingElse(@ForAll @Size(max = 4096) byte[] bytes) throws IOException {
    loadKeystore(bytes);
  }

  @Property(tries = 200)
  void aValidPkcs12WithOneByteChangedOrTruncatedNeverThrowsAnythingElse(@ForAll("p12Mutations") byte[] bytes) throws IOException {
    loadKeystore(bytes);
  }

  @Provide
  Arbitrary<byte[]> pemMutations() {
    return mutations(PEM);
  }

  @Provide
  Arbitrary<byte[]> p12Mutations() {
    return mutations(P12);
  }

  private static Arbitrary<byte[]> mutations(byte[] original) {
    Arbitrary<byte[]> changed = Arbitraries.integers().between(0, original.length - 1).flatMap(index ->
        Arbitraries.integers().between(0, 255).map(value -> {
          byte[] copy = original.clone();
          copy[index] = (byte) value.intValue();
          return copy;
        }));
    Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, original.length - 1)
        .map(length -> java.util.Arrays.copyOf(original, length));
    return Arbitraries.oneOf(changed, truncated);
  }

  private static void loadPem(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("portcullis-fuzz", ".pem");
    try {
      Files.write(file, bytes);
      try {
        FoundChain chain = CertificateSource.pem(file);
        assertThat(chain.certificates()).isNotEmpty();
      } catch (SourceException e) {
        assertThat(e.getMessage()).startsWith(file.toString());
      }
    } finally {
      Files.delete(file);
    }
  }

  private static void loadKeystore(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("portcullis-fuzz", ".p12");
    try {
      Files.write(file, bytes);
      try {
        assertThat(CertificateSource.keystore(file, "pw".toCharArray())).isNotEmpty();
      } catch (SourceException e) {
        assertThat(e.getMessage()).startsWith(file.toString());
      }
    } finally {
      Files.delete(file);
    }
  }
}
