package dev.portcullis.server.witness;

import dev.portcullis.ledger.Witness;
import dev.portcullis.server.ServerException;
import java.net.BindException;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone C2SP tlog-witness HTTP server: one plain-HTTP listener whose submission prefix is its
 * root, serving {@code POST /add-checkpoint} with a {@link Witness}. Put TLS in front of it (or
 * reach it over a private network): the protocol authenticates checkpoints by their signatures,
 * not callers. Built the way {@code PortcullisServer} builds its admin listener.
 */
public final class WitnessServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WitnessServer.class);

  private final Server jetty;
  private final ServerConnector connector;
  private final String host;

  private WitnessServer(Server jetty, ServerConnector connector, String host) {
    this.jetty = jetty;
    this.connector = connector;
    this.host = host;
  }

  /**
   * Starts listening on {@code host:port} (port 0 picks a free one).
   *
   * @throws ServerException {@code PORT_UNAVAILABLE} if the address cannot be bound, {@code STARTUP}
   *     otherwise
   */
  public static WitnessServer start(Witness witness, String host, int port) throws ServerException {
    Objects.requireNonNull(witness, "witness");
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("portcullis-witness");
    Server jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setName("witness");
    jetty.addConnector(connector);
    jetty.setHandler(new WitnessHandler(witness));
    jetty.setStopAtShutdown(false);
    try {
      jetty.start();
    } catch (Exception e) {
      try {
        jetty.stop();
      } catch (Exception ignored) {
        // already failing
      }
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new ServerException(ServerException.Code.PORT_UNAVAILABLE, "cannot listen on " + host
            + ":" + port + " for the witness (" + e.getMessage() + "); choose another --listen", e);
      }
      throw new ServerException(ServerException.Code.STARTUP,
          "cannot start the witness listener: " + e.getMessage(), e);
    }
    WitnessServer server = new WitnessServer(jetty, connector, host);
    LOG.info("witness {} listening on {}", witness.verifier().vkey(), server.url());
    return server;
  }

  /** The submission prefix, e.g. {@code http://127.0.0.1:7380/}. */
  public URI url() {
    String authority = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + authority + ":" + connector.getLocalPort() + "/");
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("witness server did not stop cleanly: {}", e.getMessage());
    }
  }
}
