package dev.portcullis.deploy.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The user permissions whose grant the diff reports above {@link Severity#LOW}: data, not code.
 *
 * <p>The built-in list is the resource {@code dangerous-permissions.json} beside this class; each
 * entry has the Metadata API name ({@code userPermissions/name}), a label, a severity ({@code
 * critical}, {@code high} or {@code medium}), why it is dangerous, and the ids of the sources it
 * comes from, which the file's {@code sources} object spells out. docs/DEPLOY.md, "Dangerous
 * permissions", is the human version. Names match case-insensitively, as Salesforce's do.
 */
public final class DangerousPermissions {
  private static final String RESOURCE = "dangerous-permissions.json";
  private static final Set<Severity> ALLOWED = Set.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM);
  private static final DangerousPermissions BUILT_IN = loadBuiltIn();

  private final Map<String, DangerousPermission> byName;
  private final Map<String, String> sources;

  /** One dangerous permission: its API name, label, severity, reason, and source ids. */
  public record DangerousPermission(String name, String label, Severity severity, String why, List<String> sources) {}

  private DangerousPermissions(Map<String, DangerousPermission> byName, Map<String, String> sources) {
    this.byName = Collections.unmodifiableMap(byName);
    this.sources = Collections.unmodifiableMap(sources);
  }

  /** The list that ships with Portcullis. */
  public static DangerousPermissions builtIn() {
    return BUILT_IN;
  }

  /** Reads a list in the same JSON format as the built-in one; {@code where} names it in errors. */
  public static DangerousPermissions read(InputStream json, String where) throws DiffException {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid(where, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DiffException(DiffErrorCode.DANGEROUS_PERMISSIONS_INVALID, where + ": unreadable: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(where, "the document must be a JSON object");
    }
    Map<String, String> sources = new LinkedHashMap<>();
    JsonNode sourcesNode = root.path("sources");
    if (!sourcesNode.isObject()) {
      throw invalid(where, "'sources' must be an object of source id to citation");
    }
    for (Map.Entry<String, JsonNode> source : sourcesNode.properties()) {
      if (!source.getValue().isTextual() || source.getValue().asText().isBlank()) {
        throw invalid(where, "source '" + source.getKey() + "' must cite something");
      }
      sources.put(source.getKey(), source.getValue().asText());
    }
    JsonNode permissions = root.path("permissions");
    if (!permissions.isArray() || permissions.isEmpty()) {
      throw invalid(where, "'permissions' must be a non-empty array");
    }
    Map<String, DangerousPermission> byName = new LinkedHashMap<>();
    for (int i = 0; i < permissions.size(); i++) {
      JsonNode entry = permissions.get(i);
      String at = "permissions[" + i + "]";
      String name = requiredText(entry, "name", where, at);
      at = at + " (" + name + ")";
      String label = requiredText(entry, "label", where, at);
      String why = requiredText(entry, "why", where, at);
      String severityText = requiredText(entry, "severity", where, at);
      Severity severity;
      try {
        severity = Severity.fromId(severityText);
      } catch (IllegalArgumentException e) {
        severity = null;
      }
      if (severity == null || !ALLOWED.contains(severity)) {
        throw invalid(where, at + ": severity '" + severityText + "' is not one of critical, high, medium");
      }
      List<String> cited = new ArrayList<>();
      JsonNode sourceIds = entry.path("sources");
      if (!sourceIds.isArray() || sourceIds.isEmpty()) {
        throw invalid(where, at + ": 'sources' must list at least one source id");
      }
      for (JsonNode id : sourceIds) {
        if (!sources.containsKey(id.asText())) {
          throw invalid(where, at + ": source '" + id.asText() + "' is not in 'sources'");
        }
        cited.add(id.asText());
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (byName.containsKey(key)) {
        throw invalid(where, at + ": listed twice");
      }
      byName.put(key, new DangerousPermission(name, label, severity, why, List.copyOf(cited)));
    }
    return new DangerousPermissions(byName, sources);
  }

  /** The entry for {@code permissionName} ({@code userPermissions/name}), if it is dangerous. */
  public Optional<DangerousPermission> find(String permissionName) {
    return Optional.ofNullable(byName.get(permissionName.toLowerCase(Locale.ROOT)));
  }

  /** Every entry, in file order. */
  public List<DangerousPermission> all() {
    return List.copyOf(byName.values());
  }

  /** Source id to citation, as the file spells them out. */
  public Map<String, String> sources() {
    return sources;
  }

  private static String requiredText(JsonNode entry, String field, String where, String at) throws DiffException {
    JsonNode value = entry.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(where, at + ": '" + field + "' is required and must be a non-empty string");
    }
    return value.asText().strip();
  }

  private static DiffException invalid(String where, String message) {
    return new DiffException(DiffErrorCode.DANGEROUS_PERMISSIONS_INVALID, where + ": " + message);
  }

  private static DangerousPermissions loadBuiltIn() {
    try (InputStream in = DangerousPermissions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the built-in " + RESOURCE + " is missing from the classpath");
      }
      return read(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DiffException e) {
      throw new IllegalStateException("the built-in dangerous-permission list is invalid: " + e.getMessage(), e);
    }
  }
}
