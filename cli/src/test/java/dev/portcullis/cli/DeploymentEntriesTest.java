package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DeploymentEntries}: which entries make a deployment's history and story, in which order. */
class DeploymentEntriesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode row(long index, String kind, String entry) throws Exception {
    return JSON.readTree("{\"index\":" + index + ",\"kind\":\"" + kind + "\",\"time\":\"2026-11-28T12:00:0" + index
        + ".000Z\",\"entry\":" + entry + "}");
  }

  @Test
  void historyKeepsCompletedAndDeniedOrHeldRequestsNewestFirst() throws Exception {
    JsonNode done = row(5, "deploy.completed", "{\"outcome\":\"succeeded\",\"check_only\":true}");
    JsonNode allowed = row(4, "deploy.requested", "{\"effect\":\"allow\"}");
    JsonNode held = row(2, "deploy.requested", "{\"effect\":\"hold\"}");
    JsonNode denied = row(7, "deploy.requested", "{\"effect\":\"deny\"}");
    List<JsonNode> rows = DeploymentEntries.history(List.of(done), List.of(allowed, held, denied));
    assertThat(rows).containsExactly(denied, done, held);
    assertThat(rows.stream().map(DeploymentEntries::status)).containsExactly("denied", "validation succeeded", "held");
  }

  @Test
  void theStoryTakesTheApprovalEntriesOfItsApprovalAndProvesTheLastCompletion() throws Exception {
    JsonNode requested = row(1, "deploy.requested", "{\"approval\":\"apr_1\",\"effect\":\"hold\"}");
    JsonNode rerun = row(6, "deploy.requested", "{\"approval\":\"apr_1\",\"effect\":\"allow\"}");
    JsonNode completed = row(8, "deploy.completed", "{\"approval\":\"apr_1\",\"outcome\":\"succeeded\"}");
    List<JsonNode> entries = List.of(requested, rerun, completed);
    assertThat(DeploymentEntries.approvalIds(entries)).containsExactly("apr_1");
    assertThat(DeploymentEntries.proved(entries)).isSameAs(completed);
    assertThat(DeploymentEntries.proved(List.of(requested, rerun))).isSameAs(rerun);

    JsonNode voted = row(4, "approval.voted", "{\"approval\":\"apr_1\",\"actor\":\"bob\"}");
    JsonNode asked = row(2, "approval.requested", "{\"approval\":\"apr_1\"}");
    JsonNode other = row(3, "approval.voted", "{\"approval\":\"apr_2\"}");
    assertThat(DeploymentEntries.ofApproval(List.of(voted, other, asked), "apr_1")).containsExactly(asked, voted);
  }

  @Test
  void sinceTakesATimeOrADurationBack() {
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    assertThat(DeploymentEntries.since("--since", "30d", now)).isEqualTo(Instant.parse("2026-10-29T12:00:00Z"));
    assertThat(DeploymentEntries.since("--since", "12h", now)).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    assertThat(DeploymentEntries.since("--since", "90m", now)).isEqualTo(Instant.parse("2026-11-28T10:30:00Z"));
    assertThat(DeploymentEntries.since("--since", "2026-01-02T03:04:05Z", now))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThatThrownBy(() -> DeploymentEntries.since("--since", "0d", now)).isInstanceOf(CliException.class);
    assertThatThrownBy(() -> DeploymentEntries.since("--since", "yesterday", now)).isInstanceOf(CliException.class)
        .hasMessageContaining("30d");
  }

  @Test
  void fieldsFromTheLedgerAreMadePrintable() throws Exception {
    JsonNode entry = JSON.readTree("{\"actor\":\"eve\\u001b[2J\",\"approvers\":[\"bob\",\"carol\"]}");
    assertThat(DeploymentEntries.text(entry, "actor")).isEqualTo("eve\\u001b[2J");
    assertThat(DeploymentEntries.text(entry, "approvers")).isEqualTo("bob,carol");
    assertThat(DeploymentEntries.text(entry, "missing")).isEqualTo("-");
    assertThat(DeploymentEntries.shortCommit("0123456789abcdef")).isEqualTo("0123456");
  }
}
