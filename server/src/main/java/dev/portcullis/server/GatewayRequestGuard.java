package dev.portcullis.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.salesforce.soql.SoqlParser;
import dev.portcullis.server.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Screens every request on the gateway listener before it is routed, classified or forwarded.
 *
 * <p>Design note. Jetty's parser already refuses ambiguous framing and ambiguous URIs under the
 * listener's {@code HttpCompliance}/{@code UriCompliance} (see {@link PortcullisServer}); this
 * handler holds the invariants the gateway itself relies on, so that they do not depend on a
 * compliance mode staying as configured:
 *
 * <ul>
 *   <li><b>One path.</b> The gateway classifies the decoded path and forwards the raw one. The two
 *       name the same resource only when the raw path is canonical, so nothing is normalised: a
 *       path that is not already canonical ({@code .}/{@code ..} or empty segments, {@code ;}
 *       parameters, backslashes, percent-escapes of unreserved characters or of {@code / \ ; %},
 *       control characters, bad or overlong UTF-8, a case variant of a known API prefix) is refused
 *       with 400, so the path policy sees is byte for byte the path Salesforce receives.
 *   <li><b>One framing.</b> Several {@code Content-Length} fields, even equal ones, or a {@code
 *       Content-Length} beside {@code Transfer-Encoding}, are refused and the connection closed.
 *   <li><b>Bounded bodies.</b> Each API family has its own body limit: a declared length above it
 *       is answered 413 before anything is read, a streamed body is cut at the limit. Encoded
 *       bodies ({@code Content-Encoding}) are refused with 415: the gateway never inflates, so a
 *       compression bomb cannot expand here, and the limit counts the bytes Salesforce receives.
 *   <li><b>Bounded SOQL.</b> A {@code q} parameter longer than Salesforce's 100,000 characters is
 *       refused as Salesforce refuses it ({@code MALFORMED_QUERY}).
 * </ul>
 */
final class GatewayRequestGuard extends Handler.Wrapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Second path segments under {@code /services/}, spelled as Salesforce spells them. */
  private static final List<String> KNOWN_PREFIXES = List.of("data", "async", "Soap", "oauth2", "apexrest");

  private final Config.GatewayLimits limits;

  GatewayRequestGuard(Config.GatewayLimits limits, Handler next) {
    super(next);
    this.limits = limits;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    List<String> lengths = request.getHeaders().getValuesList(HttpHeader.CONTENT_LENGTH);
    if (lengths.size() > 1
        || (!lengths.isEmpty() && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING))) {
      refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "PORTCULLIS_AMBIGUOUS_FRAMING",
          "the request has several Content-Length fields, or Content-Length with Transfer-Encoding", true);
      return true;
    }
    String rawPath = Optional.ofNullable(request.getHttpURI().getPath()).orElse("");
    Optional<String> problem = pathProblem(rawPath);
    if (problem.isPresent()) {
      refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "PORTCULLIS_PATH_NOT_CANONICAL",
          "the path is not in canonical form (" + problem.get() + "); send it without dot segments, empty segments,"
              + " ';' parameters or needless percent-escapes", true);
      return true;
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
      response.getHeaders().put(HttpHeader.ACCEPT_ENCODING, "identity");
      refuse(request, response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, "PORTCULLIS_CONTENT_ENCODING",
          "request bodies with Content-Encoding " + encoding.strip() + " are refused; send the body uncompressed",
          true);
      return true;
    }
    Optional<String> tooLongSoql = soqlProblem(request);
    if (tooLongSoql.isPresent()) {
      refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "MALFORMED_QUERY", tooLongSoql.get(), false);
      return true;
    }
    String family = family(rawPath);
    long limit = limits.maxBodyBytes(family);
    long declared = request.getLength();
    if (declared > limit) {
      refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "PORTCULLIS_BODY_TOO_LARGE",
          "the request body (" + declared + " bytes) is larger than the " + family + " limit of " + limit + " bytes",
          true);
      return true;
    }
    return super.handle(new BodyLimitRequest(request, limit, family), response, callback);
  }

  private static final java.util.regex.Pattern METADATA_DEPLOY =
      java.util.regex.Pattern.compile("/services/data/v\\d{2,3}\\.0/metadata/deployRequest(/.*)?");
  private static final java.util.regex.Pattern BULK2 =
      java.util.regex.Pattern.compile("/services/data/v\\d{2,3}\\.0/jobs/(ingest|query)(/.*)?");

  /** The API family whose body limit applies, from the raw (canonical) path. */
  static String family(String path) {
    if (path.equals(PortcullisServer.TOKEN_PATH)) {
      return "token";
    }
    if (path.startsWith("/services/async/")) {
      return "bulk";
    }
    if (path.startsWith("/services/Soap/m/")
        || METADATA_DEPLOY.matcher(path).matches()) {
      return "metadata"; // the SOAP binding and the REST deployRequest carry the same zips
    }
    if (path.startsWith("/services/Soap/")) {
      return "soap";
    }
    if (BULK2.matcher(path).matches()) {
      return "bulk2";
    }
    return "rest";
  }

  /** Why {@code rawPath} (as received, percent-encoded) is not canonical, if it is not. */
  static Optional<String> pathProblem(String received) {
    // Runs of slashes are the one normalisation: sf asks for "//services/…" (it keeps its instance
    // URL with a trailing slash) and Salesforce serves it; the proxy forwards the collapsed path.
    String rawPath = dev.portcullis.gateway.GatewayProxy.collapseSlashes(received);
    if (!rawPath.startsWith("/")) {
      return Optional.of("it does not start with /");
    }
    String[] segments = rawPath.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.isEmpty() && i < segments.length - 1) {
        return Optional.of("an empty segment (//)");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("a dot segment");
      }
      Optional<String> problem = segmentProblem(segment);
      if (problem.isPresent()) {
        return problem;
      }
    }
    if (segments.length >= 1 && segments[0].equalsIgnoreCase("services") && !segments[0].equals("services")) {
      return Optional.of("'" + segments[0] + "' for 'services'");
    }
    if (segments.length >= 2 && segments[0].equals("services")) {
      for (String known : KNOWN_PREFIXES) {
        if (segments[1].equalsIgnoreCase(known) && !segments[1].equals(known)) {
          return Optional.of("'" + segments[1] + "' for '" + known + "'");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> segmentProblem(String segment) {
    ByteArrayOutputStream escaped = new ByteArrayOutputStream();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length() || hex(segment.charAt(i + 1)) < 0 || hex(segment.charAt(i + 2)) < 0) {
          return Optional.of("a bad percent-escape");
        }
        int b = hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2));
        if (b < 0x20 || b == 0x7f) {
          return Optional.of("an escaped control character");
        }
        if (b < 0x80 && (unreserved((char) b) || "/\\;%".indexOf(b) >= 0)) {
          return Optional.of("an escaped '" + (char) b + "'");
        }
        escaped.write(b);
        i += 2;
        continue;
      }
      if (!validUtf8(escaped)) {
        return Optional.of("an escape that is not UTF-8, or overlong UTF-8");
      }
      escaped.reset();
      if (c == ';') {
        return Optional.of("a ';' parameter");
      }
      if (c == '\\') {
        return Optional.of("a backslash");
      }
      if (c <= 0x20 || c >= 0x7f || !(unreserved(c) || "!$&'()*+,=:@".indexOf(c) >= 0)) {
        return Optional.of("a character that must be percent-encoded");
      }
    }
    return validUtf8(escaped) ? Optional.empty() : Optional.of("an escape that is not UTF-8, or overlong UTF-8");
  }

  private static boolean validUtf8(ByteArrayOutputStream bytes) {
    if (bytes.size() == 0) {
      return true;
    }
    try {
      // Java's decoder rejects overlong forms (C0 AE), surrogates and truncated sequences
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  private static Optional<String> soqlProblem(Request request) {
    String query = request.getHttpURI().getQuery();
    if (query == null || query.length() <= SoqlParser.MAX_LENGTH) {
      return Optional.empty(); // an encoded query is never shorter than its decoded text
    }
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      return Optional.empty(); // the proxy answers malformed encodings
    }
    String soql = fields.getValue("q");
    if (soql != null && soql.length() > SoqlParser.MAX_LENGTH) {
      return Optional.of("SOQL statements cannot be longer than " + SoqlParser.MAX_LENGTH + " characters (this one"
          + " has " + soql.length() + ")");
    }
    return Optional.empty();
  }

  private static void refuse(Request request, Response response, Callback callback, int status, String code,
      String message, boolean close) throws Exception {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    String path = Optional.ofNullable(request.getHttpURI().getPath()).orElse("");
    byte[] body = path.equals(PortcullisServer.TOKEN_PATH)
        ? JSON.writeValueAsBytes(Map.of("error", "invalid_request", "error_description", message))
        : JSON.writeValueAsBytes(List.of(Map.of("message", message, "errorCode", code)));
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** Counts body bytes as they are read and fails the read past the family's limit (413). */
  private static final class BodyLimitRequest extends Request.Wrapper {
    private final long limit;
    private final String family;
    private long read;

    BodyLimitRequest(Request request, long limit, String family) {
      super(request);
      this.limit = limit;
      this.family = family;
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = super.read();
      if (chunk == null || Content.Chunk.isFailure(chunk)) {
        return chunk;
      }
      read += chunk.remaining();
      if (read > limit) {
        chunk.release();
        return Content.Chunk.from(new HttpException.RuntimeException(HttpStatus.PAYLOAD_TOO_LARGE_413,
            "the request body is larger than the " + family + " limit of " + limit + " bytes"), true);
      }
      return chunk;
    }
  }
}
