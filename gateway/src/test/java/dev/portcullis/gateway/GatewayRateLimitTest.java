package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.PolicyBundle;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rate obligations through the proxy: over the limit, Salesforce's REQUEST_LIMIT_EXCEEDED. */
class GatewayRateLimitTest extends GatewayTestBase {
  @Override
  PolicyBundle policy() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("rate-policies"));
    Files.writeString(policies.resolve("p.yaml"), """
        rules:
          - id: reads-two-a-minute
            effect: allow
            when: principal.kind != ""
            reason: reads, two a minute
            session:
              scopes: [api:read]
            obligations:
              max_requests_per_minute: 2
        """);
    return PolicyBundle.load(policies);
  }

  @Test
  void theThirdRequestOfTheMinuteIsRefusedAsSalesforceRefusesIt() throws Exception {
    String token = session("api:read");
    assertThat(get("/services/data/v62.0/sobjects/Account/describe", token).statusCode()).isEqualTo(200);
    assertThat(get("/services/data/v62.0/sobjects/Account/describe", token).statusCode()).isEqualTo(200);
    HttpResponse<String> third = get("/services/data/v62.0/sobjects/Account/describe", token);

    assertThat(third.statusCode()).isEqualTo(403);
    assertThat(third.body()).contains("\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"").contains("2 requests a minute");
    assertThat(session("api:read")).as("a new session has its own limit").satisfies(other -> {
      try {
        assertThat(get("/services/data/v62.0/sobjects/Account/describe", other).statusCode()).isEqualTo(200);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }
}
