package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.orgsim.Schema.FieldDef;
import dev.portcullis.orgsim.Schema.SObjectDef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Loads a YAML data fixture into an org. The format:
 *
 * <pre>
 * organization:            # fields of the Organization record (optional)
 *   Name: Acme Corporation
 * records:
 *   Account:               # an sObject type
 *     - _ref: acme         # optional name other records can point at with "@acme"
 *       Name: Acme
 *   Contact:
 *     - AccountId: "@acme"
 *       LastName: Doe
 *   User:
 *     - Username: ci@acme.example
 *       _preAuthorized: true   # pre-authorized for the connected app
 * </pre>
 *
 * <p>A date-time value may be relative to the org's clock at seeding: {@code now}, or {@code now-}
 * and an ISO-8601 duration ({@code now-P3D}, {@code now-PT2H30M}), so that seeded audit-trail rows
 * stay recent whenever the simulator starts.
 *
 * <p>The YAML is read as a node tree (snakeyaml-engine's composer), not as Java objects, so that
 * every error can name the line and column of the node at fault: {@code fixture.yaml:12:7:
 * unknown field 'Foo' on Account}. Values are converted by the field's describe type, so YAML's
 * own typing (e.g. {@code 00123} as a number) never changes a value.
 */
final class FixtureLoader {

  /** What the fixture contributed besides records. */
  record Result(Map<String, Object> organization, Set<String> preAuthorizedUsernames) {}

  private record Pending(SObjectDef type, Row row, Map<String, ScalarNode> refs) {}

  private final String source;
  private final Schema schema;
  private final Instant now;

  private FixtureLoader(String source, Schema schema, Instant now) {
    this.source = source;
    this.schema = schema;
    this.now = now;
  }

  /**
   * Parses {@code yaml} and inserts its records into {@code data}.
   *
   * @throws IllegalArgumentException naming {@code source}, line and column on any error
   */
  static Result load(String yaml, String source, OrgData data, Instant now) {
    return new FixtureLoader(source, data.schema, now).apply(yaml, data);
  }

  private Result apply(String yaml, OrgData data) {
    Node root;
    try {
      Optional<Node> composed = new Compose(LoadSettings.builder().setLabel(source).build()).composeString(yaml);
      if (composed.isEmpty()) {
        return new Result(Map.of(), Set.of());
      }
      root = composed.get();
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    MappingNode top = mapping(root, "the fixture");
    Map<String, Object> organization = new LinkedHashMap<>();
    Set<String> preAuthorized = new LinkedHashSet<>();
    List<Pending> pending = new ArrayList<>();
    Map<String, String> refs = new HashMap<>();
    for (NodeTuple entry : top.getValue()) {
      String key = scalar(entry.getKeyNode(), "a key").getValue();
      switch (key) {
        case "organization" -> {
          SObjectDef org = schema.type("Organization").orElseThrow();
          for (NodeTuple field : mapping(entry.getValueNode(), "organization").getValue()) {
            ScalarNode name = scalar(field.getKeyNode(), "a field name");
            FieldDef def = fieldOf(org, name);
            organization.put(def.name(), convert(def, scalar(field.getValueNode(), "a value")));
          }
        }
        case "records" -> {
          for (NodeTuple typeEntry : mapping(entry.getValueNode(), "records").getValue()) {
            ScalarNode typeName = scalar(typeEntry.getKeyNode(), "an sObject type");
            SObjectDef type = schema.type(typeName.getValue())
                .orElseThrow(() -> error(typeName, "unknown sObject type '" + typeName.getValue() + "'"));
            if (!(typeEntry.getValueNode() instanceof SequenceNode list)) {
              throw error(typeEntry.getValueNode(), "expected a list of " + type.name() + " records");
            }
            for (Node recordNode : list.getValue()) {
              pending.add(record(type, mapping(recordNode, "a record"), data, refs, preAuthorized));
            }
          }
        }
        default -> throw error(entry.getKeyNode(), "unknown key '" + key + "' (expected 'organization' or 'records')");
      }
    }
    for (Pending p : pending) {
      for (Map.Entry<String, ScalarNode> ref : p.refs().entrySet()) {
        String name = ref.getValue().getValue().substring(1);
        String id = refs.get(name);
        if (id == null) {
          throw error(ref.getValue(), "unknown reference '@" + name + "' (no record has _ref: " + name + ")");
        }
        FieldDef field = p.type().field(ref.getKey()).orElseThrow();
        String targetType = data.schema.typeByKeyPrefix(id.substring(0, 3)).map(SObjectDef::name).orElse("?");
        if (!field.referenceTo().contains(targetType)) {
          throw error(ref.getValue(), field.name() + " must point at " + field.referenceTo() + ", not at a " + targetType);
        }
        p.row().values.put(field.name(), id);
      }
      data.insert(p.row());
    }
    return new Result(organization, preAuthorized);
  }

  private Pending record(SObjectDef type, MappingNode node, OrgData data, Map<String, String> refs, Set<String> preAuthorized) {
    Row row = new Row(type);
    row.values.put("Id", data.newId(type));
    Map<String, ScalarNode> pendingRefs = new LinkedHashMap<>();
    boolean preAuth = false;
    for (NodeTuple field : node.getValue()) {
      ScalarNode name = scalar(field.getKeyNode(), "a field name");
      ScalarNode value = scalar(field.getValueNode(), "a value");
      switch (name.getValue()) {
        case "_ref" -> {
          if (refs.putIfAbsent(value.getValue(), row.id()) != null) {
            throw error(value, "duplicate _ref '" + value.getValue() + "'");
          }
        }
        case "_preAuthorized" -> {
          if (!type.name().equals("User")) {
            throw error(name, "_preAuthorized is allowed on User records only");
          }
          preAuth = Boolean.parseBoolean(value.getValue());
        }
        case "IsDeleted" -> row.deleted = Boolean.TRUE.equals(convert(type.field("IsDeleted").orElseThrow(), value));
        default -> {
          FieldDef def = fieldOf(type, name);
          if (def.name().equals("Id")) {
            throw error(name, "Id is assigned by the simulator; use _ref to name a record");
          }
          if (def.type() == Schema.FieldType.REFERENCE && value.getValue().startsWith("@")) {
            pendingRefs.put(def.name(), value);
          } else {
            row.values.put(def.name(), convert(def, value));
          }
        }
      }
    }
    if (preAuth) {
      Object username = row.values.get("Username");
      if (username == null) {
        throw error(node, "a pre-authorized User needs a Username");
      }
      preAuthorized.add(username.toString());
    }
    return new Pending(type, row, pendingRefs);
  }

  private FieldDef fieldOf(SObjectDef type, ScalarNode name) {
    return type.field(name.getValue())
        .orElseThrow(() -> error(name, "unknown field '" + name.getValue() + "' on " + type.name()));
  }

  private Object convert(FieldDef def, ScalarNode value) {
    if (value.getScalarStyle() == ScalarStyle.PLAIN
        && (value.getValue().isEmpty() || value.getValue().equals("~") || value.getValue().equals("null"))) {
      return null;
    }
    try {
      if (def.type() == Schema.FieldType.DATETIME && value.getValue().startsWith("now")) {
        return relative(value.getValue());
      }
      return Values.coerce(def, value.getValue());
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw error(value, "bad value for " + def.name() + " (" + def.type().describeName + "): " + e.getMessage());
    }
  }

  /** {@code now} or {@code now-DURATION} against the seeding clock. */
  private Instant relative(String text) {
    if (text.equals("now")) {
      return now;
    }
    if (!text.startsWith("now-")) {
      throw new IllegalArgumentException("expected now or now-DURATION (ISO-8601, e.g. now-P3D), not '" + text + "'");
    }
    return now.minus(Duration.parse(text.substring(4)));
  }

  private MappingNode mapping(Node node, String what) {
    if (node instanceof MappingNode m) {
      return m;
    }
    throw error(node, "expected a mapping for " + what);
  }

  private ScalarNode scalar(Node node, String what) {
    if (node instanceof ScalarNode s) {
      return s;
    }
    throw error(node, "expected a plain value for " + what);
  }

  private IllegalArgumentException error(Node node, String message) {
    Optional<Mark> mark = node.getStartMark();
    String where = mark.map(m -> source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(source);
    return new IllegalArgumentException(where + ": " + message);
  }
}
