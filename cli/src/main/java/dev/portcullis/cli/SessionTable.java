package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Sessions from the admin API as a table for people: one row each, columns padded to fit. */
final class SessionTable {
  static final List<String> HEADER = List.of("ID", "ORG", "PRINCIPAL", "SCOPES", "STATE", "EXPIRES IN", "USES");

  private SessionTable() {}

  /** The table, or a sentence when there is no session; {@code now} decides "expires in". */
  static String render(JsonNode sessions, Instant now) {
    if (!sessions.isArray() || sessions.isEmpty()) {
      return "no sessions\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode session : sessions) {
      List<String> scopes = new ArrayList<>();
      session.path("scopes").forEach(s -> scopes.add(s.asText()));
      String state = session.path("state").asText("?");
      rows.add(List.of(
          cell(session.path("id").asText("?")),
          cell(session.path("org").asText("?")),
          cell(session.path("principal").path("subject").asText("?")),
          cell(scopes.isEmpty() ? "-" : String.join(" ", scopes)),
          cell(state),
          state.equals("active") ? expiresIn(session.path("expires_at").asText(""), now) : "-",
          session.path("use_count").isNumber() ? session.path("use_count").asText() : "?"));
    }
    return TextColumns.render(rows);
  }

  private static String expiresIn(String expiresAt, Instant now) {
    try {
      long seconds = Instant.parse(expiresAt).getEpochSecond() - now.getEpochSecond();
      return seconds <= 0 ? "now" : duration(seconds);
    } catch (DateTimeParseException e) {
      return "?";
    }
  }

  /** {@code 45s}, {@code 14m 5s}, {@code 2h 0m}. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m " + seconds % 60 + "s";
    }
    return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
  }

  private static String cell(String text) {
    return Printable.of(text);
  }
}
