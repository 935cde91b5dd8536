package dev.portcullis.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * What a deployment decision is about: who deploys ({@code principal}), to which org, what
 * ({@code deploy}: the package, its components and the semantic diff's changes, the test level),
 * from where ({@code git}), approved by whom ({@code approvals}), at what time. Decided by
 * {@link PolicyBundle#decideDeploy}, over the bundle's {@code on: deploy} rules only. Absent fields
 * are empty strings, empty lists and false. docs/POLICY.md, "Deployment decisions".
 */
public final class DeployInput implements PolicyInput {
  /** The top-level keys that make an input document a deploy input. */
  static final Set<String> KEYS = Set.of("deploy", "git", "approvals");

  /**
   * The keys of each change, as the deploy module's diff writes them ({@code Change.toMap}, docs/DEPLOY.md
   * "What the diff reports"), in its order.
   */
  static final List<String> CHANGE_KEYS = List.of("kind", "type", "fullName", "subject", "aspect", "before", "after",
      "severity", "message", "file", "side", "line", "column");
  private static final Set<String> CHANGE_NUMBERS = Set.of("line", "column");
  private static final Set<String> CHANGE_VALUES = Set.of("before", "after");

  /** One component of the package and what the deployment does to it. */
  public record Component(String type, String fullName, Status status) {
    /** What the deployment does to a component, compared with the target org. */
    public enum Status {
      /** The org does not have it. */
      NEW,
      /** The org has another version of it. */
      CHANGED,
      /** The org has the same version. */
      UNCHANGED,
      /** A destructive-changes manifest deletes it. */
      DELETED;

      /** {@code new}, {@code changed}, {@code unchanged} or {@code deleted}, as policies see it. */
      public String word() {
        return name().toLowerCase(Locale.ROOT);
      }

      static Optional<Status> of(String word) {
        for (Status status : values()) {
          if (status.word().equals(word)) {
            return Optional.of(status);
          }
        }
        return Optional.empty();
      }
    }

    public Component {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(fullName, "fullName");
      Objects.requireNonNull(status, "status");
    }

    /** {@code Type:fullName}, as {@code deploy.deleted} lists it. */
    public String key() {
      return type + ":" + fullName;
    }
  }

  /**
   * The deployment.
   *
   * @param packageHash the package's identity (SHA-256 of its canonical form)
   * @param components every component of the package and of its destructive-changes manifests
   * @param changes the semantic diff's facts, each as {@code Change.toMap} writes it (keys
   *     {@link #CHANGE_KEYS}; absent ones become {@code ""}, {@code null} for before/after, or 0)
   * @param testLevel the Metadata API test level ({@code NoTestRun}, {@code RunSpecifiedTests},
   *     {@code RunLocalTests}, {@code RunAllTestsInOrg}), {@code ""} for Salesforce's default
   * @param tests the test classes of {@code RunSpecifiedTests}
   * @param checkOnly a validation that changes nothing
   * @param quickDeploy the quick deploy of an already validated deployment
   * @param rollback the redeployment of a snapshot taken before an earlier deployment
   */
  public record Deploy(String packageHash, List<Component> components, List<Map<String, ?>> changes, String testLevel,
      List<String> tests, boolean checkOnly, boolean quickDeploy, boolean rollback) {
    public Deploy {
      packageHash = orEmpty(packageHash);
      components = components == null ? List.of() : List.copyOf(components);
      changes = changes == null ? List.of() : List.copyOf(changes);
      testLevel = orEmpty(testLevel);
      tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** Whether the deployment deletes a component. */
    public boolean destructive() {
      return components.stream().anyMatch(c -> c.status() == Component.Status.DELETED);
    }

    /** {@code Type:fullName} of each component deleted, in order. */
    public List<String> deleted() {
      return components.stream().filter(c -> c.status() == Component.Status.DELETED).map(Component::key).toList();
    }
  }

  /**
   * Where the package comes from. {@code protectedBranch} ({@code git.protected} in policies) must
   * come from a source the deployer cannot forge, such as the CI platform's token (GitHub's
   * {@code ref_protected}, GitLab's {@code ref_protected}).
   */
  public record Git(String repository, String commit, String branch, String author, boolean protectedBranch) {
    public Git {
      repository = orEmpty(repository);
      commit = orEmpty(commit);
      branch = orEmpty(branch);
      author = orEmpty(author);
    }
  }

  /**
   * One approval of this deployment, as the enforcement point recorded it.
   *
   * @param approver who (the person's subject)
   * @param issuer the identity provider that authenticated the approver
   * @param at when (a CEL {@code timestamp} in policies)
   * @param decision the approver's decision as recorded ({@code approve} or {@code reject})
   */
  public record Approval(String approver, String issuer, Instant at, String decision) {
    public Approval {
      approver = orEmpty(approver);
      issuer = orEmpty(issuer);
      Objects.requireNonNull(at, "at: an approval needs the time it was given");
      decision = orEmpty(decision);
    }
  }

  private final DecisionInput.Principal principal;
  private final DecisionInput.Org org;
  private final Deploy deploy;
  private final Git git;
  private final List<Approval> approvals;
  private final Instant now;
  private final Optional<Object> principalValue;
  private final Optional<Object> orgValue;
  private final Optional<Object> deployValue;
  private final Optional<Object> gitValue;
  private final Optional<Object> approvalsValue;
  private final Optional<Object> nowValue;

  private DeployInput(Builder builder) {
    this.principal = builder.principal;
    this.org = builder.org;
    this.deploy = builder.deploy;
    this.git = builder.git;
    this.approvals = List.copyOf(builder.approvals);
    this.now = Objects.requireNonNull(builder.now, "now: a decision needs the time it is made");
    this.principalValue = Optional.of(new InputStruct(PolicyEnvironment.PRINCIPAL, Map.of("kind", principal.kind(),
        "issuer", principal.issuer(), "subject", principal.subject(),
        "claims", DecisionInput.celValue(principal.claims()))));
    this.orgValue = Optional.of(new InputStruct(PolicyEnvironment.ORG, Map.of("alias", org.alias(),
        "environment", org.environment(), "id", org.id())));
    List<Object> components = new ArrayList<>(deploy.components().size());
    for (Component component : deploy.components()) {
      components.add(DecisionInput.celValue(Map.of("type", component.type(), "fullName", component.fullName(),
          "status", component.status().word())));
    }
    List<Object> changes = new ArrayList<>(deploy.changes().size());
    for (Map<String, ?> change : deploy.changes()) {
      changes.add(DecisionInput.celValue(complete(change)));
    }
    Map<String, Object> deployFields = new LinkedHashMap<>();
    deployFields.put("package_hash", deploy.packageHash());
    deployFields.put("components", Collections.unmodifiableList(components));
    deployFields.put("changes", Collections.unmodifiableList(changes));
    deployFields.put("destructive", deploy.destructive());
    deployFields.put("deleted", deploy.deleted());
    deployFields.put("test_level", deploy.testLevel());
    deployFields.put("tests", deploy.tests());
    deployFields.put("check_only", deploy.checkOnly());
    deployFields.put("quick_deploy", deploy.quickDeploy());
    deployFields.put("rollback", deploy.rollback());
    this.deployValue = Optional.of(new InputStruct(PolicyEnvironment.DEPLOY, Collections.unmodifiableMap(deployFields)));
    this.gitValue = Optional.of(new InputStruct(PolicyEnvironment.GIT, Map.of("repository", git.repository(),
        "commit", git.commit(), "branch", git.branch(), "author", git.author(), "protected", git.protectedBranch())));
    List<Object> approvalValues = new ArrayList<>(approvals.size());
    for (Approval approval : approvals) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("approver", approval.approver());
      fields.put("issuer", approval.issuer());
      fields.put("at", approval.at());
      fields.put("decision", approval.decision());
      approvalValues.add(DecisionInput.celValue(fields));
    }
    this.approvalsValue = Optional.of(Collections.unmodifiableList(approvalValues));
    this.nowValue = Optional.of(now);
  }

  /** {@code change} with every key of {@link #CHANGE_KEYS} (absent ones empty), in that order, then any others. */
  private static Map<String, Object> complete(Map<String, ?> change) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : CHANGE_KEYS) {
      Object value = change.get(key);
      out.put(key, value != null ? value : CHANGE_NUMBERS.contains(key) ? (Object) 0L : CHANGE_VALUES.contains(key) ? null : "");
    }
    change.forEach((key, value) -> out.putIfAbsent(key, value));
    return out;
  }

  public static Builder builder() {
    return new Builder();
  }

  public DecisionInput.Principal principal() {
    return principal;
  }

  public DecisionInput.Org org() {
    return org;
  }

  public Deploy deploy() {
    return deploy;
  }

  public Git git() {
    return git;
  }

  public List<Approval> approvals() {
    return approvals;
  }

  @Override
  public Instant now() {
    return now;
  }

  /** {@link DecisionPoint#DEPLOY}. */
  @Override
  public DecisionPoint point() {
    return DecisionPoint.DEPLOY;
  }

  /** The CEL variable {@code name} (any but {@code params}), built once per input; empty for an unknown name. */
  Optional<Object> variable(String name) {
    return switch (name) {
      case "principal" -> principalValue;
      case "org" -> orgValue;
      case "deploy" -> deployValue;
      case "git" -> gitValue;
      case "approvals" -> approvalsValue;
      case "now" -> nowValue;
      default -> Optional.empty();
    };
  }

  /**
   * Reads a deploy input document (JSON or YAML) with the keys {@code principal}, {@code org},
   * {@code deploy}, {@code git}, {@code approvals}, {@code now} (docs/POLICY.md, "Deployment decisions").
   *
   * @param file the name used in problems
   * @param defaultNow the time when the document has no {@code now}
   * @throws PolicyException listing every problem with its line and column
   */
  public static DeployInput parse(String text, String file, Instant defaultNow) throws PolicyException {
    return (DeployInput) PolicyInput.parse(text, file, defaultNow, Optional.of(DecisionPoint.DEPLOY));
  }

  /** Reads a deploy input mapping; records problems and returns empty when anything is wrong. */
  static Optional<DeployInput> read(PolicyYaml yaml, Node node, Instant defaultNow) {
    if (PolicyYaml.isNull(node)) {
      return Optional.of(builder().now(defaultNow).build());
    }
    Optional<Map<String, NodeTuple>> top = yaml.mapping(node, "the deploy input",
        List.of("principal", "org", "deploy", "git", "approvals", "now"));
    if (top.isEmpty()) {
      return Optional.empty();
    }
    DecisionInput.Reader reader = new DecisionInput.Reader(yaml, top.get());
    Builder builder = builder().now(defaultNow);
    reader.section("principal", List.of("kind", "issuer", "subject", "claims")).ifPresent(p -> builder.principal(
        new DecisionInput.Principal(reader.text(p, "kind"), reader.text(p, "issuer"), reader.text(p, "subject"),
            reader.map(p, "claims"))));
    reader.section("org", List.of("alias", "environment", "id")).ifPresent(o -> builder.org(
        new DecisionInput.Org(reader.text(o, "alias"), reader.text(o, "environment"), reader.text(o, "id"))));
    reader.section("deploy", List.of("package_hash", "components", "changes", "test_level", "tests", "check_only",
        "quick_deploy", "rollback")).ifPresent(d -> builder.deploy(new Deploy(reader.text(d, "package_hash"),
            components(yaml, reader, d), changes(yaml, reader, d), reader.text(d, "test_level"), reader.texts(d, "tests"),
            reader.bool(d, "check_only"), reader.bool(d, "quick_deploy"), reader.bool(d, "rollback"))));
    reader.section("git", List.of("repository", "commit", "branch", "author", "protected")).ifPresent(g -> builder.git(
        new Git(reader.text(g, "repository"), reader.text(g, "commit"), reader.text(g, "branch"),
            reader.text(g, "author"), reader.bool(g, "protected"))));
    NodeTuple approvals = top.get().get("approvals");
    if (approvals != null && !PolicyYaml.isNull(approvals.getValueNode())) {
      List<Approval> read = new ArrayList<>();
      yaml.sequence(approvals.getValueNode(), "approvals").ifPresentOrElse(items -> {
        for (Node item : items) {
          yaml.mapping(item, "an approval", List.of("approver", "issuer", "at", "decision")).ifPresentOrElse(a -> {
            if (a.get("at") == null) {
              yaml.error(item, PolicyErrorCode.MISSING_FIELD, "an approval needs 'at' (an RFC 3339 time)");
              reader.ok = false;
              return;
            }
            read.add(new Approval(reader.text(a, "approver"), reader.text(a, "issuer"),
                reader.time(a, "at", Instant.EPOCH), reader.text(a, "decision")));
          }, () -> reader.ok = false);
        }
      }, () -> reader.ok = false);
      builder.approvals(read);
    }
    NodeTuple now = top.get().get("now");
    if (now != null) {
      builder.now(reader.time(top.get(), "now", defaultNow));
    }
    return reader.ok ? Optional.of(builder.build()) : Optional.empty();
  }

  private static List<Component> components(PolicyYaml yaml, DecisionInput.Reader reader, Map<String, NodeTuple> deploy) {
    Node node = reader.node(deploy, "components");
    if (node == null) {
      return List.of();
    }
    List<Component> out = new ArrayList<>();
    yaml.sequence(node, "components").ifPresentOrElse(items -> {
      for (Node item : items) {
        yaml.mapping(item, "a component", List.of("type", "fullName", "status")).ifPresentOrElse(c -> {
          String status = reader.text(c, "status");
          Optional<Component.Status> known = Component.Status.of(status);
          if (known.isEmpty()) {
            yaml.error(c.containsKey("status") ? c.get("status").getValueNode() : item, PolicyErrorCode.INVALID_VALUE,
                "a component's status must be new, changed, unchanged or deleted, found '" + PolicyYaml.abbreviate(status) + "'");
            reader.ok = false;
            return;
          }
          out.add(new Component(reader.text(c, "type"), reader.text(c, "fullName"), known.get()));
        }, () -> reader.ok = false);
      }
    }, () -> reader.ok = false);
    return out;
  }

  private static List<Map<String, ?>> changes(PolicyYaml yaml, DecisionInput.Reader reader, Map<String, NodeTuple> deploy) {
    Node node = reader.node(deploy, "changes");
    if (node == null) {
      return List.of();
    }
    List<Map<String, ?>> out = new ArrayList<>();
    yaml.sequence(node, "changes").ifPresentOrElse(items -> {
      for (Node item : items) {
        yaml.mapping(item, "a change", CHANGE_KEYS).ifPresentOrElse(c -> {
          Map<String, Object> change = new LinkedHashMap<>();
          for (String key : CHANGE_KEYS) {
            if (CHANGE_NUMBERS.contains(key)) {
              change.put(key, reader.integer(c, key));
            } else if (CHANGE_VALUES.contains(key)) {
              Node value = reader.node(c, key);
              change.put(key, null); // absent or null: null, as the diff writes it
              if (value != null) {
                yaml.value(value, key).ifPresentOrElse(v -> change.put(key, v), () -> reader.ok = false);
              }
            } else {
              change.put(key, reader.text(c, key));
            }
          }
          out.add(change);
        }, () -> reader.ok = false);
      }
    }, () -> reader.ok = false);
    return out;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  /** Builds a deploy input; every part is optional except {@link #now}. */
  public static final class Builder {
    private DecisionInput.Principal principal = new DecisionInput.Principal("", "", "", Map.of());
    private DecisionInput.Org org = new DecisionInput.Org("", "", "");
    private Deploy deploy = new Deploy("", List.of(), List.of(), "", List.of(), false, false, false);
    private Git git = new Git("", "", "", "", false);
    private List<Approval> approvals = List.of();
    private Instant now;

    private Builder() {}

    public Builder principal(DecisionInput.Principal principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
      return this;
    }

    public Builder org(DecisionInput.Org org) {
      this.org = Objects.requireNonNull(org, "org");
      return this;
    }

    public Builder deploy(Deploy deploy) {
      this.deploy = Objects.requireNonNull(deploy, "deploy");
      return this;
    }

    public Builder git(Git git) {
      this.git = Objects.requireNonNull(git, "git");
      return this;
    }

    public Builder approvals(List<Approval> approvals) {
      this.approvals = List.copyOf(Objects.requireNonNull(approvals, "approvals"));
      return this;
    }

    public Builder now(Instant now) {
      this.now = Objects.requireNonNull(now, "now");
      return this;
    }

    public DeployInput build() {
      return new DeployInput(this);
    }
  }
}
