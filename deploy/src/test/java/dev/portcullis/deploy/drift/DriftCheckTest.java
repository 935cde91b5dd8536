package dev.portcullis.deploy.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DriftCheck}: rows inside a widened deployment window are explained, edges included; the rest is drift. */
class DriftCheckTest {
  static final Instant STARTED = Instant.parse("2026-11-28T12:00:00Z");
  static final Instant COMPLETED = Instant.parse("2026-11-28T12:05:00Z");
  static final DeploymentWindow DEPLOYMENT = new DeploymentWindow("dpl_1", STARTED, COMPLETED);
  static final Duration SLACK = DriftCheck.DEFAULT_SLACK;

  static SetupAuditTrailRow row(String id, Instant at) {
    return new SetupAuditTrailRow(id, "PermSetCreate", "Manage Users", at, "admin@acme.example",
        "Created permission set " + id, "");
  }

  @Test
  void rowsExactlyAtTheWidenedEdgesAreExplainedAndOneMillisecondOutsideAreDrift() {
    List<SetupAuditTrailRow> rows = List.of(
        row("before", STARTED.minus(SLACK).minusMillis(1)),
        row("firstEdge", STARTED.minus(SLACK)),
        row("start", STARTED),
        row("end", COMPLETED),
        row("lastEdge", COMPLETED.plus(SLACK)),
        row("after", COMPLETED.plus(SLACK).plusMillis(1)));

    DriftCheck.Result result = DriftCheck.withDefaultSlack().check(rows, List.of(DEPLOYMENT));

    assertThat(result.drift()).extracting(SetupAuditTrailRow::id).containsExactly("before", "after");
    assertThat(result.explained()).isEqualTo(4);
    assertThat(result.hasDrift()).isTrue();
  }

  @Test
  void noSlackMeansTheWindowItself() {
    DriftCheck check = DriftCheck.withSlack(Duration.ZERO);
    assertThat(check.explainedBy(row("a", STARTED), List.of(DEPLOYMENT))).contains(DEPLOYMENT);
    assertThat(check.explainedBy(row("b", COMPLETED), List.of(DEPLOYMENT))).contains(DEPLOYMENT);
    assertThat(check.explainedBy(row("c", STARTED.minusMillis(1)), List.of(DEPLOYMENT))).isEmpty();
    assertThatThrownBy(() -> DriftCheck.withSlack(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noRowsNoDrift() {
    DriftCheck.Result result = DriftCheck.withDefaultSlack().check(List.of(), List.of(DEPLOYMENT));
    assertThat(result.hasDrift()).isFalse();
    assertThat(result.explained()).isZero();
  }

  @Test
  void allRowsExplainedByOneOfSeveralDeploymentsIsNoDrift() {
    DeploymentWindow later = new DeploymentWindow("dpl_2", Instant.parse("2026-11-29T08:00:00Z"),
        Instant.parse("2026-11-29T08:00:30Z"));
    DriftCheck.Result result = DriftCheck.withDefaultSlack().check(
        List.of(row("x", Instant.parse("2026-11-29T08:00:10Z")), row("y", STARTED.plusSeconds(60))),
        List.of(later, DEPLOYMENT));
    assertThat(result.hasDrift()).isFalse();
    assertThat(result.explained()).isEqualTo(2);
  }

  @Test
  void withoutDeploymentsEveryRowIsDriftOldestFirst() {
    DriftCheck.Result result = DriftCheck.withDefaultSlack().check(
        List.of(row("late", COMPLETED), row("early", STARTED)), List.of());
    assertThat(result.drift()).extracting(SetupAuditTrailRow::id).containsExactly("early", "late");
  }

  @Test
  void aWindowEndingBeforeItStartsIsRefused() {
    assertThatThrownBy(() -> new DeploymentWindow("dpl_x", COMPLETED, STARTED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dpl_x");
  }

  @Test
  void rowsParseFromRestRecordsInSalesforcesDatetimeForm() throws Exception {
    ObjectMapper json = new ObjectMapper();
    SetupAuditTrailRow row = SetupAuditTrailRow.fromRecord(json.readTree("""
        {"attributes":{"type":"SetupAuditTrail"},"Id":"0YmD000000000001AAA","Action":"PermSetAssign",
         "Section":"Manage Users","CreatedDate":"2026-11-28T12:00:01.500+0000",
         "CreatedBy":{"attributes":{"type":"User"},"Username":"admin@acme.example"},
         "Display":"Assigned permission set MAD to user x","DelegateUser":null}"""));
    assertThat(row.createdDate()).isEqualTo(Instant.parse("2026-11-28T12:00:01.500Z"));
    assertThat(row.createdBy()).isEqualTo("admin@acme.example");
    assertThat(row.delegateUser()).isEmpty();
    assertThat(SetupAuditTrailRow.fromRecord(json.readTree(
        "{\"Id\":\"1\",\"Action\":\"a\",\"CreatedDate\":\"2026-11-28T12:00:00Z\"}")).createdDate()).isEqualTo(STARTED);
    assertThat(SetupAuditTrailRow.fromRecord(json.readTree(
        "{\"Id\":\"1\",\"Action\":\"a\",\"CreatedDate\":\"2026-11-28T13:00:00+01:00\"}")).createdDate()).isEqualTo(STARTED);
    assertThatThrownBy(() -> SetupAuditTrailRow.fromRecord(json.readTree(
        "{\"Id\":\"0Ym1\",\"Action\":\"a\",\"CreatedDate\":\"yesterday\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0Ym1").hasMessageContaining("yesterday");
    assertThatThrownBy(() -> SetupAuditTrailRow.fromRecord(json.readTree("{\"Id\":\"0Ym2\",\"Action\":\"a\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CreatedDate");
  }

  @Test
  void theQuerySelectsTheFieldsSinceAnUnquotedUtcLiteralOldestFirst() {
    assertThat(SetupAuditTrailRow.soql(Instant.parse("2026-10-29T12:00:00.123Z"))).isEqualTo(
        "SELECT Id, Action, Section, CreatedDate, CreatedById, CreatedBy.Username, Display, DelegateUser FROM SetupAuditTrail"
            + " WHERE CreatedDate >= 2026-10-29T12:00:00Z ORDER BY CreatedDate");
  }

  @Test
  void inTheWindowARowByAnotherUserThanTheDeployingOneIsDriftAndIdsCompareOnFifteenCharacters() {
    DeploymentWindow byDeployer = new DeploymentWindow("dpl_1", STARTED, COMPLETED, "005AA000000000NYAQ");
    SetupAuditTrailRow deployer = new SetupAuditTrailRow("d", "PermSetCreate", "Manage Users", STARTED.plusSeconds(1),
        "deployer@acme.example", "Created permission set Ops", "", "005AA000000000N");
    SetupAuditTrailRow byHand = new SetupAuditTrailRow("h", "PermSetEnableUserPerm", "Manage Users",
        STARTED.plusSeconds(2), "admin@acme.example", "Changed permission set Ops: Modify All Data", "",
        "005AA000000000XYZA");
    SetupAuditTrailRow unknownCreator = row("u", STARTED.plusSeconds(3));

    DriftCheck.Result result = DriftCheck.withDefaultSlack().check(List.of(deployer, byHand, unknownCreator),
        List.of(byDeployer));

    assertThat(result.drift()).extracting(SetupAuditTrailRow::id).containsExactly("h");
    assertThat(result.explained()).isEqualTo(2);
  }
}
