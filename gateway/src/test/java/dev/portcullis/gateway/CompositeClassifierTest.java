package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bodies from the REST API Developer Guide's Composite Resources examples, and hostile variants. */
class CompositeClassifierTest {
  static Optional<List<Classification>> classify(String method, String path, String body) {
    return CompositeClassifier.classify(method, path, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void compositeSubrequestsAreEachClassified() {
    assertThat(classify("POST", "/services/data/v62.0/composite", """
        {"allOrNone": true, "compositeRequest": [
          {"method": "POST", "url": "/services/data/v62.0/sobjects/Account", "referenceId": "NewAccount",
           "body": {"Name": "Salesforce"}},
          {"method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Id,LastName+FROM+Contact", "referenceId": "q"},
          {"method": "PATCH", "url": "/services/data/v62.0/sobjects/Contact/003000000000001AAA", "referenceId": "u",
           "body": {"LastName": "X"}}]}""")).hasValueSatisfying(parts -> assertThat(parts).extracting(
        Classification::operation, Classification::sobject).containsExactly(
        org.assertj.core.groups.Tuple.tuple("create", "Account"), org.assertj.core.groups.Tuple.tuple("query", "Contact"),
        org.assertj.core.groups.Tuple.tuple("update", "Contact")));
  }

  @Test
  void batchGraphTreeAndCollections() {
    assertThat(classify("POST", "/services/data/v62.0/composite/batch", """
        {"batchRequests": [{"method": "PATCH", "url": "v62.0/sobjects/Account/001D000000K0fXOIAZ",
          "richInput": {"Name": "NewName"}}, {"method": "GET", "url": "v62.0/sobjects/Account/001D000000K0fXOIAZ"}]}"""))
        .hasValueSatisfying(parts -> assertThat(parts).extracting(Classification::operation).containsExactly("update", "read"));
    assertThat(classify("POST", "/services/data/v62.0/composite/graph", """
        {"graphs": [{"graphId": "1", "compositeRequest": [{"url": "/services/data/v62.0/sobjects/Account",
          "body": {"name": "Cloudy"}, "method": "POST", "referenceId": "r1"}]}]}"""))
        .hasValueSatisfying(parts -> assertThat(parts).extracting(Classification::operation).containsExactly("create"));
    assertThat(classify("POST", "/services/data/v62.0/composite/tree/Account", """
        {"records": [{"attributes": {"type": "Account", "referenceId": "ref1"}, "name": "SampleAccount",
          "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "ref2"}, "lastname": "Smith"}]}}]}"""))
        .hasValueSatisfying(parts -> assertThat(parts).extracting(Classification::sobject).containsExactly("Account", "Contact"));
    assertThat(classify("POST", "/services/data/v62.0/composite/sobjects", """
        {"allOrNone": false, "records": [{"attributes": {"type": "Account"}, "Name": "A"},
          {"attributes": {"type": "Contact"}, "LastName": "B"}]}"""))
        .hasValueSatisfying(parts -> assertThat(parts).extracting(Classification::operation, Classification::sobject)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("create", "Account"),
                org.assertj.core.groups.Tuple.tuple("create", "Contact")));
    assertThat(classify("DELETE", "/services/data/v62.0/composite/sobjects", ""))
        .hasValueSatisfying(parts -> assertThat(parts).extracting(Classification::operation).containsExactly("delete"));
  }

  @Test
  void whatCannotBeClassifiedMakesTheWholeRequestUnclassified() {
    for (String body : List.of(
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"/services/apexrest/Anything\", \"referenceId\": \"a\"}]}",
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"/services/data/v62.0/tooling/executeAnonymous\"}]}",
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"https://evil.example/services/data/v62.0/limits\"}]}",
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"/services/data/v61.0/limits\"}]}",
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"/services/data/v62.0/../../apexrest/x\"}]}",
        "{\"compositeRequest\": [{\"method\": \"GET\", \"url\": \"/services/data/v62.0/limits\"}], \"compositeRequest\": []}",
        "{\"compositeRequest\": []}",
        "{\"compositeRequest\": [{\"url\": \"/services/data/v62.0/limits\"}]}",
        "not json",
        "[".repeat(200))) {
      assertThat(classify("POST", "/services/data/v62.0/composite", body)).as(body).isEmpty();
    }
    assertThat(classify("POST", "/services/data/v62.0/composite/sobjects",
        "{\"records\": [{\"attributes\": {\"type\": \"Account; DROP\"}}]}")).isEmpty();
    assertThat(classify("POST", "/services/data/v62.0/composite/unknown", "{}")).isEmpty();
  }
}
