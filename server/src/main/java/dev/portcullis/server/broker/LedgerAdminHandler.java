package dev.portcullis.server.broker;

import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/ledger/entries} (admin token, as {@link AdminTokenHandler} says): appends one ledger entry for a
 * command-line tool while this server holds the ledger ({@code portcullis ledger append}, {@code certs rotate} with
 * the file-system ledger, whose lock the server owns). The body is the entry itself in its RFC 8785 canonical form
 * (at most {@link LedgerEntry#MAX_SIZE} bytes), checked as the ledger checks any entry: a known kind with exactly
 * its fields, a well-formed unknown kind, no secret-named field. The answer, {@code {"index": N}}, comes once the
 * entry is durable under a signed checkpoint; a refused entry is 400 with the ledger's error code and message, a
 * ledger that cannot record is 503. Holding the admin token is the same trust as holding the data directory, where
 * {@code ledger append} can write offline.
 */
public final class LedgerAdminHandler extends AdminTokenHandler {
  public static final String PATH = "/admin/ledger/entries";
  private static final long ACK_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(LedgerAdminHandler.class);

  private final Function<LedgerEntry, CompletableFuture<Long>> ledger;

  public LedgerAdminHandler(AdminToken token, Function<LedgerEntry, CompletableFuture<Long>> ledger) {
    super(token, Set.of(PATH));
    this.ledger = ledger;
  }

  @Override
  String what() {
    return "the ledger";
  }

  @Override
  void route(String path, Request request, Response response, Callback callback) throws IOException {
    if (!method("POST", request, response, callback)) {
      return;
    }
    byte[] bytes = Content.Source.asInputStream(request).readNBytes(LedgerEntry.MAX_SIZE + 1);
    if (bytes.length > LedgerEntry.MAX_SIZE) {
      closeAfter(request, response);
      error(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "ENTRY_TOO_LARGE",
          "the entry is larger than " + LedgerEntry.MAX_SIZE + " bytes");
      return;
    }
    LedgerEntry entry;
    try {
      entry = LedgerEntry.parse(bytes);
    } catch (LedgerException e) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, e.code().name(), e.getMessage());
      return;
    }
    long index;
    try {
      index = ledger.apply(entry).get(ACK_SECONDS, TimeUnit.SECONDS);
    } catch (LedgerException e) {
      unavailable(response, callback, entry, e.code().name(), e.getMessage());
      return;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      unavailable(response, callback, entry, cause instanceof LedgerException failed ? failed.code().name()
          : "LEDGER_UNAVAILABLE", String.valueOf(cause.getMessage()));
      return;
    } catch (TimeoutException e) {
      unavailable(response, callback, entry, "LEDGER_UNAVAILABLE", "the entry was not durable within " + ACK_SECONDS
          + " s");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unavailable(response, callback, entry, "LEDGER_UNAVAILABLE", "interrupted");
      return;
    }
    write(response, callback, HttpStatus.OK_200, Map.of("index", index));
  }

  private static void unavailable(Response response, Callback callback, LedgerEntry entry, String code,
      String message) throws IOException {
    LOG.error("an entry of kind {} handed in through the admin API was not recorded: {}", entry.kind(), message);
    error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, code, "the ledger did not record the entry: "
        + message);
  }
}
