package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The envelope writer: exact bytes, escaping, refusal of characters XML cannot carry. */
class SoapEnvelopeTest {
  static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
      + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
      + "<soapenv:Header><SessionHeader><sessionId>";

  @Test
  void anEnvelopeIsOneLineWithTheSessionInTheHeaderAndTheOperationInTheBody() {
    String xml = SoapEnvelope.open("00Dxx!AQ.token", "describeMetadata").element("asOfVersion", "66.0").closed("describeMetadata");
    assertThat(xml).isEqualTo(HEAD + "00Dxx!AQ.token</sessionId></SessionHeader></soapenv:Header><soapenv:Body>"
        + "<describeMetadata><asOfVersion>66.0</asOfVersion></describeMetadata></soapenv:Body></soapenv:Envelope>");
  }

  @Test
  void markupCharactersAreEscapedAndCarriageReturnsKept() {
    String xml = SoapEnvelope.fragment().element("type", "a&b<c>d\"e'f\r\ng\th").opened();
    assertThat(xml).isEqualTo("<type>a&amp;b&lt;c&gt;d\"e'f&#13;\ng\th</type>");
  }

  @Test
  void charactersXmlCannotCarryAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> SoapEnvelope.fragment().element("members", "Acme\u0000"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members").hasMessageContaining("U+0000");
    assertThatThrownBy(() -> SoapEnvelope.fragment().element("members", "x\uD800y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+D800");
    assertThatThrownBy(() -> SoapEnvelope.fragment().element("members", "\uFFFF"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SoapEnvelope.fragment().element("members", "caf\u00e9 \uD83D\uDE00").opened())
        .isEqualTo("<members>caf\u00e9 \uD83D\uDE00</members>");
  }

  @Test
  void theDeployTailHoldsEveryOptionInWsdlOrder() {
    DeployOptions options = DeployOptions.builder().checkOnly(true).singlePackage(true)
        .runSpecifiedTests(java.util.List.of("AccountServiceTest", "Other<Test>")).build();
    assertThat(MetadataClient.deployTail(options)).isEqualTo("</ZipFile><DeployOptions>"
        + "<allowMissingFiles>false</allowMissingFiles><autoUpdatePackage>false</autoUpdatePackage>"
        + "<checkOnly>true</checkOnly><ignoreWarnings>false</ignoreWarnings><performRetrieve>false</performRetrieve>"
        + "<purgeOnDelete>false</purgeOnDelete><rollbackOnError>true</rollbackOnError>"
        + "<runTests>AccountServiceTest</runTests><runTests>Other&lt;Test&gt;</runTests>"
        + "<singlePackage>true</singlePackage><testLevel>RunSpecifiedTests</testLevel></DeployOptions>"
        + "</deploy></soapenv:Body></soapenv:Envelope>");
    assertThat(MetadataClient.deployTail(DeployOptions.defaults())).doesNotContain("testLevel", "runTests");
  }

  /** Whatever text goes in comes back out of the parser unchanged. */
  @Property(tries = 300)
  void escapedTextParsesBackToItself(@ForAll("xmlText") String text) throws Exception {
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + SoapEnvelope.fragment().element("value", text).opened();
    XmlElement parsed = XmlElement.parse(xml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.text()).isEqualTo(text);
  }

  /** A string with a character XML 1.0 cannot carry is refused, never sent altered. */
  @Property(tries = 200)
  void textWithAForbiddenCharacterIsRefused(@ForAll("xmlText") String prefix, @ForAll("forbidden") char bad,
      @ForAll("xmlText") String suffix) {
    assertThatThrownBy(() -> SoapEnvelope.fragment().element("value", prefix + bad + suffix))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<String> xmlText() {
    Arbitrary<Character> chars = Arbitraries.oneOf(
        Arbitraries.of('&', '<', '>', '"', '\'', '\r', '\n', '\t', ']', ';', '#'),
        Arbitraries.chars().range(' ', '~'),
        Arbitraries.chars().range('\u00a0', '\ud7ff'));
    return chars.list().ofMaxSize(40).map(list -> {
      StringBuilder s = new StringBuilder();
      list.forEach(s::append);
      return s.toString();
    });
  }

  @Provide
  Arbitrary<Character> forbidden() {
    return Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u0008'), Arbitraries.of('\u000b', '\u000c', '\ufffe', '\uffff'),
        Arbitraries.chars().range('\u000e', '\u001f'), Arbitraries.chars().range('\udc00', '\udfff'));
  }
}
