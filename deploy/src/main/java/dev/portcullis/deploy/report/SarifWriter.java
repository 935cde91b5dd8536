package dev.portcullis.deploy.report;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes findings as a SARIF 2.1.0 log (OASIS Standard, "Static Analysis Results Interchange Format
 * Version 2.1.0") for GitHub code scanning, the {@code --sarif FILE} of {@code portcullis deploy
 * check|start}.
 *
 * <p>Design note. The log follows GitHub's documented SARIF subset ("SARIF support for code
 * scanning", docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/
 * sarif-support-for-code-scanning):
 * <ul>
 *   <li>One run; {@code tool.driver} has {@code name} "portcullis", {@code version},
 *       {@code informationUri}, and {@code rules[]}, each with {@code id}, {@code name}, {@code
 *       shortDescription.text}, {@code fullDescription.text}, {@code help.text} (the three GitHub
 *       requires, at most 1024 characters), {@code defaultConfiguration.level}, and {@code
 *       properties.tags}, {@code properties.precision} and, for security rules, {@code
 *       properties["security-severity"]}: a numeric string GitHub reads as critical above 9.0, high
 *       from 7.0, medium from 4.0, low from 0.1; we write 9.5, 8.0, 5.5 and 3.0, and none for info
 *       (GitHub takes 0.0 as "no security severity"). GitHub reads the security severity from the
 *       rule only, so a kind's rule carries the highest severity among its results in the run; each
 *       result's {@code level} carries its own.
 *   <li>Rules: one per {@link ChangeKind} used ({@code id} = the kind's id), one per policy rule that
 *       held or denied ({@code policy/<rule id>}), and {@code deploy/component-failure}, {@code
 *       deploy/test-failure}, {@code deploy/coverage} for a deployment's problems. Rules come in a
 *       fixed order (kinds by declaration, policy rules by id, deploy rules as listed) and every
 *       result's {@code ruleIndex} points at its rule.
 *   <li>Every result has exactly one location (GitHub ignores a result without one and uses only the
 *       first): {@code physicalLocation.artifactLocation} with a {@code uri} relative to the project
 *       root ({@link ProjectPaths}: forward slashes, percent-encoded) and {@code uriBaseId}
 *       {@code %SRCROOT%}, declared in {@code run.originalUriBaseIds}, and a {@code region} with
 *       {@code startLine} and {@code startColumn}. A finding with no file in the project (a change
 *       found in the org's copy of a component, a policy outcome, an org-wide coverage warning)
 *       points at the package manifest, line 1. A change on the org's side ({@link Change.Side#BEFORE})
 *       keeps its file (a deletion's destructive-changes manifest) but not its line, which counts
 *       lines of the org's document.
 *   <li>{@code partialFingerprints}: GitHub "only uses the {@code primaryLocationLineHash}" and
 *       otherwise computes it from the text of the line, which would merge every finding that points
 *       at the manifest's line 1 and split a finding whenever its line is edited. So Portcullis sets
 *       {@code primaryLocationLineHash} itself, to a hash of what the finding is about ({@link
 *       Fingerprints}), with {@code :n} counting repeats within the run as GitHub's own value does,
 *       and writes the same value as {@code portcullis/v1}. ({@code upload-sarif} logs a warning
 *       for a value that differs from its own line hash, and keeps ours.)
 *   <li>Messages are the diff's sentences, which never hold a secret's value; {@code before} and
 *       {@code after} values are not written at all.
 * </ul>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SarifWriter {
  /** The SARIF 2.1.0 schema's id (OASIS, errata01). */
  public static final String SCHEMA_URI =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  /** The {@code partialFingerprints} key that holds Portcullis's own fingerprint. */
  public static final String FINGERPRINT_KEY = "portcullis/v1";
  static final String GITHUB_FINGERPRINT_KEY = "primaryLocationLineHash";
  static final String SRCROOT = "%SRCROOT%";
  static final String COMPONENT_FAILURE = "deploy/component-failure";
  static final String TEST_FAILURE = "deploy/test-failure";
  static final String COVERAGE = "deploy/coverage";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"))
      .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private final String toolVersion;
  private final String informationUri;

  private SarifWriter(String toolVersion, String informationUri) {
    this.toolVersion = toolVersion;
    this.informationUri = informationUri;
  }

  /**
   * A writer naming the tool {@code portcullis} at {@code toolVersion}, documented at the absolute
   * URI {@code informationUri}.
   */
  public static SarifWriter create(String toolVersion, String informationUri) {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(informationUri, "informationUri");
    if (toolVersion.isBlank()) {
      throw new IllegalArgumentException("the tool version must not be blank");
    }
    try {
      if (!new URI(informationUri).isAbsolute()) {
        throw new IllegalArgumentException("informationUri must be an absolute URI, not '" + informationUri + "'");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("informationUri is not a URI: " + e.getMessage(), e);
    }
    return new SarifWriter(toolVersion, informationUri);
  }

  /** The SARIF log as pretty-printed JSON (LF line ends, a final newline). */
  public String toJson(Findings findings) {
    try {
      return WRITER.writeValueAsString(toTree(findings)) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("a JSON tree always serializes", e);
    }
  }

  /** Writes the SARIF log, UTF-8, to {@code out} (left open). */
  public void write(Findings findings, OutputStream out) throws IOException {
    out.write(toJson(findings).getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  ObjectNode toTree(Findings findings) {
    Run run = new Run(findings);
    ObjectNode log = MAPPER.createObjectNode();
    log.put("$schema", SCHEMA_URI);
    log.put("version", "2.1.0");
    ObjectNode sarifRun = log.putArray("runs").addObject();
    ObjectNode driver = sarifRun.putObject("tool").putObject("driver");
    driver.put("name", "portcullis");
    driver.put("version", toolVersion);
    driver.put("informationUri", informationUri);
    driver.set("rules", run.rules());
    sarifRun.putObject("originalUriBaseIds").putObject(SRCROOT).putObject("description")
        .put("text", "The root of the project the package came from; artifact URIs are relative to it.");
    sarifRun.put("columnKind", "utf16CodeUnits");
    sarifRun.set("results", run.results());
    ObjectNode properties = sarifRun.putObject("properties");
    properties.put("portcullis/decision", findings.decision().text());
    if (!findings.deploymentId().isEmpty()) {
      properties.put("portcullis/deploymentId", findings.deploymentId());
    }
    findings.deployment().ifPresent(deployment -> {
      if (!deployment.deployId().isEmpty()) {
        properties.put("portcullis/deployId", deployment.deployId());
      }
      properties.put("portcullis/deployStatus", deployment.status());
    });
    return log;
  }

  /** The SARIF {@code level} of a severity: critical and high are errors, medium warnings, the rest notes. */
  static String level(Severity severity) {
    return switch (severity) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** GitHub's {@code security-severity} score for a severity, or {@code null} for info (no security severity). */
  static String securitySeverity(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> null;
    };
  }

  /** PascalCase of the kind's constant ({@code UserPermissionGranted}): the rule's readable name. */
  static String ruleName(ChangeKind kind) {
    StringBuilder name = new StringBuilder();
    for (String word : kind.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  /** One run's rules and results, built together so that every result's rule index is right. */
  private static final class Run {
    private final Findings findings;
    private final ProjectPaths paths;
    private final String manifest;
    private final Map<ChangeKind, Severity> kinds = new EnumMap<>(ChangeKind.class);
    private final Map<String, PolicyOutcome> policyRules = new TreeMap<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> repeats = new HashMap<>();
    private final boolean componentFailures;
    private final boolean testFailures;
    private final boolean coverage;

    Run(Findings findings) {
      this.findings = findings;
      this.paths = new ProjectPaths(findings.project().root());
      this.manifest = manifest(paths, findings.project().manifest());
      for (Change change : findings.changes()) {
        kinds.merge(change.kind(), change.severity(), (a, b) -> a.atLeast(b) ? a : b);
      }
      for (PolicyOutcome outcome : findings.policy()) {
        if (outcome.effect() != PolicyOutcome.Effect.ALLOW) {
          policyRules.merge(outcome.ruleId(), outcome,
              (a, b) -> a.effect() == PolicyOutcome.Effect.DENY ? a : b);
        }
      }
      DeploymentResult deployment = findings.deployment().orElse(null);
      componentFailures = deployment != null && !deployment.componentFailures().isEmpty();
      testFailures = deployment != null && !deployment.testFailures().isEmpty();
      coverage = deployment != null && !deployment.coverageWarnings().isEmpty();
    }

    /**
     * The manifest relative to the project; if it is not under the project root, its file name
     * (GitHub looks the path up in the repository); failing that, {@code package.xml}.
     */
    private static String manifest(ProjectPaths paths, String manifest) {
      String relative = paths.relative(manifest);
      if (!relative.isEmpty()) {
        return relative;
      }
      String[] segments = manifest.replace('\\', '/').split("/");
      for (int i = segments.length - 1; i >= 0; i--) {
        String name = paths.relative(segments[i]);
        if (!name.isEmpty()) {
          return name;
        }
      }
      return "package.xml";
    }

    ArrayNode rules() {
      ArrayNode rules = MAPPER.createArrayNode();
      kinds.forEach((kind, severity) -> add(rules, changeRule(kind, severity)));
      policyRules.values().forEach(outcome -> add(rules, policyRule(outcome)));
      if (componentFailures) {
        add(rules, deployRule(COMPONENT_FAILURE, "ComponentFailure", "error",
            "A component failed to deploy",
            "Salesforce refused to save a component of the deployment (a compile error, a missing dependency, "
                + "invalid metadata), or the deployment as a whole failed.",
            "Fix the component at the line shown and deploy again; the problem text is Salesforce's own."));
      }
      if (testFailures) {
        add(rules, deployRule(TEST_FAILURE, "TestFailure", "error",
            "An Apex test failed during the deployment",
            "An Apex test method the deployment ran failed; with a test level that runs tests, any failure rolls "
                + "the deployment back.",
            "Read the test's message and stack trace, fix the code or the test, and deploy again."));
      }
      if (coverage) {
        add(rules, deployRule(COVERAGE, "CoverageWarning", "warning",
            "Apex code coverage is too low",
            "Salesforce reported a code coverage warning: a class or trigger, or the org as a whole, is below the "
                + "coverage a production deployment needs (75% overall).",
            "Add tests that exercise the uncovered code."));
      }
      return rules;
    }

    ArrayNode results() {
      ArrayNode results = MAPPER.createArrayNode();
      for (Change change : findings.changes()) {
        ObjectNode result = result(results, change.kind().id(), level(change.severity()), change.message());
        Change.Location location = change.location();
        String file = paths.relative(location.file());
        boolean lineApplies = location.side() == Change.Side.AFTER;
        locate(result, file, lineApplies ? location.line() : 1, lineApplies ? location.column() : 1);
        fingerprint(result, "change", change.kind().id(), change.type(), change.fullName(), change.subject(),
            change.aspect());
        ObjectNode properties = result.putObject("properties");
        properties.put("portcullis/severity", change.severity().id());
        properties.put("portcullis/component", change.type() + ":" + change.fullName());
        String score = securitySeverity(change.severity());
        if (score != null) {
          properties.put("security-severity", score);
        }
      }
      for (PolicyOutcome outcome : findings.policy()) {
        if (outcome.effect() == PolicyOutcome.Effect.ALLOW) {
          continue;
        }
        boolean deny = outcome.effect() == PolicyOutcome.Effect.DENY;
        String message = deny
            ? "Policy rule " + outcome.ruleId() + " denies the deployment: " + outcome.reason()
            : "Policy rule " + outcome.ruleId() + " holds the deployment for approval: " + outcome.reason()
                + " (needs " + approvals(outcome.approvalsRequired()) + " from " + outcome.approvers() + ")";
        ObjectNode result = result(results, "policy/" + outcome.ruleId(), deny ? "error" : "warning", message);
        locate(result, "", 1, 1);
        fingerprint(result, "policy", outcome.ruleId(), outcome.effect().id());
        ObjectNode properties = result.putObject("properties");
        properties.put("portcullis/effect", outcome.effect().id());
        if (!deny) {
          properties.put("portcullis/approvalsRequired", outcome.approvalsRequired());
          properties.put("portcullis/approvers", outcome.approvers());
        }
      }
      findings.deployment().ifPresent(deployment -> deploymentResults(results, deployment));
      return results;
    }

    private void deploymentResults(ArrayNode results, DeploymentResult deployment) {
      for (DeploymentResult.ComponentFailure failure : deployment.componentFailures()) {
        String message = failure.componentType().isEmpty()
            ? "The deployment failed: " + failure.problem()
            : failure.componentType() + " " + failure.fullName() + " failed to deploy: " + failure.problem();
        ObjectNode result = result(results, COMPONENT_FAILURE, failure.warning() ? "warning" : "error", message);
        locate(result, paths.relative(failure.file()), failure.line(), failure.column());
        fingerprint(result, COMPONENT_FAILURE, failure.componentType(), failure.fullName(), failure.problem());
      }
      for (DeploymentResult.TestFailure failure : deployment.testFailures()) {
        ObjectNode result = result(results, TEST_FAILURE, "error",
            "Apex test " + failure.className() + "." + failure.methodName() + " failed: " + failure.message());
        locate(result, paths.relative(failure.file()), failure.line(), failure.column());
        fingerprint(result, TEST_FAILURE, failure.className(), failure.methodName());
        if (!failure.stackTrace().isEmpty()) {
          result.putObject("properties").put("portcullis/stackTrace", failure.stackTrace());
        }
      }
      for (DeploymentResult.CoverageWarning warning : deployment.coverageWarnings()) {
        ObjectNode result = result(results, COVERAGE, "warning", warning.message());
        locate(result, paths.relative(warning.file()), 1, 1);
        fingerprint(result, COVERAGE, warning.name());
      }
    }

    private void add(ArrayNode rules, ObjectNode rule) {
      index.put(rule.get("id").asText(), rules.size());
      rules.add(rule);
    }

    private static ObjectNode changeRule(ChangeKind kind, Severity severity) {
      SarifRules.Text text = SarifRules.of(kind);
      ObjectNode rule = descriptor(kind.id(), ruleName(kind), level(severity), text.shortDescription(),
          text.fullDescription(), text.help() + " See docs/DEPLOY.md, \"What the diff reports\".");
      ObjectNode properties = rule.putObject("properties");
      ArrayNode tags = properties.putArray("tags").add("security");
      text.tags().forEach(tags::add);
      properties.put("precision", "very-high");
      String score = securitySeverity(severity);
      if (score != null) {
        properties.put("security-severity", score);
      } else {
        properties.put("problem.severity", "recommendation");
      }
      return rule;
    }

    private static ObjectNode policyRule(PolicyOutcome outcome) {
      boolean deny = outcome.effect() == PolicyOutcome.Effect.DENY;
      ObjectNode rule = descriptor("policy/" + outcome.ruleId(), outcome.ruleId(), deny ? "error" : "warning",
          "Deploy policy rule " + outcome.ruleId() + (deny ? " denies the deployment" : " holds the deployment"),
          clip(outcome.reason()),
          deny
              ? "A denial is final for this package: change the package, or change the policy through its own review."
                  + " An approval does not release a denial."
              : "The deployment waits until enough people approve it (portcullis deploy approve ID); an approval binds"
                  + " to this package's hash and target org, and the deployment's author cannot approve it.");
      ObjectNode properties = rule.putObject("properties");
      properties.putArray("tags").add("security").add("policy");
      properties.put("precision", "very-high");
      properties.put("security-severity", deny ? "8.0" : "5.5");
      return rule;
    }

    private static ObjectNode deployRule(
        String id, String name, String level, String shortText, String fullText, String help) {
      ObjectNode rule = descriptor(id, name, level, shortText, fullText, help);
      ObjectNode properties = rule.putObject("properties");
      properties.putArray("tags").add("deploy").add("reliability");
      properties.put("precision", "very-high");
      properties.put("problem.severity", level);
      return rule;
    }

    private static ObjectNode descriptor(
        String id, String name, String level, String shortText, String fullText, String help) {
      ObjectNode rule = MAPPER.createObjectNode();
      rule.put("id", id);
      rule.put("name", name.length() > 255 ? name.substring(0, 255) : name);
      rule.putObject("shortDescription").put("text", clip(shortText));
      rule.putObject("fullDescription").put("text", clip(fullText.isBlank() ? shortText : fullText));
      rule.putObject("defaultConfiguration").put("level", level);
      rule.putObject("help").put("text", clip(help));
      return rule;
    }

    private ObjectNode result(ArrayNode results, String ruleId, String level, String message) {
      ObjectNode result = results.addObject();
      result.put("ruleId", ruleId);
      result.put("ruleIndex", index.get(ruleId));
      result.put("level", level);
      result.putObject("message").put("text", message.isBlank() ? ruleId : message);
      return result;
    }

    /** One location: {@code file} at line and column, or the manifest at line 1 when there is no file. */
    private void locate(ObjectNode result, String file, int line, int column) {
      boolean own = !file.isEmpty();
      ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
      ObjectNode artifact = physical.putObject("artifactLocation");
      artifact.put("uri", ProjectPaths.uri(own ? file : manifest));
      artifact.put("uriBaseId", SRCROOT);
      ObjectNode region = physical.putObject("region");
      region.put("startLine", own ? Math.max(1, line) : 1);
      region.put("startColumn", own ? Math.max(1, column) : 1);
    }

    private void fingerprint(ObjectNode result, String... parts) {
      String base = Fingerprints.of(parts);
      int repeat = repeats.merge(base, 1, Integer::sum);
      String value = base + ":" + repeat;
      ObjectNode fingerprints = result.putObject("partialFingerprints");
      fingerprints.put(GITHUB_FINGERPRINT_KEY, value);
      fingerprints.put(FINGERPRINT_KEY, value);
    }

    private static String approvals(int count) {
      return count == 1 ? "1 approval" : count + " approvals";
    }

    private static String clip(String text) {
      return text.length() <= SarifRules.MAX_TEXT ? text : text.substring(0, SarifRules.MAX_TEXT - 1) + "…";
    }
  }
}
