package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A deploy input written as JSON and read back by {@link DeployInput#parse} is the input that was
 * written, and the default pack decides both alike.
 */
class DeployInputPropertiesTest {
  private static final PolicyBundle DEFAULT_PACK = PolicyBundle.loadDefault();
  private static final List<String> KINDS = List.of("user-permission.granted", "object-access.granted",
      "oauth-scope.added", "component.deleted", "component.added", "setting.weakened");
  private static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");
  private static final List<String> LEVELS = List.of("", "NoTestRun", "RunSpecifiedTests", "RunLocalTests", "RunAllTestsInOrg");
  private static final String CHARACTERS = "abcXYZ09 _.:-/#'\"\\\té中😀\n";

  @Property(tries = 300)
  void aDeployInputSurvivesJson(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<DeployInput.Component> components = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      components.add(new DeployInput.Component(text(random), text(random),
          DeployInput.Component.Status.values()[random.nextInt(4)]));
    }
    List<Map<String, ?>> changes = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("kind", KINDS.get(random.nextInt(KINDS.size())));
      change.put("severity", SEVERITIES.get(random.nextInt(SEVERITIES.size())));
      for (String key : List.of("type", "fullName", "subject", "aspect", "message", "file", "side")) {
        if (random.nextBoolean()) {
          change.put(key, text(random));
        }
      }
      for (String key : List.of("before", "after")) {
        if (random.nextBoolean()) {
          change.put(key, value(random));
        }
      }
      if (random.nextBoolean()) {
        change.put("line", (long) random.nextInt(100_000));
        change.put("column", (long) random.nextInt(200));
      }
      changes.add(change);
    }
    List<String> tests = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      tests.add("Test" + random.nextInt(1000));
    }
    DeployInput.Deploy deploy = new DeployInput.Deploy(text(random), components, changes,
        LEVELS.get(random.nextInt(LEVELS.size())), tests, random.nextBoolean(), random.nextBoolean(), random.nextBoolean());
    DeployInput.Git git = new DeployInput.Git(text(random), text(random), random.nextBoolean() ? "main" : text(random),
        text(random), random.nextBoolean());
    List<DeployInput.Approval> approvals = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      approvals.add(new DeployInput.Approval(text(random), text(random),
          Instant.ofEpochSecond(random.nextInt(2_000_000_000)), random.nextBoolean() ? "approve" : "reject"));
    }
    DecisionInput.Principal principal = random.nextBoolean()
        ? new DecisionInput.Principal("github", text(random), text(random), Map.of())
        : new DecisionInput.Principal("", "", "", Map.of());
    DecisionInput.Org org = new DecisionInput.Org(text(random),
        List.of("production", "sandbox", "scratch", "staging").get(random.nextInt(4)), text(random));
    Instant now = Instant.ofEpochSecond(random.nextInt(2_000_000_000));
    DeployInput built = DeployInput.builder().principal(principal).org(org).deploy(deploy).git(git)
        .approvals(approvals).now(now).build();

    DeployInput parsed = (DeployInput) PolicyInput.parse(json(built), "in.json", Instant.EPOCH);

    assertThat(parsed.principal()).isEqualTo(principal);
    assertThat(parsed.org()).isEqualTo(org);
    assertThat(parsed.git()).isEqualTo(git);
    assertThat(parsed.approvals()).isEqualTo(approvals);
    assertThat(parsed.now()).isEqualTo(now);
    assertThat(parsed.deploy().components()).isEqualTo(components);
    assertThat(parsed.deploy().deleted()).isEqualTo(deploy.deleted());
    assertThat(parsed.deploy().destructive()).isEqualTo(deploy.destructive());
    assertThat(List.of(parsed.deploy().packageHash(), parsed.deploy().testLevel()))
        .containsExactly(deploy.packageHash(), deploy.testLevel());
    assertThat(parsed.deploy().tests()).isEqualTo(tests);
    assertThat(List.of(parsed.deploy().checkOnly(), parsed.deploy().quickDeploy(), parsed.deploy().rollback()))
        .containsExactly(deploy.checkOnly(), deploy.quickDeploy(), deploy.rollback());
    for (int i = 0; i < changes.size(); i++) {
      Map<String, ?> written = changes.get(i);
      Map<String, ?> read = parsed.deploy().changes().get(i);
      assertThat(read.keySet()).containsExactlyElementsOf(DeployInput.CHANGE_KEYS);
      written.forEach((key, value) -> assertThat(read.get(key)).as(key).isEqualTo(value));
    }
    Decision fromJava = DEFAULT_PACK.decideDeploy(built);
    Decision fromJson = DEFAULT_PACK.decideDeploy(parsed);
    assertThat(fromJson).isEqualTo(fromJava);
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    int[] points = CHARACTERS.codePoints().toArray();
    for (int i = random.nextInt(8); i > 0; i--) {
      text.appendCodePoint(points[random.nextInt(points.length)]);
    }
    return text.toString();
  }

  private static Object value(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> (long) random.nextInt();
      case 3 -> text(random);
      default -> List.of(text(random), text(random));
    };
  }

  private static String json(DeployInput input) {
    StringBuilder out = new StringBuilder("{");
    out.append("\"principal\": {\"kind\": ").append(string(input.principal().kind()))
        .append(", \"issuer\": ").append(string(input.principal().issuer()))
        .append(", \"subject\": ").append(string(input.principal().subject())).append("},\n");
    out.append("\"org\": {\"alias\": ").append(string(input.org().alias()))
        .append(", \"environment\": ").append(string(input.org().environment()))
        .append(", \"id\": ").append(string(input.org().id())).append("},\n");
    DeployInput.Deploy deploy = input.deploy();
    out.append("\"deploy\": {\"package_hash\": ").append(string(deploy.packageHash())).append(", \"components\": [");
    for (int i = 0; i < deploy.components().size(); i++) {
      DeployInput.Component component = deploy.components().get(i);
      out.append(i == 0 ? "" : ", ").append("{\"type\": ").append(string(component.type()))
          .append(", \"fullName\": ").append(string(component.fullName()))
          .append(", \"status\": ").append(string(component.status().word())).append("}");
    }
    out.append("], \"changes\": [");
    for (int i = 0; i < deploy.changes().size(); i++) {
      out.append(i == 0 ? "" : ", ").append("{");
      boolean first = true;
      for (Map.Entry<String, ?> entry : deploy.changes().get(i).entrySet()) {
        out.append(first ? "" : ", ").append(string(entry.getKey())).append(": ").append(jsonValue(entry.getValue()));
        first = false;
      }
      out.append("}");
    }
    out.append("], \"test_level\": ").append(string(deploy.testLevel())).append(", \"tests\": [");
    for (int i = 0; i < deploy.tests().size(); i++) {
      out.append(i == 0 ? "" : ", ").append(string(deploy.tests().get(i)));
    }
    out.append("], \"check_only\": ").append(deploy.checkOnly()).append(", \"quick_deploy\": ").append(deploy.quickDeploy())
        .append(", \"rollback\": ").append(deploy.rollback()).append("},\n");
    DeployInput.Git git = input.git();
    out.append("\"git\": {\"repository\": ").append(string(git.repository())).append(", \"commit\": ").append(string(git.commit()))
        .append(", \"branch\": ").append(string(git.branch())).append(", \"author\": ").append(string(git.author()))
        .append(", \"protected\": ").append(git.protectedBranch()).append("},\n");
    out.append("\"approvals\": [");
    for (int i = 0; i < input.approvals().size(); i++) {
      DeployInput.Approval approval = input.approvals().get(i);
      out.append(i == 0 ? "" : ", ").append("{\"approver\": ").append(string(approval.approver()))
          .append(", \"issuer\": ").append(string(approval.issuer()))
          .append(", \"at\": ").append(string(approval.at().toString()))
          .append(", \"decision\": ").append(string(approval.decision())).append("}");
    }
    out.append("],\n\"now\": ").append(string(input.now().toString())).append("}\n");
    return out.toString();
  }

  private static String jsonValue(Object value) {
    return switch (value) {
      case null -> "null";
      case String text -> string(text);
      case List<?> list -> "[" + String.join(", ", list.stream().map(DeployInputPropertiesTest::jsonValue).toList()) + "]";
      default -> String.valueOf(value);
    };
  }

  /** A JSON string (RFC 8259, section 7). */
  private static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }
}
