package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.server.ledger.LedgerSearchHandler;
import dev.portcullis.store.LedgerIndexRepository;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Finds entries through the store's index and prints each with its index and its bytes from the ledger. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Find ledger entries by kind, org, actor, session, commit, deployment id and time.",
    footer = {"", "Uses the index in the store (rebuild it with `portcullis ledger reindex`); each entry printed is",
        "read back from the ledger itself. With --url, the server's /ledger-search answers. Exit 1 when nothing matched."})
final class LedgerSearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--kind", paramLabel = "KIND") String kind;
  @Option(names = "--org", paramLabel = "ORG") String org;
  @Option(names = "--actor", paramLabel = "ACTOR") String actor;
  @Option(names = "--session", paramLabel = "ID") String session;
  @Option(names = "--commit", paramLabel = "SHA") String commit;
  @Option(names = "--deployment", paramLabel = "ID") String deployment;

  @Option(names = "--since", paramLabel = "TIME", description = "Entries at or after this RFC 3339 UTC time.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Entries before this RFC 3339 UTC time.")
  String until;

  @Option(names = "--after-index", paramLabel = "N", defaultValue = "-1", description = "Only entries after index N (paging).")
  long afterIndex;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N entries (1..10000). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--json", description = "Print JSON: {\"entries\": [{index, kind, …, entry}]}.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (limit < 1 || limit > LedgerIndexRepository.Query.MAX_LIMIT) {
      throw new CliException(ExitCode.USAGE, "--limit must be 1 to " + LedgerIndexRepository.Query.MAX_LIMIT);
    }
    try (LedgerLocation open = location) {
      ArrayNode entries = open.remote() ? remote(open) : local(open);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = LedgerCommand.object();
        result.set("entries", entries);
        LedgerCommand.print(out, result);
      } else {
        for (JsonNode node : entries) {
          out.println(node.path("index").asLong() + "\t" + node.path("time").asText() + "\t" + node.path("kind").asText()
              + "\t" + (node.has("entry") ? node.get("entry").toString() : "(not yet in the ledger's latest checkpoint)"));
        }
        out.flush();
      }
      return entries.isEmpty() ? ExitCode.DENIED.code() : ExitCode.OK.code();
    } catch (LedgerException e) {
      throw LedgerLocation.failure(e);
    } catch (StoreException e) {
      throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  /** Asks a running server's {@code /ledger-search}. */
  private ArrayNode remote(LedgerLocation open) throws IOException {
    StringBuilder query = new StringBuilder();
    java.util.Map<String, Object> parameters = new java.util.LinkedHashMap<>();
    parameters.put("kind", kind);
    parameters.put("org", org);
    parameters.put("actor", actor);
    parameters.put("session", session);
    parameters.put("commit", commit);
    parameters.put("deployment_id", deployment);
    parameters.put("since", since == null ? null : time("--since", since).toString());
    parameters.put("until", until == null ? null : time("--until", until).toString());
    parameters.put("after_index", afterIndex);
    parameters.put("limit", limit);
    parameters.forEach((name, value) -> {
      if (value != null) {
        query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
            .append(java.net.URLEncoder.encode(value.toString(), java.nio.charset.StandardCharsets.UTF_8));
      }
    });
    java.net.URI uri = java.net.URI.create(open.url.toString().replaceAll("/+$", "") + "/ledger-search" + query);
    try {
      java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
          .connectTimeout(java.time.Duration.ofSeconds(10)).build()
          .send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(30)).GET().build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      JsonNode body = LedgerCommand.JSON.readTree(response.body());
      if (response.statusCode() == 400) {
        throw new CliException(ExitCode.USAGE, uri + ": " + body.path("error").asText());
      }
      if (response.statusCode() != 200 || !body.path("entries").isArray()) {
        throw new CliException(ExitCode.UNAVAILABLE, uri + " answered " + response.statusCode());
      }
      return (ArrayNode) body.get("entries");
    } catch (java.net.ConnectException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot connect to " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNAVAILABLE, "interrupted");
    }
  }

  /** Reads the store's index in the data directory. */
  private ArrayNode local(LedgerLocation open) throws IOException {
    LedgerIndexRepository.Query query = new LedgerIndexRepository.Query(kind, org, actor, session, commit, deployment,
        time("--since", since), time("--until", until), afterIndex, limit);
    return LedgerSearchHandler.entries(open.store().ledgerIndex().search(query), open.reader());
  }


  static Instant time(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.USAGE, option + " " + value + ": not an RFC 3339 UTC time such as"
          + " 2026-11-28T09:30:00Z");
    }
  }
}
