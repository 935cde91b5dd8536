package dev.portcullis.policy;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelOptions;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed CEL environment every {@code when} expression is checked against.
 *
 * <p>Design: each input object is a declared CEL struct type with a fixed field set (not a
 * {@code map<string, dyn>}), so the checker rejects {@code principal.subjct} or
 * {@code org.environment == 1} at load time. At run time the values are plain Java maps holding
 * every declared field (DecisionInput fills absent ones with empty values), wrapped as CEL struct
 * values ({@link InputStruct}), so no protobuf messages are generated. Only two places are open maps, on
 * purpose: {@code principal.claims} (whatever the issuer put in the token) and values inside
 * {@code params}; a missing key there is an evaluation error, which the decision records.
 * {@code params} is typed per bundle from the values the bundle declares, so an unknown parameter
 * is also a load-time error.
 *
 * <p>Each {@link DecisionPoint} has its own variables: an environment checks the rules of one point,
 * so a deploy rule that reads {@code request} or an access rule that reads {@code deploy} is an
 * undeclared reference when the bundle loads. The access environment is exactly the one it was
 * before deploy rules existed (same types, same variables), so access decisions do not change.
 */
final class PolicyEnvironment {
  static final String NAMESPACE = "portcullis.";

  static final StructType PRINCIPAL = struct("Principal", fields(
      "kind", SimpleType.STRING,
      "issuer", SimpleType.STRING,
      "subject", SimpleType.STRING,
      "claims", MapType.create(SimpleType.STRING, SimpleType.DYN)));
  static final StructType SESSION = struct("Session", fields(
      "id", SimpleType.STRING,
      "scopes", ListType.create(SimpleType.STRING),
      "org", SimpleType.STRING,
      "age", SimpleType.DURATION));
  static final StructType REQUEST = struct("Request", fields(
      "api", SimpleType.STRING,
      "operation", SimpleType.STRING,
      "sobject", SimpleType.STRING,
      "fields", ListType.create(SimpleType.STRING),
      "records", SimpleType.INT,
      "bytes", SimpleType.INT));
  static final StructType ORG = struct("Org", fields(
      "alias", SimpleType.STRING,
      "environment", SimpleType.STRING,
      "id", SimpleType.STRING));
  static final StructType RISK = struct("Risk", fields(
      "score", SimpleType.DOUBLE,
      "reasons", ListType.create(SimpleType.STRING)));

  static final StructType DEPLOY = struct("Deploy", fields(
      "package_hash", SimpleType.STRING,
      "components", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN)),
      "changes", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN)),
      "destructive", SimpleType.BOOL,
      "deleted", ListType.create(SimpleType.STRING),
      "test_level", SimpleType.STRING,
      "tests", ListType.create(SimpleType.STRING),
      "check_only", SimpleType.BOOL,
      "quick_deploy", SimpleType.BOOL,
      "rollback", SimpleType.BOOL));
  static final StructType GIT = struct("Git", fields(
      "repository", SimpleType.STRING,
      "commit", SimpleType.STRING,
      "branch", SimpleType.STRING,
      "author", SimpleType.STRING,
      "protected", SimpleType.BOOL));

  /** The variables of access rules, in the order the documentation lists them. */
  static final Map<String, CelType> VARIABLES = fields(
      "principal", PRINCIPAL,
      "session", SESSION,
      "request", REQUEST,
      "org", ORG,
      "risk", RISK,
      "now", SimpleType.TIMESTAMP);

  /** The variables of deploy rules, in the order the documentation lists them. */
  static final Map<String, CelType> DEPLOY_VARIABLES = fields(
      "principal", PRINCIPAL,
      "org", ORG,
      "deploy", DEPLOY,
      "git", GIT,
      "approvals", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN)),
      "now", SimpleType.TIMESTAMP);

  /** How many comprehension iterations one evaluation of a condition may take, all comprehensions together. */
  static final int COMPREHENSION_BUDGET = 10_000;

  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(COMPREHENSION_BUDGET)
      .maxExpressionCodePointSize(20_000)
      .build();

  private final DecisionPoint point;
  private final StructType params;
  private final CelTypeProvider types;

  /** The access environment whose {@code params} has the fields and types of {@code paramValues}. */
  PolicyEnvironment(Map<String, Object> paramValues) {
    this(paramValues, DecisionPoint.ACCESS);
  }

  /** The environment of {@code point} whose {@code params} has the fields and types of {@code paramValues}. */
  PolicyEnvironment(Map<String, Object> paramValues, DecisionPoint point) {
    this.point = point;
    Map<String, CelType> paramTypes = new LinkedHashMap<>();
    paramValues.forEach((name, value) -> paramTypes.put(name, typeOf(value)));
    this.params = struct("Params", paramTypes);
    ImmutableList<CelType> all = switch (point) {
      case ACCESS -> ImmutableList.of(PRINCIPAL, SESSION, REQUEST, ORG, RISK, params);
      case DEPLOY -> ImmutableList.of(PRINCIPAL, ORG, DEPLOY, GIT, params);
    };
    this.types = new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return all;
      }

      @Override
      public Optional<CelType> findType(String name) {
        return all.stream().filter(type -> type.name().equals(name)).findFirst();
      }
    };
  }

  /** The bundle's parameter values as the {@code params} variable. */
  Object paramsValue(Map<String, Object> values) {
    return new InputStruct(params, values);
  }

  CelCompiler compiler() {
    var builder = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setTypeProvider(types)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addLibraries(CelExtensions.strings())
        .setResultType(SimpleType.BOOL)
        .addVar("params", params);
    variables(point).forEach(builder::addVar);
    return builder.build();
  }

  /** The variables the rules of {@code point} see, {@code params} aside. */
  static Map<String, CelType> variables(DecisionPoint point) {
    return switch (point) {
      case ACCESS -> VARIABLES;
      case DEPLOY -> DEPLOY_VARIABLES;
    };
  }

  DecisionPoint point() {
    return point;
  }

  CelRuntime runtime() {
    return CelRuntimeFactory.plannerRuntimeBuilder()
        .setOptions(OPTIONS)
        .setTypeProvider(types)
        .addLibraries(CelExtensions.strings())
        .build();
  }

  /** The CEL type of a parameter value read from YAML. */
  static CelType typeOf(Object value) {
    return switch (value) {
      case String s -> SimpleType.STRING;
      case Long l -> SimpleType.INT;
      case Double d -> SimpleType.DOUBLE;
      case Boolean b -> SimpleType.BOOL;
      case List<?> list -> {
        List<CelType> kinds = list.stream().map(PolicyEnvironment::typeOf).distinct().toList();
        yield ListType.create(kinds.size() == 1 ? kinds.get(0) : SimpleType.DYN);
      }
      case Map<?, ?> map -> MapType.create(SimpleType.STRING, SimpleType.DYN);
      default -> SimpleType.DYN;
    };
  }

  private static StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = Map.copyOf(fields);
    return StructType.create(NAMESPACE + name, ImmutableSet.copyOf(fields.keySet()),
        field -> Optional.ofNullable(copy.get(field)));
  }

  private static Map<String, CelType> fields(Object... namesAndTypes) {
    Map<String, CelType> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.put((String) namesAndTypes[i], (CelType) namesAndTypes[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(fields);
  }
}
