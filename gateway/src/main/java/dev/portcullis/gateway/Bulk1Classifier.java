package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Classifies Bulk API (1.0) requests ({@code request.api} {@code bulk}) under {@code
 * /services/async/NN.0/}, as the "Bulk API 2.0 and Bulk API Developer Guide" lays them out: "Create
 * a Job" ({@code POST job}, a {@code jobInfo} in XML or JSON) → {@code bulk_ingest} (sObject,
 * {@code operation:<op>} and the external id field in {@code request.fields}) or, for {@code
 * query}/{@code queryAll} jobs, {@code bulk_query_job}; "Close a Job" / "Abort a Job" ({@code POST
 * job/<id>} with {@code state} {@code Closed} / {@code Aborted}) → {@code bulk_close} / {@code
 * bulk_abort}; "Get Job Details", "Get Information for All Batches in a Job", "Get Information for
 * a Batch" → {@code bulk_job_info}; "Get a Batch Request", "Get Batch Results" and a query's result
 * sets → {@code bulk_results}; "Add a Batch to a Job" ({@code POST job/<id>/batch}) → see below.
 *
 * <h2>Batches: query or records?</h2>
 *
 * <p>A batch request names its job only by id, and the job's operation decides whether the body is
 * records (CSV, XML, JSON, or a zip of them) or a SOQL statement ("Use Bulk Query": the SOQL is the
 * plain-text body). The gateway does not know the job, so it reads the body's start: a body that
 * begins, after white space, with the word {@code SELECT} and white space is a query and must parse
 * as SOQL (it is read whole, within {@link #MAX_QUERY_BATCH_BYTES}, and classified {@code
 * bulk_query} like a REST query); anything else is records ({@code bulk_upload}, streamed). This
 * cannot let a write pass as a query: records never begin so (a CSV header "SELECT Id …" names no
 * field; XML begins with {@code <}, JSON with {@code [} or <code>{</code>, a zip with {@code PK}),
 * and should an ingest job receive SOQL, Salesforce fails the batch on its header. It cannot let a
 * query pass as an upload either: a query job only accepts SOQL.
 *
 * <p>Job bodies are parsed with DTDs and external entities off, within {@link #MAX_JOB_BODY_BYTES}.
 */
final class Bulk1Classifier {
  static final int MAX_JOB_BODY_BYTES = 64 * 1024;
  /** A query batch: SOQL's 100,000 characters, at most four bytes each in UTF-8. */
  static final int MAX_QUERY_BATCH_BYTES = 4 * dev.portcullis.salesforce.soql.SoqlParser.MAX_LENGTH;
  /** How many bytes of a batch are enough to tell SOQL from records. */
  static final int PEEK_BYTES = 16;
  private static final Pattern VERSION = Pattern.compile("\\d{2,3}\\.0");

  private Bulk1Classifier() {}

  /** Whether {@code s} (path segments) is under {@code /services/async/NN.0/}. */
  static boolean isBulk1(List<String> s) {
    return s.size() >= 3 && s.get(0).equals("services") && s.get(1).equals("async")
        && VERSION.matcher(s.get(2)).matches();
  }

  /** Whether the body decides: job creation and state changes (read whole). */
  static boolean readsJobBody(String method, List<String> s) {
    return isBulk1(s) && method.equals("POST") && s.size() >= 4 && s.get(3).equals("job")
        && (s.size() == 4 || (s.size() == 5 && RequestClassifier.ID.matcher(s.get(4)).matches()));
  }

  /** Whether this is "Add a Batch to a Job", whose body's start decides. */
  static boolean addsBatch(String method, List<String> s) {
    return isBulk1(s) && method.equals("POST") && s.size() == 6 && s.get(3).equals("job")
        && RequestClassifier.ID.matcher(s.get(4)).matches() && s.get(5).equals("batch");
  }

  /** Requests that carry no body to classify, from their method and path. */
  static Optional<Classification> classify(String method, List<String> s) {
    if (!isBulk1(s) || !method.equals("GET") || s.size() < 5 || !s.get(3).equals("job")
        || !RequestClassifier.ID.matcher(s.get(4)).matches()) {
      return Optional.empty();
    }
    List<String> fields = new ArrayList<>(List.of("job:" + s.get(4)));
    if (s.size() == 5 || (s.size() == 6 && s.get(5).equals("batch"))) {
      return Optional.of(new Classification("bulk", "bulk_job_info", "", fields));
    }
    if (!s.get(5).equals("batch") || !RequestClassifier.ID.matcher(s.get(6)).matches()) {
      return Optional.empty();
    }
    fields.add("batch:" + s.get(6));
    if (s.size() == 7) {
      return Optional.of(new Classification("bulk", "bulk_job_info", "", fields));
    }
    boolean results = (s.size() == 8 && (s.get(7).equals("request") || s.get(7).equals("result")))
        || (s.size() == 9 && s.get(7).equals("result") && RequestClassifier.ID.matcher(s.get(8)).matches());
    return results ? Optional.of(new Classification("bulk", "bulk_results", "", fields)) : Optional.empty();
  }

  /** A job creation or state change, from its {@code jobInfo} (XML or JSON). */
  static Optional<BodyClassifier.Classified> classifyJob(List<String> s, byte[] body) {
    Optional<Map<String, String>> info = jobInfo(body);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> job = info.get();
    if (s.size() == 5) {
      String operation = switch (job.getOrDefault("state", "")) {
        case "Closed" -> "bulk_close";
        case "Aborted" -> "bulk_abort";
        default -> null;
      };
      return operation == null || job.size() != 1 ? Optional.empty()
          : BodyClassifier.Classified.one(new Classification("bulk", operation, "", List.of("job:" + s.get(4))));
    }
    String object = job.get("object");
    String operation = job.get("operation");
    if (object == null || !RequestClassifier.NAME.matcher(object).matches() || operation == null) {
      return Optional.empty();
    }
    if (operation.equals("query") || operation.equals("queryAll")) {
      return BodyClassifier.Classified.one(new Classification("bulk", "bulk_query_job", object,
          List.of("operation:" + operation)));
    }
    if (!Bulk2Classifier.INGEST_OPERATIONS.contains(operation)) {
      return Optional.empty();
    }
    List<String> fields = Bulk2Classifier.ingestFields(operation, job.getOrDefault("externalIdFieldName", ""));
    return fields == null ? Optional.empty()
        : BodyClassifier.Classified.one(new Classification("bulk", "bulk_ingest", object, fields));
  }

  /** Whether a batch body beginning with {@code start} is SOQL (see the class comment). */
  static boolean looksLikeSoql(byte[] start) {
    String text = new String(start, StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
    return text.length() > 6 && text.substring(0, 6).toUpperCase(Locale.ROOT).equals("SELECT")
        && Character.isWhitespace(text.charAt(6));
  }

  /** A batch: a query when its body is SOQL, else an upload of records to the job. */
  static Optional<BodyClassifier.Classified> classifyBatch(List<String> s, byte[] start, boolean whole) {
    List<String> job = List.of("job:" + s.get(4));
    if (!looksLikeSoql(start)) {
      return BodyClassifier.Classified.one(new Classification("bulk", "bulk_upload", "", job));
    }
    if (!whole) {
      return Optional.empty(); // a query must be read whole to be parsed
    }
    String soql = new String(start, StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
    return Bulk2Classifier.query(soql, job);
  }

  /** The top-level text elements of a {@code jobInfo} (XML) or the string members of a JSON job. */
  private static Optional<Map<String, String>> jobInfo(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
    if (text.startsWith("{")) {
      Optional<JsonNode> root = BodyClassifier.json(body);
      Map<String, String> out = new HashMap<>();
      for (var member : root.map(JsonNode::properties).orElse(java.util.Set.of())) {
        if (!member.getValue().isTextual()) {
          return Optional.empty();
        }
        out.put(member.getKey(), member.getValue().asText());
      }
      return root.isPresent() ? Optional.of(out) : Optional.empty();
    }
    return text.startsWith("<") ? xmlJobInfo(body) : Optional.empty();
  }

  private static Optional<Map<String, String>> xmlJobInfo(byte[] body) {
    XMLStreamReader xml = null;
    try {
      xml = SoapRequest.reader(body);
      Map<String, String> out = new HashMap<>();
      int depth = 0;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          return Optional.empty();
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          if (depth == 1 && !xml.getLocalName().equals("jobInfo")) {
            return Optional.empty();
          }
          if (depth == 2) {
            String name = xml.getLocalName();
            if (out.put(name, xml.getElementText().strip()) != null) {
              return Optional.empty(); // an element twice: ambiguous
            }
            depth--;
          } else if (depth > 2) {
            return Optional.empty();
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      return Optional.of(out);
    } catch (XMLStreamException | RuntimeException e) {
      return Optional.empty();
    } finally {
      SoapRequest.close(xml);
    }
  }
}
