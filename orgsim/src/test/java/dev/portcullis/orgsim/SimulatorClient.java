package dev.portcullis.orgsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Date;
import java.util.Map;

/** Real HTTP against the simulator, with JWT assertions built by Nimbus. */
final class SimulatorClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A response: status, raw body, and its JSON (or null). */
  record Reply(int status, String body, JsonNode json, java.net.http.HttpHeaders headers) {}

  static String assertion(PrivateKey key, String iss, String sub, String aud, long exp, String jti) {
    try {
      JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(iss).subject(sub).audience(aud);
      claims.claim("exp", exp);
      if (jti != null) {
        claims.jwtID(jti);
      }
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims.build());
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String assertion(PrivateKey key, String iss, String sub, String aud, Date exp) {
    return assertion(key, iss, sub, aud, exp.getTime() / 1000, null);
  }

  Reply token(URI base, String assertion) throws IOException, InterruptedException {
    return postForm(base.resolve("/services/oauth2/token"),
        "grant_type=" + enc(JwtBearerGrant.GRANT_TYPE) + "&assertion=" + enc(assertion), false);
  }

  Reply postForm(URI uri, String form, boolean chunked) throws IOException, InterruptedException {
    byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher body = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
        : HttpRequest.BodyPublishers.ofByteArray(bytes);
    return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded").POST(body).build());
  }

  Reply get(URI base, String path, String token) throws IOException, InterruptedException {
    return get(base, path, token, Map.of());
  }

  Reply get(URI base, String path, String token, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    return send(b.build());
  }

  Reply send(URI base, String method, String path, String token, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.build());
  }

  Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (!r.body().isEmpty()) {
      try {
        json = JSON.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
    }
    return new Reply(r.statusCode(), r.body(), json, r.headers());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
