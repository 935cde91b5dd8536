package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.SoqlParser;
import dev.portcullis.salesforce.soql.Query.Condition;
import dev.portcullis.salesforce.soql.Query.FieldPath;
import dev.portcullis.salesforce.soql.Query.NullsOrder;
import dev.portcullis.salesforce.soql.Query.Operator;
import dev.portcullis.salesforce.soql.Query.OrderBy;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.Query.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The evaluator over hand-built ASTs and the built-in fixture. */
class QueryEvaluatorTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z")); // a Saturday
  OrgState org;
  QueryEvaluator evaluator;

  @BeforeEach
  void setUp() {
    org = new OrgState(OrgSpec.builder("test").user("ci@acme.example").build(), clock, 0);
    evaluator = new QueryEvaluator(org.data, clock, "66.0");
  }

  static SelectItem f(String... path) {
    return new SelectItem.Field(FieldPath.of(path));
  }

  static Query query(String from, List<SelectItem> select) {
    return new Query(select, from, Optional.empty(), Optional.empty(), List.of(), OptionalInt.empty(), OptionalInt.empty());
  }

  static Query where(Query q, Condition c) {
    return new Query(q.select(), q.from(), q.fromAlias(), Optional.of(c), q.orderBy(), q.limit(), q.offset());
  }

  static Query orderBy(Query q, OrderBy... order) {
    return new Query(q.select(), q.from(), q.fromAlias(), q.where(), List.of(order), q.limit(), q.offset());
  }

  static Query page(Query q, Integer limit, Integer offset) {
    return new Query(q.select(), q.from(), q.fromAlias(), q.where(), q.orderBy(),
        limit == null ? OptionalInt.empty() : OptionalInt.of(limit), offset == null ? OptionalInt.empty() : OptionalInt.of(offset));
  }

  static Condition eq(String field, Value v) {
    return new Condition.Comparison(FieldPath.of(field.split("\\.")), Operator.EQUALS, v);
  }

  static Condition cmp(String field, Operator op, Value v) {
    return new Condition.Comparison(FieldPath.of(field.split("\\.")), op, v);
  }

  static Value text(String s) {
    return new Value.Text(s);
  }

  static Value num(long n) {
    return new Value.Number(BigDecimal.valueOf(n));
  }

  static Value relative(String name, Integer n) {
    return new Value.RelativeDate(name, n == null ? OptionalInt.empty() : OptionalInt.of(n));
  }

  static OrderBy asc(String field) {
    return new OrderBy(FieldPath.of(field), true, NullsOrder.DEFAULT);
  }

  List<Object> column(QueryEvaluator.Result result, String field) {
    List<Object> values = new ArrayList<>();
    for (Map<String, Object> r : result.records()) {
      values.add(r.get(field));
    }
    return values;
  }

  QueryEvaluator.Result run(Query q) {
    return evaluator.evaluate(q, false);
  }

  @Test
  void selectsAndOrders() {
    var result = run(orderBy(query("Account", List.of(f("Id"), f("Name"))), asc("Name")));
    assertThat(result.totalSize()).isEqualTo(3);
    assertThat(column(result, "Name")).containsExactly("Acme Corporation", "Globex Inc", "Initech");
    Map<String, Object> first = result.records().get(0);
    assertThat(first.keySet()).containsExactly("attributes", "Id", "Name");
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) first.get("attributes");
    assertThat(attributes.get("type")).isEqualTo("Account");
    assertThat((String) attributes.get("url")).isEqualTo("/services/data/v66.0/sobjects/Account/" + first.get("Id"));
  }

  @Test
  void fieldNamesAreCaseInsensitiveAndCanonicalInOutput() {
    var result = run(where(query("account", List.of(f("NAME"))), eq("name", text("ACME CORPORATION"))));
    assertThat(result.records()).hasSize(1);
    assertThat(result.records().get(0)).containsKey("Name");
  }

  @Test
  @SuppressWarnings("unchecked")
  void parentRelationshipPaths() {
    var q = where(query("Contact", List.of(f("LastName"), f("Account", "Name"), f("Account", "Owner", "Username"))),
        eq("Account.Industry", text("Energy")));
    var result = run(q);
    assertThat(result.records()).hasSize(1);
    Map<String, Object> contact = result.records().get(0);
    assertThat(contact.get("LastName")).isEqualTo("Scorpio");
    Map<String, Object> account = (Map<String, Object>) contact.get("Account");
    assertThat(account.get("Name")).isEqualTo("Globex Inc");
    assertThat(((Map<String, Object>) account.get("attributes")).get("type")).isEqualTo("Account");
    assertThat(((Map<String, Object>) account.get("Owner")).get("Username")).isEqualTo("ada.admin@acme.example");
  }

  @Test
  void emptyLookupProjectsNull() {
    Row orphan = new Row(org.schema.type("Contact").orElseThrow());
    orphan.values.put("Id", org.data.newId(orphan.type));
    orphan.values.put("LastName", "Orphan");
    org.data.insert(orphan);
    var result = run(where(query("Contact", List.of(f("Account", "Name"))), eq("LastName", text("Orphan"))));
    assertThat(result.records().get(0)).containsEntry("Account", null);
  }

  @Test
  @SuppressWarnings("unchecked")
  void childSubqueries() {
    Query contacts = orderBy(query("Contacts", List.of(f("LastName"))), asc("LastName"));
    var q = orderBy(query("Account", List.of(f("Name"), new SelectItem.SubQuery(contacts))), asc("Name"));
    Row lonely = new Row(org.schema.type("Account").orElseThrow());
    lonely.values.put("Id", org.data.newId(lonely.type));
    lonely.values.put("Name", "Zeta Lonely");
    org.data.insert(lonely);
    var result = run(q);
    Map<String, Object> acme = result.records().get(0);
    Map<String, Object> nested = (Map<String, Object>) acme.get("Contacts");
    assertThat(nested.get("totalSize")).isEqualTo(2);
    assertThat(nested.get("done")).isEqualTo(true);
    List<Map<String, Object>> records = (List<Map<String, Object>>) nested.get("records");
    assertThat(records).extracting(r -> r.get("LastName")).containsExactly("Coyote", "Runner");
    assertThat(result.records().get(3)).containsEntry("Contacts", null);
  }

  @Test
  void booleanLogicLikeAndIn() {
    Query base = orderBy(query("Account", List.of(f("Name"))), asc("Name"));
    assertThat(column(run(where(base, new Condition.Like(FieldPath.of("Name"), "glo%"))), "Name")).containsExactly("Globex Inc");
    assertThat(column(run(where(base, new Condition.Like(FieldPath.of("Name"), "%_c"))), "Name")).containsExactly("Globex Inc");
    assertThat(column(run(where(base, new Condition.Or(List.of(eq("Industry", text("Energy")), eq("Industry", text("Technology")))))), "Name"))
        .containsExactly("Globex Inc", "Initech");
    assertThat(column(run(where(base, new Condition.And(List.of(cmp("NumberOfEmployees", Operator.GREATER_THAN, num(200)),
        new Condition.Not(eq("Industry", text("Energy"))))))), "Name")).containsExactly("Acme Corporation");
    assertThat(column(run(where(base, new Condition.In(FieldPath.of("BillingCity"), false, List.of(text("austin"), text("Springfield"))))), "Name"))
        .containsExactly("Acme Corporation", "Initech");
    assertThat(column(run(where(base, new Condition.In(FieldPath.of("BillingCity"), true, List.of(text("austin"), text("Springfield"))))), "Name"))
        .containsExactly("Globex Inc");
  }

  @Test
  void nullComparisons() {
    Query base = query("Account", List.of(f("Name")));
    assertThat(column(run(where(base, eq("AnnualRevenue", new Value.Null()))), "Name")).containsExactly("Initech");
    assertThat(column(run(where(base, cmp("AnnualRevenue", Operator.NOT_EQUALS, new Value.Null()))), "Name")).hasSize(2);
    // a null field fails every comparison but !=
    assertThat(column(run(where(base, cmp("AnnualRevenue", Operator.LESS_THAN, num(1)))), "Name")).isEmpty();
    assertThat(column(run(where(base, cmp("AnnualRevenue", Operator.NOT_EQUALS, num(1)))), "Name")).hasSize(3);
  }

  @Test
  void orderByWithNulls() {
    Query base = query("Account", List.of(f("Name")));
    assertThat(column(run(orderBy(base, asc("AnnualRevenue"))), "Name")).containsExactly("Initech", "Acme Corporation", "Globex Inc");
    assertThat(column(run(orderBy(base, new OrderBy(FieldPath.of("AnnualRevenue"), false, NullsOrder.DEFAULT))), "Name"))
        .containsExactly("Globex Inc", "Acme Corporation", "Initech");
    assertThat(column(run(orderBy(base, new OrderBy(FieldPath.of("AnnualRevenue"), true, NullsOrder.LAST))), "Name"))
        .containsExactly("Acme Corporation", "Globex Inc", "Initech");
  }

  @Test
  void limitOffsetAndCount() {
    Query base = orderBy(query("Account", List.of(f("Name"))), asc("Name"));
    assertThat(column(run(page(base, 1, 1)), "Name")).containsExactly("Globex Inc");
    assertThat(column(run(page(base, null, 2)), "Name")).containsExactly("Initech");
    var count = run(query("Contact", List.of(new SelectItem.Count())));
    assertThat(count.totalSize()).isEqualTo(4);
    assertThat(count.records()).isEmpty();
  }

  @Test
  void dateAndRelativeDateLiterals() {
    Query base = orderBy(query("Opportunity", List.of(f("Name"))), asc("CloseDate"));
    assertThat(column(run(where(base, cmp("CloseDate", Operator.GREATER_THAN, new Value.Date(LocalDate.parse("2026-06-01"))))), "Name"))
        .containsExactly("Globex - Doomsday Device Maintenance", "Acme - Rocket Skates");
    assertThat(column(run(where(base, eq("CloseDate", relative("THIS_YEAR", null)))), "Name")).hasSize(3);
    assertThat(column(run(where(base, eq("CloseDate", relative("NEXT_N_DAYS", 40)))), "Name")).containsExactly("Acme - Rocket Skates");
    assertThat(column(run(where(base, cmp("CloseDate", Operator.LESS_THAN, relative("TODAY", null)))), "Name")).hasSize(2);
    assertThat(column(run(where(base, eq("CreatedDate", relative("TODAY", null)))), "Name")).hasSize(3);
    clock.advance(java.time.Duration.ofDays(2));
    assertThat(column(run(where(base, eq("CreatedDate", relative("TODAY", null)))), "Name")).isEmpty();
    assertThat(column(run(where(base, eq("CreatedDate", relative("LAST_N_DAYS", 2)))), "Name")).hasSize(3);
    assertThat(column(run(where(base, eq("CreatedDate", relative("N_DAYS_AGO", 2)))), "Name")).hasSize(3);
  }

  @Test
  void relativeRanges() {
    LocalDate saturday = LocalDate.parse("2026-11-28");
    assertThat(QueryEvaluator.range(new Value.RelativeDate("THIS_WEEK", OptionalInt.empty()), saturday))
        .containsExactly(LocalDate.parse("2026-11-22"), LocalDate.parse("2026-11-29"));
    assertThat(QueryEvaluator.range(new Value.RelativeDate("LAST_MONTH", OptionalInt.empty()), saturday))
        .containsExactly(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-11-01"));
    assertThat(QueryEvaluator.range(new Value.RelativeDate("THIS_QUARTER", OptionalInt.empty()), saturday))
        .containsExactly(LocalDate.parse("2026-10-01"), LocalDate.parse("2027-01-01"));
    assertThatThrownBy(() -> QueryEvaluator.range(new Value.RelativeDate("SOMEDAY", OptionalInt.empty()), saturday))
        .isInstanceOf(QueryEvaluator.QueryError.class);
  }

  @Test
  void fieldsFunctions() {
    var custom = run(page(query("Contact", List.of(new SelectItem.Fields(Query.FieldsKind.CUSTOM))), 200, null));
    assertThat(custom.records().get(0).keySet()).containsExactly("attributes", "SSN__c");
    var standard = run(query("Contact", List.of(new SelectItem.Fields(Query.FieldsKind.STANDARD))));
    assertThat(standard.records().get(0)).containsKeys("Id", "LastName").doesNotContainKey("SSN__c");
    assertThatThrownBy(() -> run(query("Contact", List.of(new SelectItem.Fields(Query.FieldsKind.ALL)))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> assertThat(e.code).isEqualTo(ApiErrorCode.MALFORMED_QUERY));
  }

  @Test
  void unknownNamesFailAsSalesforceDoes() {
    assertThatThrownBy(() -> run(query("Account", List.of(f("Foo")))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> {
          assertThat(e.code).isEqualTo(ApiErrorCode.INVALID_FIELD);
          assertThat(e.getMessage()).startsWith("No such column 'Foo' on entity 'Account'. If you are attempting to use a custom field");
        });
    assertThatThrownBy(() -> run(query("Foo", List.of(f("Id")))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> {
          assertThat(e.code).isEqualTo(ApiErrorCode.INVALID_TYPE);
          assertThat(e.getMessage()).startsWith("sObject type 'Foo' is not supported.");
        });
    assertThatThrownBy(() -> run(query("Contact", List.of(f("Acount", "Name")))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> assertThat(e.getMessage()).startsWith("Didn't understand relationship 'Acount'"));
    assertThatThrownBy(() -> run(where(query("Account", List.of(f("Id"))), eq("Name", num(5)))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> assertThat(e.code).isEqualTo(ApiErrorCode.MALFORMED_QUERY));
    assertThatThrownBy(() -> run(query("Account", List.of(new SelectItem.SubQuery(query("Nope", List.of(f("Id"))))))))
        .isInstanceOfSatisfying(QueryEvaluator.QueryError.class, e -> assertThat(e.code).isEqualTo(ApiErrorCode.INVALID_TYPE));
  }

  @Test
  void deletedRowsOnlyWithQueryAll() {
    Row acme = org.data.rows(org.schema.type("Account").orElseThrow()).get(0);
    acme.deleted = true;
    Query q = query("Account", List.of(f("Name"), f("IsDeleted")));
    assertThat(run(q).totalSize()).isEqualTo(2);
    var all = evaluator.evaluate(q, true);
    assertThat(all.totalSize()).isEqualTo(3);
    assertThat(all.records()).anySatisfy(r -> assertThat(r).containsEntry("Name", "Acme Corporation").containsEntry("IsDeleted", true));
  }

  @Test
  void idsCompareInEitherForm() {
    Row acme = org.data.rows(org.schema.type("Account").orElseThrow()).get(0);
    assertThat(run(where(query("Account", List.of(f("Name"))), eq("Id", text(acme.id().substring(0, 15))))).totalSize()).isEqualTo(1);
    assertThat(run(where(query("Contact", List.of(f("Name"))), eq("AccountId", text(acme.id())))).totalSize()).isEqualTo(2);
  }

  @Test
  void fromAliasPrefixesAreStripped() {
    Query q = new Query(List.of(f("a", "Name")), "Account", Optional.of("a"), Optional.of(eq("a.Industry", text("Energy"))),
        List.of(), OptionalInt.empty(), OptionalInt.empty());
    assertThat(column(run(q), "Name")).containsExactly("Globex Inc");
  }

  @Test
  void likeMatching() {
    // The evaluator uses the parser's Like.matches (no regular expressions: a hostile pattern
    // cannot make it slow); these pin the semantics the simulator relies on.
    assertThat(like("50\\%").matches("50%")).isTrue();
    assertThat(like("50\\%").matches("500")).isFalse();
    assertThat(like("50%").matches("500")).isTrue();
    assertThat(like("a_c").matches("ABC")).isTrue();
    assertThat(like("a.c").matches("abc")).isFalse();
  }

  private static Condition.Like like(String pattern) {
    return (Condition.Like) SoqlParser.parse("SELECT Id FROM Account WHERE Name LIKE '" + pattern + "'").where().orElseThrow();
  }

  @Test
  void sandboxOrganizationSaysSo() {
    OrgState sandbox = new OrgState(OrgSpec.builder("uat").environment(dev.portcullis.salesforce.OrgEnvironment.SANDBOX).build(), clock, 1);
    var result = new QueryEvaluator(sandbox.data, clock, "66.0").evaluate(query("Organization", List.of(f("Id"), f("IsSandbox"))), false);
    assertThat(result.records().get(0)).containsEntry("IsSandbox", true).containsEntry("Id", sandbox.orgId);
    assertThat(sandbox.orgId).isNotEqualTo(org.orgId);
  }

  @Test
  void organizationRecordCarriesWhatSfReads() {
    var q = query("Organization", List.of(f("Name"), f("InstanceName"), f("IsSandbox"), f("TrialExpirationDate"), f("NamespacePrefix"), f("OrganizationType")));
    var result = run(q);
    assertThat(result.records()).hasSize(1);
    assertThat(result.records().get(0)).containsEntry("IsSandbox", false).containsEntry("OrganizationType", "Enterprise Edition")
        .containsEntry("TrialExpirationDate", null).containsEntry("NamespacePrefix", null);
  }
}
