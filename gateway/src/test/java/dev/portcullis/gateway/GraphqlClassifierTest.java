package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GraphqlClassifierTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static String request(String query, Map<String, Object> variables) throws Exception {
    return JSON.writeValueAsString(Map.of("query", query, "variables", variables));
  }

  static Optional<GraphqlClassifier.Analysis> analyze(String query) throws Exception {
    return GraphqlClassifier.analyze(request(query, Map.of()));
  }

  @Test
  void aRecordQueryNamesEveryFieldItReads() throws Exception {
    GraphqlClassifier.Analysis analysis = analyze("""
        query accounts {
          uiapi {
            query {
              Account(where: { Industry: { eq: "Energy" }, Owner: { Name: { like: "A%" } } },
                      orderBy: { Name: { order: ASC } }, first: 10) {
                edges {
                  node {
                    Id
                    Name { value displayValue }
                    Owner { Email { value } }
                    Contacts(where: { SSN__c: { ne: null } }) { edges { node { LastName { value } } } }
                  }
                }
                totalCount
                pageInfo { hasNextPage endCursor }
              }
            }
          }
        }""").orElseThrow();
    assertThat(analysis.parts()).singleElement().satisfies(part -> {
      assertThat(part.api()).isEqualTo("graphql");
      assertThat(part.operation()).isEqualTo("query");
      assertThat(part.sobject()).isEqualTo("Account");
      assertThat(part.fields()).containsExactlyInAnyOrder("Account.Industry", "Account.Owner.Name", "Account.Name",
          "Account.Id", "Account.Owner.Email", "Account.Contacts.SSN__c", "Account.Contacts.LastName");
    });
    assertThat(analysis.nonSelectionUses()).contains("industry", "name", "ssn__c").doesNotContain("email", "lastname");
  }

  @Test
  void fragmentsAliasesAndVariablesHideNothing() throws Exception {
    String query = """
        query q($filter: Contact_Filter) {
          uiapi { query { Contact(where: $filter) { edges { node { ...ContactFields hidden: Phone { value } } } } } }
        }
        fragment ContactFields on Contact { ... on Contact { SSN__c { value } } Account { ...AccountFields } }
        fragment AccountFields on Account { Name { value } }""";
    GraphqlClassifier.Analysis analysis = GraphqlClassifier.analyze(request(query,
        Map.of("filter", Map.of("Birthdate", Map.of("lt", "2000-01-01"))))).orElseThrow();
    assertThat(analysis.parts()).singleElement().satisfies(part -> assertThat(part.fields())
        .containsExactlyInAnyOrder("Contact.Birthdate", "Contact.SSN__c", "Contact.Account.Name", "Contact.Phone"));
    assertThat(analysis.nonSelectionUses()).containsExactlyInAnyOrder("birthdate", "phone");

    assertThat(analyze("query { uiapi { query { Contact { edges { node { ...A } } } } } } fragment A on Contact { ...A }"))
        .as("a cycle").isEmpty();
    assertThat(analyze("query { uiapi { query { Contact { edges { node { ...Missing } } } } } }")).isEmpty();
  }

  @Test
  void polymorphicBranchesAreNamedAsSoqlTypeOfIs() throws Exception {
    assertThat(analyze("""
        { uiapi { query { Event { edges { node { What { ... on Account { Phone { value } } ... on Opportunity {
            Amount { value } } } } } } } } }""").orElseThrow().parts().get(0).fields())
        .containsExactlyInAnyOrder("Event.What:Account.Phone", "Event.What:Opportunity.Amount");
  }

  @Test
  void mutationsAreCreatesUpdatesAndDeletes() throws Exception {
    GraphqlClassifier.Analysis analysis = analyze("""
        mutation {
          uiapi(input: { allOrNone: true }) {
            ContactCreate(input: { Contact: { LastName: "X", SSN__c: "1" } }) { Record { Id Name { value } } }
            AccountUpdate(input: { Id: "001000000000001AAA", Account: { Name: "Y" } }) { Record { Id } }
            Order__cDelete(input: { Id: "a00000000000001AAA" }) { Id }
          }
        }""").orElseThrow();
    assertThat(analysis.parts()).containsExactly(
        new Classification("graphql", "create", "Contact", List.of("Contact.LastName", "Contact.SSN__c", "Contact.Id",
            "Contact.Name")),
        new Classification("graphql", "update", "Account", List.of("Account.Name", "Account.Id")),
        new Classification("graphql", "delete", "Order__c", List.of()));
  }

  @Test
  void aggregatesDescribesAndIntrospection() throws Exception {
    GraphqlClassifier.Analysis aggregate = analyze("""
        { uiapi { aggregate { Opportunity(groupBy: { StageName: { group: true } }) { edges { node { aggregate {
            Amount { sum { value } } StageName { value } } } } } } } }""").orElseThrow();
    assertThat(aggregate.parts().get(0).fields()).contains("Opportunity.Amount", "Opportunity.StageName");
    assertThat(aggregate.nonSelectionUses()).contains("amount", "stagename");
    assertThat(analyze("{ uiapi { objectInfos(apiNames: [\"Account\", \"Contact\"]) { ApiName } } }").orElseThrow().parts())
        .containsExactly(Classification.of("graphql", "describe", "Account"), Classification.of("graphql", "describe", "Contact"));
    assertThat(analyze("{ __schema { types { name } } }").orElseThrow().parts())
        .containsExactly(Classification.of("graphql", "describe"));
  }

  @Test
  void unknownShapesAreNotGuessed() throws Exception {
    for (String query : List.of(
        "subscription { uiapi { query { Account { edges { node { Id } } } } } }",
        "{ other { Account { Id } } }",
        "{ uiapi { query { Account(secret: 1) { edges { node { Id } } } } } }",
        "{ uiapi { query { Account(where: { Id: { inq: { Contact: { Name: { eq: \"x\" } }, ApiName: \"AccountId\" } } })"
            + " { edges { node { Id } } } } } }",
        "{ uiapi { query { Account { rows { Id } } } } }",
        "type Query { a: Int }",
        "{ uiapi { query { Account { edges { node { Id } } } } }",
        "mutation { uiapi { AccountMerge(input: {}) { Id } } }",
        "mutation { uiapi { AccountCreate(input: { Contact: { LastName: \"x\" } }) { Record { Id } } } }")) {
      assertThat(analyze(query)).as(query).isEmpty();
    }
    assertThat(GraphqlClassifier.analyze("{\"query\": 7}")).isEmpty();
    assertThat(GraphqlClassifier.analyze("not json")).isEmpty();
  }
}
