package dev.portcullis.certs.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes certificate findings as a SARIF 2.1.0 log (OASIS) for GitHub code scanning, the {@code
 * --sarif FILE} of {@code portcullis certs check}.
 *
 * <p>Design note. The same GitHub subset as the deploy module's SARIF: one run; {@code
 * tool.driver.rules[]}, one per check used, with {@code id} (the check's stable id), {@code name},
 * short and full descriptions, {@code help}, {@code defaultConfiguration.level} and {@code
 * properties["security-severity"]} (9.5 critical, 8.0 high, 5.5 medium, 3.0 low; none for info), the
 * worst among the run's results of that check, because GitHub reads it from the rule only. Each
 * result has its own {@code level}, one location (GitHub uses only the first): the input the chain
 * came from (a file relative to {@code %SRCROOT%}, or an endpoint's {@code https://} URI), line 1;
 * and {@code partialFingerprints} from the check, the leaf fingerprint and the origin, so that a
 * finding keeps its identity while its message (days left) changes. Properties carry the leaf
 * fingerprint, subject and use.
 */
public final class SarifLog {
  /** The SARIF 2.1.0 schema's id (OASIS, errata01). */
  public static final String SCHEMA_URI =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  static final String SRCROOT = "%SRCROOT%";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SarifLog() {}

  /**
   * The log as JSON. {@code locate} maps a finding's origin to its artifact URI: a relative path
   * (forward slashes) for a file in the project, or an absolute URI.
   */
  public static String toJson(List<Finding> findings, Function<String, String> locate, String toolVersion,
      String informationUri) {
    Objects.requireNonNull(locate, "locate");
    ObjectNode log = MAPPER.createObjectNode();
    log.put("$schema", SCHEMA_URI);
    log.put("version", "2.1.0");
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "portcullis");
    driver.put("version", toolVersion);
    driver.put("informationUri", informationUri);
    Map<CheckId, Severity> worst = new EnumMap<>(CheckId.class);
    for (Finding finding : findings) {
      worst.merge(finding.check(), finding.severity(), Severity::worse);
    }
    ArrayNode rules = driver.putArray("rules");
    Map<CheckId, Integer> ruleIndex = new EnumMap<>(CheckId.class);
    for (CheckId check : new TreeSet<>(worst.keySet())) {
      ruleIndex.put(check, rules.size());
      ObjectNode rule = rules.addObject();
      rule.put("id", check.id());
      rule.put("name", camel(check.id()));
      rule.putObject("shortDescription").put("text", check.number() + " " + check.id());
      rule.putObject("fullDescription").put("text", check.description());
      rule.putObject("help").put("text", check.description() + " Source: " + check.rule() + ".");
      rule.putObject("defaultConfiguration").put("level", level(check.severity()));
      ObjectNode properties = rule.putObject("properties");
      properties.putArray("tags").add("security").add("certificates");
      properties.put("precision", "very-high");
      String securitySeverity = securitySeverity(worst.get(check));
      if (securitySeverity != null) {
        properties.put("security-severity", securitySeverity);
      }
    }
    run.putObject("originalUriBaseIds").putObject(SRCROOT).putObject("description")
        .put("text", "The directory portcullis certs check ran in; file URIs are relative to it.");
    ArrayNode results = run.putArray("results");
    Map<String, Integer> repeats = new HashMap<>();
    for (Finding finding : findings) {
      ObjectNode result = results.addObject();
      result.put("ruleId", finding.check().id());
      result.put("ruleIndex", ruleIndex.get(finding.check()));
      result.put("level", level(finding.severity()));
      result.putObject("message").put("text", finding.message());
      ObjectNode artifact = result.putArray("locations").addObject().putObject("physicalLocation");
      ObjectNode location = artifact.putObject("artifactLocation");
      String uri = locate.apply(finding.origin());
      location.put("uri", uri);
      if (!isAbsolute(uri)) {
        location.put("uriBaseId", SRCROOT);
      }
      artifact.putObject("region").put("startLine", 1);
      String key = finding.check().id() + "|" + finding.fingerprint() + "|" + finding.origin();
      int repeat = repeats.merge(key, 1, Integer::sum);
      result.putObject("partialFingerprints").put("portcullis/v1",
          Inspected.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ":" + repeat);
      ObjectNode properties = result.putObject("properties");
      properties.put("check", finding.check().number());
      properties.put("severity", finding.severity().id());
      properties.put("fingerprint", finding.fingerprint());
      properties.put("subject", finding.subject());
      properties.put("use", finding.use().id());
      properties.put("rule", finding.rule());
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(log) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static String level(Severity severity) {
    return switch (severity) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  private static String securitySeverity(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> null;
    };
  }

  private static boolean isAbsolute(String uri) {
    try {
      return new URI(uri).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String camel(String id) {
    StringBuilder name = new StringBuilder();
    for (String part : id.split("-")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return name.toString();
  }
}
