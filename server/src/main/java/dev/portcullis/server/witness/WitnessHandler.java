package dev.portcullis.server.witness;

import dev.portcullis.ledger.AddCheckpointRequest;
import dev.portcullis.ledger.LedgerErrorCode;
import dev.portcullis.ledger.Witness;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /add-checkpoint} (c2sp.org/tlog-witness, section "add-checkpoint"), and nothing else:
 * other paths get 404, other methods 405. The body is read up to {@link AddCheckpointRequest#MAX_BYTES}
 * (413 beyond, checked against Content-Length first and again while reading); every answer is
 * {@code text/plain} except the 409's {@code text/x.tlog.size}, and none may be cached.
 */
final class WitnessHandler extends Handler.Abstract {
  static final String PATH = "/add-checkpoint";
  private static final Logger LOG = LoggerFactory.getLogger(WitnessHandler.class);

  private final Witness witness;

  WitnessHandler(Witness witness) {
    this.witness = Objects.requireNonNull(witness, "witness");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.equals(PATH)) {
      text(response, callback, HttpStatus.NOT_FOUND_404, "not found: this witness serves POST "
          + PATH + " only\n", "text/plain; charset=utf-8");
      return true;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "add-checkpoint takes POST\n",
          "text/plain; charset=utf-8");
      return true;
    }
    long declared = request.getLength();
    if (declared > AddCheckpointRequest.MAX_BYTES) {
      tooLarge(response, callback);
      return true;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(AddCheckpointRequest.MAX_BYTES + 1);
    } catch (IOException e) {
      text(response, callback, HttpStatus.BAD_REQUEST_400, "cannot read the request body: "
          + e.getMessage() + "\n", "text/plain; charset=utf-8");
      return true;
    }
    if (body.length > AddCheckpointRequest.MAX_BYTES) {
      tooLarge(response, callback);
      return true;
    }
    Witness.Response answer = witness.addCheckpoint(body);
    switch (answer) {
      case Witness.Response.Cosigned cosigned -> LOG.debug("cosigned: {}", cosigned.body().strip());
      case Witness.Response.Conflict conflict ->
          LOG.info("add-checkpoint conflict: witness holds size {}", conflict.knownSize());
      case Witness.Response.Rejected rejected -> {
        if (rejected.status() >= 500) {
          LOG.error("add-checkpoint failed: {} {}", rejected.code(), rejected.message());
        } else {
          LOG.warn("add-checkpoint rejected ({}): {} {}", rejected.status(), rejected.code(),
              rejected.message());
        }
      }
    }
    text(response, callback, answer.status(), answer.body(), answer.contentType());
    return true;
  }

  private static void tooLarge(Response response, Callback callback) {
    text(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE
        + ": add-checkpoint request is larger than " + AddCheckpointRequest.MAX_BYTES + " bytes\n",
        "text/plain; charset=utf-8");
  }

  private static void text(Response response, Callback callback, int status, String body,
      String contentType) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
  }
}
