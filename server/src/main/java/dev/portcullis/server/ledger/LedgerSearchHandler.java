package dev.portcullis.server.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.LedgerEntries;
import dev.portcullis.ledger.LedgerReader;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.LedgerIndexRepository.IndexRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@value #PATH}: searches the ledger's index (kind, org, actor, session, commit, deployment_id, since, until,
 * after_index, limit) and answers {@code {"entries": [{index, kind, time, …, entry}]}}, each entry read back from
 * the ledger itself. Read-only, like the tiles it summarises: everything it returns is already public in
 * {@code /ledger/tile/entries/…}. Unknown parameters and malformed values are refused with 400 and the name.
 */
public final class LedgerSearchHandler extends Handler.Abstract {
  public static final String PATH = "/ledger-search";
  static final Set<String> PARAMETERS = Set.of("kind", "org", "actor", "session", "commit", "deployment_id", "since",
      "until", "after_index", "limit");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LedgerIndexRepository index;
  private final LedgerReader reader;
  private final Runnable catchUp;

  public LedgerSearchHandler(LedgerIndexRepository index, LedgerReader reader) {
    this(index, reader, () -> { });
  }

  /**
   * With {@code catchUp} run before each search: the index follows the ledger a moment behind (its passes are paced),
   * and a search should find what was acknowledged before it was asked.
   */
  public LedgerSearchHandler(LedgerIndexRepository index, LedgerReader reader, Runnable catchUp) {
    this.index = index;
    this.reader = reader;
    this.catchUp = catchUp;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return reply(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, error("search is GET only"));
    }
    Fields fields = Request.extractQueryParameters(request);
    LedgerIndexRepository.Query query;
    try {
      for (String name : fields.getNames()) {
        if (!PARAMETERS.contains(name)) {
          throw new IllegalArgumentException("unknown parameter '" + name + "' (known: " + String.join(", ",
              PARAMETERS.stream().sorted().toList()) + ")");
        }
        if (fields.getValues(name).size() > 1) {
          throw new IllegalArgumentException("parameter '" + name + "' given more than once");
        }
      }
      query = new LedgerIndexRepository.Query(fields.getValue("kind"), fields.getValue("org"),
          fields.getValue("actor"), fields.getValue("session"), fields.getValue("commit"),
          fields.getValue("deployment_id"), time(fields.getValue("since"), "since"), time(fields.getValue("until"), "until"),
          number(fields.getValue("after_index"), "after_index", -1), (int) number(fields.getValue("limit"), "limit", 100));
    } catch (IllegalArgumentException e) {
      return reply(response, callback, HttpStatus.BAD_REQUEST_400, error(e.getMessage()));
    }
    catchUp.run();
    ObjectNode result = JSON.createObjectNode();
    result.set("entries", entries(index.search(query), reader));
    return reply(response, callback, HttpStatus.OK_200, result);
  }

  /**
   * The search answer for {@code rows}: index, kind, time and the indexed fields present, and the entry itself read
   * back from the ledger (absent for a row beyond the latest checkpoint). Shared with {@code portcullis ledger
   * search}, so the command and the route print the same JSON.
   */
  public static ArrayNode entries(List<IndexRow> rows, LedgerReader reader) throws IOException {
    byte[] latest = reader.read(LedgerReader.CHECKPOINT);
    long size = latest == null ? 0 : Checkpoint.of(SignedNote.parse(latest)).size();
    ArrayNode entries = JSON.createArrayNode();
    for (IndexRow row : rows) {
      ObjectNode node = entries.addObject();
      node.put("index", row.idx());
      node.put("kind", row.kind());
      node.put("time", row.time().toString());
      putIfPresent(node, "org", row.org());
      putIfPresent(node, "actor", row.actor());
      putIfPresent(node, "session", row.session());
      putIfPresent(node, "commit", row.commit());
      putIfPresent(node, "deployment_id", row.deploymentId());
      if (row.idx() < size) {
        node.set("entry", JSON.readTree(LedgerEntries.read(reader, row.idx(), size)));
      }
    }
    return entries;
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  private static Instant time(String value, String name) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + name + "' is not an RFC 3339 UTC time such as 2026-11-28T09:30:00Z");
    }
  }

  private static long number(String value, String name, long fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + name + "' is not a whole number");
    }
  }

  private static ObjectNode error(String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error", message);
    return node;
  }

  private static boolean reply(Response response, Callback callback, int status, ObjectNode body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap((body.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
