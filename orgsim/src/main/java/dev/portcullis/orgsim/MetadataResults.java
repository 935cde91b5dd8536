package dev.portcullis.orgsim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Metadata API's result objects as ordered trees of maps, lists and values, rendered by {@link
 * SoapXml} for SOAP and by Jackson ({@link #json}) for the REST {@code deployRequest} resource, so
 * both bindings answer the same fields. Fields are in alphabetical order, as Salesforce writes them:
 * DeployResult, DeployDetails, DeployMessage, RunTestsResult (meta_deployresult.htm), RetrieveResult
 * and FileProperties (meta_retrieveresult.htm, meta_fileproperties.htm), AsyncResult
 * (meta_asyncresult.htm). A {@code null} value is left out of SOAP and written as {@code null} in
 * JSON.
 */
final class MetadataResults {
  private static final DateTimeFormatter SOAP_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** REST dates as the REST API writes them: {@code 2026-11-28T12:00:00.000+0000}. */
  private static final DateTimeFormatter REST_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
      .withZone(ZoneOffset.UTC);

  private final OrgState org;

  MetadataResults(OrgState org) {
    this.org = org;
  }

  /** AsyncResult of {@code deploy()} and {@code retrieve()}: queued. */
  static Map<String, Object> queued(String id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("done", false);
    m.put("id", id);
    m.put("state", "Queued");
    return m;
  }

  /**
   * DeployResult. {@code details} holds componentSuccesses and runTestResult only with {@code
   * includeDetails}; componentFailures always (a failed deploy is useless without them). With
   * {@code alwaysDetails} (REST) an empty {@code details} object is written when none is asked for.
   */
  Map<String, Object> deployResult(Deployments.Request r, boolean includeDetails, boolean alwaysDetails) {
    synchronized (org.deployments) { // a concurrent poll may be completing the same request
      return deployResultLocked(r, includeDetails, alwaysDetails);
    }
  }

  private Map<String, Object> deployResultLocked(Deployments.Request r, boolean includeDetails, boolean alwaysDetails) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("canceledBy", r.canceledBy);
    m.put("canceledByName", r.canceledBy == null ? null : org.userName(r.canceledBy));
    m.put("checkOnly", r.options.checkOnly());
    m.put("completedDate", r.completedDate);
    m.put("createdBy", r.createdBy);
    m.put("createdByName", org.userName(r.createdBy));
    m.put("createdDate", r.createdDate);
    if (includeDetails || alwaysDetails || !r.failures.isEmpty()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("componentFailures", r.failures.stream().map(MetadataResults::message).toList());
      details.put("componentSuccesses", includeDetails ? r.successes.stream().map(MetadataResults::message).toList()
          : List.of());
      if (includeDetails || alwaysDetails) {
        details.put("runTestResult", runTestResult(r.tests));
      }
      m.put("details", details);
    }
    m.put("done", r.status.done());
    m.put("errorMessage", r.errorMessage);
    m.put("errorStatusCode", r.errorStatusCode);
    m.put("id", r.id);
    m.put("ignoreWarnings", r.options.ignoreWarnings());
    m.put("lastModifiedDate", r.lastModifiedDate);
    m.put("numberComponentErrors", r.failures.size());
    m.put("numberComponentsDeployed", r.componentsDeployed());
    m.put("numberComponentsTotal", r.componentsTotal);
    m.put("numberTestErrors", r.tests.failures().size());
    m.put("numberTestsCompleted", r.tests.successes().size());
    m.put("numberTestsTotal", r.tests.numRun());
    m.put("rollbackOnError", r.options.rollbackOnError());
    m.put("runTestsEnabled", r.runTestsEnabled);
    m.put("startDate", r.startDate);
    m.put("stateDetail", r.status == Deployments.Status.InProgress ? "Processing Type: "
        + (r.contents == null || r.contents.components().isEmpty() ? "Package"
            : r.contents.components().get(0).type().xmlName()) : null);
    m.put("status", r.status.name());
    m.put("success", r.status == Deployments.Status.Succeeded || r.status == Deployments.Status.SucceededPartial);
    return m;
  }

  private static Map<String, Object> message(Deployments.Message msg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("changed", msg.changed());
    m.put("columnNumber", msg.columnNumber() > 0 ? msg.columnNumber() : null);
    m.put("componentType", msg.componentType());
    m.put("created", msg.created());
    m.put("createdDate", msg.createdDate());
    m.put("deleted", msg.deleted());
    m.put("fileName", msg.fileName());
    m.put("fullName", msg.fullName());
    m.put("id", msg.id());
    m.put("lineNumber", msg.lineNumber() > 0 ? msg.lineNumber() : null);
    m.put("problem", msg.problem());
    m.put("problemType", msg.problemType());
    m.put("success", msg.success());
    return m;
  }

  private static Map<String, Object> runTestResult(ApexTests.Run run) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("codeCoverage", List.of());
    m.put("codeCoverageWarnings", List.of());
    List<Object> failures = new ArrayList<>();
    for (ApexTests.Outcome o : run.failures()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("id", o.classId());
      f.put("message", o.message());
      f.put("methodName", o.methodName());
      f.put("name", o.className());
      f.put("namespace", null);
      f.put("stackTrace", "Class." + o.className() + "." + o.methodName() + ": line " + o.line() + ", column 1");
      f.put("time", ApexTests.MILLIS_PER_TEST);
      f.put("type", "Class");
      failures.add(f);
    }
    m.put("failures", failures);
    m.put("flowCoverage", List.of());
    m.put("flowCoverageWarnings", List.of());
    m.put("numFailures", run.failures().size());
    m.put("numTestsRun", run.numRun());
    List<Object> successes = new ArrayList<>();
    for (ApexTests.Outcome o : run.successes()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", o.classId());
      s.put("methodName", o.methodName());
      s.put("name", o.className());
      s.put("namespace", null);
      s.put("time", ApexTests.MILLIS_PER_TEST);
      successes.add(s);
    }
    m.put("successes", successes);
    m.put("totalTime", run.totalTimeMillis());
    return m;
  }

  /** RetrieveResult; {@code zipFile} only when done and {@code includeZip}. */
  Map<String, Object> retrieveResult(Retrievals.Request r, boolean includeZip) {
    synchronized (org.retrievals) {
      return retrieveResultLocked(r, includeZip);
    }
  }

  private Map<String, Object> retrieveResultLocked(Retrievals.Request r, boolean includeZip) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("done", r.done());
    m.put("fileProperties", r.files.stream().map(this::fileProperties).toList());
    m.put("id", r.id);
    List<Object> messages = new ArrayList<>();
    for (Retrievals.Problem p : r.messages) {
      Map<String, Object> msg = new LinkedHashMap<>();
      msg.put("fileName", p.fileName());
      msg.put("problem", p.problem());
      messages.add(msg);
    }
    m.put("messages", messages);
    m.put("status", r.status.name());
    m.put("success", r.status == Retrievals.Status.Succeeded);
    m.put("zipFile", r.done() && includeZip && r.zip != null ? Base64.getEncoder().encodeToString(r.zip) : null);
    return m;
  }

  Map<String, Object> fileProperties(Retrievals.FileProperties f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("createdById", f.createdById());
    m.put("createdByName", org.userName(f.createdById()));
    m.put("createdDate", f.createdDate());
    m.put("fileName", f.fileName());
    m.put("fullName", f.fullName());
    m.put("id", f.id());
    m.put("lastModifiedById", f.lastModifiedById());
    m.put("lastModifiedByName", org.userName(f.lastModifiedById()));
    m.put("lastModifiedDate", f.lastModifiedDate());
    m.put("manageableState", "unmanaged");
    m.put("type", f.type());
    return m;
  }

  /** FileProperties of a stored component (listMetadata). */
  Map<String, Object> fileProperties(MetadataComponent c) {
    return fileProperties(new Retrievals.FileProperties(c.createdById(), c.createdDate(), c.type().mainFile(c.fullName()),
        c.fullName(), c.id(), c.lastModifiedById(), c.lastModifiedDate(), c.type().xmlName()));
  }

  static String soapDate(Instant instant) {
    return SOAP_DATE.format(instant);
  }

  /** {@code tree} with its dates as the REST API writes them, ready for Jackson. */
  static Object json(Object tree) {
    if (tree instanceof Instant instant) {
      return REST_DATE.format(instant);
    }
    if (tree instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, json(v)));
      return out;
    }
    if (tree instanceof List<?> list) {
      return list.stream().map(MetadataResults::json).toList();
    }
    return tree;
  }
}
