package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyWatcherTest {
  private static final String GOOD = "rules:\n  - { id: a, effect: allow, when: 'org.environment == \"sandbox\"' }\n";
  private static final String OTHER = "rules:\n  - { id: b, effect: allow, when: 'org.environment == \"scratch\"' }\n";
  private static final String BAD = "rules:\n  - { id: a, effect: allow, when: 'org.environmnt == \"sandbox\"' }\n";

  private final List<String> changes = new CopyOnWriteArrayList<>();
  private final List<List<PolicyProblem>> failures = new CopyOnWriteArrayList<>();

  private PolicyWatcher.Listener listener() {
    return new PolicyWatcher.Listener() {
      @Override
      public void bundleChanged(PolicyBundle bundle) {
        changes.add(bundle.hash());
      }

      @Override
      public void reloadFailed(List<PolicyProblem> problems) {
        failures.add(problems);
      }
    };
  }

  @Test
  void aBadEditKeepsTheLastGoodBundleAndReportsItsProblems(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), GOOD);
    try (PolicyWatcher watcher = PolicyWatcher.open(dir, listener())) {
      PolicyBundle first = watcher.current();
      assertThat(changes).containsExactly(first.hash());

      assertThat(watcher.reloadNow()).as("nothing changed").isFalse();
      assertThat(changes).hasSize(1);

      Files.writeString(dir.resolve("p.yaml"), BAD);
      assertThat(watcher.reloadNow()).isFalse();
      assertThat(watcher.current()).isSameAs(first);
      assertThat(watcher.problems()).singleElement().asString().startsWith("p.yaml:2:40: CEL: undefined field 'environmnt'");
      assertThat(failures).hasSize(1);
      assertThat(watcher.reloadNow()).as("the same bad files again").isFalse();
      assertThat(failures).as("a bad bundle is reported once, not at every poll").hasSize(1);
      assertThat(watcher.problems()).as("and its problems stay visible").isNotEmpty();

      Files.writeString(dir.resolve("p.yaml"), OTHER);
      assertThat(watcher.reloadNow()).isTrue();
      assertThat(watcher.current().ruleIds()).containsExactly("b");
      assertThat(watcher.problems()).isEmpty();
      assertThat(changes).containsExactly(first.hash(), watcher.current().hash());
    }
  }

  @Test
  void aBadFirstBundleCannotBeOpened(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), BAD);
    assertThatThrownBy(() -> PolicyWatcher.open(dir, listener())).isInstanceOf(PolicyException.class);
    assertThatThrownBy(() -> PolicyWatcher.open(dir.resolve("missing"), listener()))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.code()).isEqualTo(PolicyErrorCode.FILE_UNREADABLE));
  }

  @Test
  void theWatchThreadPicksUpAChange(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), GOOD);
    // The watcher may also see the new file half-written (a valid bundle without rule b): wait for b itself.
    CountDownLatch changed = new CountDownLatch(1);
    PolicyWatcher.Listener listener = bundle -> {
      if (bundle.ruleIds().contains("b")) {
        changed.countDown();
      }
    };
    try (PolicyWatcher watcher = PolicyWatcher.open(dir, listener).start(Duration.ofMillis(200))) {
      Files.writeString(dir.resolve("q.yaml"), OTHER);
      assertThat(changed.await(30, TimeUnit.SECONDS)).as("reloaded within the deadline").isTrue();
      assertThat(watcher.current().ruleIds()).containsExactly("a", "b");
    }
  }

  @Test
  void loadsADirectoryWithSubdirectoriesAndSkipsDotDirectories(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("team/x"));
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve("p.yaml"), GOOD);
    Files.writeString(dir.resolve("team/x/q.yml"), OTHER);
    Files.writeString(dir.resolve(".git/bad.yaml"), BAD);
    Files.writeString(dir.resolve("README.md"), "not policy");
    PolicyBundle bundle = PolicyBundle.load(dir);
    assertThat(bundle.ruleIds()).containsExactly("a", "b");
    assertThat(bundle.policyFileCount()).isEqualTo(2);
  }

  @Test
  void writeDefaultWritesALoadableBundleAndNeverOverwrites(@TempDir Path dir) throws Exception {
    List<Path> written = PolicyBundle.writeDefault(dir.resolve("policies"));
    assertThat(written).hasSize(PolicyBundle.DEFAULT_FILES.size());
    PolicyBundle bundle = PolicyBundle.load(dir.resolve("policies"));
    assertThat(bundle.hash()).isEqualTo(PolicyBundle.loadDefault().hash());
    assertThat(bundle.runTests()).allMatch(PolicyTestResult::passed);
    assertThatThrownBy(() -> PolicyBundle.writeDefault(dir.resolve("policies")))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
  }
}
