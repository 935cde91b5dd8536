package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random Salesforce XML answers (partner, enterprise and REST shapes; relationship records and
 * subquery results nested to depth 3; escaped text, CDATA, links on the instance and on look-alike
 * hosts), split into random chunk sizes: the output holds no value of a redacted field and is,
 * byte for byte, the input with each redacted element made {@code xsi:nil} and each link moved.
 */
class XmlAnswerFilterPropertiesTest {
  static final RedactedFields REDACTED = RedactedFields.of(List.of("Contact.SSN__c", "Case.Description"));
  static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  static final String[] TYPES = {"Contact", "contact", "Account", "Case", "Opportunity"};
  static final String[] FIELDS = {"Id", "Name", "SSN__c", "ssn__C", "Description", "Email", "Website"};
  static final String[] RELATIONSHIPS = {"Account", "Contact", "Owner"};
  static final String[] CHILDREN = {"Contacts", "Cases"};

  enum Style { PARTNER, ENTERPRISE, REST }

  /** The answer as Salesforce would send it, and as the filter must pass it on. */
  static final class Answer {
    final StringBuilder input = new StringBuilder();
    final StringBuilder expected = new StringBuilder();
    final Style style;
    /** Whether {@code xsi} is declared on the root (always for SOAP). */
    final boolean xsiDeclared;

    Answer(Style style, boolean xsiDeclared) {
      this.style = style;
      this.xsiDeclared = xsiDeclared;
    }

    Answer both(String text) {
      input.append(text);
      expected.append(text);
      return this;
    }
  }

  @Property(tries = 300)
  void redactsExactlyTheRedactedFieldsAndMovesLinks(@ForAll long seed, @ForAll @IntRange(min = 1, max = 97) int chunk)
      throws Exception {
    Random random = new Random(seed);
    Style style = Style.values()[random.nextInt(3)];
    Answer answer = new Answer(style, style != Style.REST || random.nextBoolean());
    envelope(answer, random);

    String output = new String(XmlAnswerFilterTest.filter(REDACTED,
        answer.input.toString().getBytes(StandardCharsets.UTF_8), chunk), StandardCharsets.UTF_8);

    assertThat(output).doesNotContain("SECRET").doesNotContain("https://acme.my.salesforce.com/")
        .isEqualTo(answer.expected.toString());
  }

  static void envelope(Answer answer, Random random) {
    switch (answer.style) {
      case PARTNER, ENTERPRISE -> {
        String api = answer.style == Style.PARTNER ? "partner" : "enterprise";
        answer.both("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\""
            + "http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"urn:" + api + ".soap.sforce.com\" xmlns:xsi=\"" + XSI
            + "\" xmlns:sf=\"urn:sobject." + api + ".soap.sforce.com\"><soapenv:Body><queryResponse>");
        page(answer, random, "result", 0);
        answer.both("</queryResponse></soapenv:Body></soapenv:Envelope>\n");
      }
      case REST -> {
        answer.both("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        if (random.nextInt(4) == 0) { // a record read
          record(answer, random, TYPES[random.nextInt(TYPES.length)], 0, true);
        } else {
          page(answer, random, "QueryResult", 0);
        }
      }
    }
  }

  /** A QueryResult named {@code element}: done, records, size (the root one declares xsi when it should). */
  static void page(Answer answer, Random random, String element, int depth) {
    String open = "<" + element;
    if (depth == 0 && answer.style == Style.REST && answer.xsiDeclared) {
      open += " xmlns:xsi=\"" + XSI + "\"";
    }
    if (answer.style == Style.PARTNER) {
      open += " xsi:type=\"QueryResult\"";
    }
    answer.both(open + "><done>true</done>");
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      answer.both(random.nextBoolean() ? "\n  " : "");
      record(answer, random, TYPES[random.nextInt(TYPES.length)], depth + 1, false, "records");
    }
    answer.both("<size>" + size + "</size></" + element + ">");
  }

  static void record(Answer answer, Random random, String type, int depth, boolean root) {
    record(answer, random, type, depth, root, type);
  }

  static void record(Answer answer, Random random, String type, int depth, boolean root, String element) {
    String sf = answer.style == Style.REST ? "" : "sf:";
    String name = element.equals("records") ? "records" : sf + element;
    String xsiOnRoot = root && answer.xsiDeclared ? " xmlns:xsi=\"" + XSI + "\"" : "";
    switch (answer.style) {
      case PARTNER -> answer.both("<" + name + " xsi:type=\"sf:sObject\"><sf:type>" + type + "</sf:type>");
      case ENTERPRISE -> answer.both("<" + name + " xsi:type=\"sf:" + type + "\">");
      case REST -> answer.both("<" + name + xsiOnRoot + " type=\"" + type + "\" url=\"/services/data/v62.0/sobjects/"
          + type + "/001\">");
    }
    for (String field : FIELDS) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      String tag = sf + field;
      if (REDACTED.redacts(Optional.of(type), field)) {
        answer.input.append('<').append(tag).append('>').append(secret(random)).append("</").append(tag).append('>');
        answer.expected.append('<').append(tag).append(answer.xsiDeclared ? "" : " xmlns:xsi=\"" + XSI + "\"")
            .append(" xsi:nil=\"true\"/>");
      } else if (field.equals("Website")) {
        String path = "/services/data/v62.0/sobjects/Contact/003?a=" + random.nextInt(100) + "&amp;b=\u00e9";
        String[] hosts = {"https://acme.my.salesforce.com", "https://ACME.my.salesforce.com:443",
            "https://acme.my.salesforce.com.example.net", "http://acme.my.salesforce.com", "https://acme.file.force.com"};
        int host = random.nextInt(hosts.length);
        answer.input.append('<').append(tag).append('>').append(hosts[host]).append(path);
        answer.expected.append('<').append(tag).append('>').append(host < 2 ? "https://gw.example.com:8443" : hosts[host])
            .append(path);
        answer.both("</" + tag + ">");
      } else {
        answer.both("<" + tag + ">" + visible(random) + "</" + tag + ">");
      }
    }
    if (depth < 3 && random.nextBoolean()) {
      String relationship = RELATIONSHIPS[random.nextInt(RELATIONSHIPS.length)];
      record(answer, random, relationship.equals("Owner") ? "User" : relationship, depth + 1, false, relationship);
    }
    if (depth < 3 && random.nextInt(3) == 0) {
      page(answer, random, sf + CHILDREN[random.nextInt(CHILDREN.length)], depth + 1);
    }
    answer.both("</" + name + ">");
  }

  static String secret(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "SECRET-" + random.nextInt(1000);
      case 1 -> "<street>SECRET street</street><n>1</n>";
      case 2 -> "<![CDATA[SECRET <b>]]>";
      default -> "SECRET &amp; &lt;\u00e9\u4e2d&gt;";
    };
  }

  static String visible(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> "visible-" + random.nextInt(1000);
      case 1 -> "a &amp; b &lt;c&gt; &quot;d&quot; &#233;";
      case 2 -> "<![CDATA[<not a tag> & stays]]>";
      case 3 -> "";
      default -> "with\n newline and unicode \u00e9\u4e2d";
    };
  }
}
