package dev.portcullis.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies the Composite resources per subrequest (REST API Developer Guide, "Composite
 * Resources": Composite, Composite Batch, Composite Graph, sObject Tree, sObject Collections),
 * from the request body, which the gateway buffers within {@link #MAX_BODY_BYTES} for these
 * resources only. Every subrequest must classify on its own ({@link RequestClassifier}); one that
 * does not makes the whole request unclassified.
 */
final class CompositeClassifier {
  /** The largest composite body buffered (Salesforce's own limits are lower for most of them). */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  private static final Pattern VERSION = Pattern.compile("v\\d{2,3}\\.0");
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
  /** Strict JSON for request bodies the gateway reads: duplicate keys refused, nesting bounded. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private CompositeClassifier() {}

  /** Whether {@code path} is a composite resource whose body decides what it does. */
  static boolean isComposite(String method, String path) {
    List<String> s = segments(path);
    return s.size() >= 4 && s.get(0).equals("services") && s.get(1).equals("data") && VERSION.matcher(s.get(2)).matches()
        && s.get(3).equals("composite") && !method.equalsIgnoreCase("GET");
  }

  /**
   * The subrequests' classifications, or empty when any is not recognised.
   *
   * @param query the decoded {@code ids} parameter for sObject Collections DELETE, if any
   */
  static Optional<List<Classification>> classify(String method, String path, byte[] body) {
    List<String> s = segments(path);
    String version = s.get(2);
    String resource = s.size() > 4 ? s.get(4) : "";
    JsonNode root;
    try {
      root = body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    String m = method.toUpperCase(Locale.ROOT);
    try {
      if (s.size() == 4 && m.equals("POST")) { // /composite
        return subrequests(root == null ? null : root.get("compositeRequest"), version, false);
      }
      return switch (resource) {
        case "batch" -> s.size() == 5 && m.equals("POST")
            ? subrequests(root == null ? null : root.get("batchRequests"), version, true) : Optional.empty();
        case "graph" -> s.size() == 5 && m.equals("POST") ? graph(root, version) : Optional.empty();
        case "tree" -> s.size() == 6 && m.equals("POST") && NAME.matcher(s.get(5)).matches()
            ? tree(s.get(5), root) : Optional.empty();
        case "sobjects" -> collections(m, s, root);
        default -> Optional.empty();
      };
    } catch (RuntimeException e) {
      return Optional.empty(); // a shape we do not understand: unclassified
    }
  }

  private static Optional<List<Classification>> subrequests(JsonNode list, String version, boolean batch) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      return Optional.empty();
    }
    List<Classification> out = new ArrayList<>();
    for (JsonNode sub : list) {
      String method = text(sub, "method");
      String url = batch ? text(sub, "url") : text(sub, "url");
      if (method == null || url == null) {
        return Optional.empty();
      }
      // Composite: "/services/data/v62.0/sobjects/Account"; Batch: "v62.0/sobjects/Account" (relative to /services/data)
      String absolute = batch ? "/services/data/" + url : url;
      URI uri;
      try {
        uri = URI.create(absolute.replace(" ", "%20"));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      if (uri.getRawAuthority() != null || uri.getScheme() != null) {
        return Optional.empty(); // an absolute URL to elsewhere
      }
      Optional<String> q = Optional.empty();
      if (uri.getRawQuery() != null) {
        for (String pair : uri.getRawQuery().split("&")) {
          if (pair.startsWith("q=")) {
            q = Optional.of(URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8));
          }
        }
      }
      String subPath = uri.getPath();
      if (subPath.contains("..") || !subPath.startsWith("/services/data/" + version + "/")) {
        return Optional.empty(); // subrequests stay within this API version's data resources
      }
      Optional<Classification> one = RequestClassifier.classify(method, subPath, q);
      if (one.isEmpty() || one.get().operation().equals("execute_anonymous")) {
        return Optional.empty();
      }
      out.add(one.get());
    }
    return Optional.of(out);
  }

  private static Optional<List<Classification>> graph(JsonNode root, String version) {
    JsonNode graphs = root == null ? null : root.get("graphs");
    if (graphs == null || !graphs.isArray() || graphs.isEmpty()) {
      return Optional.empty();
    }
    List<Classification> out = new ArrayList<>();
    for (JsonNode graph : graphs) {
      Optional<List<Classification>> part = subrequests(graph.get("compositeRequest"), version, false);
      if (part.isEmpty()) {
        return Optional.empty();
      }
      out.addAll(part.get());
    }
    return Optional.of(out);
  }

  /** sObject Tree: records of {@code type} and, nested under relationship names, their children. */
  private static Optional<List<Classification>> tree(String type, JsonNode root) {
    JsonNode records = root == null ? null : root.get("records");
    if (records == null || !records.isArray() || records.isEmpty()) {
      return Optional.empty();
    }
    Set<String> types = new LinkedHashSet<>();
    if (!treeTypes(records, types, 0) || !types.stream().allMatch(t -> t.equalsIgnoreCase(type) || !t.isEmpty())) {
      return Optional.empty();
    }
    List<Classification> out = new ArrayList<>();
    for (String t : types) {
      out.add(Classification.of("rest", "create", t));
    }
    return Optional.of(out);
  }

  private static boolean treeTypes(JsonNode records, Set<String> types, int depth) {
    if (depth > 5) {
      return false; // sObject Tree allows five levels
    }
    for (JsonNode record : records) {
      String t = record.path("attributes").path("type").asText("");
      if (!NAME.matcher(t).matches()) {
        return false;
      }
      types.add(t);
      var fields = record.properties();
      for (var field : fields) {
        JsonNode child = field.getValue().get("records");
        if (field.getValue().isObject() && child != null && child.isArray() && !treeTypes(child, types, depth + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  /** sObject Collections: create (POST), update (PATCH), upsert (PATCH …/T/field), delete (DELETE ?ids=). */
  private static Optional<List<Classification>> collections(String method, List<String> s, JsonNode root) {
    if (method.equals("DELETE") && s.size() == 5) {
      return Optional.of(List.of(Classification.of("rest", "delete", ""))); // types known only from the ids
    }
    if ((method.equals("POST") || method.equals("PATCH")) && s.size() == 5) {
      JsonNode records = root == null ? null : root.get("records");
      if (records == null || !records.isArray() || records.isEmpty()) {
        return Optional.empty();
      }
      Set<String> types = new LinkedHashSet<>();
      for (JsonNode record : records) {
        String t = record.path("attributes").path("type").asText("");
        if (!NAME.matcher(t).matches()) {
          return Optional.empty();
        }
        types.add(t);
      }
      String operation = method.equals("POST") ? "create" : "update";
      return Optional.of(types.stream().map(t -> Classification.of("rest", operation, t)).toList());
    }
    if (method.equals("PATCH") && s.size() == 7 && NAME.matcher(s.get(5)).matches()) {
      return Optional.of(List.of(Classification.of("rest", "upsert", s.get(5))));
    }
    return Optional.empty();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (!segment.isEmpty()) {
        out.add(segment);
      }
    }
    return out;
  }
}
