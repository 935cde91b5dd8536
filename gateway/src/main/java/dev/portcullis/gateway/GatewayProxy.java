package dev.portcullis.gateway;

import dev.portcullis.identity.ClientCertificateVerifier;
import dev.portcullis.identity.broker.Authentication;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.Obligation;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.store.Session;
import dev.portcullis.store.SessionTokens;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy enforcement point: a reverse proxy (Jetty's {@link ProxyHandler}, streaming both ways)
 * in front of Salesforce's APIs. For every request, in order, and failing closed at each step:
 *
 * <ol>
 *   <li>A session token in the query string ({@code access_token}, {@code sid}, {@code oauth_token})
 *       is refused: URLs end up in logs.
 *   <li>The session comes from {@code Authorization: Bearer} (or Salesforce's {@code OAuth} scheme)
 *       and must be active ({@link TokenBroker#authenticate}); otherwise the answer is Salesforce's own
 *       401 {@code INVALID_SESSION_ID}, so clients behave as they do with Salesforce. A session bound
 *       to a client certificate (RFC 8705) needs that certificate on the connection.
 *   <li>The request is classified ({@link RequestClassifier}); what is not recognised is denied as
 *       {@code unclassified}, never guessed.
 *   <li>Policy decides on the principal, the session, the request, the org and the principal's risk score
 *       ({@link TokenBroker#risk}). A deny is 403 {@code
 *       PORTCULLIS_DENIED} with the reason and the decision id. Obligations this gateway cannot honour
 *       yet deny the request.
 *   <li>The decision is recorded ({@link DecisionRecorder}) and forwarded only once it is durable.
 *   <li>The request goes to the session's org with the session's own Salesforce token: the client's
 *       {@code Authorization} and cookies are never forwarded, nor are {@code Set-Cookie} answers
 *       returned. A revocation heard while the request runs aborts it.
 *   <li>The answer streams back through an {@link AnswerFilter}: fields under {@code redact_fields}
 *       redacted, links on the org's instance moved to the gateway ({@link #externalOrigin}).
 * </ol>
 */
public final class GatewayProxy extends ProxyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayProxy.class);
  private static final String UPSTREAM = GatewayProxy.class.getName() + ".upstream";
  private static final String EXCHANGE = GatewayProxy.class.getName() + ".exchange";
  private static final String REWRITTEN_QUERY = GatewayProxy.class.getName() + ".query";
  private static final String BODY = GatewayProxy.class.getName() + ".body";
  private static final String SOAP = GatewayProxy.class.getName() + ".soap";
  /** The client sent its session in X-SFDC-Session (Bulk API 1.0): the upstream token goes there. */
  private static final String SFDC_SESSION = GatewayProxy.class.getName() + ".sfdcSession";
  /** The first bytes of a body read to classify it; the rest streams after them. */
  private static final String BODY_START = GatewayProxy.class.getName() + ".bodyStart";
  /**
   * The URI compliance of the listener in front of the proxy: Jetty's default, plus empty segments
   * ({@code //services/…}, which Salesforce serves and sf asks for); the proxy collapses them once
   * before classification and forwards the collapsed path.
   */
  public static final org.eclipse.jetty.http.UriCompliance URI_COMPLIANCE = org.eclipse.jetty.http.UriCompliance.DEFAULT
      .with("portcullis-gateway", org.eclipse.jetty.http.UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT);

  private static final String REDACTION = GatewayProxy.class.getName() + ".redaction";
  private static final String DEPLOYMENT = GatewayProxy.class.getName() + ".deployment";
  /** The most of an unread request body read and discarded before an error answer closes its connection. */
  static final long DRAINED_BYTES = 16L * 1024 * 1024;
  /** The obligations this gateway honours; any other denies the request (docs/GATEWAY.md). */
  static final Set<String> HONOURED_OBLIGATIONS = Set.of("max_records", "deny_fields", "redact_fields",
      "max_requests_per_minute", "max_principal_requests_per_minute", "require_approval");
  /** The reason of a decision held for approval starts with this (answered PORTCULLIS_APPROVAL_REQUIRED). */
  static final String APPROVAL_REQUIRED = "approval required: ";
  /** How long an approval may wait to be granted and used when policy does not say. */
  static final Duration DEFAULT_APPROVAL_VALIDITY = Duration.ofHours(1);
  /** The most a body is read to bind an approval to it. */
  static final int MAX_APPROVAL_BODY_BYTES = 8 * 1024 * 1024;

  /** What {@code require_approval} asks: how many people, and for how long the approval may wait. */
  private record ApprovalNeed(int required, Duration validFor, List<String> from, String reason) {
    /** Both needs at once: the most approvers, the shortest wait, approvers eligible under both. */
    ApprovalNeed stricter(ApprovalNeed other) {
      List<String> eligible = from.isEmpty() ? other.from : other.from.isEmpty() ? from
          : from.stream().filter(other.from::contains).toList();
      if (eligible.isEmpty() && !(from.isEmpty() && other.from.isEmpty())) {
        eligible = List.of("(nobody: the rules name disjoint approvers)");
      }
      return new ApprovalNeed(Math.max(required, other.required),
          validFor.compareTo(other.validFor) <= 0 ? validFor : other.validFor, eligible,
          reason.isEmpty() ? other.reason : other.reason.isEmpty() || other.reason.equals(reason) ? reason
              : reason + "; " + other.reason);
    }
  }

  /**
   * A decision; when an obligation changes the request, the query string to forward instead; when
   * one redacts fields, what the answer loses.
   */
  private record Verdict(GatewayDecision decision, Optional<String> soql, Optional<RedactedFields> redaction,
      Optional<ApprovalNeed> approval) {
    Verdict(GatewayDecision decision, Optional<String> soql) {
      this(decision, soql, Optional.empty(), Optional.empty());
    }
  }
  /** The request header that carries the decision's id ({@code dec_…}) to Salesforce. */
  public static final String DECISION_HEADER = "X-Portcullis-Decision";
  private static final Set<String> URL_TOKEN_PARAMETERS = Set.of("access_token", "sid", "oauth_token");
  /** Request headers never forwarded: credentials of the client's, and what identifies the client. */
  private static final List<String> DROPPED_REQUEST_HEADERS = List.of("Authorization", "Cookie", "Cookie2",
      "X-SFDC-Session", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
      "X-Forwarded-Server", "X-Forwarded-Port", "X-Real-IP", "Via", "Proxy-Authorization");

  private final TokenBroker broker;
  private final Supplier<PolicyBundle> policy;
  private final DecisionRecorder recorder;
  private final Map<String, String> environments;
  private final Clock clock;
  private final Duration recordTimeout;
  private final RateLimiter limiter = new RateLimiter(System::nanoTime);
  private final ApprovalGate approvals;
  private volatile DeployGate deploys;
  /** {@code scheme://authority} of the configured public URL, when there is one. */
  private final Optional<String> publicUrl;
  /** The reason of a decision refused by a rate obligation starts with this (answered REQUEST_LIMIT_EXCEEDED). */
  static final String RATE_LIMITED = "rate limit: ";

  /** A forwarded request: its upstream request (to abort) and the session watch (to close). */
  private static final class Exchange {
    final AtomicReference<org.eclipse.jetty.client.Request> upstream = new AtomicReference<>();
    volatile String endedBecause;
    volatile TokenBroker.Watch watch;
    volatile long started;
    volatile GatewayDecision decision;

    /** The session ended: abort the upstream exchange (a long download is cut mid-stream). */
    void end(String sessionId, String why) {
      endedBecause = why;
      org.eclipse.jetty.client.Request running = upstream.get();
      if (running != null) {
        running.abort(new IllegalStateException("session " + sessionId + " ended: " + why));
      }
    }
  }

  public GatewayProxy(TokenBroker broker, Supplier<PolicyBundle> policy, DecisionRecorder recorder,
      Map<String, String> environments, Clock clock, Duration recordTimeout) {
    this(broker, policy, recorder, environments, clock, recordTimeout, ApprovalGate.NONE);
  }

  /** As the full constructor, without a public URL: links in answers point to the listener's own address. */
  public GatewayProxy(TokenBroker broker, Supplier<PolicyBundle> policy, DecisionRecorder recorder,
      Map<String, String> environments, Clock clock, Duration recordTimeout, ApprovalGate approvals) {
    this(broker, policy, recorder, environments, clock, recordTimeout, approvals, Optional.empty());
  }

  /**
   * @param environments org alias → environment ({@code production}, {@code sandbox}, …), as policy reads {@code org.environment}
   * @param recordTimeout how long a request waits for its decision to be recorded before it is denied
   * @param approvals where {@code require_approval} is answered
   * @param publicUrl the gateway's URL as clients reach it (behind a load balancer, say), when it is
   *     not the listener's own address: links in answers point there ({@link #externalOrigin})
   */
  public GatewayProxy(TokenBroker broker, Supplier<PolicyBundle> policy, DecisionRecorder recorder,
      Map<String, String> environments, Clock clock, Duration recordTimeout, ApprovalGate approvals,
      Optional<URI> publicUrl) {
    this.approvals = Objects.requireNonNull(approvals, "approvals");
    this.publicUrl = publicUrl.map(GatewayProxy::origin);
    this.broker = Objects.requireNonNull(broker, "broker");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.environments = Map.copyOf(environments);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recordTimeout = Objects.requireNonNull(recordTimeout, "recordTimeout");
  }

  /**
   * Governs the Metadata API deployments sent through this gateway with {@code gate} (set before the
   * gateway starts serving); without one, a deployment is decided like any other call.
   */
  public GatewayProxy deployGate(DeployGate gate) {
    this.deploys = Objects.requireNonNull(gate, "gate");
    return this;
  }

  @Override
  protected void configureHttpClient(HttpClient httpClient) {
    super.configureHttpClient(httpClient);
    httpClient.setFollowRedirects(false);
    httpClient.setUserAgentField(null); // the client's own User-Agent is forwarded
  }

  /**
   * How errors are answered on this request's API: Salesforce's REST JSON, a SOAP fault, or a Bulk
   * API (1.0) {@code error} ({@code bulkFormat} {@code xml} or {@code json}).
   */
  private record Answer(Request request, Response response, Callback callback, String soapApi, String bulkFormat,
      boolean bodyUnread) {

    /**
     * An answer given before the request's body was read ends an HTTP/1.x connection and says so
     * ({@code Connection: close}): the server drops such a connection after answering, and a client told nothing
     * would send its next request on it. What is left of the body is read and discarded first (up to
     * {@link #DRAINED_BYTES}): a connection closed with unread bytes is reset by the kernel, and the reset can
     * destroy the answer before the client reads it (RFC 9112 section 9.6, "tear-down").
     */
    private void closeIfBodyUnread() {
      if (bodyUnread) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        drain();
      }
    }

    private void drain() {
      try {
        java.io.InputStream rest = org.eclipse.jetty.io.Content.Source.asInputStream(request);
        byte[] sink = new byte[16 * 1024];
        long left = DRAINED_BYTES;
        int read;
        while (left > 0 && (read = rest.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
          left -= read;
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the client went away or sent a broken body: nothing to answer it any more
      }
    }

    void invalidSession() {
      closeIfBodyUnread();
      if (bulkFormat != null) {
        SalesforceErrors.bulkError(response, callback, bulkFormat, 400, "InvalidSessionId", "Invalid session id");
      } else if (soapApi == null) {
        SalesforceErrors.invalidSession(response, callback);
      } else {
        SalesforceErrors.soapFault(response, callback, soapApi, "INVALID_SESSION_ID",
            "Invalid Session ID found in SessionHeader: Illegal Session");
      }
    }

    void error(int status, String code, String message) {
      closeIfBodyUnread();
      if (bulkFormat != null) {
        SalesforceErrors.bulkError(response, callback, bulkFormat, status, code, message);
      } else if (soapApi == null) {
        SalesforceErrors.write(response, callback, status, code, message);
      } else {
        SalesforceErrors.soapFault(response, callback, soapApi, code, message);
      }
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // One normalisation before classification, and the request is forwarded as normalised: sf keeps
    // its instance URL with a trailing slash and asks for "//services/…", which Salesforce serves.
    String path = collapseSlashes(Request.getPathInContext(request));
    boolean soap = SoapRequest.isSoap(path);
    boolean bulk1 = Bulk1Classifier.isBulk1(RequestClassifier.segments(path));
    Answer answer = new Answer(request, response, callback, soap ? SoapRequest.apiLetter(path) : null,
        bulk1 ? SalesforceErrors.bulkFormat(request.getHeaders().get(HttpHeader.CONTENT_TYPE),
            request.getHeaders().get(HttpHeader.ACCEPT)) : null,
        request.getConnectionMetaData().getHttpVersion().getVersion() < 20
            && (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)));
    Fields query;
    try {
      query = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      answer.error(400, "MALFORMED_QUERY", "the query string is not valid URL encoding");
      return true;
    }
    for (String name : URL_TOKEN_PARAMETERS) {
      if (query.get(name) != null) {
        answer.error(400, "PORTCULLIS_TOKEN_IN_URL", "a session token in the URL (" + name
            + ") is refused: URLs are logged; send it in the Authorization header");
        return true;
      }
    }
    Optional<SoapRequest.Parsed> envelope = Optional.empty();
    byte[] soapBody = null;
    if (soap) {
      if (!HttpMethod.POST.is(request.getMethod())) {
        answer.error(405, "soapenv:Client", "SOAP calls are POST");
        return true;
      }
      soapBody = readBody(request, answer, SoapRequest.MAX_BODY_BYTES, "soapenv:Client", "a SOAP request");
      if (soapBody == null) {
        return true;
      }
      envelope = SoapRequest.parse(soapBody);
      if (envelope.isEmpty()) {
        answer.error(400, "soapenv:Client", "the request is not a SOAP 1.1 envelope with one operation in its Body"
            + " (DTDs and entities are refused)");
        return true;
      }
    }
    Optional<String> headerToken = bearer(request);
    Optional<String> envelopeToken = envelope.flatMap(SoapRequest.Parsed::sessionId);
    if (headerToken.isPresent() && envelopeToken.isPresent() && !headerToken.get().equals(envelopeToken.get())) {
      answer.invalidSession(); // two different sessions in one call: ambiguous, refused
      return true;
    }
    // Bulk API 1.0 carries the session in X-SFDC-Session (Bulk API Developer Guide, "Set a Session
    // Header"); read there, and replaced there when forwarded.
    Optional<String> sfdcSession = bulk1 ? sfdcSession(request) : Optional.empty();
    if (headerToken.isPresent() && sfdcSession.isPresent() && !headerToken.get().equals(sfdcSession.get())) {
      answer.invalidSession();
      return true;
    }
    if (sfdcSession.isPresent()) {
      request.setAttribute(SFDC_SESSION, Boolean.TRUE);
    }
    Optional<String> token = envelopeToken.or(() -> sfdcSession).or(() -> headerToken);
    if (token.isEmpty()) {
      answer.invalidSession();
      return true;
    }
    Authentication authentication = broker.authenticate(token.get());
    if (!(authentication instanceof Authentication.Active active)) {
      answer.invalidSession();
      return true;
    }
    Session session = active.session();
    if (session.certThumbprint() != null && !presents(request, session.certThumbprint())) {
      answer.invalidSession(); // a stolen token without the key is worth nothing
      return true;
    }
    Instant now = clock.instant();
    String decisionId = "dec_" + SessionTokens.newSessionId(now).substring("ses_".length());
    Optional<String> soql = Optional.ofNullable(query.getValue("q"));
    Verdict verdict;
    if (soap) {
      Optional<Classification> classified = SoapRequest.classify(path, envelope.get());
      verdict = classified.isEmpty()
          ? unclassified(session, decisionId, now, "the SOAP call " + envelope.get().operationElement() + " on " + path)
          : decide(session, classified.get(), envelope.get().soql(), decisionId, now);
    } else if (CompositeClassifier.isComposite(request.getMethod(), path)) {
      byte[] body = readBody(request, answer, CompositeClassifier.MAX_BODY_BYTES, "JSON_PARSER_ERROR",
          "a composite request body");
      if (body == null) {
        return true;
      }
      request.setAttribute(BODY, body);
      Optional<List<Classification>> parts = CompositeClassifier.classify(request.getMethod(), path, body);
      verdict = parts.isEmpty()
          ? unclassified(session, decisionId, now, "the composite request " + request.getMethod() + " " + path
              + " or one of its subrequests")
          : decideAll(session, parts.get(), decisionId, now);
    } else if (BodyClassifier.limit(request.getMethod(), path) > 0
        || Bulk1Classifier.addsBatch(request.getMethod(), RequestClassifier.segments(path))) {
      verdict = classifyByBody(request, answer, session, path, decisionId, now);
      if (verdict == null) {
        return true; // the body could not be read: answered
      }
    } else {
      verdict = classify(request, session, path, soql, decisionId, now);
    }
    GatewayDecision decision = verdict.decision();
    if (decision.allowed() && verdict.approval().isPresent()) {
      byte[] body = soapBody != null && envelopeToken.isPresent()
          ? SoapRequest.withSession(soapBody, envelopeToken.get(), "") // any session of the principal
          : soapBody;
      if (body == null && request.getAttribute(BODY) instanceof byte[] read) {
        body = read;
      } else if (body == null && hasBody(request)) {
        body = readBody(request, answer, MAX_APPROVAL_BODY_BYTES, "JSON_PARSER_ERROR",
            "a request body that needs approval");
        if (body == null) {
          return true;
        }
        request.setAttribute(BODY, body); // forwarded exactly as approved
      }
      decision = approved(decision, session, request, path, body, verdict.approval().get());
    }
    AccessToken upstream = null;
    DeployGate gate = deploys;
    if (decision.allowed() && gate != null && decision.classification().api().equals("metadata")
        && decision.classification().operation().equals("deploy")) {
      DeployCalls.Call call;
      try {
        if (soap) {
          call = DeployCalls.fromSoap(soapBody);
        } else {
          byte[] body = request.getAttribute(BODY) instanceof byte[] read ? read
              : readBody(request, answer, SoapRequest.MAX_BODY_BYTES, "JSON_PARSER_ERROR", "a deployRequest body");
          if (body == null) {
            return true;
          }
          request.setAttribute(BODY, body); // forwarded exactly as governed
          List<String> segments = RequestClassifier.segments(path);
          String last = segments.getLast();
          call = last.equals("deployRequest")
              ? DeployCalls.fromRestMultipart(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body)
              : DeployCalls.fromRestQuickDeploy(last, body);
        }
      } catch (DeployCalls.Unreadable e) {
        call = null;
        decision = refused(decision, "the deployment could not be read: " + e.getMessage());
      }
      if (call != null) {
        try {
          upstream = broker.salesforceAccess(session);
        } catch (RuntimeException e) {
          LOG.warn("no Salesforce access for session {}: {}", session.id(), e.getMessage());
          answer.error(503, "SERVER_UNAVAILABLE",
              "Salesforce did not issue a token for this session's integration user; try again later");
          return true;
        }
        DeployGate.Outcome outcome;
        try {
          outcome = gate.admit(new DeployGate.Deploy(decisionId, session, soap ? "soap" : "rest", call.zip(),
              call.options(), upstream));
        } catch (RuntimeException e) {
          LOG.error("deployment governance failed for decision {}: {}", decisionId, e.toString());
          outcome = new DeployGate.Refuse("deployment governance failed, so the deployment is refused: "
              + e.getClass().getSimpleName(), false);
        }
        switch (outcome) {
          case DeployGate.Proceed proceed -> {
            request.setAttribute(DEPLOYMENT, proceed.deploymentId());
            decision = new GatewayDecision(decision.decisionId(), decision.at(), decision.sessionId(), decision.org(),
                decision.actor(), decision.classification(), true, decision.rules(), decision.bundleHash(),
                decision.reason() + "; deployment " + proceed.deploymentId()
                    + (proceed.note().isEmpty() ? "" : ": " + proceed.note()));
          }
          case DeployGate.Refuse refuse -> decision = refused(decision,
              (refuse.held() ? APPROVAL_REQUIRED : "") + refuse.reason());
        }
      }
    }
    if (!record(decision)) {
      answer.error(503, "SERVER_UNAVAILABLE",
          "the decision could not be recorded, so the request was not forwarded (decision " + decisionId + ")");
      return true;
    }
    if (!decision.allowed()) {
      answer.error(403, decision.reason().startsWith(RATE_LIMITED) ? "REQUEST_LIMIT_EXCEEDED"
          : decision.reason().startsWith(APPROVAL_REQUIRED) ? "PORTCULLIS_APPROVAL_REQUIRED" : "PORTCULLIS_DENIED",
          decision.reason() + " (decision " + decisionId + ")");
      return true;
    }
    try {
      if (upstream == null) {
        upstream = broker.salesforceAccess(session);
      }
    } catch (RuntimeException e) {
      LOG.warn("no Salesforce access for session {}: {}", session.id(), e.getMessage());
      answer.error(503, "SERVER_UNAVAILABLE",
          "Salesforce did not issue a token for this session's integration user; try again later");
      return true;
    }
    if (soap) {
      byte[] forwarded = envelopeToken.isPresent()
          ? SoapRequest.withSession(soapBody, envelopeToken.get(), upstream.accessToken()) : soapBody;
      if (verdict.soql().isPresent()) { // max_records: the queryString element carries the capped query
        forwarded = SoapRequest.withQuery(forwarded, verdict.soql().get());
      }
      request.setAttribute(BODY, forwarded);
      request.setAttribute(SOAP, Boolean.TRUE);
    }
    Exchange exchange = new Exchange();
    if (!soap) {
      verdict.soql().ifPresent(rewritten -> request.setAttribute(REWRITTEN_QUERY, rewrittenQueryString(query, rewritten)));
    }
    verdict.redaction().ifPresent(redaction -> request.setAttribute(REDACTION, redaction));
    request.setAttribute(UPSTREAM, upstream);
    request.setAttribute(EXCHANGE, exchange);
    exchange.watch = broker.watch(session, failed -> exchange.end(session.id(), failed.reason().name()));
    // The session's expiry ends the request too, without waiting for a sweep.
    long untilExpiry = Duration.between(clock.instant(), session.expiresAt()).toMillis();
    org.eclipse.jetty.util.thread.Scheduler.Task expiry = request.getComponents().getScheduler()
        .schedule(() -> exchange.end(session.id(), "EXPIRED"), Math.max(0, untilExpiry), TimeUnit.MILLISECONDS);
    exchange.started = System.nanoTime();
    exchange.decision = decision;
    Callback closing = Callback.from(callback, () -> {
      exchange.watch.close();
      expiry.cancel();
    });
    return super.handle(request, response, closing);
  }

  /**
   * The request body, read whole because the decision depends on it (at most {@code limit} bytes);
   * null when it could not be read or was too large, the client then answered (400 with {@code
   * unreadableCode}, or 413).
   */
  private static byte[] readBody(Request request, Answer answer, int limit, String unreadableCode, String what) {
    byte[] body;
    try {
      body = org.eclipse.jetty.io.Content.Source.asInputStream(request).readNBytes(limit + 1);
    } catch (java.io.IOException e) {
      answer.error(400, unreadableCode, what + " could not be read");
      return null;
    }
    if (body.length > limit) {
      answer.error(413, unreadableCode.startsWith("soapenv") ? unreadableCode : "PORTCULLIS_BODY_TOO_LARGE",
          what + " over " + limit + " bytes is refused");
      return null;
    }
    return body;
  }

  /**
   * A request whose body decides what it is ({@link BodyClassifier}; or a Bulk API 1.0 batch, whose
   * first bytes tell a query from records): the body read, classified and decided, and then
   * forwarded as read (or, for a batch of records, its start followed by the rest, streamed). Null
   * when the body could not be read; the client was then answered.
   */
  private Verdict classifyByBody(Request request, Answer answer, Session session, String path, String decisionId,
      Instant now) {
    String method = request.getMethod();
    List<String> segments = RequestClassifier.segments(path);
    String unreadable = Bulk1Classifier.isBulk1(segments) ? "ClientInputError" : "JSON_PARSER_ERROR";
    Optional<BodyClassifier.Classified> classified;
    if (Bulk1Classifier.addsBatch(method, segments)) {
      RequestBodyPeek.Start start;
      try {
        start = RequestBodyPeek.read(request, Bulk1Classifier.PEEK_BYTES, RequestBodyPeek.WAIT);
      } catch (java.io.IOException e) {
        answer.error(400, unreadable, "the batch could not be read");
        return null;
      }
      byte[] body = start.bytes();
      boolean whole = start.complete();
      if (!whole && Bulk1Classifier.looksLikeSoql(body)) { // a query: read whole, to be parsed
        byte[] rest = readBody(request, answer, Bulk1Classifier.MAX_QUERY_BATCH_BYTES - body.length, unreadable,
            "a query batch");
        if (rest == null) {
          return null;
        }
        body = java.util.Arrays.copyOf(body, body.length + rest.length);
        System.arraycopy(rest, 0, body, body.length - rest.length, rest.length);
        whole = true;
      }
      request.setAttribute(whole ? BODY : BODY_START, body);
      classified = Bulk1Classifier.classifyBatch(segments, body, whole);
    } else {
      byte[] body = readBody(request, answer, BodyClassifier.limit(method, path), unreadable, "the request body");
      if (body == null) {
        return null;
      }
      request.setAttribute(BODY, body);
      classified = BodyClassifier.classify(method, path, body);
    }
    if (classified.isEmpty()) {
      return unclassified(session, decisionId, now, "the request " + method + " " + path + " (with its body)");
    }
    List<Classification> parts = classified.get().parts();
    if (parts.size() == 1) {
      return decide(session, parts.get(0), classified.get().text(), decisionId, now);
    }
    String operation = parts.stream().map(Classification::operation).distinct().count() == 1
        ? parts.get(0).operation() : "mixed";
    return decideAll(session, parts, classified.get().text(), parts.get(0).api(), operation, decisionId, now);
  }

  /** The decoded query parameters, by name. */
  private static Map<String, List<String>> parameters(Request request) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Fields.Field field : Request.extractQueryParameters(request)) {
      out.put(field.getName(), field.getValues());
    }
    return out;
  }

  /**
   * The session of {@code X-SFDC-Session} (Bulk API 1.0). Several such headers are ambiguous: they
   * give an empty token, which no session has.
   */
  private static Optional<String> sfdcSession(Request request) {
    List<String> values = request.getHeaders().getValuesList("X-SFDC-Session");
    if (values.size() > 1) {
      return Optional.of("");
    }
    return values.isEmpty() || values.get(0).isBlank() ? Optional.empty() : Optional.of(values.get(0).strip());
  }

  private Verdict unclassified(Session session, String decisionId, Instant now, String what) {
    return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
        session.principal().subject(), Classification.of("unclassified", "unclassified"), false, List.of(),
        policy.get().hash(), what + " could not be classified (unclassified)"), Optional.empty());
  }

  private Verdict classify(Request request, Session session, String path, Optional<String> soql, String decisionId,
      Instant now) {
    Optional<Classification> classified = RequestClassifier.classify(request.getMethod(), path, soql,
        parameters(request));
    if (classified.isEmpty()) {
      return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
          session.principal().subject(), Classification.of("unclassified", "unclassified"), false, List.of(),
          policy.get().hash(), "the request " + request.getMethod() + " " + path + " could not be classified"
              + " (unclassified)"), Optional.empty());
    }
    return decide(session, classified.get(), soql, decisionId, now);
  }

  /**
   * A composite request: every subrequest decided on its own; one denial denies the whole request
   * (its reason names the subrequest). Obligations that would change a subrequest cannot be applied
   * inside the body, so they deny it (docs/GATEWAY.md).
   */
  private Verdict decideAll(Session session, List<Classification> parts, String decisionId, Instant now) {
    return decideAll(session, parts, Optional.empty(), "rest", "composite", decisionId, now);
  }

  /**
   * @param text what each part's obligations are checked against (a GraphQL document), if any
   * @param api the API family of the whole request, as recorded
   * @param operation the operation of the whole request, as recorded
   */
  private Verdict decideAll(Session session, List<Classification> parts, Optional<String> text, String api,
      String operation, String decisionId, Instant now) {
    java.util.LinkedHashSet<String> rules = new java.util.LinkedHashSet<>();
    List<String> summary = new java.util.ArrayList<>();
    String bundleHash = policy.get().hash();
    java.util.LinkedHashSet<String> redacted = new java.util.LinkedHashSet<>();
    Optional<ApprovalNeed> approval = Optional.empty();
    for (int i = 0; i < parts.size(); i++) {
      Classification part = parts.get(i);
      Verdict verdictOfPart = decide(session, part, text, decisionId, now);
      verdictOfPart.redaction().ifPresent(r -> redacted.addAll(r.entries()));
      if (verdictOfPart.approval().isPresent()) { // the whole request waits for the strictest need
        approval = Optional.of(approval.map(a -> a.stricter(verdictOfPart.approval().get()))
            .orElse(verdictOfPart.approval().get()));
      }
      GatewayDecision one = verdictOfPart.decision();
      rules.addAll(one.rules());
      bundleHash = one.bundleHash();
      String label = part.operation() + (part.sobject().isEmpty() ? "" : ":" + part.sobject());
      summary.add(label);
      if (!one.allowed()) {
        return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
            session.principal().subject(), new Classification(api, operation, part.sobject(), summary), false,
            List.copyOf(rules), bundleHash, "subrequest " + (i + 1) + " of " + parts.size() + " (" + label + "): "
                + one.reason()), Optional.empty());
      }
    }
    return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
        session.principal().subject(), new Classification(api, operation, parts.get(0).sobject(), summary), true,
        List.copyOf(rules), bundleHash, "every subrequest allowed: " + summary
            + (redacted.isEmpty() ? "" : "; redacting " + redacted)), Optional.empty(),
        // records anywhere in the composite answer (each subresponse's body) are redacted by their type
        redacted.isEmpty() ? Optional.empty() : Optional.of(RedactedFields.of(redacted)), approval);
  }

  private Verdict decide(Session session, Classification classification, Optional<String> soql, String decisionId,
      Instant now) {
    PolicyBundle bundle = policy.get();
    Decision decision;
    try {
      decision = bundle.decide(DecisionInput.builder()
          .principal(new DecisionInput.Principal(session.principal().kind(), session.principal().issuer(),
              session.principal().subject(), session.binding().policyClaims()))
          .session(new DecisionInput.Session(session.id(), session.scopes(), session.orgAlias(),
              Duration.between(session.issuedAt(), now)))
          .request(new DecisionInput.Request(classification.api(), classification.operation(), classification.sobject(),
              classification.fields(), 0, 0))
          .org(new DecisionInput.Org(session.orgAlias(), environments.getOrDefault(session.orgAlias(), ""),
              session.orgId()))
          .risk(broker.risk(session.principal().issuer(), session.principal().subject()))
          .now(now)
          .build());
    } catch (RuntimeException e) {
      LOG.error("policy failed on decision {}", decisionId, e);
      return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
          session.principal().subject(), classification, false, List.of(), bundle.hash(),
          "policy could not decide: " + e.getMessage()), Optional.empty());
    }
    if (!decision.allowed()) {
      String reason = decision.reasons().isEmpty() ? "no rule allows " + classification.operation()
          + (classification.sobject().isEmpty() ? "" : " on " + classification.sobject())
          : String.join("; ", decision.reasons());
      return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
          session.principal().subject(), classification, false, decision.matchedRules(), decision.bundleHash(),
          reason), Optional.empty());
    }
    Optional<String> forwarded = Optional.empty();
    boolean isQuery = classification.operation().equals("query") && soql.isPresent();
    boolean isSearch = classification.operation().equals("search") && soql.isPresent();
    List<String> redactedEntries = new java.util.ArrayList<>();
    Optional<ApprovalNeed> approval = Optional.empty();
    for (Obligation obligation : decision.obligations()) {
      String refusal = null;
      if (FamilyObligations.judges(classification)
          && (obligation.name().equals("max_records") || obligation.name().equals("deny_fields"))) {
        refusal = FamilyObligations.refusal(classification, obligation.name(), obligation.value(), soql).orElse(null);
      } else switch (obligation.name()) {
        case "max_requests_per_minute", "max_principal_requests_per_minute" -> {
          if (!(obligation.value() instanceof Number limit) || limit.longValue() < 1) {
            refusal = obligation.name() + " is not a whole number of requests per minute: " + obligation.value();
          } else {
            boolean perSession = obligation.name().equals("max_requests_per_minute");
            String key = perSession ? "session " + session.id()
                : "principal " + session.principal().issuer() + " " + session.principal().subject();
            if (!limiter.tryAcquire(key, limit.longValue())) {
              refusal = RATE_LIMITED + (perSession ? "this session" : "this principal's sessions") + " may make "
                  + limit.longValue() + " requests a minute (" + obligation.name() + ")";
            }
          }
        }
        case "max_records" -> {
          if (classification.operation().equals("query") && soql.isEmpty()) {
            refusal = "max_records cannot be applied to a query inside a composite request; send the query on its own";
          } else if (isQuery) {
            if (obligation.value() instanceof Number max && max.longValue() >= 0) {
              forwarded = Optional.of(QueryObligations.capped(forwarded.orElse(soql.get()), max.longValue()));
            } else {
              refusal = "max_records is not a whole number: " + obligation.value();
            }
          }
        }
        case "deny_fields" -> {
          if ((classification.operation().equals("query") || classification.operation().equals("search"))
              && soql.isEmpty()) {
            refusal = "deny_fields cannot be checked on a query inside a composite request; send the query on its own";
          } else if (isQuery || isSearch) {
            refusal = QueryObligations.deniedFieldRead(soql.get(), QueryObligations.texts(obligation.value()))
                .orElse(null);
          } else if (classification.operation().equals("read")) {
            // a record read returns every field the user sees: refused when a denied field is of that object
            for (String denied : QueryObligations.texts(obligation.value())) {
              if (denied.regionMatches(true, 0, classification.sobject() + ".", 0, classification.sobject().length() + 1)) {
                refusal = "reading a whole " + classification.sobject() + " record would return " + denied
                    + ", a denied field; query the fields you need instead";
              }
            }
          }
        }
        case "redact_fields" -> redactedEntries.addAll(QueryObligations.texts(obligation.value()));
        case "require_approval" -> {
          try {
            ApprovalNeed need = approvalNeed(obligation.value());
            approval = Optional.of(approval.map(a -> a.stricter(need)).orElse(need));
          } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
          }
        }
        default -> refusal = "policy attaches the obligation " + obligation.name() + ", which this gateway does not"
            + " enforce yet (it enforces " + HONOURED_OBLIGATIONS + "); denied rather than forwarded unenforced";
      }
      if (refusal != null) {
        return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
            session.principal().subject(), classification, false, decision.matchedRules(), decision.bundleHash(),
            refusal), Optional.empty());
      }
    }
    Optional<RedactedFields> redaction = Optional.empty();
    if (!redactedEntries.isEmpty()) {
      String refusal;
      try {
        RedactedFields redacted = RedactedFields.of(redactedEntries);
        refusal = redactionRefusal(classification, soql, redacted).orElse(null);
        // a Bulk API answer is job or batch information, never records (results are refused above)
        redaction = FamilyObligations.answerHoldsRecords(classification) ? Optional.of(redacted) : Optional.empty();
      } catch (IllegalArgumentException e) {
        refusal = e.getMessage();
      }
      if (refusal != null) {
        return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
            session.principal().subject(), classification, false, decision.matchedRules(), decision.bundleHash(),
            refusal), Optional.empty());
      }
    }
    String reason = "allowed by " + decision.matchedRules()
        + (forwarded.isPresent() ? "; forwarded as: " + forwarded.get() : "")
        + (redaction.isPresent() ? "; redacting " + redaction.get() : "");
    return new Verdict(new GatewayDecision(decisionId, now, session.id(), session.orgAlias(),
        session.principal().subject(), classification, true, decision.matchedRules(), decision.bundleHash(), reason),
        forwarded, redaction, approval);
  }

  /**
   * {@code require_approval}'s value, as the policy module checks it: {@code true} (one approver), or
   * {@code {approvers: N (1 to 10), from: [names], reason: text, valid_for_minutes: M}}.
   */
  private static ApprovalNeed approvalNeed(Object value) {
    if (Boolean.TRUE.equals(value)) {
      return new ApprovalNeed(1, DEFAULT_APPROVAL_VALIDITY, List.of(), "");
    }
    String shape = "require_approval is true or {approvers, from, reason, valid_for_minutes}; not " + value;
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(shape);
    }
    int required = 1;
    Duration validFor = DEFAULT_APPROVAL_VALIDITY;
    List<String> from = List.of();
    String why = "";
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object v = entry.getValue();
      switch (String.valueOf(entry.getKey())) {
        case "approvers" -> required = (int) wholeNumber(v, 1, 10, shape + " (approvers is from 1 to 10)");
        case "valid_for_minutes" -> validFor = Duration.ofMinutes(
            wholeNumber(v, 1, 7 * 24 * 60, shape + " (valid_for_minutes is from 1 to 10080)"));
        case "from" -> from = QueryObligations.texts(v);
        case "reason" -> why = String.valueOf(v);
        default -> throw new IllegalArgumentException(shape);
      }
    }
    return new ApprovalNeed(required, validFor, from, why);
  }

  /** {@code value} as a whole number from {@code min} to {@code max}, else refused with {@code refusal}. */
  private static long wholeNumber(Object value, long min, long max, String refusal) {
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= min && n.longValue() <= max) {
      return n.longValue();
    }
    throw new IllegalArgumentException(refusal);
  }

  /**
   * The decision once {@code require_approval} is settled: still allowed, naming the approval it
   * used, when an approval for exactly this request was granted; otherwise denied as waiting for one
   * (asked for now if none is pending). The gate failing denies.
   */
  private GatewayDecision approved(GatewayDecision decision, Session session, Request request, String path,
      byte[] body, ApprovalNeed need) {
    String binding = ApprovalBinding.of(session.orgAlias(), session.principal().issuer(),
        session.principal().subject(), request.getMethod(), path, request.getHttpURI().getQuery(), body);
    Classification c = decision.classification();
    String summary = request.getMethod() + " " + path + " (" + c.api() + " " + c.operation()
        + (c.sobject().isEmpty() ? "" : " " + c.sobject()) + ") by " + session.principal().subject() + " on "
        + session.orgAlias() + (body == null ? "" : ", body of " + body.length + " bytes");
    ApprovalGate.Outcome outcome;
    try {
      outcome = approvals.check(new ApprovalGate.Need(decision.decisionId(), session, binding,
          summary + (need.reason().isEmpty() ? "" : ": " + need.reason()), need.required(), need.from(),
          need.validFor()));
    } catch (RuntimeException e) {
      LOG.error("approvals could not be checked for decision {}: {}", decision.decisionId(), e.toString());
      return new GatewayDecision(decision.decisionId(), decision.at(), decision.sessionId(), decision.org(),
          decision.actor(), c, false, decision.rules(), decision.bundleHash(),
          "policy requires an approval, and approvals cannot be checked: " + e.getMessage());
    }
    return switch (outcome) {
      case ApprovalGate.Approved granted -> new GatewayDecision(decision.decisionId(), decision.at(),
          decision.sessionId(), decision.org(), decision.actor(), c, true, decision.rules(), decision.bundleHash(),
          decision.reason() + "; approved by " + granted.approvers() + " (approval " + granted.approvalId() + ")");
      case ApprovalGate.Waiting waiting -> new GatewayDecision(decision.decisionId(), decision.at(),
          decision.sessionId(), decision.org(), decision.actor(), c, false, decision.rules(), decision.bundleHash(),
          APPROVAL_REQUIRED + "policy (" + String.join(", ", decision.rules()) + ") requires " + waiting.required()
              + (waiting.required() == 1 ? " approval" : " approvals") + " of this exact request"
              + (need.reason().isEmpty() ? "" : " (" + need.reason() + ")") + "; approval "
              + waiting.approvalId() + (waiting.requested() ? " was requested" : " is pending") + " ("
              + waiting.approvals() + " of " + waiting.required() + " so far, until " + waiting.expiresAt()
              + "): once granted (portcullis approval approve " + waiting.approvalId() + "), send the same request"
              + " again");
    };
  }

  /** {@code decision}, denied for {@code reason}. */
  private static GatewayDecision refused(GatewayDecision decision, String reason) {
    return new GatewayDecision(decision.decisionId(), decision.at(), decision.sessionId(), decision.org(),
        decision.actor(), decision.classification(), false, decision.rules(), decision.bundleHash(), reason);
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /**
   * Why a request may not run under {@code redact_fields}, though its answer would be redacted: a
   * query filtering, sorting, grouping or aggregating on a redacted field, or a record looked up
   * (read, upserted, deleted) by a redacted external id field, would reveal the values redaction
   * hides.
   */
  private static Optional<String> redactionRefusal(Classification classification, Optional<String> soql,
      RedactedFields redacted) {
    if (FamilyObligations.judges(classification)) {
      return FamilyObligations.redactionRefusal(classification, soql, redacted);
    }
    if (classification.operation().equals("query") && soql.isPresent()) {
      return QueryObligations.redactedFieldMisuse(soql.get(), redacted);
    }
    if (classification.operation().equals("search")) {
      // the search term is matched against the fields of its IN group, which only the schema can list:
      // a hit on a redacted field would tell which records hold the term
      return Optional.of("a SOSL search may match its term against " + redacted + ", redacted fields");
    }
    if (Set.of("read", "upsert", "delete").contains(classification.operation())) {
      for (String field : classification.fields()) {
        if (redacted.redacts(Optional.of(classification.sobject()), field)) {
          return Optional.of("looking up a " + classification.sobject() + " record by " + field
              + ", a redacted field, would reveal its values");
        }
      }
    }
    return Optional.empty();
  }

  /** The original query string with {@code q} replaced by {@code soql}, every other parameter kept. */
  private static String rewrittenQueryString(Fields original, String soql) {
    StringBuilder query = new StringBuilder("q=").append(encode(soql));
    for (Fields.Field field : original) {
      if (field.getName().equals("q")) {
        continue;
      }
      for (String value : field.getValues()) {
        query.append('&').append(encode(field.getName())).append('=').append(encode(value));
      }
    }
    return query.toString();
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private boolean record(GatewayDecision decision) {
    try {
      recorder.record(decision).get(recordTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.error("decision {} not recorded: {}", decision.decisionId(), e.toString());
      return false;
    }
  }

  @Override
  protected HttpURI rewriteHttpURI(Request request) {
    AccessToken upstream = (AccessToken) request.getAttribute(UPSTREAM);
    URI base = upstream.instanceUrl();
    HttpURI.Mutable target = HttpURI.build(request.getHttpURI()).scheme(base.getScheme()).host(base.getHost())
        .port(base.getPort());
    target.path(collapseSlashes(request.getHttpURI().getPath()));
    if (request.getAttribute(REWRITTEN_QUERY) instanceof String query) {
      target.query(query);
    }
    return target.asImmutable();
  }

  @Override
  protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(Request clientToProxyRequest,
      Response proxyToClientResponse, org.eclipse.jetty.client.Request proxyToServerRequest) {
    if (clientToProxyRequest.getAttribute(BODY) instanceof byte[] body) { // read to classify: sent as read
      return new org.eclipse.jetty.client.BytesRequestContent(
          clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE), body);
    }
    if (clientToProxyRequest.getAttribute(BODY_START) instanceof byte[] start) { // its start read: sent first
      return new org.eclipse.jetty.client.ContentSourceRequestContent(
          new RequestBodyPeek.PrefixedSource(start, clientToProxyRequest),
          clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE));
    }
    return super.newProxyToServerRequestContent(clientToProxyRequest, proxyToClientResponse, proxyToServerRequest);
  }

  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI target) {
    org.eclipse.jetty.client.Request upstream = super.newProxyToServerRequest(clientToProxyRequest, target);
    if (clientToProxyRequest.getAttribute(EXCHANGE) instanceof Exchange exchange) {
      exchange.upstream.set(upstream);
      if (exchange.endedBecause != null) { // ended between the watch and now
        upstream.abort(new IllegalStateException("the session ended: " + exchange.endedBecause));
      }
    }
    return upstream;
  }

  @Override
  protected void onProxyToClientResponseComplete(Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest, org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse, Callback callback) {
    completed(clientToProxyRequest, proxyToClientResponse, serverToProxyResponse.getStatus(), null);
    super.onProxyToClientResponseComplete(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
        proxyToClientResponse, callback);
  }

  @Override
  protected void onProxyToClientResponseFailure(Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest, org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse, Callback callback, Throwable failure) {
    completed(clientToProxyRequest, proxyToClientResponse, serverToProxyResponse == null ? 0
        : serverToProxyResponse.getStatus(), failure);
    super.onProxyToClientResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
        proxyToClientResponse, callback, failure);
  }

  @Override
  protected void onServerToProxyResponseFailure(Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest, org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse, Callback proxyToClientCallback, Throwable failure) {
    completed(clientToProxyRequest, proxyToClientResponse, serverToProxyResponse == null ? 0
        : serverToProxyResponse.getStatus(), failure);
    super.onServerToProxyResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
        proxyToClientResponse, proxyToClientCallback, failure);
  }

  /**
   * Reports how a forwarded request ended (once), for the ledger's completion entry: the body bytes
   * read from the client and written to it (after redaction and rewriting).
   */
  private void completed(Request request, Response response, int status, Throwable failure) {
    if (!(request.getAttribute(EXCHANGE) instanceof Exchange exchange) || exchange.decision == null) {
      return;
    }
    GatewayDecision decision = exchange.decision;
    exchange.decision = null;
    String outcome = exchange.endedBecause != null ? "cut: the session ended (" + exchange.endedBecause + ")"
        : failure != null ? "failed: " + failure.getClass().getSimpleName() : "completed";
    try {
      recorder.completed(new GatewayCompletion(decision.decisionId(), decision.sessionId(), decision.org(), status,
          Request.getContentBytesRead(request), Response.getContentBytesWritten(response),
          Duration.ofNanos(System.nanoTime() - exchange.started), outcome));
    } catch (RuntimeException e) {
      LOG.warn("completion of decision {} not recorded: {}", decision.decisionId(), e.toString());
    }
  }

  @Override
  protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
    super.copyRequestHeaders(clientToProxyRequest, proxyToServerRequest);
    AccessToken upstream = (AccessToken) clientToProxyRequest.getAttribute(UPSTREAM);
    proxyToServerRequest.headers(headers -> {
      for (String name : DROPPED_REQUEST_HEADERS) {
        headers.remove(name);
      }
      if (clientToProxyRequest.getAttribute(BODY) != null) { // re-sent as read (or rewritten): its own length
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove(HttpHeader.TRANSFER_ENCODING);
      }
      if (clientToProxyRequest.getAttribute(SFDC_SESSION) != null) { // Bulk API 1.0: where the client sent it
        headers.put("X-SFDC-Session", upstream.accessToken());
      } else if (clientToProxyRequest.getAttribute(SOAP) == null) { // SOAP carries it in SessionHeader, replaced there
        headers.put(HttpHeader.AUTHORIZATION, "Bearer " + upstream.accessToken());
      }
      // answers must be readable to be redacted and to have their links rewritten: identity only
      headers.remove(HttpHeader.ACCEPT_ENCODING);
    });
  }

  @Override
  protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
    // Nothing about the client or this proxy goes to Salesforce (no Via, no Forwarded), only the decision's id, to
    // match Salesforce's logs with the ledger; one the client sent is replaced (this runs after the headers' copy).
    if (clientToProxyRequest.getAttribute(EXCHANGE) instanceof Exchange exchange && exchange.decision != null) {
      String decisionId = exchange.decision.decisionId();
      proxyToServerRequest.headers(headers -> headers.put(DECISION_HEADER, decisionId));
    }
  }

  @Override
  protected HttpField filterServerToProxyResponseField(HttpField serverToProxyResponseField) {
    HttpHeader header = serverToProxyResponseField.getHeader();
    if (header == HttpHeader.SET_COOKIE || header == HttpHeader.SET_COOKIE2) {
      return null; // Salesforce's cookies belong to the session's Salesforce token, not to the client
    }
    if (serverToProxyResponseField.getLowerCaseName().startsWith("proxy-")) {
      return null; // hop-by-hop: about the connection to Salesforce (Jetty drops the ones it knows)
    }
    return super.filterServerToProxyResponseField(serverToProxyResponseField);
  }

  /** {@code path} with every run of slashes made one ({@code //services/data} is {@code /services/data}). */
  public static String collapseSlashes(String path) {
    return path.indexOf("//") < 0 ? path : path.replaceAll("/{2,}", "/");
  }

  @Override
  protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
      Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
      Response proxyToClientResponse, Callback proxyToClientCallback) {
    RedactedFields redacted = clientToProxyRequest.getAttribute(REDACTION) instanceof RedactedFields fields
        ? fields : RedactedFields.of(List.of());
    AccessToken upstream = (AccessToken) clientToProxyRequest.getAttribute(UPSTREAM);
    InstanceUrlRewriter urls = new InstanceUrlRewriter(upstream.instanceUrl(), externalOrigin(clientToProxyRequest));
    return new AnswerListener(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse,
        proxyToClientCallback, redacted, urls);
  }

  /**
   * {@code scheme://authority} of the gateway as links in answers to this request must name it. The
   * request's own authority ({@code Host}, or HTTP/2's {@code :authority}) is used only when it is one
   * of the gateway's: the configured public URL, or the very address and port the connection reached
   * (an IP literal; {@code localhost} too on a loopback connection). Any other name, which a client
   * or an intermediary may have forged, is replaced by the public URL, else by the connection's
   * address, so that answers never point a client, and the session token it sends along, to a host
   * the gateway does not know as its own.
   */
  String externalOrigin(Request request) {
    String scheme = request.isSecure() ? "https" : "http";
    String localHost = Request.getLocalAddr(request);
    int localPort = Request.getLocalPort(request);
    String listener = origin(scheme, localHost, localPort);
    String host = request.getHttpURI().getHost();
    if (host != null && !host.isEmpty()) {
      int port = request.getHttpURI().getPort() > 0 ? request.getHttpURI().getPort()
          : InstanceUrlRewriter.defaultPort(scheme);
      String asked = origin(scheme, host, port);
      if (publicUrl.isPresent() && publicUrl.get().equalsIgnoreCase(asked)) {
        return publicUrl.get();
      }
      boolean loopback = request.getConnectionMetaData().getLocalSocketAddress()
          instanceof java.net.InetSocketAddress local && local.getAddress() != null
          && local.getAddress().isLoopbackAddress();
      if (port == localPort && (sameAddress(host, localHost) || (loopback && host.equalsIgnoreCase("localhost")))) {
        return asked;
      }
    }
    return publicUrl.orElse(listener);
  }

  private static final java.util.regex.Pattern IPV4_LITERAL = java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** Whether the IP literal {@code host} (maybe bracketed) is the address {@code local}; names never match. */
  private static boolean sameAddress(String host, String local) {
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (literal.equals(local)) {
      return true; // the same literal as the listener's own: no parsing needed
    }
    if (!literal.contains(":") && !IPV4_LITERAL.matcher(literal).matches()) {
      return false; // a name: never resolved
    }
    try {
      // literals only: no name lookup happens
      return java.net.InetAddress.getByName(literal).equals(java.net.InetAddress.getByName(local));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String origin(URI url) {
    return origin(url.getScheme().toLowerCase(Locale.ROOT), url.getHost(),
        url.getPort() >= 0 ? url.getPort() : InstanceUrlRewriter.defaultPort(url.getScheme()));
  }

  /** {@code scheme://host[:port]}, the port left out when it is the scheme's default, an IPv6 host in brackets. */
  private static String origin(String scheme, String host, int port) {
    String bracketed = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return scheme + "://" + bracketed + (port == InstanceUrlRewriter.defaultPort(scheme) ? "" : ":" + port);
  }

  /**
   * The serverToProxyResponse → proxyToClientResponse hop: headers as Jetty's proxy copies them
   * (hop-by-hop fields dropped, see {@link #filterServerToProxyResponseField}), then fields named by
   * Salesforce's {@code Connection} dropped too (RFC 9110 §7.6.1) and {@code Location}/{@code
   * Content-Location} on the instance moved to the gateway. A JSON or XML body streams through an
   * {@link AnswerFilter} chunk by chunk, with the same backpressure as Jetty's own listener (the next
   * chunk is demanded once the filtered bytes are written), and without {@code Content-Length}, since
   * the body may change; any other body passes on as Jetty passes it. Under {@code redact_fields}, an
   * answer that cannot be redacted (neither JSON nor XML, not UTF-8, encoded although identity was
   * asked for) is never passed on: it becomes a 502 {@code PORTCULLIS_UNREDACTABLE}; one that turns
   * out malformed or truncated ends the client's answer with an error, after the bytes filtered so
   * far.
   */
  private final class AnswerListener extends ProxyResponseListener {
    private final Request clientToProxyRequest;
    private final Response proxyToClientResponse;
    private final RedactedFields redacted;
    private final InstanceUrlRewriter urls;
    private final String decisionId;
    private AnswerFilter filter;
    private String unredactable;
    private boolean discardedBody;
    /** Salesforce's answer to a governed deployment, as sent (its start), for {@link DeployGate#answered}. */
    private final java.io.ByteArrayOutputStream deployAnswer;
    private final String deploymentId;

    AnswerListener(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
        Response proxyToClientResponse, Callback proxyToClientCallback, RedactedFields redacted,
        InstanceUrlRewriter urls) {
      super(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
      this.clientToProxyRequest = clientToProxyRequest;
      this.proxyToClientResponse = proxyToClientResponse;
      this.redacted = redacted;
      this.urls = urls;
      this.decisionId = clientToProxyRequest.getAttribute(EXCHANGE) instanceof Exchange exchange
          && exchange.decision != null ? exchange.decision.decisionId() : "unknown";
      this.deploymentId = clientToProxyRequest.getAttribute(DEPLOYMENT) instanceof String id ? id : null;
      this.deployAnswer = deploymentId == null ? null : new java.io.ByteArrayOutputStream();
    }

    @Override
    public void onComplete(org.eclipse.jetty.client.Result result) {
      super.onComplete(result);
      if (deploymentId != null && deploys != null) {
        int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
        try {
          byte[] answer = deployAnswer.toByteArray();
          Optional<String> salesforceId = status < 200 || status > 299 ? Optional.empty()
              : clientToProxyRequest.getAttribute(SOAP) != null ? DeployCalls.deployIdFromSoap(answer)
              : DeployCalls.deployIdFromRest(answer);
          deploys.answered(deploymentId, status, salesforceId,
              (AccessToken) clientToProxyRequest.getAttribute(UPSTREAM));
        } catch (RuntimeException e) {
          LOG.error("the answer to deployment {} could not be reported: {}", deploymentId, e.toString());
        }
      }
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
      super.onHeaders(serverToProxyResponse);
      org.eclipse.jetty.http.HttpFields.Mutable headers = proxyToClientResponse.getHeaders();
      for (String nominated : serverToProxyResponse.getHeaders().getCSV(HttpHeader.CONNECTION, false)) {
        headers.remove(nominated);
      }
      for (HttpHeader link : List.of(HttpHeader.LOCATION, HttpHeader.CONTENT_LOCATION)) {
        String value = headers.get(link);
        if (value != null) {
          urls.rewrite(value).ifPresent(moved -> headers.put(link, moved));
        }
      }
      if (!hasBody(clientToProxyRequest.getMethod(), serverToProxyResponse.getStatus())) {
        return;
      }
      switch (AnswerFilter.choose(serverToProxyResponse.getHeaders().get(HttpHeader.CONTENT_TYPE),
          serverToProxyResponse.getHeaders().get(HttpHeader.CONTENT_ENCODING), redacted, urls)) {
        case AnswerFilter.Choice.Filter chosen -> {
          filter = chosen.filter();
          headers.remove(HttpHeader.CONTENT_LENGTH);
        }
        case AnswerFilter.Choice.Refuse refused -> {
          unredactable = refused.why();
          headers.remove(HttpHeader.CONTENT_LENGTH);
        }
        case AnswerFilter.Choice.PassOn passOn -> { }
      }
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response serverToProxyResponse, Content.Chunk chunk,
        Runnable demander) {
      if (deployAnswer != null && deployAnswer.size() < DeployCalls.ANSWER_BYTES) {
        ByteBuffer seen = chunk.getByteBuffer().slice();
        byte[] start = new byte[Math.min(seen.remaining(), DeployCalls.ANSWER_BYTES - deployAnswer.size())];
        seen.get(start);
        deployAnswer.writeBytes(start);
      }
      if (unredactable != null) { // held back: answered with an error once the body has been read
        discardedBody |= chunk.hasRemaining();
        demander.run();
        return;
      }
      if (filter == null) {
        super.onContent(serverToProxyResponse, chunk, demander);
        return;
      }
      ByteBuffer filtered;
      try {
        filtered = filter.feed(chunk.getByteBuffer());
      } catch (IOException e) {
        abandon(serverToProxyResponse, e);
        return;
      }
      // The chunk is consumed (the caller releases it on return): the filtered bytes are a copy.
      if (!filtered.hasRemaining()) {
        demander.run();
        return;
      }
      proxyToClientResponse.write(false, filtered, Callback.from(demander, serverToProxyResponse::abort));
    }

    @Override
    public void onSuccess(org.eclipse.jetty.client.Response serverToProxyResponse) {
      if (unredactable != null) {
        if (discardedBody) {
          LOG.warn("answer to decision {} not passed on: {}", decisionId, unredactable);
          proxyToClientResponse.getHeaders().clear();
          SalesforceErrors.write(proxyToClientResponse, this, 502, "PORTCULLIS_UNREDACTABLE",
              "the answer must have fields redacted, but " + unredactable + "; it was not passed on (decision "
                  + decisionId + ")");
        } else {
          proxyToClientResponse.write(true, org.eclipse.jetty.util.BufferUtil.EMPTY_BUFFER, this);
        }
        return;
      }
      if (filter == null) {
        super.onSuccess(serverToProxyResponse);
        return;
      }
      ByteBuffer last;
      try {
        last = filter.finish();
      } catch (IOException e) {
        LOG.warn("answer to decision {} cut: it could not be redacted ({})", decisionId,
            e.getClass().getSimpleName());
        failed(e);
        return;
      }
      proxyToClientResponse.write(true, last, this);
    }

    private void abandon(org.eclipse.jetty.client.Response serverToProxyResponse, IOException e) {
      LOG.warn("answer to decision {} cut: it could not be redacted ({})", decisionId,
          e.getClass().getSimpleName()); // never the message: it may quote the answer
      serverToProxyResponse.abort(new IOException("the answer could not be redacted"));
    }
  }

  /** Whether an answer to {@code method} with {@code status} has a body (RFC 9110 §6.4.1). */
  private static boolean hasBody(String method, int status) {
    return !HttpMethod.HEAD.is(method) && status >= 200 && status != 204 && status != 304;
  }

  /** The session token of {@code Authorization: Bearer X} (or Salesforce's {@code OAuth X}). */
  static Optional<String> bearer(Request request) {
    List<String> values = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
    if (values.size() != 1) {
      return Optional.empty(); // none, or several: ambiguous, refused
    }
    String value = values.get(0).strip();
    int space = value.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    String credential = value.substring(space + 1).strip();
    return (scheme.equals("bearer") || scheme.equals("oauth")) && !credential.isEmpty()
        ? Optional.of(credential) : Optional.empty();
  }

  private static boolean presents(Request request, String thumbprint) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
      X509Certificate[] peer = ssl.peerCertificates();
      return peer != null && peer.length > 0
          && java.security.MessageDigest.isEqual(ClientCertificateVerifier.thumbprint(peer[0]).getBytes(
              java.nio.charset.StandardCharsets.US_ASCII), thumbprint.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return false;
  }
}
