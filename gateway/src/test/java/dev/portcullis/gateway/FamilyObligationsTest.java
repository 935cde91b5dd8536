package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FamilyObligationsTest {
  static final List<String> DENIED = List.of("Contact.SSN__c");
  static final RedactedFields REDACTED = RedactedFields.of(DENIED);

  static Optional<String> deny(Classification request, Optional<String> text) {
    return FamilyObligations.refusal(request, "deny_fields", DENIED, text);
  }

  @Test
  void bulkQueriesAreCheckedAndTheirResultsRefusedWhenAFieldMustBeHidden() {
    Classification query = new Classification("bulk", "bulk_query", "Contact", List.of());
    assertThat(deny(query, Optional.of("SELECT Id, LastName FROM Contact"))).isEmpty();
    assertThat(deny(query, Optional.of("SELECT Id FROM Contact WHERE SSN__c != null"))).get().asString().contains("SSN__c");
    assertThat(deny(query, Optional.of("SELECT FIELDS(ALL) FROM Contact LIMIT 200"))).isPresent();
    assertThat(FamilyObligations.refusal(query, "max_records", 100, Optional.of("SELECT Id FROM Contact")))
        .get().asString().contains("cannot be applied to a Bulk API query");
    assertThat(FamilyObligations.redactionRefusal(query, Optional.of("SELECT Id, SSN__c FROM Contact"), REDACTED))
        .get().asString().contains("cannot be redacted");
    assertThat(FamilyObligations.redactionRefusal(query, Optional.of("SELECT Id FROM Contact"), REDACTED)).isEmpty();

    Classification results = new Classification("bulk", "bulk_results", "", List.of("job:7508c00000Tq3ZXAAZ"));
    assertThat(deny(results, Optional.empty())).isPresent();
    assertThat(FamilyObligations.redactionRefusal(results, Optional.empty(), REDACTED)).isPresent();
    assertThat(FamilyObligations.answerHoldsRecords(query)).isFalse();

    Classification upload = new Classification("bulk", "bulk_upload", "", List.of("job:7508c00000Tq3ZXAAZ"));
    assertThat(deny(upload, Optional.empty())).isEmpty();
    assertThat(FamilyObligations.redactionRefusal(upload, Optional.empty(), REDACTED)).isEmpty();
  }

  @Test
  void graphqlAndUiApiByFieldName() throws Exception {
    String body = GraphqlClassifierTest.request(
        "{ uiapi { query { Contact(orderBy: { LastName: { order: ASC } }) { edges { node { SSN__c { value } } } } } } }",
        java.util.Map.of());
    GraphqlClassifier.Analysis analysis = GraphqlClassifier.analyze(body).orElseThrow();
    Classification part = analysis.parts().get(0);
    assertThat(deny(part, Optional.of(body))).get().asString().contains("Contact.SSN__c");
    assertThat(FamilyObligations.redactionRefusal(part, Optional.of(body), REDACTED)).as("a plain selection").isEmpty();
    assertThat(FamilyObligations.redactionRefusal(part, Optional.of(body), RedactedFields.of(List.of("Contact.LastName"))))
        .as("sorting").isPresent();
    assertThat(FamilyObligations.refusal(part, "max_records", 10, Optional.of(body))).isPresent();

    Classification named = new Classification("ui_api", "read", "Contact", List.of("Contact.Name"));
    assertThat(deny(named, Optional.empty())).isEmpty();
    assertThat(deny(new Classification("ui_api", "read", "", List.of(UiApiClassifier.LAYOUT_FIELDS)), Optional.empty()))
        .get().asString().contains("layout");
    assertThat(FamilyObligations.redactionRefusal(named, Optional.empty(), REDACTED)).isEmpty();
  }

  @Test
  void answersNotKeyedByFieldNameAreRefused() {
    for (Classification request : List.of(new Classification("apex_rest", "get", "", List.of("/x")),
        new Classification("connect", "read", "", List.of("resource:feeds")))) {
      assertThat(deny(request, Optional.empty())).as(request.api()).isPresent();
      assertThat(FamilyObligations.redactionRefusal(request, Optional.empty(), REDACTED)).as(request.api()).isPresent();
      assertThat(FamilyObligations.refusal(request, "max_records", 5, Optional.empty())).isEmpty();
    }
    Classification subscribe = new Classification("streaming", "subscribe", "Contact", List.of("/data/ContactChangeEvent"));
    assertThat(deny(subscribe, Optional.empty())).isPresent();
    assertThat(deny(Classification.of("streaming", "handshake"), Optional.empty())).isEmpty();
    assertThat(FamilyObligations.redactionRefusal(subscribe, Optional.empty(), REDACTED)).isEmpty();
    assertThat(FamilyObligations.judges(Classification.of("rest", "query"))).isFalse();
  }
}
