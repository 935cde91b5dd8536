package dev.portcullis.salesforce.soql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.salesforce.soql.AccessSummary.Clause;
import dev.portcullis.salesforce.soql.AccessSummary.FieldAccess;
import dev.portcullis.salesforce.soql.AccessSummary.Scope;
import dev.portcullis.salesforce.soql.Query.CategoryOperator;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.FunctionName;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.UpdateClause;
import dev.portcullis.salesforce.soql.Search.SearchGroup;
import dev.portcullis.salesforce.soql.Search.SearchWith;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SOSL examples modelled on the SOSL reference, refusals, round trips, access summary and fuzz. */
class SoslParserTest {

  private static Search parse(String sosl) {
    Search search = SoslParser.parse(sosl);
    assertThat(SoslParser.parse(search.toSosl())).as(search.toSosl()).isEqualTo(search);
    return search;
  }

  @Test
  void findInReturningWithLimit() {
    Search s = parse("FIND {MyProspect} IN NAME FIELDS RETURNING Account(Name, Industry WHERE Industry = 'Energy'"
        + " ORDER BY Name LIMIT 10 OFFSET 5), Contact, Lead(toLabel(Status)) WITH DIVISION = 'Global' LIMIT 100");
    assertThat(s.term()).isEqualTo("MyProspect");
    assertThat(s.in()).contains(SearchGroup.NAME);
    assertThat(s.returning()).extracting(Search.Returning::object).containsExactly("Account", "Contact", "Lead");
    assertThat(s.returning().get(0).limit()).hasValue(10);
    assertThat(s.returning().get(0).offset()).hasValue(5);
    assertThat(s.returning().get(1).fields()).isEmpty();
    assertThat(s.with()).containsExactly(new SearchWith.Division("Global"));
    assertThat(s.limit()).hasValue(100);
  }

  @Test
  void termKeepsEscapesAndOperators() {
    Search s = parse("FIND {\\{1\\} \"Acme Inc\" AND NOT test* OR jo?n} RETURNING Account");
    assertThat(s.term()).isEqualTo("\\{1\\} \"Acme Inc\" AND NOT test* OR jo?n");
  }

  @Test
  void withClauses() {
    Search s = parse("find {x} returning KnowledgeArticleVersion(Id, Title WHERE PublishStatus = 'Online')"
        + " WITH DATA CATEGORY Geography__c ABOVE usa__c WITH SNIPPET (target_length=120) WITH HIGHLIGHT"
        + " WITH NETWORK IN ('0DBxx01', '0DBxx02') WITH PricebookId = '01sxx' WITH METADATA = 'LABELS'"
        + " WITH SPELL_CORRECTION = false WITH USER_MODE UPDATE VIEWSTAT");
    assertThat(s.with()).hasSize(8);
    assertThat(s.with().get(0)).isInstanceOfSatisfying(SearchWith.DataCategory.class,
        d -> assertThat(d.filters().filters().get(0).operator()).isEqualTo(CategoryOperator.ABOVE));
    assertThat(s.with().get(1)).isEqualTo(new SearchWith.Snippet(OptionalInt.of(120)));
    assertThat(s.with().get(3)).isEqualTo(new SearchWith.Network(List.of("0DBxx01", "0DBxx02")));
    assertThat(s.with().get(6)).isEqualTo(new SearchWith.SpellCorrection(false));
    assertThat(s.updateClause()).contains(UpdateClause.VIEWSTAT);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT Id FROM Account                             | a SOSL search starts with FIND        | 0
      FIND 'Acme' RETURNING Account                      | FIND 'term' is the Apex form          | 5
      FIND Acme                                          | expected '{' and the search term      | 5
      FIND {Acme                                         | unterminated search term              | 5
      FIND {a{b}                                         | unescaped '{' in the search term      | 7
      FIND {  }                                          | the search term is empty              | 5
      FIND {x} IN BODY FIELDS                            | expected ALL, NAME, EMAIL, PHONE or SIDEBAR FIELDS | 12
      FIND {x} RETURNING Account(Name WHERE Id = :id)    | bind variables (:name) exist only in Apex | 43
      FIND {x} RETURNING Account(COUNT(Id))              | aggregate function COUNT() is not allowed in WHERE | 27
      FIND {x} WITH SOMETHING                            | unsupported WITH clause 'SOMETHING' in SOSL | 14
      FIND {x} LIMIT 5 RETURNING Account                 | SOSL clauses come in the order        | 17
      FIND {x} RETURNING Account(Name USING ListView=Recent) | USING ListView in RETURNING is not supported | 32
      """)
  void refusals(String sosl, String message, int position) {
    try {
      SoslParser.parse(sosl);
    } catch (SoqlException e) {
      assertThat(e.getMessage()).contains(message);
      assertThat(e.position()).as("position").isEqualTo(position);
      return;
    }
    throw new AssertionError("accepted: " + sosl);
  }

  @Test
  void accessSummary() {
    AccessSummary s = AccessSummary.of(parse("FIND {acme} RETURNING Account(Name, FORMAT(AnnualRevenue)"
        + " WHERE Industry = 'Energy' ORDER BY CreatedDate), Contact"));
    Scope account = new Scope.SObject("Account");
    Scope contact = new Scope.SObject("Contact");
    assertThat(s.scopes()).containsExactly(account, contact);
    assertThat(s.fields()).containsExactly(
        new FieldAccess(account, FieldPath.of("Name"), Clause.SELECT, List.of()),
        new FieldAccess(account, FieldPath.of("AnnualRevenue"), Clause.SELECT, List.of(FunctionName.FORMAT)),
        new FieldAccess(account, FieldPath.of("Industry"), Clause.WHERE, List.of()),
        new FieldAccess(account, FieldPath.of("CreatedDate"), Clause.ORDER_BY, List.of()),
        new FieldAccess(contact, FieldPath.of("Id"), Clause.SELECT, List.of()));
    assertThat(s.allSearchableObjects()).isFalse();
    assertThat(AccessSummary.of(parse("FIND {acme}")).allSearchableObjects()).isTrue();
    assertThat(parse("FIND {acme} RETURNING Account(Name)").returning().get(0).fields())
        .containsExactly(new SelectItem.Field(FieldPath.of("Name")));
  }

  @Property(tries = 3000)
  void randomBytesOnlyFailWithSoqlException(@ForAll @Size(max = 300) byte[] bytes) {
    check(new String(bytes, StandardCharsets.ISO_8859_1));
    check("FIND {" + new String(bytes, StandardCharsets.UTF_8));
    check("FIND {x} RETURNING " + new String(bytes, StandardCharsets.ISO_8859_1));
  }

  private static void check(String sosl) {
    Search search;
    try {
      search = SoslParser.parse(sosl);
    } catch (SoqlException e) {
      assertThat(e.position()).isBetween(0, sosl.length());
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("parse threw " + e + " for: " + sosl, e);
    }
    assertThat(SoslParser.parse(search.toSosl())).isEqualTo(search);
    AccessSummary.of(search);
  }
}
