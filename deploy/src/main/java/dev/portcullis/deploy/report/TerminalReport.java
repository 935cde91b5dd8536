package dev.portcullis.deploy.report;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ChangeKind;
import dev.portcullis.deploy.diff.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The findings of {@code portcullis deploy check|start} as text for a terminal: a summary line,
 * the changes grouped by severity (highest first) and then by component, the policy outcome with
 * what is needed next, and the deployment's failures.
 *
 * <p>The text is stable: the same findings give the same bytes (components in name order, a
 * component's changes in the diff's order), lines end with LF, and colour (ANSI SGR escapes) is
 * only added when asked for. Every piece of text that comes from the package or the org (names,
 * messages, problems, stack traces) has its control characters and Unicode bidirectional controls
 * replaced by {@code ?}, so a crafted component cannot move the cursor, recolour or reorder what the
 * reviewer reads.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class TerminalReport {
  private static final String RESET = "\u001b[0m";

  private final boolean colour;

  private TerminalReport(boolean colour) {
    this.colour = colour;
  }

  /** Plain text, for files, pipes and terminals that asked for no colour. */
  public static TerminalReport plain() {
    return new TerminalReport(false);
  }

  /** Text with ANSI colours, for a terminal. */
  public static TerminalReport coloured() {
    return new TerminalReport(true);
  }

  /** The report for {@code findings}. */
  public String render(Findings findings) {
    ProjectPaths paths = new ProjectPaths(findings.project().root());
    StringBuilder out = new StringBuilder();
    summary(out, findings);
    changes(out, findings.changes(), paths);
    policy(out, findings);
    findings.deployment().ifPresent(deployment -> deployment(out, deployment, paths));
    return out.toString();
  }

  /**
   * The deployment's part of the report alone (status, component failures, test failures, coverage warnings), for
   * {@code deploy start}, which prints the inspection before it deploys and this once the deployment is done.
   *
   * @param projectRoot as {@link Findings.Project#root()}: paths under it are shown relative to it
   */
  public String renderDeployment(DeploymentResult deployment, String projectRoot) {
    StringBuilder out = new StringBuilder();
    deployment(out, deployment, new ProjectPaths(projectRoot));
    return out.toString();
  }

  private void summary(StringBuilder out, Findings findings) {
    Map<String, Set<ChangeKind>> components = new LinkedHashMap<>();
    Map<Severity, Integer> bySeverity = new EnumMap<>(Severity.class);
    for (Change change : findings.changes()) {
      components.computeIfAbsent(change.type() + ":" + change.fullName(), key -> new LinkedHashSet<>())
          .add(change.kind());
      bySeverity.merge(change.severity(), 1, Integer::sum);
    }
    int added = 0;
    int deleted = 0;
    for (Set<ChangeKind> kinds : components.values()) {
      if (kinds.contains(ChangeKind.COMPONENT_ADDED)) {
        added++;
      } else if (kinds.contains(ChangeKind.COMPONENT_DELETED)) {
        deleted++;
      }
    }
    int changed = components.size() - added - deleted;
    out.append("Summary: ").append(count(components.size(), "component")).append(" (").append(added)
        .append(" new, ").append(changed).append(" changed, ").append(deleted).append(" deleted); ")
        .append(count(findings.changes().size(), "finding")).append(" (");
    List<String> severities = new ArrayList<>();
    for (Severity severity : Severity.values()) {
      severities.add(bySeverity.getOrDefault(severity, 0) + " " + severity.id());
    }
    out.append(String.join(", ", severities)).append("); decision: ").append(decision(findings.decision()))
        .append('\n');
  }

  private void changes(StringBuilder out, List<Change> changes, ProjectPaths paths) {
    Map<Severity, Map<String, List<Change>>> grouped = new EnumMap<>(Severity.class);
    for (Change change : changes) {
      grouped.computeIfAbsent(change.severity(), severity -> new TreeMap<>())
          .computeIfAbsent(change.type() + " " + change.fullName(), component -> new ArrayList<>()).add(change);
    }
    grouped.forEach((severity, components) -> {
      int total = components.values().stream().mapToInt(List::size).sum();
      out.append('\n').append(paint(severity.name() + " (" + total + ")", severityColour(severity))).append('\n');
      components.forEach((component, list) -> {
        out.append("  ").append(clean(component)).append('\n');
        for (Change change : list) {
          out.append("    ").append(where(change.location(), paths)).append("  ").append(change.kind().id())
              .append("  ").append(clean(change.message())).append('\n');
        }
      });
    });
  }

  private void policy(StringBuilder out, Findings findings) {
    Decision decision = findings.decision();
    out.append('\n').append("Policy: ").append(decision(decision)).append('\n');
    List<String> needs = new ArrayList<>();
    for (PolicyOutcome outcome : findings.policy()) {
      String verb = switch (outcome.effect()) {
        case ALLOW -> "allowed by ";
        case HOLD_FOR_APPROVAL -> "held by ";
        case DENY -> "denied by ";
      };
      out.append("  ").append(verb).append(clean(outcome.ruleId())).append(": ").append(clean(outcome.reason()))
          .append('\n');
      if (outcome.effect() == PolicyOutcome.Effect.HOLD_FOR_APPROVAL) {
        String need = approvals(outcome.approvalsRequired()) + " from " + clean(outcome.approvers());
        out.append("    needs ").append(need).append('\n');
        needs.add(need);
      }
    }
    String id = findings.deploymentId().isEmpty() ? "ID" : clean(findings.deploymentId());
    switch (decision) {
      case DENIED -> out.append("Next: denied: change the package or the policy; an approval does not release a denial\n");
      case HELD -> out.append("Next: held: needs ").append(String.join(" and ", needs))
          .append("; run `portcullis deploy approve ").append(id).append("`\n");
      case ALLOWED -> out.append("Next: policy allows the deployment\n");
      case NOT_EVALUATED -> { }
    }
  }

  private void deployment(StringBuilder out, DeploymentResult deployment, ProjectPaths paths) {
    out.append('\n').append("Deployment");
    if (!deployment.deployId().isEmpty()) {
      out.append(' ').append(clean(deployment.deployId()));
    }
    out.append(": ").append(paint(clean(deployment.status()), deployment.success() ? "32" : "31")).append('\n');
    if (!deployment.componentFailures().isEmpty()) {
      out.append("  Component failures (").append(deployment.componentFailures().size()).append(")\n");
      for (DeploymentResult.ComponentFailure failure : deployment.componentFailures()) {
        String what = failure.componentType().isEmpty() ? "the deployment"
            : clean(failure.componentType() + " " + failure.fullName());
        out.append("    ").append(fileAt(failure.file(), failure.line(), failure.column(), paths, "(no file)"))
            .append("  ").append(what).append(failure.warning() ? " (warning): " : ": ")
            .append(clean(failure.problem())).append('\n');
      }
    }
    if (!deployment.testFailures().isEmpty()) {
      out.append("  Test failures (").append(deployment.testFailures().size()).append(")\n");
      for (DeploymentResult.TestFailure failure : deployment.testFailures()) {
        out.append("    ").append(clean(failure.className() + "." + failure.methodName())).append(": ")
            .append(clean(failure.message())).append('\n');
        if (!failure.file().isEmpty()) {
          out.append("      at ").append(fileAt(failure.file(), failure.line(), failure.column(), paths, ""))
              .append('\n');
        }
        for (String frame : failure.stackTrace().split("\\R")) {
          if (!frame.isBlank()) {
            out.append("      ").append(clean(frame.strip())).append('\n');
          }
        }
      }
    }
    if (!deployment.coverageWarnings().isEmpty()) {
      out.append("  Coverage warnings (").append(deployment.coverageWarnings().size()).append(")\n");
      for (DeploymentResult.CoverageWarning warning : deployment.coverageWarnings()) {
        out.append("    ");
        if (!warning.name().isEmpty()) {
          out.append(clean(warning.name())).append(": ");
        }
        out.append(clean(warning.message())).append('\n');
      }
    }
  }

  /** Where a change is: {@code file:line:column} in the package, the manifest of a deletion, or the org's copy. */
  private static String where(Change.Location location, ProjectPaths paths) {
    boolean after = location.side() == Change.Side.AFTER;
    if (location.file().isEmpty()) {
      return (after ? "(package) line " : "(org's copy) line ") + location.line();
    }
    String file = shown(location.file(), paths);
    return after ? file + ":" + location.line() + ":" + location.column() : file;
  }

  private static String fileAt(String file, int line, int column, ProjectPaths paths, String none) {
    if (file.isEmpty()) {
      return none;
    }
    StringBuilder text = new StringBuilder(shown(file, paths));
    if (line > 0) {
      text.append(':').append(line);
      if (column > 0) {
        text.append(':').append(column);
      }
    }
    return text.toString();
  }

  /** The file relative to the project when it is the project's, else as given. */
  private static String shown(String file, ProjectPaths paths) {
    String relative = paths.relative(file);
    return clean(relative.isEmpty() ? file : relative);
  }

  private String decision(Decision decision) {
    return paint(decision.text(), switch (decision) {
      case ALLOWED -> "32";
      case HELD -> "33";
      case DENIED -> "1;31";
      case NOT_EVALUATED -> "2";
    });
  }

  private static String severityColour(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "1;31";
      case HIGH -> "31";
      case MEDIUM -> "33";
      case LOW -> "36";
      case INFO -> "2";
    };
  }

  private String paint(String text, String sgr) {
    return colour ? "\u001b[" + sgr + "m" + text + RESET : text;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String approvals(int n) {
    return n == 1 ? "1 approval" : n + " approvals";
  }

  /**
   * {@code text} with every control character (C0, DEL, C1), line and paragraph separator and
   * Unicode bidirectional control replaced by {@code ?}: untrusted text stays one plain line.
   */
  static String clean(String text) {
    StringBuilder cleaned = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
          || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
          || c == '\u200e' || c == '\u200f' || c == '\u061c';
      if (unsafe && cleaned == null) {
        cleaned = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (cleaned != null) {
        cleaned.append(unsafe ? '?' : c);
      }
    }
    return cleaned == null ? text : cleaned.toString();
  }
}
