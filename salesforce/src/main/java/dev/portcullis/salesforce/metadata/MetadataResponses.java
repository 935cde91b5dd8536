package dev.portcullis.salesforce.metadata;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.SalesforceId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the {@code result} elements of Metadata API responses into their records, by the field
 * names of the Metadata API Developer Guide (meta_asyncresult.htm, meta_deployresult.htm,
 * meta_canceldeployresult.htm, meta_retrieveresult.htm, meta_fileproperties.htm,
 * meta_describeMetadata.htm; RunTestsResult from the SOAP API guide).
 *
 * <p>Fail closed: the fields a caller decides on ({@code id}, {@code done}, {@code status}) must be
 * present, an id must be a Salesforce id, a boolean {@code true}/{@code false}/{@code 1}/{@code 0},
 * a number a number, a date an {@code xsd:dateTime}, a status one the guide lists; anything else is
 * {@link SalesforceErrorCode#PROTOCOL_BAD_RESPONSE} naming the element. Elements this client does
 * not know are ignored (Salesforce adds fields in new versions); optional ones may be absent or
 * {@code xsi:nil}.
 */
final class MetadataResponses {
  private MetadataResponses() {}

  static AsyncResult asyncResult(XmlElement result, String where) {
    return new AsyncResult(id(result, "AsyncResult", where), requiredBoolean(result, "done", "AsyncResult", where),
        text(result, "state"));
  }

  static CancelDeployResult cancelDeployResult(XmlElement result, String where) {
    return new CancelDeployResult(id(result, "CancelDeployResult", where), requiredBoolean(result, "done", "CancelDeployResult", where));
  }

  /** {@code deployRecentValidation} answers the new deploy's id as the result's text. */
  static String deployId(XmlElement result, String where) {
    String id = result.text().strip();
    if (!SalesforceId.isValid(id)) {
      throw bad("deployRecentValidation result '" + snippet(id) + "' is not a deploy id", where);
    }
    return id;
  }

  static DeployResult deployResult(XmlElement r, String where) {
    String type = "DeployResult";
    DeployResult.Status status = enumValue(r, "status", DeployResult.Status.class, type, where);
    boolean done = requiredBoolean(r, "done", type, where);
    if (done != status.isFinal()) {
      throw bad(type + " says done=" + done + " with status " + status, where);
    }
    boolean successful = status == DeployResult.Status.Succeeded || status == DeployResult.Status.SucceededPartial;
    // A missing success is derived from the status; a present one must agree with it.
    boolean success = optionalBoolean(r, "success", type, where).orElse(successful);
    if (success && !successful) {
      throw bad(type + " says success=true with status " + status, where);
    }
    List<DeployMessage> successes = new ArrayList<>();
    List<DeployMessage> failures = new ArrayList<>();
    List<RunTestsResult> tests = new ArrayList<>();
    for (XmlElement details : r.all("details")) {
      details.all("componentSuccesses").forEach(m -> successes.add(deployMessage(m, where)));
      details.all("componentFailures").forEach(m -> failures.add(deployMessage(m, where)));
      details.child("runTestResult").ifPresent(t -> tests.add(runTestsResult(t, where)));
    }
    return new DeployResult(id(r, type, where), status, done, success,
        bool(r, "checkOnly", type, where), bool(r, "ignoreWarnings", type, where), bool(r, "rollbackOnError", type, where),
        bool(r, "runTestsEnabled", type, where), text(r, "stateDetail"), text(r, "errorMessage"), text(r, "errorStatusCode"),
        integer(r, "numberComponentsDeployed", type, where), integer(r, "numberComponentErrors", type, where),
        integer(r, "numberComponentsTotal", type, where), integer(r, "numberTestsCompleted", type, where),
        integer(r, "numberTestErrors", type, where), integer(r, "numberTestsTotal", type, where),
        text(r, "createdBy"), text(r, "createdByName"), date(r, "createdDate", type, where), date(r, "startDate", type, where),
        date(r, "lastModifiedDate", type, where), date(r, "completedDate", type, where),
        text(r, "canceledBy"), text(r, "canceledByName"), successes, failures,
        tests.isEmpty() ? RunTestsResult.NONE : tests.get(0));
  }

  static DeployMessage deployMessage(XmlElement m, String where) {
    String type = "DeployMessage";
    return new DeployMessage(text(m, "componentType"), text(m, "fullName"), text(m, "fileName"), text(m, "id"),
        bool(m, "success", type, where), bool(m, "created", type, where), bool(m, "changed", type, where),
        bool(m, "deleted", type, where), text(m, "problem"), text(m, "problemType"),
        position(m, "lineNumber", type, where), position(m, "columnNumber", type, where), date(m, "createdDate", type, where));
  }

  static RunTestsResult runTestsResult(XmlElement t, String where) {
    String type = "RunTestsResult";
    List<RunTestsResult.RunTestSuccess> successes = list(t, "successes", s -> new RunTestsResult.RunTestSuccess(
        text(s, "id"), text(s, "name"), text(s, "namespace"), text(s, "methodName"), decimal(s, "time", "RunTestSuccess", where)));
    List<RunTestsResult.RunTestFailure> failures = list(t, "failures", f -> new RunTestsResult.RunTestFailure(
        text(f, "id"), text(f, "name"), text(f, "namespace"), text(f, "methodName"), text(f, "message"), text(f, "stackTrace"),
        text(f, "type"), decimal(f, "time", "RunTestFailure", where)));
    List<RunTestsResult.CodeCoverageResult> coverage = list(t, "codeCoverage", c -> new RunTestsResult.CodeCoverageResult(
        text(c, "id"), text(c, "name"), text(c, "namespace"), text(c, "type"), integer(c, "numLocations", "CodeCoverageResult", where),
        integer(c, "numLocationsNotCovered", "CodeCoverageResult", where),
        list(c, "locationsNotCovered", l -> new RunTestsResult.CodeLocation(position(l, "line", "CodeLocation", where),
            position(l, "column", "CodeLocation", where), integer(l, "numExecutions", "CodeLocation", where),
            decimal(l, "time", "CodeLocation", where)))));
    List<RunTestsResult.CodeCoverageWarning> warnings = list(t, "codeCoverageWarnings", w -> new RunTestsResult.CodeCoverageWarning(
        text(w, "id"), text(w, "name"), text(w, "namespace"), text(w, "message")));
    return new RunTestsResult(integer(t, "numTestsRun", type, where), integer(t, "numFailures", type, where),
        decimal(t, "totalTime", type, where), successes, failures, coverage, warnings);
  }

  /**
   * @param maxZipBytes the largest zip accepted once decoded; larger is refused before decoding
   */
  static RetrieveResult retrieveResult(XmlElement r, long maxZipBytes, String where) {
    String type = "RetrieveResult";
    RetrieveResult.Status status = enumValue(r, "status", RetrieveResult.Status.class, type, where);
    boolean done = requiredBoolean(r, "done", type, where);
    if (done != status.isFinal()) {
      throw bad(type + " says done=" + done + " with status " + status, where);
    }
    boolean success = optionalBoolean(r, "success", type, where).orElse(status == RetrieveResult.Status.Succeeded);
    if (success && status != RetrieveResult.Status.Succeeded) {
      throw bad(type + " says success=true with status " + status, where);
    }
    Optional<byte[]> zip = r.text("zipFile").map(text -> decodeZip(text, maxZipBytes, where));
    return new RetrieveResult(id(r, type, where), status, done, success, text(r, "errorMessage"), text(r, "errorStatusCode"),
        list(r, "fileProperties", f -> fileProperties(f, where)),
        list(r, "messages", m -> new RetrieveResult.RetrieveMessage(text(m, "fileName"), text(m, "problem"))), zip);
  }

  static FileProperties fileProperties(XmlElement f, String where) {
    String type = "FileProperties";
    return new FileProperties(text(f, "type"), text(f, "fullName"), text(f, "fileName"), text(f, "id"),
        text(f, "namespacePrefix"), text(f, "manageableState"), text(f, "createdById"), text(f, "createdByName"),
        date(f, "createdDate", type, where), text(f, "lastModifiedById"), text(f, "lastModifiedByName"),
        date(f, "lastModifiedDate", type, where));
  }

  static DescribeMetadataResult describeMetadataResult(XmlElement r, String where) {
    String type = "DescribeMetadataResult";
    List<DescribeMetadataResult.DescribeMetadataObject> objects = list(r, "metadataObjects", o -> {
      String xmlName = text(o, "xmlName");
      if (xmlName.isEmpty()) {
        throw bad("DescribeMetadataObject has no xmlName", where);
      }
      return new DescribeMetadataResult.DescribeMetadataObject(xmlName, text(o, "directoryName"), text(o, "suffix"),
          bool(o, "inFolder", "DescribeMetadataObject", where), bool(o, "metaFile", "DescribeMetadataObject", where),
          o.all("childXmlNames").stream().map(XmlElement::text).toList());
    });
    return new DescribeMetadataResult(objects, text(r, "organizationNamespace"), bool(r, "partialSaveAllowed", type, where),
        bool(r, "testRequired", type, where));
  }

  /**
   * Decodes base64 (line breaks and spaces allowed, as SOAP writers may fold long values; any other
   * non-alphabet character refused) after checking that the decoded size cannot pass {@code max}.
   */
  static byte[] decodeZip(String base64, long max, String where) {
    StringBuilder compact = new StringBuilder(base64.length());
    long significant = 0;
    for (int i = 0; i < base64.length(); i++) {
      char c = base64.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        continue;
      }
      significant++;
      if (significant / 4 * 3 > max + 3) {
        throw bad("zipFile is larger than the limit of " + max + " bytes", where);
      }
      compact.append(c);
    }
    byte[] zip;
    try {
      zip = Base64.getDecoder().decode(compact.toString());
    } catch (IllegalArgumentException e) {
      throw bad("zipFile is not base64: " + e.getMessage(), where);
    }
    if (zip.length > max) {
      throw bad("zipFile is larger than the limit of " + max + " bytes", where);
    }
    return zip;
  }

  // ---------------------------------------------------------------------------------------------

  private static <T> List<T> list(XmlElement parent, String name, Function<XmlElement, T> read) {
    List<T> out = new ArrayList<>();
    for (XmlElement e : parent.all(name)) {
      out.add(read.apply(e));
    }
    return out;
  }

  private static String text(XmlElement parent, String name) {
    return parent.text(name).orElse("");
  }

  private static String id(XmlElement parent, String type, String where) {
    String id = parent.text("id").map(String::strip).orElseThrow(() -> bad(type + " has no id", where));
    if (!SalesforceId.isValid(id)) {
      throw bad(type + " id '" + snippet(id) + "' is not a Salesforce id", where);
    }
    return id;
  }

  private static boolean requiredBoolean(XmlElement parent, String name, String type, String where) {
    return optionalBoolean(parent, name, type, where).orElseThrow(() -> bad(type + " has no '" + name + "'", where));
  }

  private static boolean bool(XmlElement parent, String name, String type, String where) {
    return optionalBoolean(parent, name, type, where).orElse(false);
  }

  private static Optional<Boolean> optionalBoolean(XmlElement parent, String name, String type, String where) {
    return parent.text(name).map(String::strip).map(v -> switch (v) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw bad(type + " '" + name + "' is '" + snippet(v) + "', not a boolean", where);
    });
  }

  private static int integer(XmlElement parent, String name, String type, String where) {
    Optional<String> value = parent.text(name).map(String::strip);
    if (value.isEmpty()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n < 0) {
        throw bad(type + " '" + name + "' is negative: " + n, where);
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad(type + " '" + name + "' is '" + snippet(value.get()) + "', not a whole number", where);
    }
  }

  /** A line or column: a negative one means unknown, as an absent one does (0). */
  private static int position(XmlElement parent, String name, String type, String where) {
    Optional<String> value = parent.text(name).map(String::strip);
    if (value.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value.get()));
    } catch (NumberFormatException e) {
      throw bad(type + " '" + name + "' is '" + snippet(value.get()) + "', not a whole number", where);
    }
  }

  private static double decimal(XmlElement parent, String name, String type, String where) {
    Optional<String> value = parent.text(name).map(String::strip);
    if (value.isEmpty()) {
      return 0;
    }
    try {
      double d = Double.parseDouble(value.get());
      // Salesforce writes -1.0 for the time of a location not covered: negatives are fine, NaN and infinities not.
      if (!Double.isFinite(d) || value.get().matches(".*[^0-9.eE+-].*")) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw bad(type + " '" + name + "' is '" + snippet(value.get()) + "', not a number", where);
    }
  }

  private static Instant date(XmlElement parent, String name, String type, String where) {
    Optional<String> value = parent.text(name).map(String::strip);
    if (value.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.get()).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(type + " '" + name + "' is '" + snippet(value.get()) + "', not an xsd:dateTime", where);
    }
  }

  private static <E extends Enum<E>> E enumValue(XmlElement parent, String name, Class<E> values, String type, String where) {
    String value = parent.text(name).map(String::strip).orElseThrow(() -> bad(type + " has no '" + name + "'", where));
    for (E e : values.getEnumConstants()) {
      if (e.name().equals(value)) {
        return e;
      }
    }
    throw bad(type + " '" + name + "' is '" + snippet(value) + "', not one of " + java.util.Arrays.toString(values.getEnumConstants()), where);
  }

  static String snippet(String text) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 100) + "…";
  }

  /** One line, at most 500 characters: for fault strings and bodies in messages. */
  static String snippetLong(String text) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "…";
  }

  static SalesforceException bad(String problem, String where) {
    return new SalesforceException(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE, problem + " (" + where + ")");
  }
}
