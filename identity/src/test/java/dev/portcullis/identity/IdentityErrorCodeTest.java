package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Users' scripts key on the codes: every one is documented. */
class IdentityErrorCodeTest {
  @Test
  void everyCodeIsDocumentedInIdentityMd() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "IDENTITY.md"));
    for (IdentityErrorCode code : IdentityErrorCode.values()) {
      assertThat(doc).as("docs/IDENTITY.md documents %s", code).contains("| `" + code.name() + "` |");
    }
  }
}
