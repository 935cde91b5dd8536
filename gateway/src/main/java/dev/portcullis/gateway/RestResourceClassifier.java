package dev.portcullis.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * REST API resources beyond records and queries (REST API Developer Guide, "Resources"): "Recently
 * Viewed Items" ({@code GET recent} → {@code read}), "Parameterized Search" ({@code GET
 * parameterizedSearch?q=…&sobject=T&T.fields=A,B} → {@code search}, the object when one is named,
 * the fields asked for as {@code T.A}), and "Invocable Actions" ({@code GET actions[/standard|/custom…]}
 * → {@code describe}; {@code POST actions/standard/<name>} or {@code actions/custom/<type>/<name>} →
 * {@code invoke_action}, the action's path in {@code request.fields}). Tooling alike under
 * {@code …/tooling/}.
 */
final class RestResourceClassifier {
  private RestResourceClassifier() {}

  /** @param rest the segments after the version (and after {@code tooling}) */
  static Optional<Classification> classify(String api, String method, List<String> rest,
      Map<String, List<String>> parameters) {
    return switch (rest.get(0)) {
      case "recent" -> rest.size() == 1 && method.equals("GET") ? Optional.of(Classification.of(api, "read"))
          : Optional.empty();
      case "parameterizedSearch" -> rest.size() == 1 && method.equals("GET") ? search(api, parameters) : Optional.empty();
      case "actions" -> actions(api, method, rest.subList(1, rest.size()));
      default -> Optional.empty();
    };
  }

  private static Optional<Classification> search(String api, Map<String, List<String>> parameters) {
    if (parameters.getOrDefault("q", List.of()).size() != 1) {
      return Optional.empty();
    }
    List<String> objects = new ArrayList<>();
    for (String value : parameters.getOrDefault("sobject", List.of())) {
      for (String object : value.split(",", -1)) {
        if (!RequestClassifier.NAME.matcher(object.strip()).matches()) {
          return Optional.empty();
        }
        objects.add(object.strip());
      }
    }
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (!name.endsWith(".fields")) {
        continue;
      }
      String object = name.substring(0, name.length() - ".fields".length());
      if (!RequestClassifier.NAME.matcher(object).matches()) {
        return Optional.empty();
      }
      for (String value : parameter.getValue()) {
        for (String field : value.split(",", -1)) {
          if (!RequestClassifier.NAME.matcher(field.strip()).matches()) {
            return Optional.empty();
          }
          fields.add(object + "." + field.strip());
        }
      }
    }
    return Optional.of(new Classification(api, "search", objects.size() == 1 ? objects.get(0) : "", fields));
  }

  private static Optional<Classification> actions(String api, String method, List<String> path) {
    if (!path.stream().allMatch(segment -> RequestClassifier.NAME.matcher(segment).matches())) {
      return Optional.empty();
    }
    if (method.equals("GET") && path.size() <= 3) {
      return Optional.of(Classification.of(api, "describe"));
    }
    boolean invocable = (path.size() == 2 && path.get(0).equals("standard"))
        || (path.size() == 3 && path.get(0).equals("custom"));
    return method.equals("POST") && invocable
        ? Optional.of(new Classification(api, "invoke_action", "", List.of(String.join("/", path))))
        : Optional.empty();
  }
}
