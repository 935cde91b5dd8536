package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.FakeSalesforce;
import dev.portcullis.salesforce.FakeSalesforce.Reply;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Polling a deploy on a clock the test moves: backoff, deadline, progress and failures reported once. */
class AwaitDeployTest {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final String ID = MetadataResponsesTest.DEPLOY_ID;

  final FakeSalesforce salesforce = FakeSalesforce.start();
  final MovableClock clock = new MovableClock(Instant.parse("2026-11-28T12:00:00Z"));
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final MetadataClient client = MetadataClient.builder(salesforce.url(), () -> "00Dxx!session", HTTP)
      .clock(clock).sleeper(d -> {
        sleeps.add(d);
        clock.advance(d);
      }).pollInterval(Duration.ofSeconds(1), Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() {
    salesforce.close();
  }

  @AfterAll
  static void closeClient() {
    HTTP.close();
  }

  static final String COMPONENT_FAILURE = "<componentFailures><componentType>ApexClass</componentType><fileName>classes/Broken.cls"
      + "</fileName><fullName>Broken</fullName><lineNumber>3</lineNumber><columnNumber>9</columnNumber><problem>Unexpected token"
      + "</problem><problemType>Error</problemType><success>false</success></componentFailures>";
  static final String TEST_FAILURE = "<runTestResult><failures><message>System.AssertException: Assertion Failed</message>"
      + "<methodName>itFails</methodName><name>GoodTest</name><stackTrace>Class.GoodTest.itFails: line 7, column 1</stackTrace>"
      + "</failures><numFailures>1</numFailures><numTestsRun>2</numTestsRun></runTestResult>";

  static String status(String status, boolean done, int deployed, int errors, int total, int tests, int testErrors, int testsTotal,
      String details) {
    return MetadataClientTest.envelope("checkDeployStatus", "<result><details>" + details + "</details><done>" + done
        + "</done><id>" + ID + "</id><numberComponentErrors>" + errors + "</numberComponentErrors><numberComponentsDeployed>"
        + deployed + "</numberComponentsDeployed><numberComponentsTotal>" + total + "</numberComponentsTotal><numberTestErrors>"
        + testErrors + "</numberTestErrors><numberTestsCompleted>" + tests + "</numberTestsCompleted><numberTestsTotal>"
        + testsTotal + "</numberTestsTotal><status>" + status + "</status></result>");
  }

  void script(String... answers) {
    AtomicInteger next = new AtomicInteger();
    salesforce.on("POST", MetadataClientTest.PATH, request -> {
      assertThat(request.body()).contains("<includeDetails>true</includeDetails>");
      return Reply.text(200, "text/xml", answers[Math.min(next.getAndIncrement(), answers.length - 1)]);
    });
  }

  @Test
  void pollsWithGrowingWaitsUntilDoneAndReportsEachFailureOnce() {
    script(
        status("Pending", false, 0, 0, 0, 0, 0, 0, ""),
        status("InProgress", false, 1, 1, 3, 0, 0, 0, COMPONENT_FAILURE),
        status("InProgress", false, 1, 1, 3, 0, 0, 0, COMPONENT_FAILURE),
        status("InProgress", false, 2, 1, 3, 1, 1, 2, COMPONENT_FAILURE + TEST_FAILURE),
        status("Failed", true, 2, 1, 3, 1, 1, 2, COMPONENT_FAILURE + TEST_FAILURE));
    List<DeployProgress> progress = new ArrayList<>();

    DeployResult result = client.awaitDeploy(ID, Duration.ofMinutes(10), progress::add);

    assertThat(result.status()).isEqualTo(DeployResult.Status.Failed);
    assertThat(salesforce.requests()).hasSize(5);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofSeconds(2));
    // The third answer changed nothing: no report for it.
    assertThat(progress).extracting(DeployProgress::describe).containsExactly(
        "Pending: components 0/0 (0 failed), tests 0/0 (0 failed)",
        "InProgress: components 2/3 (1 failed), tests 0/0 (0 failed)",
        "InProgress: components 3/3 (1 failed), tests 2/2 (1 failed)",
        "Failed: components 3/3 (1 failed), tests 2/2 (1 failed)");
    assertThat(progress.get(1).newComponentFailures()).extracting(DeployMessage::describe)
        .containsExactly("classes/Broken.cls:3:9: Unexpected token");
    assertThat(progress.get(2).newComponentFailures()).isEmpty();
    assertThat(progress.get(2).newTestFailures()).extracting(RunTestsResult.RunTestFailure::describe)
        .containsExactly("GoodTest.itFails: System.AssertException: Assertion Failed");
    assertThat(progress.get(3).newTestFailures()).isEmpty();
  }

  @Test
  void whenTheWaitRunsOutTheLastResultComesBackNotDoneAfterAPollAtTheDeadline() {
    script(status("InProgress", false, 0, 0, 5, 0, 0, 0, ""));
    DeployResult result = client.awaitDeploy(ID, Duration.ofSeconds(5), p -> { });
    assertThat(result.done()).isFalse();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofMillis(500));
    assertThat(salesforce.requests()).hasSize(5);
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-28T12:00:05Z"));
  }

  @Test
  void aZeroWaitPollsOnceAndAListenerFailureStopsTheWait() {
    script(status("InProgress", false, 0, 0, 5, 0, 0, 0, ""));
    assertThat(client.awaitDeploy(ID, Duration.ZERO, p -> { }).done()).isFalse();
    assertThat(sleeps).isEmpty();
    assertThatThrownBy(() -> client.awaitDeploy(ID, Duration.ofMinutes(1), p -> {
      throw new IllegalStateException("terminal closed");
    })).hasMessage("terminal closed");
  }

  @Test
  void awaitRetrievePollsWithTheZipUntilDone() {
    AtomicInteger polls = new AtomicInteger();
    salesforce.on("POST", MetadataClientTest.PATH, request -> {
      assertThat(request.body()).contains("<includeZip>true</includeZip>");
      boolean done = polls.incrementAndGet() == 3;
      return MetadataClientTest.ok("checkRetrieveStatus", "<result><done>" + done + "</done><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id><status>"
          + (done ? "Succeeded" : "InProgress") + "</status>" + (done ? "<zipFile>UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==</zipFile>" : "")
          + "</result>");
    });
    RetrieveResult result = client.awaitRetrieve(MetadataResponsesTest.RETRIEVE_ID, Duration.ofMinutes(1));
    assertThat(result.success()).isTrue();
    assertThat(result.zipFile()).hasValueSatisfying(zip -> assertThat(zip).hasSize(22));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1500));
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
