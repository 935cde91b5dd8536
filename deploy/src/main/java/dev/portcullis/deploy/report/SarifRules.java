package dev.portcullis.deploy.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.deploy.diff.ChangeKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The SARIF rule texts for each {@link ChangeKind}: data, in the resource {@code change-rules.json}
 * beside this class. Loading checks that every kind has a rule with all three texts, at most 1024
 * characters each (GitHub code scanning's limit for descriptions), so a new kind without its rule
 * fails the first test that loads this class, not an upload.
 */
final class SarifRules {
  static final int MAX_TEXT = 1024;
  private static final String RESOURCE = "change-rules.json";
  private static final Map<ChangeKind, Text> TEXTS = load();

  /** A rule's texts and tags (the {@code security} tag is added by the writer). */
  record Text(String shortDescription, String fullDescription, String help, List<String> tags) {}

  private SarifRules() {}

  static Text of(ChangeKind kind) {
    return TEXTS.get(kind);
  }

  private static Map<ChangeKind, Text> load() {
    JsonNode rules;
    try (InputStream in = SarifRules.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing beside " + SarifRules.class.getName());
      }
      rules = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).readTree(in).path("rules");
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE + ": unreadable", e);
    }
    Map<ChangeKind, Text> texts = new EnumMap<>(ChangeKind.class);
    for (ChangeKind kind : ChangeKind.values()) {
      JsonNode rule = rules.path(kind.id());
      if (!rule.isObject()) {
        throw new IllegalStateException(RESOURCE + ": no rule for change kind '" + kind.id() + "'");
      }
      List<String> tags = new ArrayList<>();
      for (JsonNode tag : rule.path("tags")) {
        tags.add(tag.asText());
      }
      texts.put(kind, new Text(text(rule, kind, "short"), text(rule, kind, "full"), text(rule, kind, "help"),
          List.copyOf(tags)));
    }
    if (rules.size() != texts.size()) {
      throw new IllegalStateException(RESOURCE + ": " + rules.size() + " rules for " + texts.size()
          + " change kinds; a rule names a kind that does not exist");
    }
    return texts;
  }

  private static String text(JsonNode rule, ChangeKind kind, String field) {
    JsonNode node = rule.path(field);
    if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_TEXT) {
      throw new IllegalStateException(RESOURCE + ": rule '" + kind.id() + "' needs a '" + field
          + "' text of 1 to " + MAX_TEXT + " characters");
    }
    return node.asText();
  }
}
