package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.soql.SoqlParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Aggregate queries, semi-joins and the parsed features the simulator refuses, over the built-in fixture. */
class QueryEvaluatorAggregateTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  QueryEvaluator evaluator;

  @BeforeEach
  void setUp() {
    OrgState org = new OrgState(OrgSpec.builder("test").user("ci@acme.example").build(), clock, 0);
    evaluator = new QueryEvaluator(org.data, clock, "66.0");
  }

  QueryEvaluator.Result run(String soql) {
    return evaluator.evaluate(SoqlParser.parse(soql), false);
  }

  @Test
  void countWithoutGroupByIsOneAggregateResult() {
    var result = run("SELECT COUNT(Id) n, COUNT_DISTINCT(AccountId) FROM Contact");
    assertThat(result.records()).containsExactly(
        Map.of("attributes", Map.of("type", "AggregateResult"), "n", 4, "expr0", 3));
  }

  @Test
  void groupByCountsPerGroupInFirstSeenOrder() {
    var result = run("SELECT AccountId, COUNT(Id) FROM Contact GROUP BY AccountId");
    assertThat(result.totalSize()).isEqualTo(3);
    assertThat(result.records()).extracting(r -> r.get("expr0")).containsExactlyInAnyOrder(2, 1, 1);
    assertThat(result.records().get(0)).containsOnlyKeys("attributes", "AccountId", "expr0");
  }

  @Test
  void ungroupedFieldIsMalformed() {
    assertThatThrownBy(() -> run("SELECT LastName, COUNT(Id) FROM Contact GROUP BY AccountId"))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> {
          assertThat(e.code).isEqualTo(ApiErrorCode.MALFORMED_QUERY);
          assertThat(e.getMessage()).isEqualTo("Field must be grouped or aggregated: LastName");
        });
  }

  @Test
  void semiJoinKeepsAccountsWithMatchingContacts() {
    var with = run("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE LastName = 'Scorpio')");
    assertThat(with.records()).extracting(r -> r.get("Name")).containsExactly("Globex Inc");
    var without = run("SELECT Name FROM Account"
        + " WHERE Id NOT IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won') ORDER BY Name");
    assertThat(without.records()).extracting(r -> r.get("Name")).containsExactly("Acme Corporation", "Initech");
  }

  @Test
  void semiJoinOnNonIdFieldIsMalformed() {
    assertThatThrownBy(() -> run("SELECT Name FROM Account WHERE Name IN (SELECT AccountId FROM Contact)"))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class,
            e -> assertThat(e.code).isEqualTo(ApiErrorCode.MALFORMED_QUERY));
  }

  @Test
  void parsedFeaturesTheSimulatorDoesNotEvaluateAreMalformedQueryNamingTheFeature() {
    for (var entry : List.of(
        List.of("SELECT TYPEOF Owner WHEN User THEN Username END FROM Account", "TYPEOF"),
        List.of("SELECT toLabel(Name) FROM Account", "function toLabel()"),
        List.of("SELECT Id FROM Account USING SCOPE mine", "USING SCOPE"),
        List.of("SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2026", "function CALENDAR_YEAR() in WHERE or ORDER BY"),
        List.of("SELECT Name, COUNT(Id) FROM Account GROUP BY Name HAVING COUNT(Id) > 1", "HAVING"),
        List.of("SELECT Name, COUNT(Id) FROM Account GROUP BY ROLLUP(Name)", "GROUP BY ROLLUP"))) {
      assertThatThrownBy(() -> run(entry.get(0)))
          .as(entry.get(0))
          .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> {
            assertThat(e.code).isEqualTo(ApiErrorCode.MALFORMED_QUERY);
            assertThat(e.getMessage()).isEqualTo(entry.get(1) + " is not supported by the org simulator");
          });
    }
  }

  @Test
  void withSecurityEnforcedAndForViewAreAccepted() {
    assertThat(run("SELECT Name FROM Account WITH SECURITY_ENFORCED LIMIT 1 FOR VIEW").records()).hasSize(1);
  }
}
