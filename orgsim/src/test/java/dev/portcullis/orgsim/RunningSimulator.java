package dev.portcullis.orgsim;

import dev.portcullis.orgsim.SimulatorClient.Reply;
import java.time.Instant;
import java.util.UUID;

/** One started simulator with a logged-in session, shared by a test class. */
final class RunningSimulator implements AutoCloseable {
  static final String KEY = "3MVG9.test.consumer.key";
  static final String CI = "ci@acme.example";
  final TestKeys keys = TestKeys.generate("test-app");
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  final SimulatorClient client = new SimulatorClient();
  final OrgSimulator sim;
  final Org org;

  RunningSimulator(java.util.function.UnaryOperator<OrgSpec.Builder> customize) throws Exception {
    sim = OrgSimulator.builder()
        .clock(clock)
        .org(customize.apply(OrgSpec.builder("prod").connectedApp(KEY, keys.certificate()).user(CI)).build())
        .start();
    org = sim.org("prod");
  }

  String login() throws Exception {
    String assertion = SimulatorClient.assertion(keys.keyPair().getPrivate(), KEY, CI, org.url().toString(),
        clock.instant().plusSeconds(60).getEpochSecond(), UUID.randomUUID().toString());
    Reply reply = client.token(org.url(), assertion);
    if (reply.status() != 200) {
      throw new AssertionError("login failed: " + reply.body());
    }
    return reply.json().get("access_token").asText();
  }

  @Override
  public void close() {
    sim.close();
  }
}
