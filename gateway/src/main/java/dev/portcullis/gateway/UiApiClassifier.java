package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies User Interface API requests ({@code request.api} {@code ui_api}) under {@code
 * /services/data/vNN.0/ui-api/}, after the "User Interface API Developer Guide" resources: "Get a
 * Record", "Update a Record", "Delete a Record", "Create a Record" ({@code POST records}, the
 * sObject from the body's {@code apiName}), "Get a Batch of Records", "Get Child Records", "Get
 * Record Data and Object Metadata" ({@code record-ui}), "Get Default Values" ({@code
 * record-defaults}), "Get Object Metadata" ({@code object-info}, picklist values included), "Get a
 * Record Layout" ({@code layout}), "Get List Views" ({@code list-info}, {@code list-ui}, {@code
 * list-records}), "Get Related List Records", and "Get Lookup Field Suggestions" ({@code lookups}).
 *
 * <p>Operations: {@code read}, {@code create}, {@code update}, {@code delete}, {@code describe},
 * {@code describe_global}. {@code request.fields} lists the fields the request names ({@code
 * fields} and {@code optionalFields} parameters, a create's body), as {@code Object.Field}. When the
 * answer's fields come from a layout or a list view rather than from the request ({@code
 * layoutTypes}, {@code record-ui}, list and related-list records), {@code request.fields} also holds
 * {@link #LAYOUT_FIELDS}: the gateway cannot name them, so {@code deny_fields} refuses such reads.
 */
final class UiApiClassifier {
  /** The fields of the answer are chosen by a layout or list view, not named in the request. */
  static final String LAYOUT_FIELDS = "layout:*";
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private UiApiClassifier() {}

  /**
   * @param rest the path segments after {@code ui-api}
   * @param parameters the decoded query parameters
   */
  static Optional<Classification> classify(String method, List<String> rest, Map<String, List<String>> parameters) {
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    List<String> args = rest.subList(1, rest.size());
    boolean get = method.equals("GET");
    return switch (rest.get(0)) {
      case "records" -> records(method, args, parameters);
      case "record-ui" -> get && args.size() == 1 && ids(args.get(0)) ? read("", List.of(LAYOUT_FIELDS)) : Optional.empty();
      case "record-defaults" -> get && args.size() == 2 && args.get(0).equals("create") && name(args.get(1))
          ? Optional.of(Classification.of("ui_api", "describe", args.get(1)))
          : get && args.size() == 2 && args.get(0).equals("clone") && id(args.get(1))
              ? read("", List.of(LAYOUT_FIELDS)) : Optional.empty();
      case "object-info" -> get ? objectInfo(args) : Optional.empty();
      case "layout", "list-info" -> get && !args.isEmpty() && name(args.get(0))
          ? Optional.of(Classification.of("ui_api", "describe", args.get(0))) : Optional.empty();
      case "list-ui", "list-records" -> get && !args.isEmpty() && (name(args.get(0)) || id(args.get(0)))
          ? read(name(args.get(0)) && !id(args.get(0)) ? args.get(0) : "", List.of(LAYOUT_FIELDS)) : Optional.empty();
      case "related-list-records" -> get && args.size() == 2 && id(args.get(0)) && name(args.get(1))
          ? read("", List.of(LAYOUT_FIELDS)) : Optional.empty();
      case "lookups" -> get && args.size() >= 2 && name(args.get(0)) && name(args.get(1))
          ? read(args.get(0), List.of(args.get(0) + "." + args.get(1))) : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** Whether the body decides: "Create a Record" ({@code POST ui-api/records}). */
  static boolean readsBody(String method, List<String> rest) {
    return method.equals("POST") && rest.size() == 1 && rest.get(0).equals("records");
  }

  /** "Create a Record": {@code {"apiName": "Contact", "fields": {"LastName": …}}}. */
  static Optional<BodyClassifier.Classified> create(byte[] body) {
    JsonNode root = BodyClassifier.json(body).orElse(null);
    JsonNode apiName = root == null ? null : root.get("apiName");
    JsonNode fields = root == null ? null : root.get("fields");
    if (apiName == null || !apiName.isTextual() || !name(apiName.asText()) || fields == null || !fields.isObject()) {
      return Optional.empty();
    }
    List<String> written = new ArrayList<>();
    for (var member : fields.properties()) {
      String field = member.getKey();
      if (!name(field)) {
        return Optional.empty();
      }
      written.add(apiName.asText() + "." + field);
    }
    return BodyClassifier.Classified.one(new Classification("ui_api", "create", apiName.asText(), written));
  }

  private static Optional<Classification> records(String method, List<String> args, Map<String, List<String>> parameters) {
    if (args.size() == 1 && id(args.get(0))) {
      return switch (method) {
        case "GET" -> recordRead(parameters);
        case "PATCH" -> Optional.of(Classification.of("ui_api", "update", ""));
        case "DELETE" -> Optional.of(Classification.of("ui_api", "delete", ""));
        default -> Optional.empty();
      };
    }
    boolean batch = args.size() == 2 && args.get(0).equals("batch") && ids(args.get(1));
    boolean children = args.size() == 3 && id(args.get(0)) && args.get(1).equals("child-relationships")
        && name(args.get(2));
    if (method.equals("GET") && batch) {
      return recordRead(parameters);
    }
    return method.equals("GET") && children ? read("", List.of(LAYOUT_FIELDS)) : Optional.empty();
  }

  /** A record read: the fields it names ({@code Object.Field}), the object when they agree on one. */
  private static Optional<Classification> recordRead(Map<String, List<String>> parameters) {
    Set<String> fields = new LinkedHashSet<>();
    Set<String> objects = new LinkedHashSet<>();
    for (String parameter : List.of("fields", "optionalFields")) {
      for (String value : parameters.getOrDefault(parameter, List.of())) {
        for (String field : value.split(",", -1)) {
          String name = field.strip();
          int dot = name.indexOf('.');
          if (dot <= 0 || !java.util.Arrays.stream(name.split("\\.", -1)).allMatch(UiApiClassifier::name)) {
            return Optional.empty(); // "Object.Field" (or a relationship path), nothing else
          }
          fields.add(name);
          objects.add(name.substring(0, dot));
        }
      }
    }
    if (parameters.containsKey("layoutTypes") || fields.isEmpty()) {
      fields.add(LAYOUT_FIELDS);
    }
    return read(objects.size() == 1 ? objects.iterator().next() : "", List.copyOf(fields));
  }

  private static Optional<Classification> objectInfo(List<String> args) {
    if (args.isEmpty()) {
      return Optional.of(Classification.of("ui_api", "describe_global"));
    }
    if (args.size() == 2 && args.get(0).equals("batch")) {
      List<String> objects = List.of(args.get(1).split(",", -1));
      return objects.stream().allMatch(UiApiClassifier::name)
          ? Optional.of(Classification.of("ui_api", "describe", objects.size() == 1 ? objects.get(0) : ""))
          : Optional.empty();
    }
    return name(args.get(0)) ? Optional.of(Classification.of("ui_api", "describe", args.get(0))) : Optional.empty();
  }

  private static Optional<Classification> read(String sobject, List<String> fields) {
    return Optional.of(new Classification("ui_api", "read", sobject, fields));
  }

  private static boolean name(String text) {
    return RequestClassifier.NAME.matcher(text).matches();
  }

  private static boolean id(String text) {
    return RequestClassifier.ID.matcher(text).matches();
  }

  /** One id or several, comma-separated. */
  private static boolean ids(String text) {
    return java.util.Arrays.stream(text.split(",", -1)).allMatch(UiApiClassifier::id);
  }
}
