package dev.portcullis.server.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.identity.ClientCertificateVerifier;
import dev.portcullis.identity.IdentityException;
import dev.portcullis.identity.Principal;
import dev.portcullis.identity.broker.ExchangeResult;
import dev.portcullis.identity.broker.OAuthError;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token}: OAuth 2.0 Token Exchange (RFC 8693 §2) in front of the {@link
 * TokenBroker}. The contract (docs/BROKER.md, "The token endpoint"):
 *
 * <ul>
 *   <li>Request: {@code application/x-www-form-urlencoded}, UTF-8, at most 64 KiB, each parameter
 *       once. {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange}; {@code
 *       subject_token} with {@code subject_token_type} {@code …:token-type:id_token} or {@code
 *       …:token-type:jwt}, or no subject token at all when the TLS connection presented a client
 *       certificate (the certificate is the subject, RFC 8705 binding); {@code audience} = the org
 *       alias; {@code scope}; optional {@code requested_token_type} = {@code …:token-type:access_token}.
 *       {@code actor_token} (delegation) is refused; other parameters are ignored (RFC 6749 §3.2).
 *   <li>Success: 200, {@code Cache-Control: no-store}, {@code {access_token, issued_token_type,
 *       token_type: "Bearer", expires_in, scope, instance_url, session_id}}. The session is
 *       answered only once its {@code session.created} ledger entry is committed; when the ledger
 *       cannot record it, the session is revoked and the answer is 503.
 *   <li>Errors: {@code {error, error_description, decision_id?, error_code?}}; 400 for request,
 *       grant, target and scope errors, 403 {@code access_denied}, 405 for another method, 413 for
 *       an oversized body, 415 for another content type, 503 {@code temporarily_unavailable}
 *       (Salesforce, the store or the ledger), 500 {@code server_error}. Never a token in an error.
 * </ul>
 */
final class TokenEndpointHandler extends Handler.Abstract {
  static final String PATH = "/oauth2/token";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
  static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Duration LEDGER_WAIT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpointHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenBroker broker;
  private final Optional<ClientCertificateVerifier> certificates;
  private final BrokerLedger ledger;
  private final Supplier<URI> instanceUrl;
  private final Clock clock;

  TokenEndpointHandler(TokenBroker broker, Optional<ClientCertificateVerifier> certificates, BrokerLedger ledger,
      Supplier<URI> instanceUrl, Clock clock) {
    this.broker = broker;
    this.certificates = certificates;
    this.ledger = ledger;
    this.instanceUrl = instanceUrl;
    this.clock = clock;
  }

  /** An error answer; {@code status} is the HTTP status. */
  private record Failure(int status, String error, String description, Optional<String> decisionId,
      Optional<String> errorCode) {
    static Failure of(int status, OAuthError error, String description) {
      return new Failure(status, error.value(), description, Optional.empty(), Optional.empty());
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!PATH.equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      fail(response, callback, new Failure(HttpStatus.METHOD_NOT_ALLOWED_405, OAuthError.INVALID_REQUEST.value(),
          "the token endpoint takes POST, not " + FormBody.printable(request.getMethod()), Optional.empty(),
          Optional.empty()));
      return true;
    }
    Object answer;
    try {
      answer = exchange(request);
    } catch (StoreException e) {
      LOG.error("token exchange failed: the store is unavailable: {}", e.getMessage());
      answer = Failure.of(HttpStatus.SERVICE_UNAVAILABLE_503, OAuthError.TEMPORARILY_UNAVAILABLE,
          "the session store is unavailable; no session was issued");
    } catch (RuntimeException e) {
      LOG.error("token exchange failed", e);
      answer = new Failure(HttpStatus.INTERNAL_SERVER_ERROR_500, "server_error",
          "the token exchange failed inside the server; no session was issued", Optional.empty(), Optional.empty());
    }
    if (answer instanceof Failure failure) {
      fail(response, callback, failure);
    } else {
      write(response, callback, HttpStatus.OK_200, answer);
    }
    return true;
  }

  private Object exchange(Request request) throws IOException {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (!isForm(contentType)) {
      return new Failure(HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, OAuthError.INVALID_REQUEST.value(),
          "the request body must be application/x-www-form-urlencoded (UTF-8), not "
              + (contentType == null ? "absent" : FormBody.printable(contentType)), Optional.empty(), Optional.empty());
    }
    FormBody form;
    try {
      form = FormBody.read(Content.Source.asInputStream(request), MAX_BODY_BYTES);
    } catch (FormBody.TooLarge e) {
      return new Failure(HttpStatus.PAYLOAD_TOO_LARGE_413, OAuthError.INVALID_REQUEST.value(), e.getMessage(),
          Optional.empty(), Optional.empty());
    } catch (FormBody.Invalid e) {
      return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST, e.getMessage());
    } catch (IOException | RuntimeException e) {
      // the listener's body limit (GatewayRequestGuard) fails the read with 413
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof org.eclipse.jetty.http.HttpException http && http.getCode() == 413) {
          return new Failure(HttpStatus.PAYLOAD_TOO_LARGE_413, OAuthError.INVALID_REQUEST.value(), cause.getMessage(),
              Optional.empty(), Optional.empty());
        }
      }
      throw e;
    }
    Optional<String> grantType = form.get("grant_type");
    if (grantType.isEmpty()) {
      return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST, "grant_type is missing; use " + GRANT_TYPE);
    }
    if (!grantType.get().equals(GRANT_TYPE)) {
      return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.UNSUPPORTED_GRANT_TYPE, "grant_type '"
          + FormBody.printable(grantType.get()) + "' is not supported; this endpoint only does " + GRANT_TYPE);
    }
    if (form.has("actor_token") || form.has("actor_token_type")) {
      return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST,
          "actor_token: delegation is not supported; send only the subject token");
    }
    Optional<String> requestedType = form.get("requested_token_type");
    if (requestedType.isPresent() && !requestedType.get().equals(ACCESS_TOKEN_TYPE)) {
      return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST, "requested_token_type '"
          + FormBody.printable(requestedType.get()) + "' cannot be issued; only " + ACCESS_TOKEN_TYPE);
    }
    String audience = form.get("audience").orElse(null);
    String scope = form.get("scope").orElse(null);
    Optional<String> subjectToken = form.get("subject_token");
    ExchangeResult result;
    try (BrokerLedger.Capture capture = ledger.capture()) {
      if (subjectToken.isPresent()) {
        Optional<String> tokenType = form.get("subject_token_type");
        if (tokenType.isEmpty()) {
          return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST,
              "subject_token_type is missing; use " + ID_TOKEN_TYPE);
        }
        if (!tokenType.get().equals(ID_TOKEN_TYPE) && !tokenType.get().equals(JWT_TYPE)) {
          return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST, "subject_token_type '"
              + FormBody.printable(tokenType.get()) + "' is not accepted; use " + ID_TOKEN_TYPE + " or " + JWT_TYPE);
        }
        result = broker.exchange(subjectToken.get(), audience, scope);
      } else {
        Optional<List<X509Certificate>> chain = clientCertificates(request);
        if (chain.isEmpty()) {
          return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST, "subject_token is missing"
              + (certificates.isPresent() ? " and the connection presented no client certificate" : ""));
        }
        if (certificates.isEmpty()) {
          return Failure.of(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_REQUEST,
              "subject_token is missing; this server does not accept client certificates as subjects"
                  + " (identity.mtls is not configured)");
        }
        Principal principal;
        try {
          principal = certificates.get().verify(chain.get(), clock.instant());
        } catch (IdentityException e) {
          ledger.certificateFailed(e.code().name(), e.getMessage(), audience);
          return new Failure(HttpStatus.BAD_REQUEST_400, OAuthError.INVALID_GRANT.value(),
              "the client certificate was not accepted: " + e.getMessage(), Optional.empty(),
              Optional.of(e.code().name()));
        }
        result = broker.exchange(principal, audience, scope);
      }
      if (result instanceof ExchangeResult.Issued issued) {
        try {
          capture.await(LEDGER_WAIT);
        } catch (BrokerLedger.LedgerUnavailable e) {
          LOG.error("session {} revoked at once: {}", issued.sessionId(), e.getMessage());
          broker.revoke(issued.sessionId(), "portcullis", "the ledger could not record the session: " + e.getMessage());
          return Failure.of(HttpStatus.SERVICE_UNAVAILABLE_503, OAuthError.TEMPORARILY_UNAVAILABLE,
              "the audit ledger could not record the session, so none was issued; try again later");
        }
        return success(issued);
      }
      try {
        capture.await(LEDGER_WAIT); // the refusal is on record before it is answered
      } catch (BrokerLedger.LedgerUnavailable e) {
        LOG.error("a refused token exchange was not recorded: {}", e.getMessage());
      }
    }
    ExchangeResult.Refused refused = (ExchangeResult.Refused) result;
    int status = switch (refused.error()) {
      case ACCESS_DENIED -> HttpStatus.FORBIDDEN_403;
      case TEMPORARILY_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE_503;
      default -> HttpStatus.BAD_REQUEST_400;
    };
    return new Failure(status, refused.error().value(), refused.description(), refused.decisionId(),
        refused.identityErrorCode().map(Enum::name));
  }

  private Map<String, Object> success(ExchangeResult.Issued issued) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", issued.accessToken());
    body.put("issued_token_type", ACCESS_TOKEN_TYPE);
    body.put("token_type", "Bearer");
    body.put("expires_in", issued.expiresIn());
    body.put("scope", issued.scope());
    body.put("instance_url", instanceUrl.get().toString());
    body.put("session_id", issued.sessionId());
    return body;
  }

  static Optional<List<X509Certificate>> clientCertificates(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
      X509Certificate[] peer = ssl.peerCertificates();
      if (peer != null && peer.length > 0) {
        return Optional.of(Arrays.asList(peer));
      }
    }
    return Optional.empty();
  }

  private static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("charset=")) {
        String charset = parameter.substring("charset=".length()).replace("\"", "");
        if (!charset.equals("utf-8")) {
          return false;
        }
      }
    }
    return true;
  }

  private static void fail(Response response, Callback callback, Failure failure) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", failure.error());
    body.put("error_description", failure.description());
    failure.decisionId().ifPresent(id -> body.put("decision_id", id));
    failure.errorCode().ifPresent(code -> body.put("error_code", code));
    write(response, callback, failure.status(), body);
  }

  private static void write(Response response, Callback callback, int status, Object body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.PRAGMA, "no-cache");
    Content.Sink.write(response, true, JSON.writeValueAsString(body), callback);
  }
}
