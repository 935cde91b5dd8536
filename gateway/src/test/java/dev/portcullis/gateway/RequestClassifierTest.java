package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestClassifierTest {
  static Optional<Classification> classify(String method, String path, String q) {
    return RequestClassifier.classify(method, path, Optional.ofNullable(q));
  }

  @Test
  void restResources() {
    assertThat(classify("GET", "/services/data", null)).contains(Classification.of("rest", "versions"));
    assertThat(classify("GET", "/services/data/v62.0", null)).contains(Classification.of("rest", "resources"));
    assertThat(classify("GET", "/services/data/v62.0/limits", null)).contains(Classification.of("rest", "limits"));
    assertThat(classify("GET", "/services/data/v62.0/sobjects", null))
        .contains(Classification.of("rest", "describe_global"));
    assertThat(classify("GET", "/services/data/v62.0/sobjects/Account/describe", null))
        .contains(Classification.of("rest", "describe", "Account"));
    assertThat(classify("POST", "/services/data/v62.0/sobjects/Account", null))
        .contains(Classification.of("rest", "create", "Account"));
    assertThat(classify("PATCH", "/services/data/v62.0/sobjects/Account/001000000000001AAA", null))
        .contains(Classification.of("rest", "update", "Account"));
    assertThat(classify("DELETE", "/services/data/v62.0/sobjects/Account/001000000000001", null))
        .contains(Classification.of("rest", "delete", "Account"));
    assertThat(classify("PATCH", "/services/data/v62.0/sobjects/Account/Ext_Id__c/42", null))
        .contains(new Classification("rest", "upsert", "Account", java.util.List.of("Ext_Id__c"))); // the lookup field
    assertThat(classify("GET", "/services/data/v62.0/tooling/executeAnonymous", null))
        .contains(Classification.of("tooling", "execute_anonymous"));
    assertThat(classify("GET", "/services/data/v62.0/query/01gD0000002HU6KIAW-2000", null))
        .contains(Classification.of("rest", "query_more"));
    assertThat(classify("GET", "/services/oauth2/userinfo", null)).contains(Classification.of("identity", "userinfo"));
  }

  /** The REST deployRequest resource (meta_rest_deploy.htm and its status, cancel and quick-deploy pages). */
  @Test
  void metadataRestDeploysAreClassifiedFromThePath() {
    String base = "/services/data/v62.0/metadata/deployRequest";
    assertThat(classify("POST", base, null)).contains(Classification.of("metadata", "deploy"));
    assertThat(classify("GET", base + "/0Af000000000001AAA", null)).contains(Classification.of("metadata", "deploy_status"));
    assertThat(classify("PATCH", base + "/0Af000000000001AAA", null)).contains(Classification.of("metadata", "deploy_cancel"));
    assertThat(classify("POST", base + "/0Af000000000001", null)).contains(Classification.of("metadata", "deploy"));
    assertThat(classify("GET", base, null)).isEmpty();
    assertThat(classify("DELETE", base + "/0Af000000000001AAA", null)).isEmpty();
    assertThat(classify("GET", base + "/not-an-id", null)).isEmpty();
    assertThat(classify("GET", base + "/0Af000000000001AAA/more", null)).isEmpty();
    assertThat(classify("POST", "/services/data/v62.0/metadata/retrieveRequest", null)).isEmpty();
    assertThat(classify("POST", "/services/data/v62.0/tooling/metadata/deployRequest", null)).isEmpty();
  }

  @Test
  void queriesAndSearchesNameTheirObjectsAndFields() {
    Classification query = classify("GET", "/services/data/v62.0/query",
        "SELECT Name, Account.Owner.Name, (SELECT LastName FROM Contacts) FROM Account WHERE Industry = 'Energy'")
        .orElseThrow();
    assertThat(query.operation()).isEqualTo("query");
    assertThat(query.sobject()).isEqualTo("Account");
    assertThat(query.fields()).contains("Account.Name", "Account.Account.Owner.Name", "Account.Contacts.LastName",
        "Account.Industry");
    Classification all = classify("GET", "/services/data/v62.0/tooling/query", "SELECT FIELDS(ALL) FROM ApexClass LIMIT 5")
        .orElseThrow();
    assertThat(all.api()).isEqualTo("tooling");
    assertThat(all.fields()).contains("ApexClass.FIELDS(ALL)");
    Classification search = classify("GET", "/services/data/v62.0/search",
        "FIND {Acme} IN NAME FIELDS RETURNING Account(Name), Contact(LastName, Email)").orElseThrow();
    assertThat(search.operation()).isEqualTo("search");
    assertThat(search.sobject()).isEqualTo("Account");
    assertThat(search.fields()).contains("Account.Name", "Contact.Email");
  }

  @Test
  void whatIsNotRecognisedIsNotGuessed() {
    assertThat(classify("GET", "/services/data/v62.0/query", "SELECT FROM")).isEmpty();
    assertThat(classify("GET", "/services/data/v62.0/query", null)).isEmpty();
    assertThat(classify("POST", "/services/data/v62.0/query", "SELECT Id FROM Account")).isEmpty();
    assertThat(classify("GET", "/services/data/v62.0/analytics/reports", null)).isEmpty();
    assertThat(classify("POST", "/services/data/v62.0/composite", null)).isEmpty();
    assertThat(classify("GET", "/services/data/62.0/limits", null)).isEmpty();
    assertThat(classify("GET", "/services/data/v62.0/sobjects/Acc ount", null)).isEmpty();
    assertThat(classify("PUT", "/services/data/v62.0/sobjects/Account/001000000000001AAA", null)).isEmpty();
    assertThat(classify("GET", "/services/data/v62.0/search", "FIND")).isEmpty();
  }
}
