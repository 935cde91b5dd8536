package dev.portcullis.orgsim;

import static dev.portcullis.orgsim.QueryEvaluatorTest.f;
import static dev.portcullis.orgsim.QueryEvaluatorTest.orderBy;
import static dev.portcullis.orgsim.QueryEvaluatorTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.orgsim.OrgHandler.Reply;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Paging, batch sizes and the columns shape, driven with AST values (no parser needed). */
class QueryServiceAstTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  OrgState org;
  QueryService service;

  @BeforeEach
  void setUp() {
    org = new OrgState(OrgSpec.builder("t").queryBatchSize(3).build(), clock, 0);
    service = new QueryService(org);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> body(Reply reply) {
    assertThat(reply.status()).isEqualTo(200);
    return (Map<String, Object>) reply.body();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> records(Map<String, Object> body) {
    return (List<Map<String, Object>>) body.get("records");
  }

  @Test
  void pagesThroughTheResult() {
    Query q = orderBy(query("User", List.of(f("Username"))), QueryEvaluatorTest.asc("Username"));
    Map<String, Object> first = body(service.run("62.0", "SELECT Username FROM User ORDER BY Username", q, false, false, null));
    int total = (Integer) first.get("totalSize");
    assertThat(total).isEqualTo(3);
    assertThat(first.get("done")).isEqualTo(true);
    assertThat(first).doesNotContainKey("nextRecordsUrl");

    Query contacts = orderBy(query("Contact", List.of(f("LastName"))), QueryEvaluatorTest.asc("LastName"));
    Map<String, Object> page1 = body(service.run("62.0", "…", contacts, false, false, null));
    assertThat(page1.get("totalSize")).isEqualTo(4);
    assertThat(page1.get("done")).isEqualTo(false);
    String next = (String) page1.get("nextRecordsUrl");
    assertThat(next).matches("/services/data/v62\\.0/query/01g[A-Za-z0-9]{15}-3");
    List<Object> names = new ArrayList<>();
    records(page1).forEach(r -> names.add(r.get("LastName")));
    Map<String, Object> page2 = body(service.more("62.0", next.substring(next.lastIndexOf('/') + 1)));
    assertThat(page2.get("done")).isEqualTo(true);
    assertThat(page2).doesNotContainKey("nextRecordsUrl");
    records(page2).forEach(r -> names.add(r.get("LastName")));
    assertThat(names).containsExactly("Coyote", "Gibbons", "Runner", "Scorpio");
  }

  @Test
  void headerBatchSizeIsClampedToSalesforceBounds() {
    Query contacts = query("Contact", List.of(f("Id")));
    Map<String, Object> body = body(service.run("62.0", "…", contacts, false, false, "batchSize=200"));
    assertThat(body.get("done")).isEqualTo(true);
    assertThat(records(body)).hasSize(4);
    Map<String, Object> tiny = body(service.run("62.0", "…", contacts, false, false, "batchSize=1"));
    assertThat(records(tiny)).hasSize(4); // below 200 is raised to 200
  }

  @Test
  void unknownLocatorIsInvalid() {
    assertThatThrownBy(() -> service.more("62.0", "01gAAAAAAAAAAAAAAA-3"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode).isEqualTo(ApiErrorCode.INVALID_QUERY_LOCATOR));
    assertThatThrownBy(() -> service.more("62.0", "garbage"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode).isEqualTo(ApiErrorCode.INVALID_QUERY_LOCATOR));
  }

  @Test
  @SuppressWarnings("unchecked")
  void columnsShape() {
    Query q = query("Contact", List.of(f("Id"), f("SSN__c"), f("Account", "Name"),
        new SelectItem.SubQuery(query("Contacts", List.of(f("Id"))))));
    Query accountQuery = query("Account", List.of(f("Name"), new SelectItem.SubQuery(query("Contacts", List.of(f("LastName"))))));
    Map<String, Object> body = body(service.run("62.0", "…", query("Contact", List.of(f("Id"), f("SSN__c"), f("Account", "Name"))), false, true, null));
    assertThat(body.keySet()).containsExactly("columnMetadata", "entityName", "groupBy", "idSelected", "keyPrefix");
    assertThat(body.get("entityName")).isEqualTo("Contact");
    assertThat(body.get("idSelected")).isEqualTo(true);
    List<Map<String, Object>> columns = (List<Map<String, Object>>) body.get("columnMetadata");
    assertThat(columns.get(0).keySet()).containsExactly("aggregate", "apexType", "booleanType", "columnName", "custom",
        "displayName", "foreignKeyName", "insertable", "joinColumns", "numberType", "textType", "updatable");
    assertThat(columns.get(0)).containsEntry("columnName", "Id").containsEntry("apexType", "Id").containsEntry("insertable", false);
    assertThat(columns.get(1)).containsEntry("columnName", "SSN__c").containsEntry("custom", true).containsEntry("textType", true);
    assertThat(columns.get(2)).containsEntry("columnName", "Account");
    assertThat((List<Map<String, Object>>) columns.get(2).get("joinColumns")).singleElement()
        .satisfies(c -> assertThat(c).containsEntry("columnName", "Name"));
    Map<String, Object> withChild = body(service.run("62.0", "…", accountQuery, false, true, null));
    List<Map<String, Object>> accountColumns = (List<Map<String, Object>>) withChild.get("columnMetadata");
    assertThat(accountColumns.get(1)).containsEntry("columnName", "Contacts").containsEntry("aggregate", true);
    assertThatThrownBy(() -> service.run("62.0", "SELECT Id FROM Contact", q, false, false, null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errorCode).isEqualTo(ApiErrorCode.INVALID_TYPE));
  }

  @Test
  void errorMessagesPointAtTheQueryText() {
    Query q = query("Account", List.of(f("Id"), f("Foo")));
    assertThatThrownBy(() -> service.run("62.0", "SELECT Id,\nFoo FROM Account", q, false, false, null))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status).isEqualTo(400);
          assertThat(e.errorCode).isEqualTo(ApiErrorCode.INVALID_FIELD);
          assertThat(e.getMessage()).startsWith("\nFoo FROM Account\n^\nERROR at Row:2:Column:1\nNo such column 'Foo' on entity 'Account'.");
        });
  }
}
