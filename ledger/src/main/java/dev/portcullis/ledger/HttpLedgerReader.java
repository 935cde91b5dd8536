package dev.portcullis.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A {@link LedgerReader} over a log served by a static HTTP(S) server (C2SP tlog-tiles). 200 returns the body,
 * 404 reads as absent; any other status, a redirect (never followed: a log's files do not move, and following
 * would let the server send the reader to another host), a body larger than the cap or a timeout fails with
 * {@link LedgerErrorCode#READ_FAILED} naming the status and URL. The body is read at most one byte past the cap,
 * whatever Content-Length says.
 */
final class HttpLedgerReader implements LedgerReader {
  /** Default response size cap, 17 MiB: above the largest entry bundle (256 × (2 + 65,535) = 16,777,472 bytes). */
  static final int DEFAULT_MAX_RESPONSE_BYTES = 17 << 20;

  private final URI base;
  private final HttpClient client;
  private final Duration readTimeout;
  private final int maxResponseBytes;

  HttpLedgerReader(URI base, Duration connectTimeout, Duration readTimeout, int maxResponseBytes) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new LedgerException(LedgerErrorCode.READ_REFUSED,
          "ledger URL " + base + ": only http and https are supported");
    }
    if (base.getHost() == null || base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new LedgerException(LedgerErrorCode.READ_REFUSED,
          "ledger URL " + base + " must have a host and no query or fragment");
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("maxResponseBytes must be positive, got " + maxResponseBytes);
    }
    String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
    this.base = base.resolve(path.endsWith("/") ? path : path + "/");
    this.readTimeout = readTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public byte[] read(String relativePath) {
    URI uri = base.resolve(LedgerPaths.checkRelative(relativePath));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "GET " + uri + " interrupted", e);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 404) {
        return null;
      }
      if (status != 200) {
        String where = response.headers().firstValue("Location").map(l -> " (redirect to " + l + " refused)")
            .orElse("");
        throw new LedgerException(LedgerErrorCode.READ_FAILED, "GET " + uri + " returned HTTP " + status + where);
      }
      OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
      if (declared.isPresent() && declared.getAsLong() > maxResponseBytes) {
        throw tooLarge(uri, declared.getAsLong() + " bytes declared");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = body.read(buf)) > 0; ) {
        total += n;
        if (total > maxResponseBytes) {
          throw tooLarge(uri, "more than " + maxResponseBytes + " bytes sent");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "GET " + uri + ": reading the body failed: " + e, e);
    }
  }

  private LedgerException tooLarge(URI uri, String what) {
    return new LedgerException(LedgerErrorCode.READ_FAILED, "GET " + uri + ": response too large (" + what
        + ", the limit is " + maxResponseBytes + ")");
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
