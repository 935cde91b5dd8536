package dev.portcullis.salesforce.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.SalesforceId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A client for Salesforce's Metadata API over SOAP ({@code POST /services/Soap/m/NN.0} on the
 * instance URL; Metadata API Developer Guide, "Metadata API Calls"): deploy, status, cancel, quick
 * deploy, retrieve, listMetadata and describeMetadata.
 *
 * <h2>Design note</h2>
 *
 * <ul>
 *   <li><b>The session goes only in {@code SessionHeader/sessionId}</b> (meta_sessionheader.htm;
 *       Metadata calls carry no {@code Authorization} header), asked from the supplier at each
 *       call, so a broker can hand out a fresh one after {@code METADATA_INVALID_SESSION_ID}. It
 *       never appears in a message, a {@code toString} or a log line: this class logs nothing, and
 *       any echo of it in an error body is blanked.
 *   <li><b>The zip is streamed.</b> {@link #deploy(Path, DeployOptions)} reads the file while the
 *       request is sent, base64-encoding it block by block between the envelope's head and tail,
 *       with an exact Content-Length; the zip is never held twice (or, from a file, at all).
 *   <li><b>Responses are untrusted.</b> At most {@link Builder#maxResponseBytes} are read; XML is
 *       parsed with DTDs and external entities off ({@link XmlElement}); a retrieved zip is
 *       size-checked before it is decoded ({@link Builder#maxZipBytes}); fields a caller decides
 *       on are required and checked ({@link MetadataResponses}).
 *   <li><b>Errors</b>: a SOAP fault is a {@link SalesforceException} with a {@code METADATA_*}
 *       code and the fault code verbatim in {@code errors()}; an HTTP error without a fault is
 *       {@code SERVER_ERROR} (5xx) or {@code PROTOCOL_BAD_RESPONSE} with the status and the start
 *       of the body; I/O failures are {@code TRANSPORT_*}. Messages name the operation and URL.
 *   <li><b>No retries</b>, except that {@link #awaitDeploy} and {@link #awaitRetrieve} poll: when
 *       and how often is the caller's policy. Waiting uses the injected {@link Clock} and {@link
 *       Sleeper}, so tests never sleep.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class MetadataClient {
  /** The API version used unless another is given: Spring '26. */
  public static final String DEFAULT_API_VERSION = "66.0";
  /** Salesforce retrieves at most 39 MB compressed (meta_retrieve.htm); room above that. */
  public static final long DEFAULT_MAX_ZIP_BYTES = 64L << 20;

  private static final Pattern API_VERSION = Pattern.compile("[1-9][0-9]{1,2}\\.0");
  private static final Pattern SESSION = Pattern.compile("[\\x21-\\x7e]+");

  /** Waits between polls. {@code Thread::sleep} in production; tests move a clock instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final URI endpoint;
  private final String apiVersion;
  private final Supplier<String> sessionId;
  private final HttpClient httpClient;
  private final Duration requestTimeout;
  private final int maxResponseBytes;
  private final long maxZipBytes;
  final Clock clock;
  final Sleeper sleeper;
  final Duration firstPollInterval;
  final Duration maxPollInterval;

  private MetadataClient(Builder b) {
    this.endpoint = URI.create(baseUrl(b.instanceUrl) + "/services/Soap/m/" + b.apiVersion);
    this.apiVersion = b.apiVersion;
    this.sessionId = b.sessionId;
    this.httpClient = b.httpClient;
    this.requestTimeout = b.requestTimeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.maxZipBytes = b.maxZipBytes;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.firstPollInterval = b.firstPollInterval;
    this.maxPollInterval = b.maxPollInterval;
  }

  /**
   * @param instanceUrl the org's instance URL, e.g. {@code https://acme.my.salesforce.com}
   * @param sessionId asked for the session (access token) at each call
   * @param httpClient the client to send with; its connect timeout, TLS and redirect policy apply
   */
  public static Builder builder(URI instanceUrl, Supplier<String> sessionId, HttpClient httpClient) {
    return new Builder(instanceUrl, sessionId, httpClient);
  }

  /** The SOAP endpoint, {@code https://host/services/Soap/m/66.0}. */
  public URI endpoint() {
    return endpoint;
  }

  public String apiVersion() {
    return apiVersion;
  }

  /**
   * {@code deploy(base64 zipFile, DeployOptions)}: starts deploying the zip at {@code zipFile},
   * streamed from the file (Metadata API Developer Guide, "deploy()", meta_deploy.htm). Poll the
   * id with {@link #checkDeployStatus} or {@link #awaitDeploy}.
   */
  public AsyncResult deploy(Path zipFile, DeployOptions options) {
    long size;
    try {
      size = Files.size(zipFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the zip to deploy: " + zipFile, e);
    }
    return deploy(() -> {
      try {
        return Files.newInputStream(zipFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the zip to deploy: " + zipFile, e);
      }
    }, size, options);
  }

  /** {@code deploy()} of a zip in memory; see {@link #deploy(Path, DeployOptions)}. */
  public AsyncResult deploy(byte[] zip, DeployOptions options) {
    Objects.requireNonNull(zip, "zip");
    return deploy(() -> new ByteArrayInputStream(zip), zip.length, options);
  }

  private AsyncResult deploy(Supplier<InputStream> zip, long size, DeployOptions options) {
    Objects.requireNonNull(options, "options");
    if (size == 0) {
      throw new IllegalArgumentException("the zip to deploy is empty");
    }
    String session = session();
    byte[] head = SoapEnvelope.open(session, "deploy").start("ZipFile").opened().getBytes(UTF_8);
    byte[] tail = deployTail(options).getBytes(UTF_8);
    long length = head.length + Base64EncodingInputStream.encodedLength(size) + tail.length;
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(List.of(
            new ByteArrayInputStream(head), new Base64EncodingInputStream(zip.get(), size), new ByteArrayInputStream(tail))))),
        length);
    return MetadataResponses.asyncResult(result(call("deploy", body, session)), where("deploy"));
  }

  /** Everything after the base64: {@code </ZipFile><DeployOptions>…</DeployOptions></deploy>…}. */
  static String deployTail(DeployOptions o) {
    SoapEnvelope e = SoapEnvelope.fragment();
    e.end("ZipFile").start("DeployOptions")
        .element("allowMissingFiles", o.allowMissingFiles())
        .element("autoUpdatePackage", o.autoUpdatePackage())
        .element("checkOnly", o.checkOnly())
        .element("ignoreWarnings", o.ignoreWarnings())
        .element("performRetrieve", o.performRetrieve())
        .element("purgeOnDelete", o.purgeOnDelete())
        .element("rollbackOnError", o.rollbackOnError())
        .elements("runTests", o.runTests())
        .element("singlePackage", o.singlePackage());
    o.testLevel().ifPresent(level -> e.element("testLevel", level.name()));
    e.end("DeployOptions");
    return e.closed("deploy");
  }

  /**
   * {@code checkDeployStatus(ID asyncProcessId, boolean includeDetails)}: where a deploy is
   * (meta_checkdeploystatus.htm). With details: component successes and failures, test results and
   * coverage (component failures come without as well).
   */
  public DeployResult checkDeployStatus(String deployId, boolean includeDetails) {
    String session = session();
    String xml = SoapEnvelope.open(session, "checkDeployStatus")
        .element("asyncProcessId", requireId(deployId, "deploy"))
        .element("includeDetails", includeDetails)
        .closed("checkDeployStatus");
    return MetadataResponses.deployResult(result(call("checkDeployStatus", xml, session)), where("checkDeployStatus"));
  }

  /**
   * Polls {@link #checkDeployStatus} with details until the deploy is done or {@code maxWait} has
   * passed on the clock, waiting {@link Builder#pollInterval first} and growing by half each time
   * up to the maximum. {@code progress} hears after each poll that changed something: counts,
   * status, and the component and test failures that appeared since, each once.
   *
   * @return the last result: {@code done()} is false when the wait ran out first (the deploy goes on)
   */
  public DeployResult awaitDeploy(String deployId, Duration maxWait, Consumer<DeployProgress> progress) {
    return new DeployWatch(this, requireId(deployId, "deploy"), progress).await(maxWait);
  }

  /**
   * {@code cancelDeploy(ID id)} (meta_canceldeploy.htm). A queued deploy is canceled at once; a
   * running one becomes {@code Canceling}. A finished one is the fault {@code INVALID_ID_FIELD}.
   */
  public CancelDeployResult cancelDeploy(String deployId) {
    String session = session();
    // The WSDL names the parameter "String" (cancelDeploy(string id)).
    String xml = SoapEnvelope.open(session, "cancelDeploy").element("String", requireId(deployId, "deploy")).closed("cancelDeploy");
    return MetadataResponses.cancelDeployResult(result(call("cancelDeploy", xml, session)), where("cancelDeploy"));
  }

  /**
   * {@code deployRecentValidation(ID validationId)}: quick-deploys a check-only deploy that
   * succeeded with tests in the last 10 days (meta_deployRecentValidation.htm).
   *
   * @return the id of the new deploy, to poll
   */
  public String deployRecentValidation(String validationId) {
    String session = session();
    String xml = SoapEnvelope.open(session, "deployRecentValidation")
        .element("validationId", requireId(validationId, "validation")).closed("deployRecentValidation");
    return MetadataResponses.deployId(result(call("deployRecentValidation", xml, session)), where("deployRecentValidation"));
  }

  /**
   * {@code retrieve(RetrieveRequest retrieveRequest)}: starts retrieving an unpackaged manifest
   * (meta_retrieve.htm). Poll the id with {@link #checkRetrieveStatus} or {@link #awaitRetrieve}.
   */
  public AsyncResult retrieve(RetrieveRequest request) {
    Objects.requireNonNull(request, "request");
    String session = session();
    SoapEnvelope e = SoapEnvelope.open(session, "retrieve").start("retrieveRequest")
        .element("apiVersion", request.apiVersion())
        .element("singlePackage", request.singlePackage())
        .start("unpackaged");
    for (RetrieveRequest.PackageTypeMembers types : request.types()) {
      // PackageTypeMembers: members before name, as in the WSDL and in package.xml.
      e.start("types").elements("members", types.members()).element("name", types.name()).end("types");
    }
    String xml = e.element("version", request.apiVersion()).end("unpackaged").end("retrieveRequest").closed("retrieve");
    return MetadataResponses.asyncResult(result(call("retrieve", xml, session)), where("retrieve"));
  }

  /**
   * {@code checkRetrieveStatus(ID asyncProcessId, boolean includeZip)} (meta_checkretrievestatus.htm).
   * The zip comes when the retrieve is done and {@code includeZip}; larger than {@link
   * Builder#maxZipBytes} it is refused.
   */
  public RetrieveResult checkRetrieveStatus(String retrieveId, boolean includeZip) {
    String session = session();
    String xml = SoapEnvelope.open(session, "checkRetrieveStatus")
        .element("asyncProcessId", requireId(retrieveId, "retrieve"))
        .element("includeZip", includeZip)
        .closed("checkRetrieveStatus");
    return MetadataResponses.retrieveResult(result(call("checkRetrieveStatus", xml, session)), maxZipBytes, where("checkRetrieveStatus"));
  }

  /**
   * Polls {@link #checkRetrieveStatus} with the zip until done or {@code maxWait} has passed, with
   * the same backoff as {@link #awaitDeploy}.
   *
   * @return the last result: {@code done()} is false when the wait ran out first
   */
  public RetrieveResult awaitRetrieve(String retrieveId, Duration maxWait) {
    requireId(retrieveId, "retrieve");
    return DeployWatch.poll(this, maxWait, () -> checkRetrieveStatus(retrieveId, true), RetrieveResult::done);
  }

  /**
   * {@code listMetadata(ListMetadataQuery[] queries, double asOfVersion)}: the components of up to
   * three types (meta_listmetadata.htm), as of this client's API version.
   */
  public List<FileProperties> listMetadata(List<ListMetadataQuery> queries) {
    if (queries.isEmpty() || queries.size() > 3) {
      throw new IllegalArgumentException("listMetadata takes 1 to 3 queries, got " + queries.size());
    }
    String session = session();
    SoapEnvelope e = SoapEnvelope.open(session, "listMetadata");
    for (ListMetadataQuery query : queries) {
      e.start("queries");
      query.folder().ifPresent(folder -> e.element("folder", folder));
      e.element("type", query.type()).end("queries");
    }
    String xml = e.element("asOfVersion", apiVersion).closed("listMetadata");
    XmlElement response = call("listMetadata", xml, session);
    String where = where("listMetadata");
    return response.all("result").stream().map(r -> MetadataResponses.fileProperties(r, where)).toList();
  }

  /** {@code describeMetadata(double asOfVersion)}: the metadata types the org serves (meta_describeMetadata.htm). */
  public DescribeMetadataResult describeMetadata() {
    String session = session();
    String xml = SoapEnvelope.open(session, "describeMetadata").element("asOfVersion", apiVersion).closed("describeMetadata");
    return MetadataResponses.describeMetadataResult(result(call("describeMetadata", xml, session)), where("describeMetadata"));
  }

  @Override
  public String toString() {
    return "MetadataClient[" + endpoint + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private XmlElement call(String operation, String envelope, String session) {
    return call(operation, HttpRequest.BodyPublishers.ofString(envelope, UTF_8), session);
  }

  /**
   * Sends one call; answers the {@code <operationResponse>} element of a 200 answer, or throws the
   * fault, the HTTP error or the protocol error.
   */
  private XmlElement call(String operation, HttpRequest.BodyPublisher body, String session) {
    String where = where(operation);
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(requestTimeout)
        .header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "\"\"")
        .header("Accept", "text/xml")
        .POST(body)
        .build();
    int status;
    byte[] bytes;
    try {
      HttpResponse<InputStream> response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      try (InputStream in = response.body()) {
        bytes = in.readNBytes(maxResponseBytes + 1);
      }
    } catch (UncheckedIOException e) {
      throw new SalesforceException(SalesforceErrorCode.TRANSPORT_UNAVAILABLE, e.getMessage() + " (" + where + ")", e);
    } catch (IOException e) {
      if (e.getCause() instanceof UncheckedIOException unreadable) {
        throw new SalesforceException(SalesforceErrorCode.TRANSPORT_UNAVAILABLE, unreadable.getMessage() + " (" + where + ")", e);
      }
      throw SalesforceException.transportFailure("POST", endpoint, e);
    } catch (InterruptedException e) {
      throw SalesforceException.interrupted("POST", endpoint, e);
    }
    if (bytes.length > maxResponseBytes) {
      throw new SalesforceException(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
          "response body larger than " + maxResponseBytes + " bytes (" + where + ", HTTP " + status + ")", status, List.of(), null);
    }
    XmlElement envelope;
    try {
      envelope = XmlElement.parse(bytes);
    } catch (XmlElement.MalformedXmlException e) {
      throw httpError(status, bytes, where, session, e.getMessage());
    }
    if (!SoapFaults.isEnvelope(envelope)) {
      throw httpError(status, bytes, where, session, "the root element is {" + envelope.namespace() + "}" + envelope.name()
          + ", not a SOAP 1.1 Envelope");
    }
    var fault = SoapFaults.find(envelope);
    if (fault.isPresent()) {
      throw SoapFaults.toException(fault.get(), status, where, session);
    }
    if (status != 200) {
      throw httpError(status, bytes, where, session, "a SOAP answer without a fault");
    }
    List<XmlElement> bodyElements = envelope.child("Body").map(XmlElement::children).orElse(List.of());
    if (bodyElements.isEmpty()) {
      throw MetadataResponses.bad("the SOAP Body is missing or empty", where + ", HTTP 200");
    }
    XmlElement answer = bodyElements.get(0);
    if (!answer.name().equals(operation + "Response") || !SoapEnvelope.METADATA_NS.equals(answer.namespace())) {
      throw MetadataResponses.bad("expected {" + SoapEnvelope.METADATA_NS + "}" + operation + "Response, got {" + answer.namespace()
          + "}" + answer.name(), where + ", HTTP 200");
    }
    return answer;
  }

  private SalesforceException httpError(int status, byte[] body, String where, String session, String problem) {
    String place = " (" + where + ", HTTP " + status + ")";
    String snippet = SoapFaults.scrub(MetadataResponses.snippet(new String(body, 0, Math.min(body.length, 4096), UTF_8)), session);
    if (snippet.isEmpty()) {
      snippet = "(empty body)";
    }
    if (status >= 500) {
      return new SalesforceException(SalesforceErrorCode.SERVER_ERROR, "Salesforce failed: " + snippet + place, status, List.of(), null);
    }
    if (status != 200) {
      return new SalesforceException(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
          "HTTP " + status + " without a SOAP fault: " + snippet + place, status, List.of(), null);
    }
    return new SalesforceException(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE,
        "the answer is not a SOAP envelope: " + problem + "; body starts " + snippet + place, status, List.of(), null);
  }

  /** The single {@code result} of a response. */
  private XmlElement result(XmlElement response) {
    List<XmlElement> results = response.all("result");
    if (results.size() != 1) {
      String operation = response.name().substring(0, response.name().length() - "Response".length());
      throw MetadataResponses.bad(response.name() + " holds " + results.size() + " result elements, expected 1", where(operation));
    }
    return results.get(0);
  }

  private String where(String operation) {
    return "POST " + endpoint + " " + operation;
  }

  private String session() {
    String session = sessionId.get();
    if (session == null || !SESSION.matcher(session).matches()) {
      throw new IllegalStateException("the session supplier returned no usable session id (null, empty or with spaces)");
    }
    return session;
  }

  private static String requireId(String id, String what) {
    if (!SalesforceId.isValid(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a " + what + " id (15 or 18 letters and digits)");
    }
    return id;
  }

  private static String baseUrl(URI instanceUrl) {
    return dev.portcullis.salesforce.InstanceUrls.base(instanceUrl);
  }


  /** Builds a {@link MetadataClient}. */
  public static final class Builder {
    private final URI instanceUrl;
    private final Supplier<String> sessionId;
    private final HttpClient httpClient;
    private String apiVersion = DEFAULT_API_VERSION;
    private Duration requestTimeout = Duration.ofSeconds(120);
    private int maxResponseBytes = 96 << 20;
    private long maxZipBytes = DEFAULT_MAX_ZIP_BYTES;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Thread::sleep;
    private Duration firstPollInterval = Duration.ofSeconds(1);
    private Duration maxPollInterval = Duration.ofSeconds(10);

    private Builder(URI instanceUrl, Supplier<String> sessionId, HttpClient httpClient) {
      baseUrl(instanceUrl);
      this.instanceUrl = instanceUrl;
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /** E.g. {@code 66.0}; the default is {@link #DEFAULT_API_VERSION}. */
    public Builder apiVersion(String value) {
      if (value == null || !API_VERSION.matcher(value).matches()) {
        throw new IllegalArgumentException("API version '" + value + "' is not of the form 66.0");
      }
      apiVersion = value;
      return this;
    }

    /** The longest wait for one complete response (default 120 s: a deploy request uploads the zip). */
    public Builder requestTimeout(Duration value) {
      requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    /** The largest response body read (default 96 MiB, room for a 64 MiB zip in base64). */
    public Builder maxResponseBytes(int value) {
      if (value < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024, was " + value);
      }
      maxResponseBytes = value;
      return this;
    }

    /** The largest retrieved zip accepted, decoded (default {@link #DEFAULT_MAX_ZIP_BYTES}). */
    public Builder maxZipBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxZipBytes must be positive, was " + value);
      }
      maxZipBytes = value;
      return this;
    }

    /** The clock the await methods measure their wait on. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** How the await methods wait between polls. */
    public Builder sleeper(Sleeper value) {
      sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** The first wait between polls and the largest (defaults 1 s and 10 s); each wait is 1.5 times the last. */
    public Builder pollInterval(Duration first, Duration max) {
      positive(first, "first poll interval");
      positive(max, "max poll interval");
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException("the max poll interval " + max + " is shorter than the first " + first);
      }
      firstPollInterval = first;
      maxPollInterval = max;
      return this;
    }

    public MetadataClient build() {
      return new MetadataClient(this);
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + value);
      }
      return value;
    }
  }
}
