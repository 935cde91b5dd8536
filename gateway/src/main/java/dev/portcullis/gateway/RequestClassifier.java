package dev.portcullis.gateway;

import dev.portcullis.salesforce.soql.AccessSummary;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.Search;
import dev.portcullis.salesforce.soql.SoslParser;
import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Classifies a request from its method, decoded path and query, as the REST API reference lays
 * out its resources (Salesforce "REST API Developer Guide", "Resources": Versions, Resources by
 * Version, Limits, Describe Global, sObject Basic Information, sObject Describe, sObject Rows,
 * sObject Rows by External ID, Query, QueryAll; Tooling API "REST Resources": executeAnonymous).
 * What it does not recognise is {@link Optional#empty()}: the gateway denies it as {@code
 * unclassified}, it never guesses.
 */
final class RequestClassifier {
  static final Pattern VERSION = Pattern.compile("v\\d{2,3}\\.0");
  /** sObject API names: letters, digits, underscores (custom {@code __c}, namespaces {@code ns__X__c}). */
  static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
  /** 15- or 18-character Salesforce ids. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");

  private RequestClassifier() {}

  /**
   * @param method the HTTP method
   * @param path the decoded, normalised path
   * @param soql the {@code q} parameter of a query, if any
   */
  static Optional<Classification> classify(String method, String path, Optional<String> soql) {
    return classify(method, path, soql, java.util.Map.of());
  }

  /**
   * @param parameters the decoded query parameters, which some resources classify by (UI API's
   *     {@code fields}, Parameterized Search's {@code sobject})
   */
  static Optional<Classification> classify(String method, String path, Optional<String> soql,
      java.util.Map<String, List<String>> parameters) {
    String m = method.toUpperCase(Locale.ROOT);
    List<String> segments = segments(path);
    // The API families beyond REST data, each in its own classifier (docs/GATEWAY.md's table).
    if (segments.size() >= 2 && segments.get(0).equals("services") && segments.get(1).equals("apexrest")) {
      return ApexRestClassifier.classify(m, segments);
    }
    if (Bulk1Classifier.isBulk1(segments)) {
      return Bulk1Classifier.classify(m, segments);
    }
    if (segments.size() >= 2 && segments.get(0).equals("services") && segments.get(1).equals("oauth2")) {
      if (segments.size() == 3 && segments.get(2).equals("userinfo") && (m.equals("GET") || m.equals("POST"))) {
        return Optional.of(Classification.of("identity", "userinfo"));
      }
      return Optional.empty();
    }
    if (segments.size() < 2 || !segments.get(0).equals("services") || !segments.get(1).equals("data")) {
      return Optional.empty();
    }
    if (segments.size() == 2) {
      return m.equals("GET") ? Optional.of(Classification.of("rest", "versions")) : Optional.empty();
    }
    if (!VERSION.matcher(segments.get(2)).matches()) {
      return Optional.empty();
    }
    List<String> rest = segments.subList(3, segments.size());
    if (rest.isEmpty()) {
      return m.equals("GET") ? Optional.of(Classification.of("rest", "resources")) : Optional.empty();
    }
    String api = "rest";
    if (rest.get(0).equals("tooling")) {
      api = "tooling";
      rest = rest.subList(1, rest.size());
      if (rest.size() == 1 && rest.get(0).equals("executeAnonymous") && m.equals("GET")) {
        return Optional.of(Classification.of(api, "execute_anonymous"));
      }
    }
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    return switch (rest.get(0)) {
      case "limits" -> rest.size() == 1 && m.equals("GET") && api.equals("rest")
          ? Optional.of(Classification.of(api, "limits")) : Optional.empty();
      case "query", "queryAll" -> query(api, m, rest, soql);
      case "search" -> search(api, m, rest, soql);
      case "sobjects" -> sobjects(api, m, rest.subList(1, rest.size()));
      case "jobs" -> api.equals("rest") ? Bulk2Classifier.classify(m, segments) : Optional.empty();
      case "ui-api" -> api.equals("rest") ? UiApiClassifier.classify(m, rest.subList(1, rest.size()), parameters)
          : Optional.empty();
      case "connect", "chatter" -> api.equals("rest") ? ConnectClassifier.classify(m, rest) : Optional.empty();
      case "recent", "parameterizedSearch", "actions" -> RestResourceClassifier.classify(api, m, rest, parameters);
      case "metadata" -> api.equals("rest") ? deployRequest(m, rest) : Optional.empty();
      default -> Optional.empty();
    };
  }

  /**
   * The REST {@code deployRequest} resource (Metadata API Developer Guide: "Deploy Metadata with
   * Apex Testing Using REST", meta_rest_deploy.htm; "Check the Status of Your Deployment Using REST
   * Resources"; "Cancel a Deployment in Progress Using REST"; "Deploy a Recently Validated Component
   * Set Without Tests"), classified from the method and path alone so that the multipart zip streams
   * through unread: {@code POST …/metadata/deployRequest} and {@code POST …/deployRequest/<id>} (a
   * quick deploy) deploy, {@code GET …/deployRequest/<id>} reads its status, {@code PATCH
   * …/deployRequest/<id>} cancels (the only PATCH the resource takes). API family {@code metadata},
   * as for the SOAP calls ({@link SoapRequest}).
   */
  private static Optional<Classification> deployRequest(String method, List<String> rest) {
    if (rest.size() < 2 || rest.size() > 3 || !rest.get(1).equals("deployRequest")) {
      return Optional.empty();
    }
    if (rest.size() == 2) {
      return method.equals("POST") ? Optional.of(Classification.of("metadata", "deploy")) : Optional.empty();
    }
    if (!ID.matcher(rest.get(2)).matches()) {
      return Optional.empty();
    }
    return switch (method) {
      case "GET" -> Optional.of(Classification.of("metadata", "deploy_status"));
      case "PATCH" -> Optional.of(Classification.of("metadata", "deploy_cancel"));
      case "POST" -> Optional.of(Classification.of("metadata", "deploy"));
      default -> Optional.empty();
    };
  }

  private static Optional<Classification> query(String api, String method, List<String> rest, Optional<String> soql) {
    if (!method.equals("GET")) {
      return Optional.empty();
    }
    if (rest.size() == 2) { // query/<locator>: the next batch of a query already decided
      return Optional.of(Classification.of(api, "query_more"));
    }
    if (rest.size() != 1 || soql.isEmpty()) {
      return Optional.empty();
    }
    try {
      Query query = SoqlParser.parse(soql.get());
      return Optional.of(new Classification(api, "query", query.from(), fields(AccessSummary.of(query))));
    } catch (SoqlException e) {
      return Optional.empty(); // not parsed, not guessed: denied as unclassified
    }
  }

  /** {@code GET …/search?q=FIND …} (REST API "Search"): the first RETURNING object, every field read. */
  private static Optional<Classification> search(String api, String method, List<String> rest, Optional<String> sosl) {
    if (!method.equals("GET") || rest.size() != 1 || sosl.isEmpty()) {
      return Optional.empty();
    }
    try {
      Search search = SoslParser.parse(sosl.get());
      AccessSummary summary = AccessSummary.of(search);
      String first = summary.objects().isEmpty() ? "" : summary.objects().get(0);
      return Optional.of(new Classification(api, "search", first, fields(summary)));
    } catch (SoqlException e) {
      return Optional.empty();
    }
  }

  /**
   * The fields a query or search reads, each as {@code Scope.path}: {@code Contact.Account.Name},
   * {@code Account.Contacts.LastName} for a subquery's field, {@code Event.What:Account.Phone} for a
   * TYPEOF branch ({@code Event.What:*} for ELSE), {@code Contact.FIELDS(ALL)} for FIELDS().
   */
  static List<String> fields(AccessSummary summary) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (AccessSummary.FieldAccess access : summary.fields()) {
      out.add(scopeName(access.scope()) + "." + String.join(".", access.path().segments()));
    }
    for (AccessSummary.FieldsAccess fields : summary.fieldsFunctions()) {
      out.add(scopeName(fields.scope()) + ".FIELDS(" + fields.kind() + ")");
    }
    return List.copyOf(out);
  }

  private static String scopeName(AccessSummary.Scope scope) {
    return switch (scope) {
      case AccessSummary.Scope.SObject(String name) -> name;
      case AccessSummary.Scope.ChildRelationship(AccessSummary.Scope parent, String relationship) ->
          scopeName(parent) + "." + relationship;
      case AccessSummary.Scope.Polymorphic(AccessSummary.Scope owner, Query.FieldPath relationship,
          Optional<String> type) -> scopeName(owner) + "." + String.join(".", relationship.segments()) + ":"
              + type.orElse("*");
    };
  }

  private static Optional<Classification> sobjects(String api, String method, List<String> rest) {
    if (rest.isEmpty()) {
      return method.equals("GET") ? Optional.of(Classification.of(api, "describe_global")) : Optional.empty();
    }
    String type = rest.get(0);
    if (!NAME.matcher(type).matches()) {
      return Optional.empty();
    }
    if (rest.size() == 1) {
      return switch (method) {
        case "GET" -> Optional.of(Classification.of(api, "describe", type));
        case "POST" -> Optional.of(Classification.of(api, "create", type));
        default -> Optional.empty();
      };
    }
    if (rest.size() == 2 && rest.get(1).equals("describe")) {
      return method.equals("GET") ? Optional.of(Classification.of(api, "describe", type)) : Optional.empty();
    }
    if (rest.size() == 2 && (rest.get(1).equals("updated") || rest.get(1).equals("deleted"))) {
      // "sObject Get Updated" / "sObject Get Deleted": the ids changed in a time window
      return method.equals("GET") ? Optional.of(Classification.of(api, "get_" + rest.get(1), type)) : Optional.empty();
    }
    if (rest.size() == 2 && ID.matcher(rest.get(1)).matches()) {
      return switch (method) {
        case "GET", "HEAD" -> Optional.of(Classification.of(api, "read", type));
        case "PATCH" -> Optional.of(Classification.of(api, "update", type));
        case "DELETE" -> Optional.of(Classification.of(api, "delete", type));
        default -> Optional.empty();
      };
    }
    if (rest.size() == 3 && NAME.matcher(rest.get(1)).matches()) { // sObject rows by external id
      List<String> externalId = List.of(rest.get(1)); // the field the record is looked up by
      return switch (method) {
        case "GET", "HEAD" -> Optional.of(new Classification(api, "read", type, externalId));
        case "PATCH" -> Optional.of(new Classification(api, "upsert", type, externalId));
        case "DELETE" -> Optional.of(new Classification(api, "delete", type, externalId));
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return segments;
  }
}
