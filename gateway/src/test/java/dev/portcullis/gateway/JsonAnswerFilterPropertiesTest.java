package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random Salesforce-shaped answers (query results with relationship records and subquery results
 * nested to depth 4, record reads, links on the instance and on look-alike hosts), split into random
 * chunk sizes: the output holds no value of a redacted field, has every link on the instance moved to
 * the gateway, and is byte for byte the input everywhere else.
 */
class JsonAnswerFilterPropertiesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final RedactedFields REDACTED = RedactedFields.of(List.of("Contact.SSN__c", "Case.Description"));
  static final String[] TYPES = {"Contact", "contact", "Account", "Case", "Opportunity"};
  static final String[] FIELDS = {"Id", "Name", "SSN__c", "ssn__C", "Description", "Email", "Amount", "IsWon"};
  static final String[] RELATIONSHIPS = {"Account", "Contact", "Owner", "What"};
  static final String[] CHILDREN = {"Contacts", "Cases", "Opportunities"};

  @Property(tries = 300)
  void redactsExactlyTheRedactedFields(@ForAll long seed, @ForAll @IntRange(min = 1, max = 97) int chunk)
      throws Exception {
    Random random = new Random(seed);
    JsonNode input = random.nextInt(4) == 0 ? record(random, 0) : page(random, 0);
    byte[] bytes = JSON.writeValueAsBytes(input);

    byte[] output = JsonAnswerFilterTest.redact(REDACTED, bytes, chunk);

    JsonNode redacted = JSON.readTree(output);
    assertThat(new String(output, StandardCharsets.UTF_8)).doesNotContain("SECRET")
        .doesNotContain("https://acme.my.salesforce.com/");
    assertThat(redacted).isEqualTo(expected(input));
    // the input is compact Jackson output: the filter changes values in place, so its output is
    // byte for byte Jackson's output of the expected tree
    assertThat(new String(output, StandardCharsets.UTF_8))
        .isEqualTo(new String(JSON.writeValueAsBytes(expected(input)), StandardCharsets.UTF_8));
  }

  /** The reference: the tree with every redacted field of every typed record set to null. */
  static JsonNode expected(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode copy = NODES.objectNode();
      String type = object.path("attributes").path("type").asText(null);
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        boolean redacted = !field.getKey().equals("attributes")
            && REDACTED.redacts(java.util.Optional.ofNullable(type), field.getKey());
        copy.set(field.getKey(), redacted ? NODES.nullNode() : expected(field.getValue()));
      }
      return copy;
    }
    if (node.isTextual()) {
      return JsonAnswerFilterTest.LINKS.rewrite(node.asText()).<JsonNode>map(NODES::textNode).orElse(node);
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = NODES.arrayNode();
      array.forEach(item -> copy.add(expected(item)));
      return copy;
    }
    return node;
  }

  static ObjectNode page(Random random, int depth) {
    ObjectNode page = NODES.objectNode();
    int size = random.nextInt(4);
    page.put("totalSize", size);
    page.put("done", random.nextBoolean());
    ArrayNode records = page.putArray("records");
    for (int i = 0; i < size; i++) {
      records.add(record(random, depth + 1));
    }
    if (random.nextInt(3) == 0) {
      page.put("nextRecordsUrl", "/services/data/v62.0/query/01gD0000002HU6KIAW-2000");
    }
    return page;
  }

  static ObjectNode record(Random random, int depth) {
    String type = TYPES[random.nextInt(TYPES.length)];
    ObjectNode record = NODES.objectNode();
    ObjectNode attributes = record.putObject("attributes");
    attributes.put("type", type);
    attributes.put("url", "/services/data/v62.0/sobjects/" + type + "/001");
    List<String> names = new ArrayList<>(List.of(FIELDS));
    Collections.shuffle(names, random);
    for (String name : names.subList(0, random.nextInt(names.size()))) {
      boolean secret = REDACTED.redacts(java.util.Optional.of(type), name);
      record.set(name, secret ? secretValue(random) : scalar(random));
    }
    if (depth < 4 && random.nextBoolean()) {
      record.set(RELATIONSHIPS[random.nextInt(RELATIONSHIPS.length)], random.nextInt(4) == 0
          ? NODES.nullNode() : record(random, depth + 1));
    }
    if (depth < 4 && random.nextInt(3) == 0) {
      record.set(CHILDREN[random.nextInt(CHILDREN.length)], page(random, depth + 1));
    }
    return record;
  }

  static JsonNode secretValue(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> NODES.textNode("SECRET-" + random.nextInt(1000));
      case 1 -> NODES.objectNode().put("street", "SECRET street").put("n", 1);
      case 2 -> NODES.arrayNode().add("SECRET").add(NODES.arrayNode().add("SECRET"));
      default -> NODES.textNode("SECRET \"quoted\" \u00e9\u4e2d");
    };
  }

  static JsonNode scalar(Random random) {
    return switch (random.nextInt(8)) {
      case 6 -> NODES.textNode("https://acme.my.salesforce.com" + (random.nextBoolean() ? "" : "/services/data/v62.0/"
          + "sobjects/Contact/003?x=\"" + random.nextInt(1000) + "\"&y=\u00e9"));
      case 7 -> NODES.textNode(new String[] {"https://acme.my.salesforce.com.example.net/x", "http://acme.my.salesforce.com/x",
          "https://acme.file.force.com/x", "/services/data/v62.0/query/01g-2000", "h"}[random.nextInt(5)]);
      case 0 -> NODES.textNode("visible-" + random.nextInt(1000));
      case 1 -> NODES.numberNode(random.nextInt());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.booleanNode(random.nextBoolean());
      case 4 -> NODES.nullNode();
      default -> NODES.textNode("with \\ escapes \n and unicode \u00e9");
    };
  }
}
