package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.salesforce.soql.AccessSummary;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies Bulk API 2.0 requests ({@code request.api} {@code bulk}), as the "Bulk API 2.0 and Bulk
 * API Developer Guide" lays out its resources under {@code /services/data/vXX.X/jobs/}:
 *
 * <ul>
 *   <li>Ingest: "Create a Job" ({@code POST jobs/ingest}, JSON body) → {@code bulk_ingest}, the
 *       sObject from {@code object}, {@code operation:<insert|update|upsert|delete|hardDelete>} and
 *       the {@code externalIdFieldName} in {@code request.fields}; "Upload Job Data" ({@code PUT
 *       jobs/ingest/<id>/batches}, streamed, never read) → {@code bulk_upload}; "Close or Abort a
 *       Job" ({@code PATCH jobs/ingest/<id>}, {@code state} {@code UploadComplete} or {@code
 *       Aborted}) → {@code bulk_close} / {@code bulk_abort}; "Get Job Info" → {@code bulk_job_info};
 *       "Get All Jobs" → {@code bulk_job_list}; "Delete a Job" → {@code bulk_job_delete}; "Get Job
 *       Successful / Failed / Unprocessed Record Results" → {@code bulk_results}.
 *   <li>Query: "Create a Query Job" ({@code POST jobs/query}, {@code {"operation": "query" |
 *       "queryAll", "query": SOQL}}) → {@code bulk_query}, the SOQL parsed like a REST query;
 *       "Get Results for a Query Job" ({@code GET jobs/query/<id>/results}) → {@code bulk_results};
 *       "Get Parallel Results for a Query Job" ({@code resultPages}) and the others as for ingest.
 * </ul>
 *
 * <p>A request about an existing job carries only the job's id: the gateway does not know that
 * job's object, so such requests have an empty {@code sobject} and {@code job:<id>} in {@code
 * request.fields}. Job bodies are small JSON and read whole ({@link #MAX_JOB_BODY_BYTES}); a
 * multipart "Create a Job" request (job and data in one body) is not classified: create the job,
 * then upload its data.
 */
final class Bulk2Classifier {
  /** Job creation and state bodies are small JSON documents. */
  static final int MAX_JOB_BODY_BYTES = 64 * 1024;
  static final Set<String> INGEST_OPERATIONS = Set.of("insert", "update", "upsert", "delete", "hardDelete");

  private Bulk2Classifier() {}

  /** Whether {@code s} (path segments) is under {@code /services/data/vNN.0/jobs/ingest|query}. */
  static boolean isBulk2(List<String> s) {
    return s.size() >= 5 && s.get(0).equals("services") && s.get(1).equals("data")
        && RequestClassifier.VERSION.matcher(s.get(2)).matches() && s.get(3).equals("jobs")
        && (s.get(4).equals("ingest") || s.get(4).equals("query"));
  }

  /** Whether the request's body decides what it is: job creation and job state changes. */
  static boolean readsBody(String method, List<String> s) {
    return isBulk2(s) && ((s.size() == 5 && method.equals("POST"))
        || (s.size() == 6 && method.equals("PATCH")));
  }

  /** A request about existing jobs, from its method and path; empty when not recognised. */
  static Optional<Classification> classify(String method, List<String> s) {
    if (!isBulk2(s) || readsBody(method, s)) {
      return Optional.empty();
    }
    boolean ingest = s.get(4).equals("ingest");
    if (s.size() == 5) {
      return method.equals("GET") ? Optional.of(Classification.of("bulk", "bulk_job_list")) : Optional.empty();
    }
    String job = s.get(5);
    if (!RequestClassifier.ID.matcher(job).matches()) {
      return Optional.empty();
    }
    List<String> fields = List.of("job:" + job);
    if (s.size() == 6) {
      return switch (method) {
        case "GET" -> Optional.of(new Classification("bulk", "bulk_job_info", "", fields));
        case "DELETE" -> Optional.of(new Classification("bulk", "bulk_job_delete", "", fields));
        default -> Optional.empty();
      };
    }
    if (s.size() != 7) {
      return Optional.empty();
    }
    String resource = s.get(6);
    if (ingest && resource.equals("batches")) {
      return method.equals("PUT") ? Optional.of(new Classification("bulk", "bulk_upload", "", fields)) : Optional.empty();
    }
    if (!method.equals("GET")) {
      return Optional.empty();
    }
    boolean results = ingest ? Set.of("successfulResults", "failedResults", "unprocessedrecords").contains(resource)
        : resource.equals("results");
    if (results) {
      return Optional.of(new Classification("bulk", "bulk_results", "", fields));
    }
    return !ingest && resource.equals("resultPages")
        ? Optional.of(new Classification("bulk", "bulk_job_info", "", fields)) : Optional.empty();
  }

  /** Job creation or a job state change, from its JSON body; empty when not recognised. */
  static Optional<BodyClassifier.Classified> classify(String method, List<String> s, byte[] body) {
    if (!readsBody(method, s)) {
      return Optional.empty();
    }
    JsonNode root = BodyClassifier.json(body).orElse(null);
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    boolean ingest = s.get(4).equals("ingest");
    if (s.size() == 6) {
      String job = s.get(5);
      if (!RequestClassifier.ID.matcher(job).matches()) {
        return Optional.empty();
      }
      String operation = switch (text(root, "state")) {
        case "UploadComplete" -> ingest ? "bulk_close" : null;
        case "Aborted" -> "bulk_abort";
        case null, default -> null;
      };
      return operation == null ? Optional.empty()
          : BodyClassifier.Classified.one(new Classification("bulk", operation, "", List.of("job:" + job)));
    }
    return ingest ? ingestJob(root) : queryJob(root);
  }

  private static Optional<BodyClassifier.Classified> ingestJob(JsonNode job) {
    String object = text(job, "object");
    String operation = text(job, "operation");
    if (object == null || !RequestClassifier.NAME.matcher(object).matches() || !INGEST_OPERATIONS.contains(operation)) {
      return Optional.empty();
    }
    return BodyClassifier.Classified.one(new Classification("bulk", "bulk_ingest", object,
        ingestFields(operation, job.has("externalIdFieldName") ? text(job, "externalIdFieldName") : "")));
  }

  /**
   * {@code operation:<op>} and, for an upsert, the external id field (as REST upserts by external
   * id list it); null when the external id field is not a field name.
   */
  static List<String> ingestFields(String operation, String externalIdField) {
    if (externalIdField == null) {
      return null;
    }
    if (externalIdField.isEmpty()) {
      return List.of("operation:" + operation);
    }
    return RequestClassifier.NAME.matcher(externalIdField).matches()
        ? List.of("operation:" + operation, externalIdField) : null;
  }

  private static Optional<BodyClassifier.Classified> queryJob(JsonNode job) {
    String operation = text(job, "operation");
    String soql = text(job, "query");
    if (!("query".equals(operation) || "queryAll".equals(operation)) || soql == null) {
      return Optional.empty();
    }
    return query(soql, List.of());
  }

  /** A bulk query of {@code soql}, classified as a REST query is; empty when it does not parse. */
  static Optional<BodyClassifier.Classified> query(String soql, List<String> extraFields) {
    try {
      Query query = SoqlParser.parse(soql);
      List<String> fields = new java.util.ArrayList<>(extraFields);
      fields.addAll(RequestClassifier.fields(AccessSummary.of(query)));
      return Optional.of(new BodyClassifier.Classified(
          List.of(new Classification("bulk", "bulk_query", query.from(), fields)), Optional.of(soql)));
    } catch (SoqlException e) {
      return Optional.empty(); // not parsed, not guessed
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
