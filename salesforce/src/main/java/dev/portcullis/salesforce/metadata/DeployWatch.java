package dev.portcullis.salesforce.metadata;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a deploy until it is done and tells a listener how it goes.
 *
 * <p>Design note: the wait is measured on the client's {@link java.time.Clock} and spent in its
 * {@link MetadataClient.Sleeper}, so a test drives time and never sleeps. The first wait is the
 * client's first poll interval, each next one 1.5 times longer up to its maximum, and never past
 * the deadline; the last poll happens at the deadline, so a deploy that finished just then is seen.
 * Failures are keyed by what identifies them (component: type, name, file, line, column, problem;
 * test: class, method, message), so each is reported once however often Salesforce repeats it, in
 * the order it first appeared. A listener that throws stops the wait with its exception.
 */
final class DeployWatch {
  private final MetadataClient client;
  private final String deployId;
  private final Consumer<DeployProgress> listener;
  private final Set<String> reportedComponentFailures = new HashSet<>();
  private final Set<String> reportedTestFailures = new HashSet<>();
  private DeployProgress last;

  DeployWatch(MetadataClient client, String deployId, Consumer<DeployProgress> listener) {
    this.client = client;
    this.deployId = deployId;
    this.listener = Objects.requireNonNull(listener, "progress listener");
  }

  DeployResult await(Duration maxWait) {
    return poll(client, maxWait, () -> {
      DeployResult result = client.checkDeployStatus(deployId, true);
      report(result);
      return result;
    }, DeployResult::done);
  }

  private void report(DeployResult r) {
    List<DeployMessage> newComponents = new ArrayList<>();
    for (DeployMessage m : r.componentFailures()) {
      String key = String.join("\u0000", m.componentType(), m.fullName(), m.fileName(), Integer.toString(m.lineNumber()),
          Integer.toString(m.columnNumber()), m.problem());
      if (reportedComponentFailures.add(key)) {
        newComponents.add(m);
      }
    }
    List<RunTestsResult.RunTestFailure> newTests = new ArrayList<>();
    for (RunTestsResult.RunTestFailure f : r.runTestResult().failures()) {
      if (reportedTestFailures.add(String.join("\u0000", f.namespace(), f.name(), f.methodName(), f.message()))) {
        newTests.add(f);
      }
    }
    DeployProgress progress = new DeployProgress(r.id(), r.status(), r.stateDetail(),
        r.numberComponentsDeployed() + r.numberComponentErrors(), r.numberComponentsTotal(), r.numberComponentErrors(),
        r.numberTestsCompleted() + r.numberTestErrors(), r.numberTestsTotal(), r.numberTestErrors(), newComponents, newTests);
    boolean changed = last == null || !newComponents.isEmpty() || !newTests.isEmpty()
        || !sameCounts(last, progress);
    last = progress;
    if (changed) {
      listener.accept(progress);
    }
  }

  private static boolean sameCounts(DeployProgress a, DeployProgress b) {
    return a.status() == b.status() && a.stateDetail().equals(b.stateDetail()) && a.componentsDone() == b.componentsDone()
        && a.componentsTotal() == b.componentsTotal() && a.componentErrors() == b.componentErrors()
        && a.testsDone() == b.testsDone() && a.testsTotal() == b.testsTotal() && a.testErrors() == b.testErrors();
  }

  /** Calls {@code check} until {@code done} accepts its answer or {@code maxWait} has passed; answers the last. */
  static <T> T poll(MetadataClient client, Duration maxWait, Supplier<T> check, Predicate<T> done) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    Instant deadline = client.clock.instant().plus(maxWait);
    Duration interval = client.firstPollInterval;
    while (true) {
      T answer = check.get();
      if (done.test(answer)) {
        return answer;
      }
      Instant now = client.clock.instant();
      if (!now.isBefore(deadline)) {
        return answer;
      }
      Duration left = Duration.between(now, deadline);
      try {
        client.sleeper.sleep(interval.compareTo(left) < 0 ? interval : left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SalesforceException(SalesforceErrorCode.TRANSPORT_UNAVAILABLE,
            "interrupted while waiting between polls (" + client.endpoint() + ")", e);
      }
      Duration next = interval.plus(interval.dividedBy(2));
      interval = next.compareTo(client.maxPollInterval) > 0 ? client.maxPollInterval : next;
    }
  }
}
