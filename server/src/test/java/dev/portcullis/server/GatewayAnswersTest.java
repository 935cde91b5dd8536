package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.config.Config;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers through the real server's gateway with {@code server.gateway.public_url} set
 * (docs/GATEWAY.md, "URLs in answers"): the token exchange hands out the public URL as the instance
 * URL, links on the org's instance in answers move there, and {@code gateway.completed} in the
 * ledger carries the bytes sent to the client.
 */
class GatewayAnswersTest extends GatewayServerFixture {
  static final String PUBLIC_URL = "https://gw.acme.example";
  static final ObjectMapper JSON = new ObjectMapper();

  volatile URI upstreamUrl;
  Server answers;

  /** Salesforce as the gateway sees it: an identity answer full of links on the instance, and a redirect. */
  @Override
  URI startUpstream() throws Exception {
    answers = new Server();
    ServerConnector connector = new ServerConnector(answers);
    connector.setHost("127.0.0.1");
    answers.addConnector(connector);
    answers.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (Request.getPathInContext(request).equals("/services/oauth2/userinfo")) {
          response.getHeaders().put("Content-Type", "application/json;charset=UTF-8");
          Content.Sink.write(response, true, """
              {"profile":"%1$s/005000000000001AAA","urls":{"rest":"%1$s/services/data/v{version}/",
               "metadata":"%1$s/services/Soap/m/{version}/00D5e000000AbCd"}}""".formatted(upstreamUrl), callback);
        } else {
          response.setStatus(302);
          response.getHeaders().put("Location", upstreamUrl + "/services/data/v62.0/sobjects/Account/describe/");
          callback.succeeded();
        }
        return true;
      }
    });
    answers.start();
    upstreamUrl = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    return upstreamUrl;
  }

  @AfterEach
  void stopAnswers() throws Exception {
    if (answers != null) {
      answers.stop();
    }
  }

  @Override
  Config adjust(Config config) {
    return config.withGatewayPublicUrl(URI.create(PUBLIC_URL));
  }

  /**
   * An HTTP/1.0 GET as it arrives through the load balancer that {@code public_url} names: with
   * that {@code Host} (which java.net.http does not let a caller set). The whole answer, head and body.
   */
  String throughTheLoadBalancer(String path) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: gw.acme.example\r\nAuthorization: Bearer "
          + session + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String body(String answer) {
    return answer.substring(answer.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void clientsAreToldThePublicUrlAndLinksInAnswersLeadThere() throws Exception {
    HttpResponse<String> exchanged = http.send(HttpRequest.newBuilder(server.gatewayUrl().orElseThrow()
            .resolve("/oauth2/token")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
            BrokerTestConfig.exchangeForm(issuers.github().mint(Map.of()), "prod", "api:read"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(exchanged.body()).get("instance_url").asText()).isEqualTo(PUBLIC_URL);

    String identity = throughTheLoadBalancer("/services/oauth2/userinfo");
    assertThat(identity).startsWith("HTTP/1.1 200");
    JsonNode body = JSON.readTree(body(identity));
    assertThat(body.at("/urls/rest").asText()).isEqualTo(PUBLIC_URL + "/services/data/v{version}/");
    assertThat(body.at("/urls/metadata").asText()).isEqualTo(PUBLIC_URL + "/services/Soap/m/{version}/00D5e000000AbCd");
    assertThat(body.get("profile").asText()).isEqualTo(PUBLIC_URL + "/005000000000001AAA");

    String redirect = throughTheLoadBalancer("/services/data/v62.0/sobjects/Account/describe");
    assertThat(redirect).startsWith("HTTP/1.1 302")
        .contains("Location: " + PUBLIC_URL + "/services/data/v62.0/sobjects/Account/describe/\r\n");

    JsonNode completion = firstCompletion();
    assertThat(completion.at("/entry/response_bytes").asLong())
        .isEqualTo(body(identity).getBytes(StandardCharsets.UTF_8).length);
    assertThat(completion.at("/entry/request_bytes").asLong()).isZero();
    assertThat(completion.at("/entry/status").asLong()).isEqualTo(200);
  }

  /** The {@code gateway.completed} entry of the first forwarded request (appended after its answer: polled for). */
  JsonNode firstCompletion() throws Exception {
    URI search = URI.create(server.adminUrl().toString().replaceAll("/$", "") + "/ledger-search?kind=gateway.completed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      server.ledger().orElseThrow().awaitIndexed(Duration.ofSeconds(30));
      JsonNode entries = JSON.readTree(http.send(HttpRequest.newBuilder(search).build(),
          HttpResponse.BodyHandlers.ofString()).body()).get("entries");
      if (entries != null && !entries.isEmpty()) {
        return entries.get(0);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polled with a deadline
    }
    throw new AssertionError("no gateway.completed entry in the ledger");
  }
}
