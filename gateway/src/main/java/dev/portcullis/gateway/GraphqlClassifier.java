package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.FloatValue;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies GraphQL API requests ({@code POST /services/data/vNN.0/graphql}, "GraphQL API
 * Developer Guide"): the document is parsed with graphql-java's parser (a real GraphQL grammar,
 * with its token and depth limits) and walked in the shapes Salesforce's schema gives it.
 *
 * <h2>What is recognised</h2>
 *
 * <ul>
 *   <li>Record queries: {@code uiapi { query { Account(where: …, orderBy: …, first: …) { edges {
 *       node { Name { value } Owner { Name { value } } Contacts { edges { node { … } } } } } } } }}
 *       → one {@code query} part per object queried, its fields as {@code Account.Name}, parent
 *       relationships as {@code Account.Owner.Name}, child relationships as {@code
 *       Account.Contacts.LastName}, polymorphic branches ({@code ... on Account} inside a
 *       relationship) as {@code Event.What:Account.Name}, as docs/SOQL.md names SOQL's fields.
 *       Fields in {@code where}, {@code orderBy} and {@code groupBy} arguments count as read.
 *   <li>Aggregate queries ({@code uiapi { aggregate { … } }}) alike, their aggregated fields read.
 *   <li>{@code uiapi { objectInfos(apiNames: […]) }} and introspection ({@code __schema}, {@code
 *       __type}) → {@code describe}.
 *   <li>Mutations {@code uiapi { AccountCreate(input: {Account: {…}}) { Record { … } } }}, {@code
 *       AccountUpdate}, {@code AccountDelete} → {@code create}, {@code update}, {@code delete} of
 *       that object, the fields written and read back.
 * </ul>
 *
 * <p>Nothing may hide a field: aliases are recorded but the field's own name is classified; named
 * fragments are resolved (cycles and depth bounded) and inline fragments followed; variables used
 * in arguments are replaced by their values from the request's {@code variables}. Every operation
 * in the document is classified, whichever {@code operationName} selects. Any other shape —
 * subscriptions, schema definitions, unknown root fields or arguments, semi-join filters ({@code
 * inq}/{@code ninq}) — makes the request unclassified.
 *
 * <p>{@link Analysis} also tells which fields are used other than as a plain selection (filtered,
 * sorted, grouped, aggregated, or selected under an alias), which {@code redact_fields} must refuse:
 * the answer is redacted by field name, so such uses would reveal what redaction hides.
 */
final class GraphqlClassifier {
  static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final int MAX_FRAGMENT_DEPTH = 32;
  private static final Pattern MUTATION = Pattern.compile("([A-Za-z][A-Za-z0-9_]{0,79}?)(Create|Update|Delete)");
  /** The sub-fields of a field value ({@code Name { value displayValue }}). */
  private static final Set<String> VALUE_FIELDS = Set.of("value", "displayValue", "format", "label", "__typename");
  /** Comparison operators of a {@code where} filter; their operands are values, not fields. */
  private static final Set<String> OPERATORS = Set.of("eq", "ne", "like", "lt", "gt", "lte", "gte", "in", "nin",
      "includes", "excludes", "order", "nulls", "group", "function");
  private static final Set<String> CONNECTION_ARGUMENTS = Set.of("where", "orderBy", "groupBy", "first", "after",
      "last", "before", "scope", "upperBound", "category");

  /** The parts to decide and how the document uses fields. */
  record Analysis(List<Classification> parts, Set<String> nonSelectionUses) {}

  private GraphqlClassifier() {}

  static boolean isGraphql(String method, List<String> s) {
    return method.equals("POST") && s.size() == 4 && s.get(0).equals("services") && s.get(1).equals("data")
        && RequestClassifier.VERSION.matcher(s.get(2)).matches() && s.get(3).equals("graphql");
  }

  static Optional<BodyClassifier.Classified> classify(byte[] body) {
    return analyze(new String(body, java.nio.charset.StandardCharsets.UTF_8))
        .map(analysis -> new BodyClassifier.Classified(analysis.parts(),
            Optional.of(new String(body, java.nio.charset.StandardCharsets.UTF_8))));
  }

  /** Analyses a request body ({@code {"query": …, "variables": {…}, "operationName": …}}). */
  static Optional<Analysis> analyze(String body) {
    JsonNode request = BodyClassifier.json(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElse(null);
    JsonNode query = request == null ? null : request.get("query");
    JsonNode variables = request == null ? null : request.get("variables");
    if (query == null || !query.isTextual() || (variables != null && !variables.isNull() && !variables.isObject())) {
      return Optional.empty();
    }
    Document document;
    try {
      document = Parser.parse(ParserEnvironment.newParserEnvironment().document(query.asText())
          .parserOptions(graphql.parser.ParserOptions.getDefaultOperationParserOptions()).build());
    } catch (RuntimeException e) { // InvalidSyntaxException among them
      return Optional.empty();
    }
    try {
      return new Walk(document, variables == null || variables.isNull() ? JsonNodeFactory.instance.objectNode()
          : (ObjectNode) variables).run();
    } catch (Unclassified | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A shape the gateway does not recognise: the request is not classified. */
  private static final class Unclassified extends Exception {
    Unclassified() {
      super(null, null, false, false);
    }
  }

  /** One walk over a document. */
  private static final class Walk {
    private final Map<String, FragmentDefinition> fragments = new HashMap<>();
    private final List<OperationDefinition> operations = new ArrayList<>();
    private final ObjectNode variables;
    private final List<Classification> parts = new ArrayList<>();
    private final Set<String> nonSelection = new LinkedHashSet<>();
    private final Deque<String> fragmentStack = new ArrayDeque<>();
    /** The fields of the part being built. */
    private Set<String> fields;

    Walk(Document document, ObjectNode variables) throws Unclassified {
      this.variables = variables;
      for (Definition<?> definition : document.getDefinitions()) {
        switch (definition) {
          case OperationDefinition operation -> operations.add(operation);
          case FragmentDefinition fragment -> {
            if (fragments.put(fragment.getName(), fragment) != null) {
              throw new Unclassified();
            }
          }
          default -> throw new Unclassified(); // schema definitions have no place in a request
        }
      }
      if (operations.isEmpty()) {
        throw new Unclassified();
      }
    }

    Optional<Analysis> run() throws Unclassified {
      for (OperationDefinition operation : operations) {
        boolean mutation = switch (operation.getOperation()) {
          case QUERY -> false;
          case MUTATION -> true;
          default -> throw new Unclassified(); // subscriptions are not Salesforce's
        };
        for (Field root : fieldsOf(operation.getSelectionSet(), null)) {
          switch (root.getName()) {
            case "__typename" -> { }
            case "__schema", "__type" -> parts.add(Classification.of("graphql", "describe"));
            case "uiapi" -> {
              if (mutation) {
                mutations(root);
              } else {
                uiapi(root);
              }
            }
            default -> throw new Unclassified();
          }
        }
      }
      if (parts.isEmpty()) {
        throw new Unclassified();
      }
      return Optional.of(new Analysis(List.copyOf(parts), Set.copyOf(nonSelection)));
    }

    private void uiapi(Field uiapi) throws Unclassified {
      if (!uiapi.getArguments().isEmpty()) {
        throw new Unclassified();
      }
      for (Field field : fieldsOf(uiapi.getSelectionSet(), null)) {
        switch (field.getName()) {
          case "__typename" -> { }
          case "query", "aggregate" -> {
            if (!field.getArguments().isEmpty()) {
              throw new Unclassified();
            }
            for (Field object : fieldsOf(field.getSelectionSet(), null)) {
              if (!object.getName().equals("__typename")) {
                recordQuery(object, field.getName().equals("aggregate"));
              }
            }
          }
          case "objectInfos" -> objectInfos(field);
          default -> throw new Unclassified();
        }
      }
    }

    /** {@code Account(where: …) { edges { node { … } } totalCount pageInfo { … } }}. */
    private void recordQuery(Field object, boolean aggregate) throws Unclassified {
      String name = objectName(object.getName());
      fields = new LinkedHashSet<>();
      connection(object, name, aggregate);
      parts.add(new Classification("graphql", "query", name, List.copyOf(fields)));
    }

    /** A connection (a query's object, or a child relationship): its arguments and its nodes. */
    private void connection(Field connection, String prefix, boolean aggregate) throws Unclassified {
      for (graphql.language.Argument argument : connection.getArguments()) {
        if (!CONNECTION_ARGUMENTS.contains(argument.getName())) {
          throw new Unclassified();
        }
        if (Set.of("where", "orderBy", "groupBy").contains(argument.getName())) {
          filter(json(argument.getValue()), prefix, 0);
        }
      }
      for (Field part : fieldsOf(connection.getSelectionSet(), null)) {
        switch (part.getName()) {
          case "__typename", "totalCount", "pageInfo" -> { }
          case "edges" -> {
            for (Field edge : fieldsOf(part.getSelectionSet(), null)) {
              switch (edge.getName()) {
                case "__typename", "cursor" -> { }
                case "node" -> record(edge.getSelectionSet(), prefix, aggregate, 0);
                default -> throw new Unclassified();
              }
            }
          }
          default -> throw new Unclassified();
        }
      }
    }

    /** The fields selected on a record ({@code node}, {@code Record}, or a parent relationship). */
    private void record(SelectionSet selections, String prefix, boolean aggregate, int depth) throws Unclassified {
      if (selections == null || depth > MAX_FRAGMENT_DEPTH) {
        throw new Unclassified();
      }
      for (Selection<?> selection : selections.getSelections()) {
        switch (selection) {
          case Field field -> recordField(field, prefix, aggregate, depth);
          case InlineFragment inline -> record(inline.getSelectionSet(), branch(prefix, inline.getTypeCondition() == null
              ? null : inline.getTypeCondition().getName()), aggregate, depth + 1);
          case FragmentSpread spread -> {
            FragmentDefinition fragment = enter(spread.getName());
            record(fragment.getSelectionSet(), branch(prefix, fragment.getTypeCondition().getName()), aggregate,
                depth + 1);
            fragmentStack.pop();
          }
          default -> throw new Unclassified();
        }
      }
    }

    private void recordField(Field field, String prefix, boolean aggregate, int depth) throws Unclassified {
      String name = field.getName();
      if (name.equals("__typename")) {
        return;
      }
      if (aggregate && name.equals("aggregate")) { // node { aggregate { Amount { sum { value } } Industry { value } } }
        for (Field aggregated : fieldsOf(field.getSelectionSet(), null)) {
          String path = prefix + "." + objectName(aggregated.getName());
          fields.add(path);
          nonSelection.add(lastName(path)); // an aggregate's value is computed from the field's
        }
        return;
      }
      String path = prefix + "." + objectName(name);
      boolean aliased = field.getAlias() != null && !field.getAlias().equals(name);
      if (field.getSelectionSet() == null) { // Id, ApiName, WeakEtag, …
        use(path, aliased);
        return;
      }
      List<Field> subfields = fieldsOf(field.getSelectionSet(), null);
      if (subfields.stream().allMatch(sub -> VALUE_FIELDS.contains(sub.getName()))) {
        use(path, aliased);
      } else if (subfields.stream().anyMatch(sub -> sub.getName().equals("edges"))) {
        if (aliased) {
          nonSelection.add(lastName(path));
        }
        connection(field, path, aggregate); // a child relationship
      } else {
        if (!field.getArguments().isEmpty()) {
          throw new Unclassified();
        }
        record(field.getSelectionSet(), path, aggregate, depth + 1); // a parent relationship
      }
    }

    private void use(String path, boolean aliased) {
      fields.add(path);
      if (aliased) {
        nonSelection.add(lastName(path)); // the answer would carry it under another key
      }
    }

    /**
     * A {@code where}, {@code orderBy} or {@code groupBy} value: keys are fields (or relationships,
     * or {@code and}/{@code or}/{@code not}); operators' operands are values.
     */
    private void filter(JsonNode value, String prefix, int depth) throws Unclassified {
      if (depth > MAX_FRAGMENT_DEPTH) {
        throw new Unclassified();
      }
      if (value.isArray()) {
        for (JsonNode item : value) {
          filter(item, prefix, depth + 1);
        }
        return;
      }
      if (!value.isObject()) {
        if (value.isNull()) {
          return;
        }
        throw new Unclassified();
      }
      for (var member : value.properties()) {
        String key = member.getKey();
        switch (key) {
          case "and", "or", "not" -> filter(member.getValue(), prefix, depth + 1);
          case "inq", "ninq" -> throw new Unclassified(); // a semi-join into another object
          default -> {
            if (OPERATORS.contains(key)) {
              continue; // an operand
            }
            String path = prefix + "." + objectName(key);
            JsonNode condition = member.getValue();
            boolean onTheField = !condition.isObject() || condition.isEmpty()
                || condition.properties().stream().anyMatch(m -> OPERATORS.contains(m.getKey()));
            if (onTheField) {
              fields.add(path);
              nonSelection.add(lastName(path));
            }
            if (condition.isObject()) {
              filter(condition, path, depth + 1);
            }
          }
        }
      }
    }

    private void objectInfos(Field field) throws Unclassified {
      for (graphql.language.Argument argument : field.getArguments()) {
        if (!argument.getName().equals("apiNames")) {
          throw new Unclassified();
        }
        JsonNode names = json(argument.getValue());
        List<JsonNode> list = new ArrayList<>();
        if (names.isArray()) {
          names.forEach(list::add);
        } else {
          list.add(names);
        }
        for (JsonNode name : list) {
          if (!name.isTextual()) {
            throw new Unclassified();
          }
          parts.add(Classification.of("graphql", "describe", objectName(name.asText())));
        }
      }
      if (field.getArguments().isEmpty()) {
        parts.add(Classification.of("graphql", "describe"));
      }
    }

    /** {@code uiapi(input: {allOrNone: …}) { AccountCreate(input: {…}) { Record { … } } … }}. */
    private void mutations(Field uiapi) throws Unclassified {
      for (graphql.language.Argument argument : uiapi.getArguments()) {
        if (!argument.getName().equals("input")) {
          throw new Unclassified();
        }
      }
      for (Field mutation : fieldsOf(uiapi.getSelectionSet(), null)) {
        if (mutation.getName().equals("__typename")) {
          continue;
        }
        Matcher matcher = MUTATION.matcher(mutation.getName());
        if (!matcher.matches() || mutation.getArguments().size() != 1
            || !mutation.getArguments().get(0).getName().equals("input")) {
          throw new Unclassified();
        }
        String object = objectName(matcher.group(1));
        String operation = matcher.group(2).toLowerCase(Locale.ROOT);
        fields = new LinkedHashSet<>();
        JsonNode input = json(mutation.getArguments().get(0).getValue());
        if (!input.isObject()) {
          throw new Unclassified();
        }
        for (var member : input.properties()) {
          if (member.getKey().equals(object) && !operation.equals("delete") && member.getValue().isObject()) {
            for (var written : member.getValue().properties()) {
              fields.add(object + "." + objectName(written.getKey()));
            }
          } else if (!member.getKey().equals("Id")) {
            throw new Unclassified();
          }
        }
        for (Field result : fieldsOf(mutation.getSelectionSet(), null)) {
          switch (result.getName()) {
            case "__typename", "Id" -> { }
            case "Record" -> record(result.getSelectionSet(), object, false, 0);
            default -> throw new Unclassified();
          }
        }
        parts.add(new Classification("graphql", operation, object, List.copyOf(fields)));
      }
    }

    /**
     * The fields of a selection set with fragments resolved, for the structural levels (operation,
     * uiapi, connections), where a fragment's type condition does not change what is read.
     */
    private List<Field> fieldsOf(SelectionSet selections, List<Field> into) throws Unclassified {
      if (selections == null) {
        throw new Unclassified();
      }
      List<Field> out = into == null ? new ArrayList<>() : into;
      for (Selection<?> selection : selections.getSelections()) {
        switch (selection) {
          case Field field -> out.add(field);
          case InlineFragment inline -> fieldsOf(inline.getSelectionSet(), out);
          case FragmentSpread spread -> {
            fieldsOf(enter(spread.getName()).getSelectionSet(), out);
            fragmentStack.pop();
          }
          default -> throw new Unclassified();
        }
      }
      return out;
    }

    private FragmentDefinition enter(String name) throws Unclassified {
      FragmentDefinition fragment = fragments.get(name);
      if (fragment == null || fragmentStack.contains(name) || fragmentStack.size() >= MAX_FRAGMENT_DEPTH) {
        throw new Unclassified(); // unknown, cyclic or too deep
      }
      fragmentStack.push(name);
      return fragment;
    }

    /** A GraphQL value as JSON, variables replaced by their values. */
    private JsonNode json(Value<?> value) throws Unclassified {
      return switch (value) {
        case VariableReference variable -> variables.has(variable.getName()) ? variables.get(variable.getName())
            : NullNode.getInstance();
        case StringValue text -> JsonNodeFactory.instance.textNode(text.getValue());
        case EnumValue enumeration -> JsonNodeFactory.instance.textNode(enumeration.getName());
        case IntValue number -> JsonNodeFactory.instance.numberNode(number.getValue());
        case FloatValue number -> JsonNodeFactory.instance.numberNode(number.getValue());
        case BooleanValue bool -> JsonNodeFactory.instance.booleanNode(bool.isValue());
        case ArrayValue array -> {
          ArrayNode out = JsonNodeFactory.instance.arrayNode();
          for (Value<?> item : array.getValues()) {
            out.add(json(item));
          }
          yield out;
        }
        case ObjectValue object -> {
          Map<String, JsonNode> members = new LinkedHashMap<>();
          for (ObjectField member : object.getObjectFields()) {
            if (members.put(member.getName(), json(member.getValue())) != null) {
              throw new Unclassified();
            }
          }
          ObjectNode out = JsonNodeFactory.instance.objectNode();
          out.setAll(members);
          yield out;
        }
        default -> NullNode.getInstance();
      };
    }
  }

  /** Inside a relationship, {@code ... on Account} is a polymorphic branch ({@code Event.What:Account}). */
  private static String branch(String prefix, String type) throws Unclassified {
    if (type == null) {
      return prefix;
    }
    objectName(type);
    int lastDot = prefix.lastIndexOf('.');
    String relationship = lastDot < 0 ? "" : prefix.substring(lastDot + 1);
    if (lastDot < 0 || relationship.contains(":") || relationship.equals(type)) {
      return prefix; // the node's own type, a relationship named as its type, or a branch already taken
    }
    return prefix + ":" + type;
  }

  private static String objectName(String name) throws Unclassified {
    if (!RequestClassifier.NAME.matcher(name).matches()) {
      throw new Unclassified();
    }
    return name;
  }

  /** The field's own name, after its relationship path ({@code Account.Owner.Name} → {@code name}). */
  static String lastName(String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    int colon = last.indexOf(':');
    return (colon < 0 ? last : last.substring(colon + 1)).toLowerCase(Locale.ROOT);
  }
}
