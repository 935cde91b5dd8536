package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Apex REST, UI API, Connect, Streaming and the REST extras. */
class FamilyClassifierTest {
  static final String RECORD = "003000000000001AAA";

  static Optional<Classification> classify(String method, String path, Map<String, List<String>> parameters) {
    return RequestClassifier.classify(method, path, Optional.empty(), parameters);
  }

  static Optional<Classification> classify(String method, String path) {
    return classify(method, path, Map.of());
  }

  @Test
  void apexRestIsDecidedByMethodAndPath() {
    assertThat(classify("GET", "/services/apexrest/Accounts/001000000000001"))
        .contains(new Classification("apex_rest", "get", "", List.of("/Accounts/001000000000001")));
    assertThat(classify("POST", "/services/apexrest/ns/Orders").orElseThrow().operation()).isEqualTo("post");
    assertThat(classify("DELETE", "/services/apexrest/x").orElseThrow().operation()).isEqualTo("delete");
    assertThat(classify("OPTIONS", "/services/apexrest/x")).isEmpty();
    assertThat(classify("GET", "/services/apexrest")).isEmpty();
  }

  @Test
  void uiApiRecordsNameTheirFields() {
    String base = "/services/data/v62.0/ui-api/";
    assertThat(classify("GET", base + "records/" + RECORD, Map.of("fields", List.of("Contact.Name,Contact.Account.Name"),
        "optionalFields", List.of("Contact.SSN__c"))))
        .contains(new Classification("ui_api", "read", "Contact",
            List.of("Contact.Name", "Contact.Account.Name", "Contact.SSN__c")));
    assertThat(classify("GET", base + "records/" + RECORD, Map.of("layoutTypes", List.of("Full"))))
        .contains(new Classification("ui_api", "read", "", List.of(UiApiClassifier.LAYOUT_FIELDS)));
    assertThat(classify("GET", base + "records/" + RECORD, Map.of("fields", List.of("Name"))))
        .as("fields are Object.Field").isEmpty();
    assertThat(classify("PATCH", base + "records/" + RECORD)).contains(Classification.of("ui_api", "update", ""));
    assertThat(classify("DELETE", base + "records/" + RECORD)).contains(Classification.of("ui_api", "delete", ""));
    assertThat(classify("GET", base + "records/batch/" + RECORD + "," + RECORD,
        Map.of("fields", List.of("Contact.Name"))).orElseThrow().sobject()).isEqualTo("Contact");
    assertThat(classify("GET", base + "record-ui/" + RECORD).orElseThrow().fields()).containsExactly(UiApiClassifier.LAYOUT_FIELDS);
    assertThat(classify("GET", base + "object-info/Contact")).contains(Classification.of("ui_api", "describe", "Contact"));
    assertThat(classify("GET", base + "object-info/Contact/picklist-values/012000000000000AAA/LeadSource"))
        .contains(Classification.of("ui_api", "describe", "Contact"));
    assertThat(classify("GET", base + "object-info")).contains(Classification.of("ui_api", "describe_global"));
    assertThat(classify("GET", base + "layout/Account")).contains(Classification.of("ui_api", "describe", "Account"));
    assertThat(classify("GET", base + "list-ui/Account/AllAccounts").orElseThrow().sobject()).isEqualTo("Account");
    assertThat(classify("GET", base + "record-defaults/create/Account"))
        .contains(Classification.of("ui_api", "describe", "Account"));
    assertThat(classify("GET", base + "apps")).as("not guessed").isEmpty();
    assertThat(classify("POST", base + "records")).as("a create is classified from its body").isEmpty();

    assertThat(BodyClassifier.classify("POST", base + "records",
        "{\"apiName\":\"Contact\",\"fields\":{\"LastName\":\"X\",\"SSN__c\":\"1\"}}".getBytes(StandardCharsets.UTF_8)))
        .map(BodyClassifier.Classified::parts)
        .contains(List.of(new Classification("ui_api", "create", "Contact", List.of("Contact.LastName", "Contact.SSN__c"))));
    assertThat(BodyClassifier.classify("POST", base + "records", "{\"fields\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
  }

  @Test
  void connectByMethodAndResourceFamily() {
    assertThat(classify("GET", "/services/data/v62.0/chatter/feeds/news/me/feed-elements"))
        .contains(new Classification("connect", "read", "", List.of("resource:feeds")));
    assertThat(classify("POST", "/services/data/v62.0/connect/communities/0DB000000000001/files").orElseThrow())
        .isEqualTo(new Classification("connect", "create", "", List.of("resource:communities")));
    assertThat(classify("DELETE", "/services/data/v62.0/chatter/feed-elements/0D5000000000001").orElseThrow().operation())
        .isEqualTo("delete");
    assertThat(classify("POST", "/services/data/v62.0/connect/batch")).as("carries other requests").isEmpty();
    assertThat(classify("GET", "/services/data/v62.0/connect")).isEmpty();
  }

  @Test
  void streamingMessagesAreClassifiedOneByOne() {
    String path = "/cometd/62.0";
    assertThat(BodyClassifier.limit("POST", path)).isEqualTo(StreamingClassifier.MAX_BODY_BYTES);
    BodyClassifier.Classified messages = BodyClassifier.classify("POST", path, """
        [{"channel":"/meta/connect","clientId":"x","connectionType":"long-polling"},
         {"channel":"/meta/subscribe","clientId":"x","subscription":"/data/ContactChangeEvent"},
         {"channel":"/meta/subscribe","clientId":"x","subscription":"/data/Order__ChangeEvent"},
         {"channel":"/meta/subscribe","clientId":"x","subscription":"/event/Alert__e"},
         {"channel":"/meta/unsubscribe","clientId":"x","subscription":"/topic/NewCases"}]"""
        .getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThat(messages.parts()).containsExactly(
        Classification.of("streaming", "connect"),
        new Classification("streaming", "subscribe", "Contact", List.of("/data/ContactChangeEvent")),
        new Classification("streaming", "subscribe", "Order__c", List.of("/data/Order__ChangeEvent")),
        new Classification("streaming", "subscribe", "Alert__e", List.of("/event/Alert__e")),
        new Classification("streaming", "unsubscribe", "", List.of("/topic/NewCases")));
    assertThat(BodyClassifier.classify("POST", path, "{\"channel\":\"/meta/handshake\",\"version\":\"1.0\"}"
        .getBytes(StandardCharsets.UTF_8)).orElseThrow().parts()).containsExactly(Classification.of("streaming", "handshake"));
    for (String refused : List.of("{\"channel\":\"/topic/NewCases\",\"data\":{}}", "[]",
        "{\"channel\":\"/meta/subscribe\",\"subscription\":\"/topic/*\"}",
        "{\"channel\":\"/meta/subscribe\",\"subscription\":\"/other/x\"}", "[{\"channel\":\"/meta/connect\"}, 7]")) {
      assertThat(BodyClassifier.classify("POST", path, refused.getBytes(StandardCharsets.UTF_8))).as(refused).isEmpty();
    }
    assertThat(BodyClassifier.limit("POST", "/cometd/62.0/meta/handshake")).isPositive();
    assertThat(BodyClassifier.limit("POST", "/cometd/x")).isZero();
  }

  @Test
  void restAndToolingExtras() {
    String base = "/services/data/v62.0/";
    assertThat(classify("GET", base + "tooling/sobjects/SourceMember/describe"))
        .contains(Classification.of("tooling", "describe", "SourceMember"));
    assertThat(classify("GET", base + "tooling/sobjects/ApexClass/01p000000000001AAA"))
        .contains(Classification.of("tooling", "read", "ApexClass"));
    assertThat(classify("GET", base + "sobjects/Account/updated")).contains(Classification.of("rest", "get_updated", "Account"));
    assertThat(classify("GET", base + "sobjects/Account/deleted")).contains(Classification.of("rest", "get_deleted", "Account"));
    assertThat(classify("GET", base + "recent")).contains(Classification.of("rest", "read"));
    assertThat(classify("GET", base + "parameterizedSearch", Map.of("q", List.of("Acme"), "sobject", List.of("Account"),
        "Account.fields", List.of("Id,Name"))))
        .contains(new Classification("rest", "search", "Account", List.of("Account.Id", "Account.Name")));
    assertThat(classify("GET", base + "parameterizedSearch", Map.of())).isEmpty();
    assertThat(classify("GET", base + "actions/standard")).contains(Classification.of("rest", "describe"));
    assertThat(classify("POST", base + "actions/custom/flow/Close_Case"))
        .contains(new Classification("rest", "invoke_action", "", List.of("custom/flow/Close_Case")));
    assertThat(classify("POST", base + "actions/standard")).isEmpty();
  }
}
