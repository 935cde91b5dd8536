package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.orgsim.SimulatorClient.Reply;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultsTest {
  static RunningSimulator sim;
  static final String LIMITS = "/services/data/v66.0/limits";

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @AfterEach
  void clear() {
    sim.org.faults().clear();
  }

  Reply limits(String token) throws Exception {
    return sim.client.get(sim.org.url(), LIMITS, token);
  }

  @Test
  void serviceUnavailableForTheNextRequestsOnly() throws Exception {
    String token = sim.login();
    sim.org.faults().serviceUnavailable(2);
    assertThat(limits(token).status()).isEqualTo(503);
    Reply second = limits(token);
    assertThat(second.status()).isEqualTo(503);
    assertThat(second.json().get(0).get("errorCode").asText()).isEqualTo("SERVER_UNAVAILABLE");
    assertThat(limits(token).status()).isEqualTo(200);
  }

  @Test
  void requestLimitExceeded() throws Exception {
    String token = sim.login();
    sim.org.faults().requestLimitExceeded(1);
    Reply reply = limits(token);
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.body()).isEqualTo("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");
  }

  @Test
  void droppedConnectionGivesNoResponse() throws Exception {
    String token = sim.login();
    sim.org.faults().dropConnection(Faults.ALWAYS);
    int before = sim.org.requestCount(Endpoint.LIMITS);
    assertThatThrownBy(() -> limits(token)).isInstanceOf(IOException.class);
    assertThat(sim.org.requestCount(Endpoint.LIMITS)).isGreaterThan(before);
    sim.org.faults().clear();
    assertThat(limits(token).status()).isEqualTo(200);
  }

  @Test
  void expireAllSessions() throws Exception {
    String token = sim.login();
    assertThat(limits(token).status()).isEqualTo(200);
    sim.org.faults().expireAllSessions();
    Reply reply = limits(token);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
    assertThat(limits(sim.login()).status()).isEqualTo(200);
  }

  @Test
  void latencyDelaysResponses() throws Exception {
    String token = sim.login();
    sim.org.faults().latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(limits(token).status()).isEqualTo(200);
    // a lower bound only: the response cannot come sooner than the injected delay
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void countsRequestsPerEndpoint() throws Exception {
    String token = sim.login();
    sim.org.resetRequestCounts();
    limits(token);
    limits(token);
    sim.client.get(sim.org.url(), "/services/data", null);
    assertThat(sim.org.requestCount(Endpoint.LIMITS)).isEqualTo(2);
    assertThat(sim.org.requestCount(Endpoint.VERSIONS)).isEqualTo(1);
    assertThat(sim.org.requestCounts().get(Endpoint.TOKEN)).isZero();
  }
}
