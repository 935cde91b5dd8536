package dev.portcullis.server.ledger;

import dev.portcullis.ledger.TilePath;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the ledger read-only under {@value #PREFIX}, as C2SP tlog-tiles lays it out: {@code checkpoint}
 * ({@code text/plain; charset=utf-8}, revalidated on every use), {@code checkpoint-history} (every published
 * checkpoint, revalidated on every use) and {@code tile/<L>/<N>[.p/<W>]},
 * {@code tile/entries/<N>[.p/<W>]} ({@code application/octet-stream}, {@code Cache-Control: immutable}: a
 * tile path names bytes that never change, a partial tile included, since its width is in its name).
 *
 * <p>Only paths that {@link TilePath#parse} accepts in canonical form reach the storage, so no request can
 * name a file outside the ledger (no {@code ..}, no other files of the data directory). GET and HEAD only.
 */
public final class LedgerHttpHandler extends Handler.Abstract {
  /** Where the ledger is mounted on the admin listener. */
  public static final String PREFIX = "/ledger/";
  /** The latest signed checkpoint. */
  public static final String CHECKPOINT = "checkpoint";
  /**
   * Every checkpoint the log published, oldest first (uint32 length ‖ note): not part of tlog-tiles, served
   * so that consistency between any two published checkpoints can be proven remotely.
   */
  public static final String CHECKPOINT_HISTORY = "checkpoint-history";
  /** The log's verifier key (C2SP vkey), for convenience; auditors should obtain it independently too. */
  public static final String VKEY = "vkey";
  static final String TILE_CACHE = "public, max-age=31536000, immutable";
  static final String CHECKPOINT_CACHE = "no-cache";
  private static final Logger LOG = LoggerFactory.getLogger(LedgerHttpHandler.class);

  /** Reads a file of the ledger tree by its relative path, or returns null when it does not exist. */
  @FunctionalInterface
  public interface Files {
    byte[] read(String path);
  }

  private final Files files;

  public LedgerHttpHandler(Files files) {
    this.files = Objects.requireNonNull(files, "files");
  }

  /** The metrics route template of a path under the prefix (bounded cardinality). */
  public static String template(String path) {
    if (path.equals(PREFIX + CHECKPOINT) || path.equals(PREFIX + CHECKPOINT_HISTORY) || path.equals(PREFIX + VKEY)) {
      return path;
    }
    return path.startsWith(PREFIX + "tile/entries/") ? PREFIX + "tile/entries" : PREFIX + "tile";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    if (!head && !HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "the ledger is read-only: GET or HEAD\n", false);
      return true;
    }
    String relative = path.substring(PREFIX.length());
    boolean checkpoint = relative.equals(CHECKPOINT);
    boolean history = relative.equals(CHECKPOINT_HISTORY);
    boolean vkey = relative.equals(VKEY);
    if (!checkpoint && !history && !vkey && !isCanonicalTilePath(relative)) {
      text(response, callback, HttpStatus.NOT_FOUND_404, "not a ledger path: " + relative + "\n", head);
      return true;
    }
    byte[] body;
    try {
      body = files.read(relative);
    } catch (UncheckedIOException | dev.portcullis.ledger.LedgerException e) {
      LOG.error("ledger read of {} failed: {}", relative, e.getMessage());
      text(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "ledger storage unavailable\n", head);
      return true;
    }
    if (body == null) {
      text(response, callback, HttpStatus.NOT_FOUND_404, "no such " + (checkpoint || history || vkey ? "file" : "tile")
          + ": " + relative + "\n", head);
      return true;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE,
        checkpoint || vkey ? "text/plain; charset=utf-8" : "application/octet-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, checkpoint || history || vkey ? CHECKPOINT_CACHE : TILE_CACHE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    return true;
  }

  /** Whether {@code relative} is a tile path written exactly as tlog-tiles formats it. */
  static boolean isCanonicalTilePath(String relative) {
    try {
      return TilePath.parse(relative).format().equals(relative);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void text(Response response, Callback callback, int status, String message, boolean head) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (head) {
      response.write(true, ByteBuffer.allocate(0), callback);
    } else {
      response.write(true, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), callback);
    }
  }
}
