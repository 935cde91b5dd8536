package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryLedgerReaderTest {
  @TempDir
  Path root;

  @Test
  void readsFilesAndAnswersNullForAbsentOnes() throws IOException {
    Files.createDirectories(root.resolve("tile/0"));
    Files.write(root.resolve("tile/0/000"), new byte[32]);
    LedgerReader reader = LedgerReader.directory(root);

    assertThat(reader.read("tile/0/000")).hasSize(32);
    assertThat(reader.tiles().read(0, 0, 256)).hasSize(32);
    assertThat(reader.read("checkpoint")).isNull();
    assertThat(reader.read("tile/9/x001/000")).isNull();
    assertThat(reader.open("checkpoint-history")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../secret", "tile/../../secret", "/etc/passwd", "tile//0", "tile/./0", "tile\\0",
      "", "tile/0/000?x=1", "tile/0/%2e%2e"})
  void refusesNonCanonicalPaths(String path) {
    LedgerReader reader = LedgerReader.directory(root);

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read(path))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_REFUSED));
  }

  @Test
  void refusesSymbolicLinksLeadingOutside(@TempDir Path outside) throws IOException {
    Files.writeString(outside.resolve("secret"), "x");
    Files.createSymbolicLink(root.resolve("checkpoint"), outside.resolve("secret"));
    Files.createSymbolicLink(root.resolve("tile"), outside);

    LedgerReader reader = LedgerReader.directory(root);

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_REFUSED))
        .withMessageContaining("outside the ledger directory");
    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> reader.read("tile/secret"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_REFUSED));
  }

  @Test
  void followsSymbolicLinksInside() throws IOException {
    Files.writeString(root.resolve("real"), "x");
    Files.createSymbolicLink(root.resolve("checkpoint"), root.resolve("real"));

    assertThat(LedgerReader.directory(root).read("checkpoint")).containsExactly('x');
  }

  @Test
  void aDirectoryWhereAFileShouldBeFailsNamingIt() throws IOException {
    Files.createDirectories(root.resolve("checkpoint"));

    assertThatExceptionOfType(LedgerException.class).isThrownBy(() -> LedgerReader.directory(root).read("checkpoint"))
        .satisfies(e -> assertThat(e.code()).isEqualTo(LedgerErrorCode.READ_FAILED))
        .withMessageContaining("checkpoint");
  }
}
