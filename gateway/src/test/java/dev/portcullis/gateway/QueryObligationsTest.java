package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryObligationsTest {
  static final List<String> SSN = List.of("Contact.SSN__c");

  @Test
  void maxRecordsLowersOrAddsTheLimitAndKeepsASmallerOne() {
    assertThat(SoqlParser.parse(QueryObligations.capped("SELECT Id FROM Account", 2000)).limit()).hasValue(2000);
    assertThat(SoqlParser.parse(QueryObligations.capped("SELECT Id FROM Account LIMIT 50000", 2000)).limit())
        .hasValue(2000);
    assertThat(QueryObligations.capped("SELECT Id FROM Account LIMIT 10", 2000)).isEqualTo("SELECT Id FROM Account LIMIT 10");
    String capped = QueryObligations.capped("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name LIKE 'A%'"
        + " ORDER BY Name OFFSET 5", 3);
    assertThat(SoqlParser.parse(capped).where()).isPresent();
    assertThat(SoqlParser.parse(capped).offset()).hasValue(5);
    assertThat(SoqlParser.parse(capped).limit()).hasValue(3);
  }

  @Test
  void deniedFieldsAreFoundInEveryClauseAndBehindFieldsFunctions() {
    for (String soql : List.of(
        "SELECT Id, SSN__c FROM Contact",
        "SELECT Id FROM Contact WHERE SSN__c != null",
        "SELECT Id FROM Contact ORDER BY ssn__C",
        "SELECT Name, (SELECT SSN__c FROM Contacts) FROM Account",
        "SELECT Id FROM Case WHERE ContactId IN (SELECT Id FROM Contact WHERE SSN__c = '1')",
        "SELECT FIELDS(ALL) FROM Contact LIMIT 10",
        "SELECT FIELDS(CUSTOM) FROM Contact LIMIT 10",
        "SELECT Name, (SELECT FIELDS(ALL) FROM Contacts LIMIT 10) FROM Account")) {
      assertThat(QueryObligations.deniedFieldRead(soql, SSN)).as(soql).isPresent();
    }
    for (String soql : List.of(
        "SELECT Id, LastName FROM Contact",
        "SELECT FIELDS(STANDARD) FROM Contact",
        "SELECT FIELDS(ALL) FROM Account LIMIT 10")) {
      assertThat(QueryObligations.deniedFieldRead(soql, SSN)).as(soql).isEmpty();
    }
  }
}
