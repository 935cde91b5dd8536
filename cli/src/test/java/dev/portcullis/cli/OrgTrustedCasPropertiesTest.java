package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * {@code certs check --org-trusted-cas}: the reader of the org's trusted CA list takes PEM certificates wherever they
 * stand in a file (a bundle, or the {@code /cacerts.jsp} page saved with markup around and inside the blocks), and
 * refuses anything else with a usage error, never another exception.
 */
class OrgTrustedCasPropertiesTest {
  /** Markup a saved page can put inside a block, between its lines. */
  private static final List<String> INSIDE = List.of("<br>", "<br/>", "<BR />", "\n", "\r\n", "<span class=\"b64\">",
      "</span>", "\n  ", "\t");
  /** Text and markup around the blocks. */
  private static final List<String> AROUND = List.of("</td><td>", "<pre>", "</pre>\n", "<p>Root &amp; more &lt;x&gt;</p>\n",
      "CN=Some Root, O=Example\n", "\n", "<tr><td>DigiCert Global Root G2</td>");

  @Property(tries = 200)
  void everyEmbeddedBlockIsReadInOrderWhateverTheMarkupAroundIt(@ForAll("ders") List<byte[]> certificates,
      @ForAll("inside") List<String> inside, @ForAll("around") List<String> around) throws Exception {
    StringBuilder page = new StringBuilder("<html><body><table>");
    int g = 0;
    int a = 0;
    for (byte[] der : certificates) {
      page.append(around.get(a++ % around.size())).append("-----BEGIN CERTIFICATE-----");
      for (String line : Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der).split("\n")) {
        page.append(inside.get(g++ % inside.size())).append(line);
      }
      page.append(inside.get(g++ % inside.size())).append("-----END CERTIFICATE-----");
    }
    page.append(around.get(a % around.size()));
    page.append("</table></body></html>");
    Path file = Files.createTempFile("cacerts", ".html");
    try {
      Files.writeString(file, page.toString(), StandardCharsets.ISO_8859_1);
      List<byte[]> read = CertsCheckCommand.orgTrustedRoots(file);
      assertThat(read).hasSameSizeAs(certificates);
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i)).isEqualTo(certificates.get(i));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Property(tries = 300)
  void arbitraryBytesAreReadOrRefusedWithAUsageError(@ForAll @Size(max = 2048) byte[] bytes) throws Exception {
    Path file = Files.createTempFile("cacerts", ".bin");
    try {
      Files.write(file, bytes);
      try {
        assertThat(CertsCheckCommand.orgTrustedRoots(file)).isNotEmpty();
      } catch (CliException e) {
        assertThat(e.getMessage()).contains("--org-trusted-cas", file.toString());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Property(tries = 100)
  void aBrokenBlockIsAUsageErrorNamingTheFile(@ForAll("ders") List<byte[]> certificates) throws Exception {
    String base64 = Base64.getEncoder().encodeToString(certificates.get(0));
    Path file = Files.createTempFile("cacerts", ".pem");
    try {
      Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64.substring(0, base64.length() / 2) + "!*\n"
          + "-----END CERTIFICATE-----\n");
      assertThatThrownBy(() -> CertsCheckCommand.orgTrustedRoots(file)).isInstanceOf(CliException.class)
          .hasMessageContaining("--org-trusted-cas");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<List<byte[]>> ders() {
    // the reader does not decode certificates (the anchors do, naming a bad one's position): any DER-like bytes
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(600).map(b -> {
      byte[] der = new byte[b.length + 2];
      der[0] = 0x30;
      der[1] = (byte) Math.min(b.length, 127);
      System.arraycopy(b, 0, der, 2, b.length);
      return der;
    }).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<String>> inside() {
    return Arbitraries.of(INSIDE).list().ofMinSize(1).ofMaxSize(8).map(ArrayList::new);
  }

  @Provide
  Arbitrary<List<String>> around() {
    return Arbitraries.of(AROUND).list().ofMinSize(1).ofMaxSize(4).map(ArrayList::new);
  }
}
