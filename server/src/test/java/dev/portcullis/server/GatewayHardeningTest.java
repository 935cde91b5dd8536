package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway listener's hardening (docs/GATEWAY.md, "Hardening") over raw sockets: smuggling
 * shapes, path tricks, size limits, encoded bodies and slow clients, against a real server with
 * the broker and a fake Salesforce that records every request it receives. A refused request must
 * never reach it.
 */
class GatewayHardeningTest extends GatewayServerFixture {
  /** Generous: a refused or cut connection ends long before; a test that waits this long fails. */
  static final int READ_TIMEOUT_MILLIS = 30_000;

  @Override
  Config adjust(Config config) {
    Config.GatewayLimits defaults = config.server().gatewayLimits();
    return config.withGatewayLimits(new Config.GatewayLimits(defaults.maxHeaderBytes(), defaults.maxBodyBytes(),
        Duration.ofSeconds(5), defaults.minRequestBytesPerSecond()));
  }

  /** What came back on a raw connection, read until the server closed it. */
  record Exchange(String text) {
    int status() {
      return Integer.parseInt(text.substring(9, 12));
    }
  }

  /** Sends {@code raw} and reads until EOF; a connection the server keeps open fails the test. */
  Exchange raw(byte[] raw) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.getOutputStream().write(raw);
      socket.getOutputStream().flush();
      return new Exchange(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }
  }

  Exchange raw(String raw) throws Exception {
    return raw(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  String auth() {
    return "Authorization: Bearer " + session + "\r\n";
  }

  @Test
  void aCanonicalRequestIsForwardedWithTheVeryPathItWasClassifiedOn() throws Exception {
    Exchange answer = raw("GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\n" + auth()
        + "Connection: close\r\n\r\n");

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(forwarded).containsExactly("GET /services/data/v62.0/sobjects/Account/describe");
  }

  @Test
  void theStreamingApisCometdEndpointIsServedByTheProxy() throws Exception {
    String handshake = "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\"}]";
    Exchange answer = raw("POST /cometd/62.0 HTTP/1.1\r\nHost: gw\r\n" + auth() + "Content-Type: application/json\r\n"
        + "Content-Length: " + handshake.length() + "\r\nConnection: close\r\n\r\n" + handshake);

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(forwarded).containsExactly("POST /cometd/62.0");
  }

  @Test
  void aBulkApiSessionIsReadFromXSfdcSessionAndAnsweredInBulksShape() throws Exception {
    String job = "<jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\"><operation>insert</operation>"
        + "<object>Account</object></jobInfo>";
    Exchange answer = raw("POST /services/async/62.0/job HTTP/1.1\r\nHost: gw\r\nX-SFDC-Session: " + session
        + "\r\nContent-Type: application/xml\r\nContent-Length: " + job.length() + "\r\nConnection: close\r\n\r\n" + job);

    // a read-only production session: authenticated from X-SFDC-Session, then denied (no bulk scope)
    assertThat(answer.status()).as(answer.text()).isEqualTo(403);
    assertThat(answer.text()).contains("<exceptionCode>PORTCULLIS_DENIED</exceptionCode>").contains("bulk scope");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void theForwardedRequestCarriesItsDecisionIdAndNotOneTheClientSent() throws Exception {
    Exchange answer = raw("GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\n" + auth()
        + "X-Portcullis-Decision: dec_forged\r\nConnection: close\r\n\r\n");

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    String decision = upstream.received.getFirst().decision();
    assertThat(decision).matches("dec_[0-9A-Z]{26}");
    server.ledger().orElseThrow().awaitPublished();
    dev.portcullis.ledger.LedgerReader reader = server.ledger().orElseThrow().reader();
    long size = server.ledger().orElseThrow().size();
    java.util.List<Object> decided = new java.util.ArrayList<>();
    dev.portcullis.ledger.LedgerEntries.forEach(reader, 0, size, size, (index, bytes) -> {
      dev.portcullis.ledger.LedgerEntry entry = dev.portcullis.ledger.LedgerEntry.parse(bytes);
      if (entry.kind().equals("gateway.decision")) {
        decided.add(entry.fields().get("decision"));
      }
    });
    assertThat(decided).as("the id Salesforce saw is the recorded decision's").containsExactly(decision);
  }

  @Test
  void runsOfSlashesAreCollapsedOnceAndForwardedCollapsed() throws Exception {
    // sf keeps its instance URL with a trailing slash and asks for "//services/…", which Salesforce serves
    Exchange answer = raw("GET //services/data/v62.0//sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\n" + auth()
        + "Connection: close\r\n\r\n");

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(forwarded).containsExactly("GET /services/data/v62.0/sobjects/Account/describe");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // Content-Length with Transfer-Encoding (CL.TE / TE.CL smuggling)
      "POST /services/data/v62.0/sobjects/Account HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /services/data HTTP/1.1\r\n\r\n",
      // duplicate Content-Length, different values
      "POST /services/data/v62.0/sobjects/Account HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}}",
      // duplicate Content-Length, same value
      "POST /services/data/v62.0/sobjects/Account HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
      // obsolete line folding
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "X-Folded: one\r\n two\r\n\r\n",
      // bare LF line endings
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\nHost: gw\nAUTH\n",
      // invalid header names
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "Bad Header: x\r\n\r\n",
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\nAUTH"
          + "X-Space : x\r\n\r\n",
      // request line tricks
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1 extra\r\nHost: gw\r\nAUTH\r\n",
      "GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\nHost: evil\r\nAUTH\r\n",
  })
  void smugglingShapesAreRefusedWith400AndTheConnectionClosed(String template) throws Exception {
    String request = template.replace("AUTH", auth().replace("\r\n", template.contains("\r\n") ? "\r\n" : "\n"));

    Exchange answer = raw(request);

    assertThat(answer.text()).startsWith("HTTP/1.1 400 ");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void aRequestWithoutAVersionIsRefusedAsHttp09() throws Exception {
    Exchange answer = raw("GET /services/data/v62.0/sobjects/Account/describe\r\nHost: gw\r\n" + auth() + "\r\n");

    assertThat(answer.status()).as(answer.text()).isEqualTo(505);
    assertThat(forwarded).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/services/data/v62.0/sobjects/%2e%2e/sobjects/Account/describe",
      "/services/data/v62.0/sobjects/Account/%2e%2e/Contact/describe",
      "/services/data/v62.0/sobjects/../sobjects/Account/describe",
      "/services/data/v62.0/sobjects/./Account/describe",
      "/services/data/v62.0/sobjects/Account%2fdescribe",
      "/services/data/v62.0/sobjects/Account;jsessionid=1/describe",
      "/services/data;x=1/v62.0/sobjects/Account/describe",
      "/Services/data/v62.0/sobjects/Account/describe",
      "/services/Data/v62.0/sobjects/Account/describe",
      "/services/data/v62.0/sobjects/%c0%ae%c0%ae/Account/describe",
      "/services/data/v62.0/sobjects/Account%5cdescribe",
      "/services/data/v62.0/sobjects/Account%252fdescribe",
      "/services/data/v62%2e0/sobjects/Account/describe",
      "/services/data/v62.0/sobjects/%41ccount/describe",
      "/services/data/v62.0/sobjects/Account/describe%00",
  })
  void pathTricksAreRefusedAndNeverForwarded(String path) throws Exception {
    Exchange answer = raw("GET " + path + " HTTP/1.1\r\nHost: gw\r\n" + auth() + "Connection: close\r\n\r\n");

    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    assertThat(forwarded).isEmpty();
  }

  @Test
  void headersBeyondTheLimitAre431AndALongerUriIs414() throws Exception {
    Exchange headers = raw("GET /services/data/v62.0/sobjects/Account/describe HTTP/1.1\r\nHost: gw\r\n" + auth()
        + "X-Padding: " + "a".repeat(17_000) + "\r\n\r\n");
    Exchange uri = raw("GET /services/data/v62.0/query?q=SELECT+Id+FROM+Account+WHERE+Name+%3D+%27"
        + "a".repeat(17_000) + "%27 HTTP/1.1\r\nHost: gw\r\n" + auth() + "\r\n");

    assertThat(headers.status()).as(headers.text()).isEqualTo(431);
    assertThat(uri.status()).as(uri.text()).isEqualTo(414);
    assertThat(forwarded).isEmpty();
  }

  @Test
  void aDeclaredBodyBeyondTheFamilyLimitIs413BeforeItIsRead() throws Exception {
    Exchange answer = raw("POST /oauth2/token HTTP/1.1\r\nHost: gw\r\nContent-Type: application/x-www-form-urlencoded"
        + "\r\nContent-Length: 70000\r\n\r\ngrant_type=");

    assertThat(answer.status()).as(answer.text()).isEqualTo(413);
    assertThat(answer.text()).contains("token limit of 65536 bytes");
  }

  @Test
  void aStreamedBodyIsCutAtTheFamilyLimit() throws Exception {
    String chunk = "a".repeat(0x4000);
    StringBuilder request = new StringBuilder("POST /oauth2/token HTTP/1.1\r\nHost: gw\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) { // 80 KiB against the token endpoint's 64 KiB
      request.append("4000\r\n").append(chunk).append("\r\n");
    }
    request.append("0\r\n\r\n");

    Exchange answer = raw(request.toString());

    assertThat(answer.status()).as(answer.text()).isEqualTo(413);
  }

  @Test
  void aGzipBodyIsRefusedWith415SoABombNeverExpands() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bomb)) {
      gzip.write(new byte[10 * 1024 * 1024]); // 10 MiB of zeros: about 10 KiB compressed
    }
    byte[] head = ("POST /services/data/v62.0/sobjects/Account HTTP/1.1\r\nHost: gw\r\n" + auth()
        + "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.size()
        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(head);
    request.write(bomb.toByteArray());

    Exchange answer = raw(request.toByteArray());

    assertThat(answer.status()).as(answer.text()).isEqualTo(415);
    assertThat(answer.text()).contains("Accept-Encoding: identity").contains("PORTCULLIS_CONTENT_ENCODING");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void aSessionTokenInTheQueryStringIsRefused() throws Exception {
    Exchange answer = raw("GET /services/data/v62.0/sobjects/Account/describe?access_token=" + session
        + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.text()).contains("PORTCULLIS_TOKEN_IN_URL").doesNotContain(session);
    assertThat(forwarded).isEmpty();
  }

  @Test
  void aClientSendingItsBodyOneByteASecondIsCut() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /oauth2/token HTTP/1.1\r\nHost: gw\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + Duration.ofMillis(READ_TIMEOUT_MILLIS).toNanos();
      boolean closed = false;
      // one byte, then wait up to a second for the server's answer or EOF: the pacing is the test's traffic
      while (!closed && System.nanoTime() < deadline) {
        try {
          out.write('a');
          out.flush();
        } catch (java.io.IOException e) {
          closed = true; // the server reset the connection
          break;
        }
        try {
          int b = in.read();
          if (b < 0) {
            closed = true;
          } else {
            received.write(b);
            received.write(in.readAllBytes());
            closed = true;
          }
        } catch (java.net.SocketTimeoutException e) {
          // still open: send the next byte
        }
      }
      assertThat(closed).as("the slow client was cut within %s ms", READ_TIMEOUT_MILLIS).isTrue();
      String text = received.toString(StandardCharsets.ISO_8859_1);
      assertThat(text.isEmpty() || !text.startsWith("HTTP/1.1 200")).as(text).isTrue();
    }
    assertThat(forwarded).isEmpty();
  }
}
