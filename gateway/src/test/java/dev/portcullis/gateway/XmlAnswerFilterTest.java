package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The XML filter on SOAP partner and enterprise answers and REST XML answers, shaped as the SOAP API
 * Developer Guide shows them ("Queries and the Partner WSDL", the query samples).
 */
class XmlAnswerFilterTest {
  static final RedactedFields SSN = RedactedFields.of(List.of("Contact.SSN__c"));
  static final RedactedFields NOTHING = RedactedFields.of(List.of());

  static final String PARTNER_QUERY = """
      <?xml version="1.0" encoding="UTF-8"?>
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" \
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:sobject.partner.soap.sforce.com">
       <soapenv:Body><queryResponse><result xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/>
        <records xsi:type="sf:sObject"><sf:type>Contact</sf:type><sf:Id>003A</sf:Id><sf:Id>003A</sf:Id>\
      <sf:LastName>Coyote &amp; Sons</sf:LastName><sf:SSN__c>900-12-3456</sf:SSN__c>\
      <sf:Account xsi:type="sf:sObject"><sf:type>Account</sf:type><sf:Id xsi:nil="true"/><sf:SSN__c>acct-visible</sf:SSN__c>\
      <sf:Contacts xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/>\
      <records xsi:type="sf:sObject"><sf:type>Contact</sf:type><sf:ssn__C><![CDATA[900-65-4321]]></sf:ssn__C></records>\
      <size>1</size></sf:Contacts></sf:Account></records>
        <size>1</size></result></queryResponse></soapenv:Body></soapenv:Envelope>
      """;

  static final String ENTERPRISE_RETRIEVE = """
      <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><retrieveResponse xmlns="urn:enterprise.soap.sforce.com">\
      <result xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>003A</sf:Id>\
      <sf:SSN__c xsi:type="xsd:string" xmlns:xsd="http://www.w3.org/2001/XMLSchema">900-12-3456</sf:SSN__c>\
      <sf:Email>w@acme.example</sf:Email></result></retrieveResponse></soapenv:Body></soapenv:Envelope>""";

  static final String REST_QUERY = """
      <?xml version="1.0" encoding="UTF-8"?><QueryResult><done>true</done><records type="Contact" \
      url="/services/data/v62.0/sobjects/Contact/003A"><Id>003A</Id><SSN__c>900-12-3456</SSN__c><Name>Wile</Name>\
      <Account type="Account" url="/services/data/v62.0/sobjects/Account/001A"><SSN__c>acct-visible</SSN__c></Account>\
      </records><totalSize>1</totalSize></QueryResult>""";

  static final String LOGIN_RESULT = """
      <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>\
      <metadataServerUrl>https://acme.my.salesforce.com/services/Soap/m/62.0/00D5e000000AbCd</metadataServerUrl>\
      <passwordExpired>false</passwordExpired><sandbox>false</sandbox>\
      <serverUrl>https://ACME.my.salesforce.com:443/services/Soap/u/62.0/00D5e000000AbCd?a=1&amp;b=2</serverUrl>\
      <sessionId>00D!x</sessionId><userInfo><orgName>https://acme.my.salesforce.com is our org</orgName>\
      <profile>https://acme.my.salesforce.com.example.net/x</profile><custom>https://acme.my.salesforce.com</custom>\
      <split>https://acme.my.<!-- c -->salesforce.com/x</split></userInfo></result></loginResponse></soapenv:Body>\
      </soapenv:Envelope>""";

  static byte[] filter(RedactedFields fields, byte[] input, int chunk) throws IOException {
    XmlAnswerFilter filter = new XmlAnswerFilter(fields, JsonAnswerFilterTest.LINKS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < input.length; at += chunk) {
      write(out, filter.feed(ByteBuffer.wrap(input, at, Math.min(chunk, input.length - at))));
    }
    write(out, filter.finish());
    return out.toByteArray();
  }

  static String filter(RedactedFields fields, String input, int chunk) throws IOException {
    return new String(filter(fields, input.getBytes(StandardCharsets.UTF_8), chunk), StandardCharsets.UTF_8);
  }

  static void write(ByteArrayOutputStream out, ByteBuffer bytes) {
    out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
  }

  @Test
  void partnerRecordsAreRedactedByTheirTypeElementNestedRecordsByTheirOwn() throws Exception {
    for (int chunk : new int[] {1, 7, 1 << 16}) {
      String out = filter(SSN, PARTNER_QUERY, chunk);
      assertThat(out).doesNotContain("900-")
          .isEqualTo(PARTNER_QUERY.replace("<sf:SSN__c>900-12-3456</sf:SSN__c>", "<sf:SSN__c xsi:nil=\"true\"/>")
              .replace("<sf:ssn__C><![CDATA[900-65-4321]]></sf:ssn__C>", "<sf:ssn__C xsi:nil=\"true\"/>"));
      assertThat(out).contains("<sf:SSN__c>acct-visible</sf:SSN__c>"); // Account.SSN__c is not redacted
    }
  }

  @Test
  void enterpriseRecordsAreTypedByXsiTypeAndKeepTheNamespacesTheyDeclare() throws Exception {
    assertThat(filter(SSN, ENTERPRISE_RETRIEVE, 5)).isEqualTo(ENTERPRISE_RETRIEVE.replace(
        "<sf:SSN__c xsi:type=\"xsd:string\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">900-12-3456</sf:SSN__c>",
        "<sf:SSN__c xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xsi:nil=\"true\"/>"));
  }

  @Test
  void restXmlRecordsAreTypedByTheirTypeAttributeAndXsiIsDeclaredWhereNeeded() throws Exception {
    assertThat(filter(SSN, REST_QUERY, 3)).isEqualTo(REST_QUERY.replace("<SSN__c>900-12-3456</SSN__c>",
        "<SSN__c xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>"));
  }

  @Test
  void elementsOfUnknownTypeLoseEveryChildOfARedactedName() throws Exception {
    String input = "<a><records><SSN__c>900-1</SSN__c><Name>x</Name></records><SSN__c><b>900-2</b></SSN__c></a>";
    assertThat(filter(SSN, input, 2)).isEqualTo("<a><records><SSN__c xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xsi:nil=\"true\"/><Name>x</Name></records><SSN__c xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xsi:nil=\"true\"/></a>");
  }

  @Test
  void textNodesThatAreLinksOnTheInstanceMoveToTheGateway() throws Exception {
    String expected = LOGIN_RESULT
        .replace("<metadataServerUrl>https://acme.my.salesforce.com/", "<metadataServerUrl>https://gw.example.com:8443/")
        .replace("<serverUrl>https://ACME.my.salesforce.com:443/", "<serverUrl>https://gw.example.com:8443/")
        .replace("<custom>https://acme.my.salesforce.com</custom>", "<custom>https://gw.example.com:8443</custom>");
    for (int chunk : new int[] {1, 4, 1 << 16}) {
      assertThat(filter(NOTHING, LOGIN_RESULT, chunk)).isEqualTo(expected);
      assertThat(filter(SSN, LOGIN_RESULT, chunk)).isEqualTo(expected);
    }
  }

  @Test
  void everySplitPointGivesTheSameOutput() throws Exception {
    for (String answer : List.of(PARTNER_QUERY, LOGIN_RESULT, REST_QUERY)) {
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      byte[] whole = filter(SSN, bytes, bytes.length);
      for (int split = 0; split <= bytes.length; split++) {
        XmlAnswerFilter filter = new XmlAnswerFilter(SSN, JsonAnswerFilterTest.LINKS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, filter.feed(ByteBuffer.wrap(bytes, 0, split)));
        write(out, filter.feed(ByteBuffer.wrap(bytes, split, bytes.length - split)));
        write(out, filter.finish());
        assertThat(out.toByteArray()).as("split at %d", split).isEqualTo(whole);
      }
    }
  }

  @Test
  void whatIsNotChangedPassesByteForByte() throws Exception {
    String input = "<?xml version='1.0'?>\n<!-- hi --><r a = 'x &amp; &#x41;' b=\"&quot;\" ><?pi data?><e>&lt;&#233;é"
        + "</e ><![CDATA[<not a tag>]]><e/>\r\n</r >\n";
    for (int chunk : new int[] {1, 3, 1000}) {
      assertThat(filter(SSN, input, chunk)).isEqualTo(input);
    }
  }

  @Test
  void redactingFiltersFailClosedOnWhatTheyCannotRead() {
    for (String bad : new String[] {"<r><SSN__c>900", "<r></x>", "<!DOCTYPE r [<!ENTITY e \"900\">]><r>&e;</r>",
        "<r>&undeclared;</r>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", "<r/><r/>", "<r/>trailing"}) {
      assertThatThrownBy(() -> filter(SSN, bad, 2)).as(bad).isInstanceOf(IOException.class);
    }
    String deep = "<a>".repeat(XmlAnswerFilter.MAX_DEPTH + 1);
    assertThatThrownBy(() -> filter(SSN, deep, 4096)).isInstanceOf(IOException.class);
  }

  @Test
  void withNothingToRedactWhatCannotBeReadPassesOnUnchanged() throws Exception {
    for (String bad : new String[] {"<r><serverUrl>https://acme.my.salesforce.com/x</serverUrl><oops", "not xml at all",
        "<!DOCTYPE r><r/>"}) {
      String out = filter(NOTHING, bad, 3);
      assertThat(out).as(bad).isEqualTo(bad.replace("https://acme.my.salesforce.com", "https://gw.example.com:8443"));
    }
    assertThat(filter(NOTHING, "", 1)).isEmpty();
    assertThat(filter(SSN, "", 1)).isEmpty();
  }
}
