package dev.portcullis.deploy;

import dev.portcullis.deploy.diff.Change;
import dev.portcullis.deploy.diff.ComponentVersions;
import dev.portcullis.deploy.diff.DiffException;
import dev.portcullis.deploy.diff.SemanticDiff;
import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.deploy.report.PolicyOutcome;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The part of a deployment that changes nothing: the package's components set against what the target org holds of
 * the same components (its Metadata API retrieve), diffed semantically, and the deploy policy's decision on the
 * result. {@code portcullis deploy check} is exactly this; {@code deploy start} runs it first.
 */
public final class DeployInspection {
  /** Types whose content is Apex source rather than XML (the diff reads their declarations). */
  private static final Set<String> APEX_TYPES = Set.of("ApexClass", "ApexTrigger");

  private DeployInspection() {
  }

  /**
   * The org's side: the files of the named components as the Metadata API retrieves them (Metadata API paths, e.g.
   * {@code profiles/Admin.profile}); a component the org lacks is simply absent.
   */
  @FunctionalInterface
  public interface OrgMetadata {
    MetadataPackage retrieve(List<Manifest.Member> members, String apiVersion);
  }

  /**
   * What an inspection found.
   *
   * @param packageHash the package's SHA-256 (docs/DEPLOY.md, "Package identity")
   * @param components every component with its status against the org (new, changed, unchanged, deleted)
   * @param changes the semantic diff's facts, in package order
   * @param decision the deploy policy's decision
   * @param approvalsRequired approvals the decision holds the deployment for (0: none)
   * @param outcomes the decision as the findings report shows it
   */
  public record Result(String packageHash, List<DeployInput.Component> components, List<Change> changes,
      Decision decision, int approvalsRequired, List<PolicyOutcome> outcomes) {
    public Result {
      components = List.copyOf(components);
      changes = List.copyOf(changes);
      outcomes = List.copyOf(outcomes);
    }

    /** Whether the deployment may go ahead now: allowed, and not held for approvals it does not have. */
    public boolean mayProceed(int approvalsHeld) {
      return decision.allowed() && approvalsHeld >= approvalsRequired;
    }
  }

  /**
   * Who deploys what, where: the parts of the policy input that do not come from the package.
   *
   * @param testLevel {@code NoTestRun}, {@code RunSpecifiedTests}, {@code RunLocalTests}, {@code RunAllTestsInOrg},
   *     or empty for Salesforce's default
   */
  public record Context(DeployInput.Builder input, String testLevel, List<String> tests, boolean checkOnly,
      boolean quickDeploy, boolean rollback) {
    public Context {
      Objects.requireNonNull(input, "input");
      testLevel = testLevel == null ? "" : testLevel;
      tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** A context that is not a quick deploy. */
    public Context(DeployInput.Builder input, String testLevel, List<String> tests, boolean checkOnly,
        boolean rollback) {
      this(input, testLevel, tests, checkOnly, false, rollback);
    }
  }

  /** Inspects {@code pkg} against {@code org} and decides it with {@code bundle}. */
  public static Result inspect(MetadataPackage pkg, OrgMetadata org, PolicyBundle bundle, Context context) {
    List<Manifest.Member> members = new ArrayList<>();
    for (MetadataPackage.Component c : pkg.components()) {
      members.add(new Manifest.Member(c.type(), c.fullName()));
    }
    List<Manifest.Member> deletions = new ArrayList<>();
    for (MetadataPackage.DestructivePhase phase : MetadataPackage.DestructivePhase.values()) {
      deletions.addAll(pkg.deletions(phase));
    }
    List<Manifest.Member> asked = new ArrayList<>(members);
    asked.addAll(deletions);
    MetadataPackage current = asked.isEmpty() ? null : org.retrieve(asked, pkg.apiVersion());
    Map<String, MetadataPackage.Component> inOrg = new LinkedHashMap<>();
    if (current != null) {
      for (MetadataPackage.Component c : current.components()) {
        inOrg.put(key(c.type(), c.fullName()), c);
      }
    }

    List<ComponentVersions> versions = new ArrayList<>();
    // A recomposed object's file is the document of the object and of each of its children: mapped once.
    Map<String, List<ComponentVersions.ChildFile>> childFiles = new java.util.HashMap<>();
    List<DeployInput.Component> statuses = new ArrayList<>();
    for (MetadataPackage.Component c : pkg.components()) {
      MetadataPackage.Component before = inOrg.get(key(c.type(), c.fullName()));
      String after = content(pkg, c);
      String source = sourceFile(c);
      List<ComponentVersions.ChildFile> children = c.files().size() == 1
          ? childFiles.computeIfAbsent(c.files().getFirst(), file -> childFiles(pkg, file)) : List.of();
      if (before == null) {
        versions.add(ComponentVersions.added(c.type(), c.fullName(), after, source).withChildFiles(children));
        statuses.add(new DeployInput.Component(c.type(), c.fullName(), DeployInput.Component.Status.NEW));
      } else {
        String was = content(current, before);
        if (was.equals(after)) { // the same document has no changes (the diff's property: diff(x, x) is empty)
          statuses.add(new DeployInput.Component(c.type(), c.fullName(), DeployInput.Component.Status.UNCHANGED));
          continue;
        }
        versions.add(ComponentVersions.changed(c.type(), c.fullName(), was, after, source).withChildFiles(children));
        statuses.add(new DeployInput.Component(c.type(), c.fullName(), DeployInput.Component.Status.CHANGED));
      }
    }
    for (Manifest.Member m : deletions) {
      MetadataPackage.Component before = inOrg.get(key(m.type(), m.fullName()));
      statuses.add(new DeployInput.Component(m.type(), m.fullName(), DeployInput.Component.Status.DELETED));
      if (before != null) {
        versions.add(ComponentVersions.deleted(m.type(), m.fullName(), content(current, before),
            "destructiveChanges.xml"));
      }
    }

    List<Change> changes;
    try {
      changes = SemanticDiff.create().diff(versions);
    } catch (DiffException e) {
      throw new DeployException(DeployErrorCode.DIFF_FAILED, e.getMessage(), e);
    }
    DeployInput input = context.input().deploy(new DeployInput.Deploy(pkg.sha256(), statuses,
        new ArrayList<Map<String, ?>>(Change.toMaps(changes)),
        context.testLevel(), context.tests(), context.checkOnly(), context.quickDeploy(), context.rollback())).build();
    Decision decision = bundle.decideDeploy(input);
    int required = decision.allowed() ? approvalsRequired(decision) : 0;
    return new Result(pkg.sha256(), statuses, changes, decision, required, outcomes(decision, required));
  }

  /** The approvals {@code require_approval} asks for (the largest count of the rules that attach it). */
  static int approvalsRequired(Decision decision) {
    int required = 0;
    for (Obligation o : decision.obligations()) {
      if (!o.name().equals("require_approval")) {
        continue;
      }
      Object value = o.value();
      if (value instanceof Boolean b) {
        required = Math.max(required, b ? 1 : 0);
      } else if (value instanceof Map<?, ?> map && map.get("approvers") instanceof Number n) {
        required = Math.max(required, n.intValue());
      } else if (value instanceof Map<?, ?>) {
        required = Math.max(required, 1);
      } else {
        throw new DeployException(DeployErrorCode.POLICY_FAILED, "require_approval from " + o.rules()
            + " is neither true nor a mapping: " + value);
      }
    }
    return required;
  }

  private static List<PolicyOutcome> outcomes(Decision decision, int required) {
    List<PolicyOutcome> outcomes = new ArrayList<>();
    String ruleIds = String.join(",", decision.matchedRules());
    if (!decision.allowed()) {
      String rule = decision.matchedRules().isEmpty() ? "default-deny" : decision.matchedRules().getFirst();
      outcomes.add(PolicyOutcome.deny(rule, String.join("; ", decision.reasons())));
    } else if (required > 0) {
      List<String> rules = new ArrayList<>();
      for (Obligation o : decision.obligations()) {
        if (o.name().equals("require_approval")) {
          rules.addAll(o.rules());
        }
      }
      outcomes.add(PolicyOutcome.hold(rules.isEmpty() ? ruleIds : String.join(",", rules),
          String.join("; ", decision.reasons()), required, "identity.approvers"));
    } else {
      outcomes.add(PolicyOutcome.allow(ruleIds.isEmpty() ? "allow" : ruleIds, String.join("; ", decision.reasons())));
    }
    return outcomes;
  }

  private static String key(String type, String fullName) {
    return type + ":" + fullName;
  }

  /**
   * The document the diff compares for one component: Apex source for classes and triggers; the component's XML
   * file when it has exactly one file that is not its {@code -meta.xml} and that file is XML (or only a
   * {@code -meta.xml}); otherwise (bundles, static resources, documents) a small XML listing of each file's path and
   * SHA-256, so that any change to any file shows as a change of the component.
   */
  static String content(MetadataPackage pkg, MetadataPackage.Component c) {
    Map<String, byte[]> files = pkg.files();
    List<String> main = new ArrayList<>();
    for (String f : c.files()) {
      if (!f.endsWith("-meta.xml")) {
        main.add(f);
      }
    }
    if (APEX_TYPES.contains(c.type()) && main.size() == 1) {
      return text(files.get(main.getFirst()));
    }
    if (main.size() == 1 && looksLikeXml(files.get(main.getFirst()))) {
      return text(files.get(main.getFirst()));
    }
    if (main.isEmpty() && c.files().size() == 1) {
      return text(files.get(c.files().getFirst()));
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PortcullisFiles>\n");
    c.files().stream().sorted().forEach(f -> xml.append("  <file><path>").append(escape(f)).append("</path><sha256>")
        .append(sha256(Optional.ofNullable(files.get(f)).orElse(new byte[0]))).append("</sha256></file>\n"));
    return xml.append("</PortcullisFiles>\n").toString();
  }

  private static boolean looksLikeXml(byte[] data) {
    if (data == null) {
      return false;
    }
    int i = data.length >= 3 && (data[0] & 0xff) == 0xEF && (data[1] & 0xff) == 0xBB && (data[2] & 0xff) == 0xBF ? 3 : 0;
    while (i < data.length && Character.isWhitespace(data[i])) {
      i++;
    }
    return i < data.length && data[i] == '<';
  }

  private static String text(byte[] data) {
    return data == null ? "" : new String(data, StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The child files inlined into a component's document (a decomposed object's fields, validation rules, ...), so
   * that a finding inside one points at that file rather than at the object's own.
   */
  static List<ComponentVersions.ChildFile> childFiles(MetadataPackage pkg, String file) {
    List<ComponentVersions.ChildFile> children = new ArrayList<>();
    for (MetadataPackage.ChildSource child : pkg.childSources(file)) {
      children.add(new ComponentVersions.ChildFile(child.source(), child.firstLine(), child.lastLine(),
          child.content()));
    }
    return List.copyOf(children);
  }

  /**
   * The file a component's findings point at: its own source file when it has several (a decomposed object's
   * {@code Account.object-meta.xml}, not the first of its fields), else its only source, else its package file.
   */
  static String sourceFile(MetadataPackage.Component c) {
    if (c.sources().isEmpty()) {
      return c.files().isEmpty() ? "" : c.files().getFirst();
    }
    String simple = c.fullName().contains("/") ? c.fullName().substring(c.fullName().lastIndexOf('/') + 1) : c.fullName();
    for (String source : c.sources()) {
      String name = source.replace('\\', '/');
      name = name.substring(name.lastIndexOf('/') + 1);
      if (name.startsWith(simple + ".") && name.endsWith("-meta.xml")) {
        return source;
      }
    }
    return c.sources().getFirst();
  }
}
