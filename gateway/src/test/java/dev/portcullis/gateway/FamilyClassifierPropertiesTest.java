package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The API family classifiers on hostile input: they answer or decline, never throw, are
 * deterministic, and never classify what they must not: every classification names a known family
 * and operation, sObjects are API names, writes are never read operations, and no field reaches
 * policy through a GraphQL document without its own name.
 */
class FamilyClassifierPropertiesTest {
  static final Set<String> OPERATIONS = Set.of("bulk_ingest", "bulk_upload", "bulk_query", "bulk_query_job",
      "bulk_results", "bulk_job_info", "bulk_job_list", "bulk_job_delete", "bulk_close", "bulk_abort", "get", "post",
      "put", "patch", "delete", "head", "read", "create", "update", "describe", "describe_global", "query",
      "handshake", "connect", "subscribe", "unsubscribe", "disconnect", "search", "invoke_action", "get_updated",
      "get_deleted", "upsert", "query_more", "execute_anonymous", "limits", "versions", "resources", "userinfo");

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("services", "data", "v62.0", "62.0", "async", "job", "batch", "result", "request", "jobs",
            "ingest", "query", "batches", "results", "successfulResults", "unprocessedrecords", "7508c00000Tq3ZXAAZ",
            "apexrest", "ui-api", "records", "record-ui", "object-info", "Contact", "connect", "chatter", "feeds",
            "cometd", "meta", "handshake", "graphql", "tooling", "sobjects", "updated", "actions", "custom", "flow",
            "recent", "parameterizedSearch", "003000000000001AAA", "", "..", "%2e"),
        Arbitraries.strings().ofMaxLength(12));
    return segment.list().ofMaxSize(8).map(list -> "/" + String.join("/", list));
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS");
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> graphql = Arbitraries.of(
        "{ uiapi { query { Contact { edges { node { Id Name { value } } } } } } }",
        "{ uiapi { query { Contact(where: { SSN__c: { eq: \\\"1\\\" } }) { edges { node { ...F } } } } } }"
            + " fragment F on Contact { a: Phone { value } }",
        "mutation { uiapi { ContactCreate(input: { Contact: { LastName: \\\"x\\\" } }) { Record { Id } } } }",
        "{ __schema { types { name } } }", "{ uiapi { query { Contact { edges { node { ...F } } } } } }")
        .flatMap(q -> Arbitraries.integers().between(0, q.length()).map(cut -> "{\"query\":\"" + q.substring(0, cut) + "\"}"));
    Arbitrary<String> json = Arbitraries.of("{\"object\":\"Account\",\"operation\":\"insert\"}",
        "{\"operation\":\"query\",\"query\":\"SELECT Id FROM Contact\"}", "{\"state\":\"UploadComplete\"}",
        "[{\"channel\":\"/meta/subscribe\",\"subscription\":\"/data/ContactChangeEvent\"}]",
        "{\"apiName\":\"Contact\",\"fields\":{\"LastName\":\"x\"}}",
        "<jobInfo><operation>insert</operation><object>Account</object></jobInfo>", "SELECT Id FROM Account",
        "Name\nAcme\n");
    Arbitrary<String> cutJson = json.flatMap(j -> Arbitraries.integers().between(0, j.length()).map(cut -> j.substring(0, cut)));
    return Arbitraries.oneOf(graphql, json, cutJson, Arbitraries.strings().ofMaxLength(200));
  }

  @Property(tries = 3000)
  void pathsAreClassifiedOrDeclinedNeverGuessed(@ForAll("methods") String method, @ForAll("paths") String path,
      @ForAll("parameterValues") String value) {
    Map<String, List<String>> parameters = Map.of("fields", List.of(value), "q", List.of(value),
        "sobject", List.of(value));
    Optional<Classification> first = RequestClassifier.classify(method, path, Optional.of(value), parameters);
    assertThat(RequestClassifier.classify(method, path, Optional.of(value), parameters)).isEqualTo(first);
    first.ifPresent(c -> valid(c, method));
  }

  @Property(tries = 3000)
  void bodiesAreClassifiedOrDeclinedNeverGuessed(@ForAll("methods") String method, @ForAll("paths") String path,
      @ForAll("bodies") String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Optional<BodyClassifier.Classified> first = BodyClassifier.classify(method, path, bytes);
    assertThat(BodyClassifier.classify(method, path, bytes)).isEqualTo(first);
    if (BodyClassifier.limit(method, path) == 0) {
      assertThat(first).as("a body is classified only where it is read").isEmpty();
    }
    first.ifPresent(c -> c.parts().forEach(part -> valid(part, method)));
  }

  @Property(tries = 2000)
  void graphqlNeverLosesAFieldName(@ForAll("bodies") String body) {
    GraphqlClassifier.analyze(body).ifPresent(analysis -> {
      for (Classification part : analysis.parts()) {
        assertThat(part.fields()).allSatisfy(field -> assertThat(field).startsWith(part.sobject() + "."));
        if (body.contains("SSN__c") && part.operation().equals("query")) {
          assertThat(part.fields()).anySatisfy(field -> assertThat(field).endsWith(".SSN__c"));
        }
        if (body.contains("a: Phone") && part.operation().equals("query")) {
          assertThat(analysis.nonSelectionUses()).contains("phone");
        }
      }
    });
  }

  @Provide
  Arbitrary<String> parameterValues() {
    return Arbitraries.oneOf(Arbitraries.of("Contact.Name", "Contact.Name,Account.Id", "Name", "Acme", ",", ""),
        Arbitraries.strings().ofMaxLength(30));
  }

  static void valid(Classification c, String method) {
    assertThat(c.api()).isIn("rest", "tooling", "identity", "bulk", "apex_rest", "ui_api", "connect", "graphql",
        "streaming");
    assertThat(OPERATIONS).contains(c.operation());
    if (!c.sobject().isEmpty()) {
      assertThat(c.sobject()).matches(RequestClassifier.NAME.pattern());
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      assertThat(c.operation()).as("a read never classifies as a write")
          .isNotIn("bulk_ingest", "bulk_upload", "create", "update", "delete", "post", "put", "patch", "upsert");
    }
    if (Set.of("create", "update", "delete", "upsert").contains(c.operation()) && !c.api().equals("graphql")) {
      assertThat(method).isIn("POST", "PATCH", "PUT", "DELETE");
    }
  }
}
