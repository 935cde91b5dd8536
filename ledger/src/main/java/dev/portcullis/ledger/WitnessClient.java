package dev.portcullis.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Asks one C2SP tlog-witness for a cosignature ({@code POST <prefix>/add-checkpoint},
 * c2sp.org/tlog-witness section "add-checkpoint") and accepts it only if it verifies with the
 * witness's known key.
 *
 * <p>The caller says which size it believes the witness last cosigned. If the witness answers 409
 * with another size ({@code text/x.tlog.size}), the client retries once with a consistency proof
 * from that size, as the spec suggests ("a client … MAY initially make a request with an old size
 * of zero to obtain it"); a witness that has seen a larger tree than the checkpoint's is refusing
 * for good. Responses are read up to {@value #MAX_RESPONSE_BYTES} bytes; every request has a
 * timeout. Signature lines from keys other than the witness's are ignored, as the spec requires.
 */
public final class WitnessClient {

  /** The largest response body read. */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** A verified cosignature and the size the witness now holds for the log. */
  public record Cosignature(NoteSignature signature, long timestamp, long witnessSize) {}

  private final URI endpoint;
  private final CosignatureVerifier witnessKey;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param submissionPrefix the witness's submission prefix, e.g. {@code https://w.example/}
   * @param witnessKey the witness's cosignature verifier key
   * @param http the HTTP client (its connect timeout applies)
   * @param timeout the limit for each whole request
   */
  public WitnessClient(URI submissionPrefix, CosignatureVerifier witnessKey, HttpClient http,
      Duration timeout) {
    String prefix = submissionPrefix.toString();
    this.endpoint = URI.create(prefix.endsWith("/") ? prefix + "add-checkpoint"
        : prefix + "/add-checkpoint");
    this.witnessKey = Objects.requireNonNull(witnessKey, "witnessKey");
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** A client with a new HTTP client: 5 s to connect, 10 s per request. */
  public WitnessClient(URI submissionPrefix, CosignatureVerifier witnessKey) {
    this(submissionPrefix, witnessKey,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        Duration.ofSeconds(10));
  }

  /** The add-checkpoint URL. */
  public URI endpoint() {
    return endpoint;
  }

  /** The witness's key. */
  public CosignatureVerifier witnessKey() {
    return witnessKey;
  }

  /**
   * Submits {@code checkpoint} with a proof from {@code oldSize}, computing proofs from {@code
   * tree} (a source for a tree of at least the checkpoint's size).
   *
   * @throws LedgerException {@code WITNESS_UNAVAILABLE} (network, timeout, 5xx), {@code
   *     WITNESS_REFUSED} (4xx other than a resolvable 409), {@code WITNESS_RESPONSE_INVALID} (a
   *     malformed or unverifiable answer), {@code WITNESS_MESSAGE_TOO_LARGE}
   */
  public Cosignature addCheckpoint(SignedNote checkpoint, long oldSize, HashSource tree) {
    Checkpoint parsed = Checkpoint.of(checkpoint);
    Answer answer = send(request(checkpoint, parsed, oldSize, tree));
    if (answer.status() == 409) {
      long known = parseSize(answer);
      if (known > parsed.size()) {
        throw refused("has cosigned size " + known + " of log '" + parsed.origin()
            + "', larger than this checkpoint's " + parsed.size() + " (the log is behind the witness)");
      }
      if (known == oldSize) {
        throw refused("answered 409 naming the same old size " + known + " that was sent");
      }
      answer = send(request(checkpoint, parsed, known, tree));
      if (answer.status() == 409) {
        throw refused("answered 409 again (size " + parseSize(answer)
            + "): another client is moving it concurrently");
      }
    }
    if (answer.status() != 200) {
      String body = new String(answer.body(), UTF_8).strip();
      String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
      LedgerErrorCode code = answer.status() >= 500 ? LedgerErrorCode.WITNESS_UNAVAILABLE
          : LedgerErrorCode.WITNESS_REFUSED;
      throw new LedgerException(code, "witness " + endpoint + " answered HTTP " + answer.status()
          + (shown.isEmpty() ? "" : ": " + shown));
    }
    return verify(checkpoint, parsed, answer.body());
  }

  private AddCheckpointRequest request(SignedNote checkpoint, Checkpoint parsed, long oldSize,
      HashSource tree) {
    List<Hash> proof = MerkleProofs.consistencyProof(tree, oldSize, parsed.size());
    return new AddCheckpointRequest(oldSize, proof, checkpoint);
  }

  private Cosignature verify(SignedNote checkpoint, Checkpoint parsed, byte[] body) {
    SignedNote cosigned;
    try {
      cosigned = SignedNote.parse(checkpoint.text() + "\n" + new String(body, UTF_8));
    } catch (NoteException e) {
      throw invalid("its response is not a list of signature lines: " + e.getMessage());
    }
    if (!new String(body, UTF_8).endsWith("\n")) {
      throw invalid("its response does not end with a newline");
    }
    try {
      NoteSignature signature = cosigned.verify(List.of(witnessKey)).getFirst();
      long timestamp = CosignatureVerifier.timestampOf(signature.signature());
      return new Cosignature(signature, timestamp, parsed.size());
    } catch (NoteException e) {
      throw invalid("its cosignature does not verify with " + witnessKey.vkey() + ": "
          + e.getMessage());
    }
  }

  private record Answer(int status, byte[] body) {}

  private Answer send(AddCheckpointRequest request) {
    HttpRequest http = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.bytes()))
        .build();
    try {
      HttpResponse<InputStream> response = this.http.send(http,
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        if (body.length > MAX_RESPONSE_BYTES) {
          throw new LedgerException(LedgerErrorCode.WITNESS_MESSAGE_TOO_LARGE, "witness "
              + endpoint + " answered with more than " + MAX_RESPONSE_BYTES + " bytes");
        }
        return new Answer(response.statusCode(), body);
      }
    } catch (HttpTimeoutException e) {
      throw new LedgerException(LedgerErrorCode.WITNESS_UNAVAILABLE, "witness " + endpoint
          + " did not answer within " + timeout, e);
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.WITNESS_UNAVAILABLE, "cannot reach witness "
          + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException(LedgerErrorCode.WITNESS_UNAVAILABLE, "interrupted while asking "
          + "witness " + endpoint, e);
    }
  }

  private long parseSize(Answer answer) {
    String body = new String(answer.body(), UTF_8);
    if (!body.matches("(0|[1-9][0-9]{0,18})\n")) {
      throw invalid("it answered 409 without a tree size line (text/x.tlog.size)");
    }
    try {
      return Long.parseLong(body.strip());
    } catch (NumberFormatException e) {
      throw invalid("it answered 409 with a size larger than 2^63 - 1");
    }
  }

  private LedgerException refused(String why) {
    return new LedgerException(LedgerErrorCode.WITNESS_REFUSED, "witness " + endpoint + " " + why);
  }

  private LedgerException invalid(String why) {
    return new LedgerException(LedgerErrorCode.WITNESS_RESPONSE_INVALID, "witness " + endpoint
        + ": " + why);
  }

  @Override
  public String toString() {
    return "WitnessClient[" + endpoint + ", " + witnessKey.vkey() + "]";
  }
}
