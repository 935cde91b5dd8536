package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.Query.CategoryFilter;
import dev.portcullis.salesforce.soql.Query.CategoryOperator;
import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.ForClause;
import dev.portcullis.salesforce.soql.Query.Function;
import dev.portcullis.salesforce.soql.Query.FunctionName;
import dev.portcullis.salesforce.soql.Query.GroupBy;
import dev.portcullis.salesforce.soql.Query.Grouping;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.UpdateClause;
import dev.portcullis.salesforce.soql.Query.Value;
import dev.portcullis.salesforce.soql.Query.When;
import dev.portcullis.salesforce.soql.Query.With;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * One example per feature of the full SELECT grammar, taken from (or modelled on) the examples of
 * the SOQL and SOSL Reference; each also survives render-then-parse.
 */
class SoqlFullGrammarTest {

  private static Query parse(String soql) {
    Query query = SoqlParser.parse(soql);
    assertThat(SoqlParser.parse(query.toSoql())).as(query.toSoql()).isEqualTo(query);
    return query;
  }

  private static Function fn(FunctionName name, Query.Expression... arguments) {
    return new Function(name, List.of(arguments));
  }

  @Test
  void groupByWithAggregatesAndAliases() {
    Query q = parse("SELECT LeadSource, COUNT(Name) cnt, MAX(AnnualRevenue) FROM Lead GROUP BY LeadSource");
    assertThat(q.select()).containsExactly(
        new SelectItem.Field(FieldPath.of("LeadSource")),
        new SelectItem.FunctionCall(fn(FunctionName.COUNT, FieldPath.of("Name")), Optional.of("cnt")),
        new SelectItem.FunctionCall(fn(FunctionName.MAX, FieldPath.of("AnnualRevenue")), Optional.empty()));
    assertThat(q.groupBy()).contains(new GroupBy(Grouping.PLAIN, List.of(FieldPath.of("LeadSource"))));
    assertThat(q.isAggregate()).isTrue();
  }

  @Test
  void fieldAliasInAggregateQuery() {
    Query q = parse("SELECT Name n, MAX(Amount) max FROM Opportunity GROUP BY Name");
    assertThat(q.select().get(0)).isEqualTo(new SelectItem.Field(FieldPath.of("Name"), Optional.of("n")));
  }

  @Test
  void havingFiltersOnAggregates() {
    Query q = parse("SELECT Name, COUNT(Id) FROM Account GROUP BY Name HAVING COUNT(Id) > 1");
    assertThat(q.having()).contains(new Condition.Comparison(
        fn(FunctionName.COUNT, FieldPath.of("Id")), Operator.GREATER_THAN, new Value.Number(BigDecimal.ONE)));
  }

  @Test
  void rollupAndCube() {
    assertThat(parse("SELECT LeadSource, Rating, GROUPING(LeadSource) grpLS, COUNT(Name) cnt FROM Lead"
        + " GROUP BY ROLLUP(LeadSource, Rating)").groupBy())
        .contains(new GroupBy(Grouping.ROLLUP, List.of(FieldPath.of("LeadSource"), FieldPath.of("Rating"))));
    assertThat(parse("SELECT Type, BillingCountry, GROUPING(Type) grpType, COUNT(id) accts FROM Account"
        + " GROUP BY CUBE(Type, BillingCountry) ORDER BY GROUPING(Type)").groupBy().orElseThrow().grouping())
        .isEqualTo(Grouping.CUBE);
  }

  @Test
  void countDistinctSumAvgMin() {
    Query q = parse("SELECT COUNT_DISTINCT(Company), SUM(Amount), AVG(Amount), MIN(CloseDate) FROM Opportunity");
    assertThat(q.select()).extracting(i -> ((SelectItem.FunctionCall) i).function().name())
        .containsExactly(FunctionName.COUNT_DISTINCT, FunctionName.SUM, FunctionName.AVG, FunctionName.MIN);
  }

  @Test
  void dateFunctionsAndConvertTimezone() {
    Query q = parse("SELECT CALENDAR_YEAR(CreatedDate), SUM(Amount) FROM Opportunity"
        + " WHERE HOUR_IN_DAY(convertTimezone(CreatedDate)) > 10 GROUP BY CALENDAR_YEAR(CreatedDate)");
    assertThat(q.where()).contains(new Condition.Comparison(
        fn(FunctionName.HOUR_IN_DAY, fn(FunctionName.CONVERT_TIMEZONE, FieldPath.of("CreatedDate"))),
        Operator.GREATER_THAN, new Value.Number(BigDecimal.TEN)));
    assertThat(parse("SELECT Id FROM Opportunity WHERE DAY_ONLY(CreatedDate) = 2026-11-28").where()).isPresent();
  }

  @Test
  void functionsAreCaseInsensitiveAndCanonical() {
    assertThat(parse("SELECT TOLABEL(Status) FROM Lead"))
        .isEqualTo(parse("select toLabel(Status) from Lead"));
    assertThat(parse("SELECT toLabel(Status) FROM Lead").toSoql()).isEqualTo("SELECT toLabel(Status) FROM Lead");
  }

  @Test
  void formatAndConvertCurrency() {
    Query q = parse("SELECT FORMAT(convertCurrency(Amount)) amt, FORMAT(MIN(CloseDate)) FROM Opportunity");
    assertThat(q.select().get(0)).isEqualTo(new SelectItem.FunctionCall(
        fn(FunctionName.FORMAT, fn(FunctionName.CONVERT_CURRENCY, FieldPath.of("Amount"))), Optional.of("amt")));
  }

  @Test
  void distanceAndGeolocationInWhereAndOrderBy() {
    Query q = parse("SELECT Name, Location__c FROM Warehouse__c"
        + " WHERE DISTANCE(Location__c, GEOLOCATION(37.775, -122.418), 'mi') < 20"
        + " ORDER BY DISTANCE(Location__c, GEOLOCATION(37.775, -122.418), 'mi') LIMIT 10");
    Function distance = fn(FunctionName.DISTANCE, FieldPath.of("Location__c"),
        fn(FunctionName.GEOLOCATION, new Value.Number(new BigDecimal("37.775")), new Value.Number(new BigDecimal("-122.418"))),
        new Value.Text("mi"));
    assertThat(q.where()).contains(new Condition.Comparison(distance, Operator.LESS_THAN,
        new Value.Number(new BigDecimal("20"))));
    assertThat(q.orderBy().get(0).field()).isEqualTo(distance);
  }

  @Test
  void typeOf() {
    Query q = parse("SELECT TYPEOF What WHEN Account THEN Phone, NumberOfEmployees"
        + " WHEN Opportunity THEN Amount, CloseDate ELSE Name, Email END FROM Event");
    assertThat(q.select()).containsExactly(new SelectItem.TypeOf(FieldPath.of("What"),
        List.of(new When("Account", List.of(FieldPath.of("Phone"), FieldPath.of("NumberOfEmployees"))),
            new When("Opportunity", List.of(FieldPath.of("Amount"), FieldPath.of("CloseDate")))),
        List.of(FieldPath.of("Name"), FieldPath.of("Email"))));
    assertThat(parse("SELECT Id, TYPEOF Owner WHEN User THEN Username END, Subject FROM Task").select()).hasSize(3);
  }

  @Test
  void semiJoinAndAntiJoin() {
    Query q = parse("SELECT Id, Name FROM Account"
        + " WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Lost')"
        + " AND Id NOT IN (SELECT AccountId FROM Contact)");
    Condition.And and = (Condition.And) q.where().orElseThrow();
    assertThat(and.operands().get(0)).isInstanceOfSatisfying(Condition.SemiJoin.class, j -> {
      assertThat(j.negated()).isFalse();
      assertThat(j.query().from()).isEqualTo("Opportunity");
    });
    assertThat(and.operands().get(1)).isInstanceOfSatisfying(Condition.SemiJoin.class,
        j -> assertThat(j.negated()).isTrue());
  }

  @Test
  void includesAndExcludes() {
    Query q = parse("SELECT Id, MSP1__c FROM CustObj__c WHERE MSP1__c INCLUDES ('AAA;BBB', 'CCC')"
        + " AND MSP1__c EXCLUDES ('DDD')");
    assertThat(((Condition.And) q.where().orElseThrow()).operands()).containsExactly(
        new Condition.Includes(FieldPath.of("MSP1__c"), false, List.of("AAA;BBB", "CCC")),
        new Condition.Includes(FieldPath.of("MSP1__c"), true, List.of("DDD")));
  }

  @Test
  void mixedAndOrWithParentheses() {
    Query q = parse("SELECT Id FROM Account WHERE (Name = 'a' OR Name = 'b') AND (NOT Industry = 'x' OR Rating = 'Hot')");
    assertThat(q.where().orElseThrow()).isInstanceOf(Condition.And.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"})
  void withModes(String mode) {
    Query q = parse("SELECT Id FROM Account WHERE Name = 'x' WITH " + mode.toLowerCase() + " LIMIT 5");
    assertThat(q.with()).containsInstanceOf(switch (mode) {
      case "SECURITY_ENFORCED" -> With.SecurityEnforced.class;
      case "USER_MODE" -> With.UserMode.class;
      default -> With.SystemMode.class;
    });
  }

  @Test
  void withDataCategory() {
    Query q = parse("SELECT Title FROM KnowledgeArticleVersion WHERE PublishStatus = 'online'"
        + " WITH DATA CATEGORY Geography__c ABOVE_OR_BELOW europe__c AND Product__c AT (mobile_phones__c, desktop__c)");
    assertThat(q.with()).contains(new With.DataCategory(List.of(
        new CategoryFilter("Geography__c", CategoryOperator.ABOVE_OR_BELOW, List.of("europe__c")),
        new CategoryFilter("Product__c", CategoryOperator.AT, List.of("mobile_phones__c", "desktop__c")))));
  }

  @Test
  void usingScope() {
    assertThat(parse("SELECT Id FROM Account USING SCOPE Mine WHERE Name = 'x'").usingScope()).contains("mine");
  }

  @Test
  void forViewReferenceAndUpdateTracking() {
    assertThat(parse("SELECT Id FROM Account LIMIT 1 FOR VIEW").forClause()).contains(ForClause.VIEW);
    assertThat(parse("SELECT Id FROM Contact FOR REFERENCE").forClause()).contains(ForClause.REFERENCE);
    Query q = parse("SELECT Title FROM FAQ__kav WHERE Keyword__c = 'Apex' AND Language = 'en_US'"
        + " AND KnowledgeArticleVersion = 'ka230000000PCiy' UPDATE TRACKING");
    assertThat(q.updateClause()).contains(UpdateClause.TRACKING);
    assertThat(parse("SELECT Title FROM FAQ__kav UPDATE VIEWSTAT").updateClause()).contains(UpdateClause.VIEWSTAT);
  }

  @Test
  void nestedSubqueriesFiveLevels() {
    Query q = parse("SELECT Name, (SELECT LastName, (SELECT AssetLevel, (SELECT Description,"
        + " (SELECT LineItemNumber FROM WorkOrderLineItems) FROM WorkOrders) FROM Assets) FROM Contacts)"
        + " FROM Account");
    Query contacts = ((SelectItem.SubQuery) q.select().get(1)).query();
    assertThat(contacts.from()).isEqualTo("Contacts");
  }

  @Test
  void polymorphicFieldsAndFromAlias() {
    Query q = parse("SELECT Id, Owner.Type, What.Name, a.Name FROM Event a WHERE What.Type IN ('Account', 'Opportunity')");
    assertThat(q.fromAlias()).contains("a");
    assertThat(q.select()).contains(new SelectItem.Field(FieldPath.of("What", "Name")));
  }
}
