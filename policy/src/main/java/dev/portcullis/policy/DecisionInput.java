package dev.portcullis.policy;

import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * What a decision is about: who ({@code principal}), in which session, asking what ({@code request})
 * of which org, at what risk, at what time. Time is passed in, never read by the policy.
 * Absent fields are empty strings, empty lists, zero and a zero duration.
 */
public final class DecisionInput implements PolicyInput {
  /** The caller: {@code kind} is {@code github}, {@code gitlab}, {@code oidc} or {@code mtls}. */
  public record Principal(String kind, String issuer, String subject, Map<String, ?> claims) {
    public Principal {
      kind = orEmpty(kind);
      issuer = orEmpty(issuer);
      subject = orEmpty(subject);
      claims = claims == null ? Map.of() : claims;
    }
  }

  /** The Portcullis session; when deciding whether to issue one, {@code scopes} are the requested scopes. */
  public record Session(String id, List<String> scopes, String org, Duration age) {
    public Session {
      id = orEmpty(id);
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
      org = orEmpty(org);
      age = age == null ? Duration.ZERO : age;
    }
  }

  /** A Salesforce API call as the gateway classified it. */
  public record Request(String api, String operation, String sobject, List<String> fields, long records, long bytes) {
    public Request {
      api = orEmpty(api);
      operation = orEmpty(operation);
      sobject = orEmpty(sobject);
      fields = fields == null ? List.of() : List.copyOf(fields);
    }
  }

  /** The target org: {@code environment} is {@code production}, {@code sandbox}, {@code scratch}, … */
  public record Org(String alias, String environment, String id) {
    public Org {
      alias = orEmpty(alias);
      environment = orEmpty(environment);
      id = orEmpty(id);
    }
  }

  /** The caller's current risk score and why. */
  public record Risk(double score, List<String> reasons) {
    public Risk {
      reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
  }

  private final Principal principal;
  private final Session session;
  private final Request request;
  private final Org org;
  private final Risk risk;
  private final Instant now;
  private final Optional<Object> principalValue;
  private final Optional<Object> sessionValue;
  private final Optional<Object> requestValue;
  private final Optional<Object> orgValue;
  private final Optional<Object> riskValue;
  private final Optional<Object> nowValue;
  private final InputMap celClaims;
  /** The value of every {@link Precheck.Field}, by ordinal, as CEL sees it. */
  private final Object[] fieldValues;

  private DecisionInput(Builder builder) {
    this.principal = builder.principal;
    this.session = builder.session;
    this.request = builder.request;
    this.org = builder.org;
    this.risk = builder.risk;
    this.now = Objects.requireNonNull(builder.now, "now: a decision needs the time it is made");
    this.celClaims = (InputMap) celValue(principal.claims());
    this.principalValue = Optional.of(new InputStruct(PolicyEnvironment.PRINCIPAL, Map.of("kind", principal.kind(),
        "issuer", principal.issuer(), "subject", principal.subject(), "claims", celClaims)));
    this.sessionValue = Optional.of(new InputStruct(PolicyEnvironment.SESSION, Map.of("id", session.id(),
        "scopes", session.scopes(), "org", session.org(), "age", session.age())));
    this.requestValue = Optional.of(new InputStruct(PolicyEnvironment.REQUEST, Map.of("api", request.api(),
        "operation", request.operation(), "sobject", request.sobject(), "fields", request.fields(),
        "records", request.records(), "bytes", request.bytes())));
    this.orgValue = Optional.of(new InputStruct(PolicyEnvironment.ORG, Map.of("alias", org.alias(),
        "environment", org.environment(), "id", org.id())));
    this.riskValue = Optional.of(new InputStruct(PolicyEnvironment.RISK, Map.of("score", risk.score(),
        "reasons", risk.reasons())));
    this.nowValue = Optional.of(now);
    this.fieldValues = new Object[Precheck.Field.values().length];
    for (Precheck.Field field : Precheck.Field.values()) {
      fieldValues[field.ordinal()] = field == Precheck.Field.NOW ? now
          : ((InputStruct) variable(field.variable).orElseThrow()).select(field.name);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Principal principal() {
    return principal;
  }

  public Session session() {
    return session;
  }

  public Request request() {
    return request;
  }

  public Org org() {
    return org;
  }

  public Risk risk() {
    return risk;
  }

  public Instant now() {
    return now;
  }

  /** {@link DecisionPoint#ACCESS}. */
  @Override
  public DecisionPoint point() {
    return DecisionPoint.ACCESS;
  }

  /**
   * The CEL variable {@code name} (any but {@code params}), built once per input; empty for an
   * unknown name. The optionals are built once too, since the runtime asks for a variable at every
   * access of every rule.
   */
  Optional<Object> variable(String name) {
    return switch (name) {
      case "principal" -> principalValue;
      case "session" -> sessionValue;
      case "request" -> requestValue;
      case "org" -> orgValue;
      case "risk" -> riskValue;
      case "now" -> nowValue;
      default -> Optional.empty();
    };
  }

  /** The value of {@code field} as CEL sees it (String, Long, Double, Duration, Instant or a list of strings). */
  Object fieldValue(Precheck.Field field) {
    return fieldValues[field.ordinal()];
  }

  /** {@code principal.claims} as CEL sees it. */
  InputMap celClaims() {
    return celClaims;
  }

  /**
   * Reads an input document (JSON or YAML) with the keys {@code principal}, {@code session},
   * {@code request}, {@code org}, {@code risk}, {@code now}; durations as {@code 5m}, times as RFC 3339.
   *
   * @param file the name used in problems
   * @param defaultNow the time when the document has no {@code now}
   * @throws PolicyException listing every problem with its line and column
   */
  public static DecisionInput parse(String text, String file, Instant defaultNow) throws PolicyException {
    List<PolicyProblem> problems = new ArrayList<>();
    Optional<DecisionInput> input = PolicyYaml.compose(file, text, problems)
        .flatMap(root -> read(root.yaml(), root.node(), defaultNow));
    if (input.isEmpty() || !problems.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add(new PolicyProblem(file, 0, 0, PolicyErrorCode.INVALID_VALUE, "not a decision input"));
      }
      throw new PolicyException(problems);
    }
    return input.get();
  }

  /** Reads an input mapping; records problems and returns empty when anything is wrong. */
  static Optional<DecisionInput> read(PolicyYaml yaml, Node node, Instant defaultNow) {
    if (PolicyYaml.isNull(node)) {
      return Optional.of(builder().now(defaultNow).build());
    }
    Optional<Map<String, NodeTuple>> top = yaml.mapping(node, "the input",
        List.of("principal", "session", "request", "org", "risk", "now"));
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Reader reader = new Reader(yaml, top.get());
    Builder builder = builder().now(defaultNow);
    reader.section("principal", List.of("kind", "issuer", "subject", "claims")).ifPresent(p -> builder.principal(
        new Principal(reader.text(p, "kind"), reader.text(p, "issuer"), reader.text(p, "subject"), reader.map(p, "claims"))));
    reader.section("session", List.of("id", "scopes", "org", "age")).ifPresent(s -> builder.session(
        new Session(reader.text(s, "id"), reader.texts(s, "scopes"), reader.text(s, "org"), reader.duration(s, "age"))));
    reader.section("request", List.of("api", "operation", "sobject", "fields", "records", "bytes")).ifPresent(r ->
        builder.request(new Request(reader.text(r, "api"), reader.text(r, "operation"), reader.text(r, "sobject"),
            reader.texts(r, "fields"), reader.integer(r, "records"), reader.integer(r, "bytes"))));
    reader.section("org", List.of("alias", "environment", "id")).ifPresent(o -> builder.org(
        new Org(reader.text(o, "alias"), reader.text(o, "environment"), reader.text(o, "id"))));
    reader.section("risk", List.of("score", "reasons")).ifPresent(r -> builder.risk(
        new Risk(reader.number(r, "score"), reader.texts(r, "reasons"))));
    NodeTuple now = top.get().get("now");
    if (now != null) {
      yaml.text(now.getValueNode(), "now").ifPresent(text -> {
        try {
          builder.now(Instant.parse(text));
        } catch (DateTimeParseException e) {
          yaml.error(now.getValueNode(), PolicyErrorCode.INVALID_VALUE,
              "now must be an RFC 3339 time such as 2026-01-31T12:00:00Z, found '" + PolicyYaml.abbreviate(text) + "'");
          reader.ok = false;
        }
      });
    }
    return reader.ok ? Optional.of(builder.build()) : Optional.empty();
  }

  /** Reads the sections of an input mapping, noting whether anything was wrong. */
  static final class Reader {
    private final PolicyYaml yaml;
    private final Map<String, NodeTuple> top;
    boolean ok = true;

    Reader(PolicyYaml yaml, Map<String, NodeTuple> top) {
      this.yaml = yaml;
      this.top = top;
    }

    Optional<Map<String, NodeTuple>> section(String name, List<String> known) {
      NodeTuple tuple = top.get(name);
      if (tuple == null || PolicyYaml.isNull(tuple.getValueNode())) {
        return Optional.empty();
      }
      Optional<Map<String, NodeTuple>> fields = yaml.mapping(tuple.getValueNode(), name, known);
      ok &= fields.isPresent();
      return fields;
    }

    Node node(Map<String, NodeTuple> fields, String name) {
      NodeTuple tuple = fields.get(name);
      return tuple == null || PolicyYaml.isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    String text(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return "";
      }
      if (node instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar) {
        return scalar.getValue();
      }
      yaml.error(node, PolicyErrorCode.INVALID_VALUE, name + " must be a single value, found " + PolicyYaml.describe(node));
      ok = false;
      return "";
    }

    List<String> texts(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return List.of();
      }
      Optional<List<String>> texts = yaml.texts(node, name);
      ok &= texts.isPresent();
      return texts.orElse(List.of());
    }

    Map<String, ?> map(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return Map.of();
      }
      Optional<Object> value = yaml.value(node, name);
      if (value.isPresent() && value.get() instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, ?> claims = (Map<String, ?>) map;
        return claims;
      }
      if (value.isPresent()) {
        yaml.error(node, PolicyErrorCode.INVALID_VALUE, name + " must be a mapping, found " + PolicyYaml.describe(node));
      }
      ok = false;
      return Map.of();
    }

    Duration duration(Map<String, NodeTuple> fields, String name) {
      String text = text(fields, name);
      if (text.isEmpty()) {
        return Duration.ZERO;
      }
      Optional<Duration> duration = Durations.parse(text);
      if (duration.isEmpty()) {
        yaml.error(node(fields, name), PolicyErrorCode.INVALID_VALUE,
            name + " must be a duration such as 90s, 5m or 1h30m, found '" + PolicyYaml.abbreviate(text) + "'");
        ok = false;
      }
      return duration.orElse(Duration.ZERO);
    }

    long integer(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return 0;
      }
      Optional<Object> value = yaml.value(node, name);
      if (value.isPresent() && value.get() instanceof Long number && number >= 0) {
        return number;
      }
      if (value.isPresent()) {
        yaml.error(node, PolicyErrorCode.INVALID_VALUE, name + " must be a whole number ≥ 0, found " + PolicyYaml.describe(node));
      }
      ok = false;
      return 0;
    }

    boolean bool(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return false;
      }
      Optional<Object> value = yaml.value(node, name);
      if (value.isPresent() && value.get() instanceof Boolean bool) {
        return bool;
      }
      if (value.isPresent()) {
        yaml.error(node, PolicyErrorCode.INVALID_VALUE, name + " must be true or false, found " + PolicyYaml.describe(node));
      }
      ok = false;
      return false;
    }

    /** An RFC 3339 time; {@code orElse} when the field is absent. */
    Instant time(Map<String, NodeTuple> fields, String name, Instant orElse) {
      Node node = node(fields, name);
      if (node == null) {
        return orElse;
      }
      String text = text(fields, name);
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        yaml.error(node, PolicyErrorCode.INVALID_VALUE,
            name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z, found '" + PolicyYaml.abbreviate(text) + "'");
        ok = false;
        return orElse;
      }
    }

    double number(Map<String, NodeTuple> fields, String name) {
      Node node = node(fields, name);
      if (node == null) {
        return 0;
      }
      Optional<Object> value = yaml.value(node, name);
      if (value.isPresent() && value.get() instanceof Number number && Double.isFinite(number.doubleValue())) {
        return number.doubleValue();
      }
      if (value.isPresent()) {
        yaml.error(node, PolicyErrorCode.INVALID_VALUE, name + " must be a number, found " + PolicyYaml.describe(node));
      }
      ok = false;
      return 0;
    }
  }

  /**
   * Converts claim values to what CEL evaluates: Long, Double, String, Boolean, null value, lists,
   * and maps as {@link InputMap}s (so that the runtime does not convert them again at every access).
   */
  static Object celValue(Object value) {
    return switch (value) {
      case null -> NullValue.NULL_VALUE;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case Instant i -> i;
      case Duration d -> d;
      case NullValue n -> n;
      case List<?> list -> list.stream().map(DecisionInput::celValue).toList();
      case Map<?, ?> map -> {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), celValue(v)));
        yield new InputMap(out);
      }
      default -> String.valueOf(value);
    };
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  /** Builds an input; every part is optional except {@link #now}. */
  public static final class Builder {
    private Principal principal = new Principal("", "", "", Map.of());
    private Session session = new Session("", List.of(), "", Duration.ZERO);
    private Request request = new Request("", "", "", List.of(), 0, 0);
    private Org org = new Org("", "", "");
    private Risk risk = new Risk(0, List.of());
    private Instant now;

    private Builder() {}

    public Builder principal(Principal principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
      return this;
    }

    public Builder session(Session session) {
      this.session = Objects.requireNonNull(session, "session");
      return this;
    }

    public Builder request(Request request) {
      this.request = Objects.requireNonNull(request, "request");
      return this;
    }

    public Builder org(Org org) {
      this.org = Objects.requireNonNull(org, "org");
      return this;
    }

    public Builder risk(Risk risk) {
      this.risk = Objects.requireNonNull(risk, "risk");
      return this;
    }

    public Builder now(Instant now) {
      this.now = Objects.requireNonNull(now, "now");
      return this;
    }

    public DecisionInput build() {
      return new DecisionInput(this);
    }
  }
}
