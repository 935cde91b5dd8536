package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.AccessSummary.Clause;
import dev.portcullis.salesforce.soql.AccessSummary.FieldAccess;
import dev.portcullis.salesforce.soql.AccessSummary.FieldsAccess;
import dev.portcullis.salesforce.soql.AccessSummary.Scope;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FieldsKind;
import dev.portcullis.salesforce.soql.Query.FunctionName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessSummaryTest {

  private static AccessSummary summary(String soql) {
    return AccessSummary.of(SoqlParser.parse(soql));
  }

  private static FieldAccess read(Scope scope, String path, Clause clause, FunctionName... functions) {
    return new FieldAccess(scope, FieldPath.of(path.split("\\.")), clause, List.of(functions));
  }

  private static final Scope ACCOUNT = new Scope.SObject("Account");
  private static final Scope CONTACT = new Scope.SObject("Contact");

  @Test
  void fieldsAndRelationshipPathsPerClause() {
    AccessSummary s = summary("SELECT Id, Account.Owner.Name FROM Contact"
        + " WHERE Account.Industry = 'Energy' ORDER BY LastName");
    assertThat(s.scopes()).containsExactly(CONTACT);
    assertThat(s.fields()).containsExactly(
        read(CONTACT, "Id", Clause.SELECT),
        read(CONTACT, "Account.Owner.Name", Clause.SELECT),
        read(CONTACT, "Account.Industry", Clause.WHERE),
        read(CONTACT, "LastName", Clause.ORDER_BY));
    assertThat(s.fields().get(1).relationships()).containsExactly("Account", "Owner");
    assertThat(s.fields().get(1).field()).isEqualTo("Name");
    assertThat(s.objects()).containsExactly("Contact");
  }

  @Test
  void aliasIsRemovedAndObjectQualifierIsReportedBothWays() {
    assertThat(summary("SELECT a.Name FROM Account a").fields())
        .containsExactly(read(ACCOUNT, "Name", Clause.SELECT));
    assertThat(summary("SELECT Account.Name FROM Account").fields())
        .containsExactly(read(ACCOUNT, "Account.Name", Clause.SELECT), read(ACCOUNT, "Name", Clause.SELECT));
  }

  @Test
  void childSubqueriesAreChildRelationshipScopes() {
    AccessSummary s = summary("SELECT Name, (SELECT LastName, (SELECT Subject FROM Cases) FROM Contacts"
        + " WHERE Email != null) FROM Account");
    Scope contacts = new Scope.ChildRelationship(ACCOUNT, "Contacts");
    Scope cases = new Scope.ChildRelationship(contacts, "Cases");
    assertThat(s.scopes()).containsExactly(ACCOUNT, contacts, cases);
    assertThat(s.fields()).containsExactly(
        read(ACCOUNT, "Name", Clause.SELECT),
        read(contacts, "LastName", Clause.SELECT),
        read(cases, "Subject", Clause.SELECT),
        read(contacts, "Email", Clause.WHERE));
    assertThat(s.objects()).containsExactly("Account");
  }

  @Test
  void semiJoinReadsOnlyFilter() {
    AccessSummary s = summary("SELECT Id FROM Account WHERE Id NOT IN"
        + " (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Lost')");
    Scope opportunity = new Scope.SObject("Opportunity");
    assertThat(s.scopes()).containsExactly(ACCOUNT, opportunity);
    assertThat(s.fields()).containsExactly(
        read(ACCOUNT, "Id", Clause.SELECT),
        read(ACCOUNT, "Id", Clause.WHERE),
        read(opportunity, "AccountId", Clause.WHERE),
        read(opportunity, "StageName", Clause.WHERE));
    assertThat(s.objects()).containsExactly("Account", "Opportunity");
  }

  @Test
  void typeOfBranchesArePolymorphicScopes() {
    AccessSummary s = summary("SELECT TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN Amount"
        + " ELSE Name END FROM Event");
    Scope event = new Scope.SObject("Event");
    Scope account = new Scope.Polymorphic(event, FieldPath.of("What"), Optional.of("Account"));
    Scope opportunity = new Scope.Polymorphic(event, FieldPath.of("What"), Optional.of("Opportunity"));
    Scope other = new Scope.Polymorphic(event, FieldPath.of("What"), Optional.empty());
    assertThat(s.scopes()).containsExactly(event, account, opportunity, other);
    assertThat(s.fields()).containsExactly(
        read(account, "Phone", Clause.SELECT),
        read(opportunity, "Amount", Clause.SELECT),
        read(other, "Name", Clause.SELECT));
  }

  @Test
  void aggregatesDateFunctionsAndGrouping() {
    AccessSummary s = summary("SELECT CALENDAR_YEAR(CloseDate) y, FORMAT(SUM(Amount)) total FROM Opportunity"
        + " WHERE DISTANCE(Loc__c, GEOLOCATION(1, 2), 'km') < 5"
        + " GROUP BY CALENDAR_YEAR(CloseDate) HAVING COUNT(Id) > 2 ORDER BY SUM(Amount) DESC");
    Scope opp = new Scope.SObject("Opportunity");
    assertThat(s.fields()).containsExactly(
        read(opp, "CloseDate", Clause.SELECT, FunctionName.CALENDAR_YEAR),
        read(opp, "Amount", Clause.SELECT, FunctionName.FORMAT, FunctionName.SUM),
        read(opp, "Loc__c", Clause.WHERE, FunctionName.DISTANCE),
        read(opp, "CloseDate", Clause.GROUP_BY, FunctionName.CALENDAR_YEAR),
        read(opp, "Id", Clause.HAVING, FunctionName.COUNT),
        read(opp, "Amount", Clause.ORDER_BY, FunctionName.SUM));
  }

  @Test
  void fieldsFunctionsAndCountOnly() {
    AccessSummary s = summary("SELECT FIELDS(ALL), (SELECT FIELDS(CUSTOM) FROM Contacts) FROM Account LIMIT 200");
    assertThat(s.fieldsFunctions()).containsExactly(
        new FieldsAccess(ACCOUNT, FieldsKind.ALL),
        new FieldsAccess(new Scope.ChildRelationship(ACCOUNT, "Contacts"), FieldsKind.CUSTOM));
    AccessSummary count = summary("SELECT COUNT() FROM Lead WHERE Status INCLUDES ('a')");
    assertThat(count.scopes()).containsExactly(new Scope.SObject("Lead"));
    assertThat(count.fields()).containsExactly(read(new Scope.SObject("Lead"), "Status", Clause.WHERE));
  }
}
