package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.portcullis.server.ledger.LedgerSearchHandler;
import dev.portcullis.store.LedgerIndexRepository;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One search of the ledger's index, wherever the ledger is: a running server's {@code /ledger-search} with
 * {@code --url}, else the store's index in the data directory. Both answer the same JSON entries ({@link
 * LedgerSearchHandler#entries}). Used by {@code ledger search} and the {@code deploy history|show|drift} commands.
 *
 * @param afterIndex only entries after this index (-1: from the start)
 */
record LedgerSearch(String kind, String org, String actor, String session, String commit, String deployment,
    Instant since, Instant until, long afterIndex, int limit) {

  /** All entries of a kind (or any kind, when null) matching the rest. */
  static LedgerSearch of(String kind, String org, String deployment, Instant since) {
    return new LedgerSearch(kind, org, null, null, null, deployment, since, null, -1, LedgerIndexRepository.Query.MAX_LIMIT);
  }

  /** One page of entries, oldest first. */
  ArrayNode run(LedgerLocation location) throws IOException {
    return location.remote() ? remote(location) : local(location);
  }

  /** Every matching entry, oldest first, paging by index. */
  ArrayNode all(LedgerLocation location) throws IOException {
    ArrayNode all = LedgerCommand.JSON.createArrayNode();
    LedgerSearch page = this;
    while (true) {
      ArrayNode entries = page.run(location);
      all.addAll(entries);
      if (entries.size() < limit || entries.isEmpty()) {
        return all;
      }
      long last = entries.get(entries.size() - 1).path("index").asLong();
      page = new LedgerSearch(kind, org, actor, session, commit, deployment, since, until, last, limit);
    }
  }

  private ArrayNode local(LedgerLocation location) throws IOException {
    LedgerIndexRepository.Query query = new LedgerIndexRepository.Query(kind, org, actor, session, commit, deployment,
        since, until, afterIndex, limit);
    return LedgerSearchHandler.entries(location.store().ledgerIndex().search(query), location.reader());
  }

  private ArrayNode remote(LedgerLocation location) throws IOException {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("kind", kind);
    parameters.put("org", org);
    parameters.put("actor", actor);
    parameters.put("session", session);
    parameters.put("commit", commit);
    parameters.put("deployment_id", deployment);
    parameters.put("since", since);
    parameters.put("until", until);
    parameters.put("after_index", afterIndex);
    parameters.put("limit", limit);
    StringBuilder query = new StringBuilder();
    parameters.forEach((name, value) -> {
      if (value != null) {
        query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
            .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    });
    URI uri = URI.create(location.url.toString().replaceAll("/+$", "") + "/ledger-search" + query);
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = LedgerCommand.JSON.readTree(response.body());
      } catch (IOException e) {
        throw new CliException(ExitCode.UNAVAILABLE, uri + " answered " + response.statusCode() + " without JSON");
      }
      if (response.statusCode() == 400) {
        throw new CliException(ExitCode.USAGE, uri + ": " + Printable.of(body.path("error").asText()));
      }
      if (response.statusCode() != 200 || !body.path("entries").isArray()) {
        throw new CliException(ExitCode.UNAVAILABLE, uri + " answered " + response.statusCode());
      }
      return (ArrayNode) body.get("entries");
    } catch (ConnectException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot connect to " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
    }
  }
}
