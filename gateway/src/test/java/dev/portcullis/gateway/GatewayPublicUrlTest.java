package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A gateway with a configured public URL (behind a load balancer): links in answers point there. */
class GatewayPublicUrlTest extends GatewayTestBase {
  @Override
  Optional<URI> publicUrl() {
    return Optional.of(URI.create("https://gw.acme.example/"));
  }

  @Test
  void linksPointToThePublicUrlUnlessTheClientCameStraightToTheListener() throws Exception {
    String token = session("api:read");

    for (String host : new String[] {"gw.acme.example", "gw.acme.example:443", "evil.example", "localhost:1"}) {
      String answer = rawGet("/services/oauth2/userinfo", host, token); // orgsim's identity answer
      assertThat(answer).as(host).startsWith("HTTP/1.1 200")
          .contains("\"rest\":\"https://gw.acme.example/services/data/v")
          .contains("\"partner\":\"https://gw.acme.example/services/Soap/u/")
          .doesNotContain(sandbox.url().toString()).doesNotContain("evil");
    }
    // a client that reached the listener's own address is kept on it
    HttpResponse<String> direct = get("/services/oauth2/userinfo", token);
    JsonNode urls = json.readTree(direct.body()).get("urls");
    assertThat(urls.get("rest").asText()).startsWith(gateway + "/services/data/v");
  }
}
