package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiRequestLimitTest {

  @Test
  void theDailyAllocationRunsOutAndComesBackAfter24Hours() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    TestKeys keys = TestKeys.generate("limit-app");
    OrgSpec spec = OrgSpec.builder("prod").connectedApp("3MVG9.limit", keys.certificate()).user("ci@acme.example").build();
    RestApi api = new RestApi(new OrgState(spec, clock, 0));

    for (int i = 0; i < RestApi.DAILY_API_REQUESTS; i++) {
      assertThat(api.tryAcquireApiRequest()).as("request %d", i + 1).isTrue();
    }
    assertThat(api.tryAcquireApiRequest()).isFalse();
    assertThat(api.usage()).isEqualTo(RestApi.DAILY_API_REQUESTS);

    clock.advance(Duration.ofHours(23));
    assertThat(api.tryAcquireApiRequest()).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(api.tryAcquireApiRequest()).isTrue();
    assertThat(api.usage()).isEqualTo(1);
  }

  @Test
  void pathsWithEmptySegmentsAreServedAsSalesforceServesThem() throws Exception {
    // `sf org login access-token` stores "http://host:port/" and then asks for "//services/data/...".
    try (RunningSimulator sim = new RunningSimulator(b -> b)) {
      String token = sim.login();
      HttpResponse<String> reply = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(sim.org.url() + "//services/data/v66.0/limits"))
              .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      JsonNode limits = new ObjectMapper().readTree(reply.body());
      assertThat(limits.get("DailyApiRequests").get("Max").asInt()).isEqualTo(RestApi.DAILY_API_REQUESTS);
      assertThat(limits.get("DailyApiRequests").get("Remaining").asInt()).isLessThan(RestApi.DAILY_API_REQUESTS);
    }
  }
}
