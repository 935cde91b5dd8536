package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading deployments out of ledger search results ({@code {index, kind, time, …, entry}}, {@link LedgerSearch}):
 * the {@code deploy.requested} and {@code deploy.completed} entries the gateway writes, and the {@code approval.*}
 * entries of a deployment's approval. Lenient about fields that are absent (older entries, other writers); a field
 * is printed only through {@link Printable}.
 */
final class DeploymentEntries {
  static final String REQUESTED = "deploy.requested";
  static final String COMPLETED = "deploy.completed";
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([dhm])");

  private DeploymentEntries() {}

  /**
   * {@code --since}: an RFC 3339 UTC time, or a duration back from {@code now} such as {@code 30d}, {@code 12h},
   * {@code 90m}.
   */
  static Instant since(String option, String value, Instant now) {
    Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return now.minus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMinutes(n);
      });
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCode.USAGE, option + " " + Printable.of(value) + ": give an RFC 3339 UTC time such as"
          + " 2026-11-28T09:30:00Z or a duration such as 30d, 12h or 90m");
    }
  }

  /**
   * The rows of {@code deploy history}: every completed deployment, and every requested one that policy denied or
   * held ({@code effect} {@code deny} or {@code hold}), newest first.
   */
  static List<JsonNode> history(List<JsonNode> completed, List<JsonNode> requested) {
    List<JsonNode> rows = new ArrayList<>(completed);
    for (JsonNode r : requested) {
      String effect = r.path("entry").path("effect").asText("");
      if (effect.equals("deny") || effect.equals("hold")) {
        rows.add(r);
      }
    }
    rows.sort(Comparator.comparingLong((JsonNode n) -> n.path("index").asLong()).reversed());
    return rows;
  }

  /** {@code succeeded}, {@code failed}, {@code canceled} (a validation: {@code validated}…), or {@code denied}/{@code held}. */
  static String status(JsonNode row) {
    JsonNode entry = row.path("entry");
    if (entry.isMissingNode()) {
      return "(not yet in a checkpoint)";
    }
    if (REQUESTED.equals(row.path("kind").asText())) {
      return switch (entry.path("effect").asText("")) {
        case "deny" -> "denied";
        case "hold" -> "held";
        case "allow" -> "allowed";
        default -> "requested";
      };
    }
    String outcome = entry.path("outcome").asText("?");
    return entry.path("check_only").asBoolean(false) ? "validation " + outcome : outcome;
  }

  /** The text of a field, or {@code -}. */
  static String text(JsonNode entry, String field) {
    JsonNode value = entry.path(field);
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(v.asText()));
      return items.isEmpty() ? "-" : Printable.of(String.join(",", items));
    }
    return value.isValueNode() && !value.asText().isEmpty() ? Printable.of(value.asText()) : "-";
  }

  /** A commit shortened to 7 hex digits. */
  static String shortCommit(String commit) {
    return commit.length() > 7 && commit.matches("[0-9a-f]+") ? commit.substring(0, 7) : commit;
  }

  /** How many components: {@code component_list}'s size, else {@code components} (a count or a list). */
  static String components(JsonNode entry) {
    JsonNode list = entry.path("component_list");
    JsonNode components = list.isArray() ? list : entry.path("components");
    if (components.isArray()) {
      return components.size() + " components";
    }
    return components.isIntegralNumber() ? components.asLong() + " components" : "-";
  }

  /** One line of {@code deploy history}. */
  static String historyLine(JsonNode row) {
    JsonNode entry = row.path("entry");
    String time = row.path("time").asText();
    String id = row.path("deployment_id").asText(entry.path("deployment_id").asText("-"));
    String actor = row.path("actor").asText(entry.path("actor").asText("-"));
    String commit = row.path("commit").asText(entry.path("commit").asText("-"));
    return String.join("  ", Printable.of(time), Printable.of(id), status(row), Printable.of(actor),
        Printable.of(shortCommit(commit)), text(entry, "branch"), "approvers " + text(entry, "approvers"),
        components(entry));
  }

  /** The approval entries among {@code candidates} whose {@code approval} field is {@code approvalId}, oldest first. */
  static List<JsonNode> ofApproval(List<JsonNode> candidates, String approvalId) {
    List<JsonNode> entries = new ArrayList<>();
    for (JsonNode c : candidates) {
      if (approvalId.equals(c.path("entry").path("approval").asText(null))) {
        entries.add(c);
      }
    }
    entries.sort(Comparator.comparingLong(n -> n.path("index").asLong()));
    return entries;
  }

  /** The entry {@code deploy show} proves: the last {@code deploy.completed}, else the last {@code deploy.requested}. */
  static JsonNode proved(List<JsonNode> entries) {
    JsonNode last = null;
    for (String kind : List.of(COMPLETED, REQUESTED)) {
      for (JsonNode e : entries) {
        if (kind.equals(e.path("kind").asText())) {
          last = e;
        }
      }
      if (last != null) {
        return last;
      }
    }
    return null;
  }

  /** The approval ids the deployment's entries name, in order, each once. */
  static List<String> approvalIds(List<JsonNode> entries) {
    List<String> ids = new ArrayList<>();
    for (JsonNode e : entries) {
      String id = e.path("entry").path("approval").asText("");
      if (!id.isEmpty() && !ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }
}
