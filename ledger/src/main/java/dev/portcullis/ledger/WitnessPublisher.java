package dev.portcullis.ledger;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects witness cosignatures for a log's latest signed checkpoint and returns the checkpoint
 * with them added, ready for {@link LedgerStorage#publishCosigned}.
 *
 * <p>It remembers, per witness, the size that witness last cosigned, so that each request carries
 * the right old size and a consistency proof from it; it starts at 0, and the witness's 409 answer
 * tells the {@link WitnessClient} the real size on the first call. Each cosignature is verified
 * with the witness's key before it is added; a witness that fails (unreachable, refusing, or
 * answering nonsense) is reported in {@link Result#failures()} and leaves the others unaffected.
 * Whether enough witnesses cosigned is the caller's policy: {@link Result#cosignatures()}, or
 * {@link SignedNote#verify(java.util.Collection, int)} with the witness keys and K.
 *
 * <p>Calls are serialized: the per-witness sizes must follow the checkpoints in order.
 */
public final class WitnessPublisher {

  /** The cosigned checkpoint and, per witness endpoint that did not cosign, why. */
  public record Result(SignedNote checkpoint, int cosignatures, Map<String, LedgerException> failures) {
    public Result {
      Objects.requireNonNull(checkpoint, "checkpoint");
      failures = Map.copyOf(failures);
    }
  }

  /** A witness as configured: its submission prefix and its cosignature verifier key. */
  public record Endpoint(URI url, CosignatureVerifier key) {
    public Endpoint {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(key, "key");
    }
  }

  private final List<WitnessClient> witnesses;
  private final Map<WitnessClient, Long> knownSizes = new HashMap<>();

  public WitnessPublisher(List<WitnessClient> witnesses) {
    this.witnesses = List.copyOf(witnesses);
    for (WitnessClient witness : this.witnesses) {
      knownSizes.put(witness, 0L);
    }
  }

  /** A publisher that reaches each endpoint through {@code http}, each request within {@code timeout}. */
  public static WitnessPublisher forEndpoints(List<Endpoint> endpoints, HttpClient http,
      Duration timeout) {
    List<WitnessClient> clients = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      clients.add(new WitnessClient(endpoint.url(), endpoint.key(), http, timeout));
    }
    return new WitnessPublisher(clients);
  }

  /**
   * Collects cosignatures on {@code signedCheckpoint} (a signed note, as in the ledger's {@code
   * checkpoint} file) from every witness, reading proof hashes from the log's hash tiles.
   */
  public Result cosign(byte[] signedCheckpoint, TileReader tiles) {
    SignedNote note = SignedNote.parse(signedCheckpoint);
    return cosign(note, new TileHashSource(tiles, Checkpoint.of(note).size()));
  }

  /** As {@link #cosign(byte[], TileReader)}, with proof hashes from {@code tree}. */
  public synchronized Result cosign(SignedNote checkpoint, HashSource tree) {
    Checkpoint parsed = Checkpoint.of(checkpoint);
    SignedNote out = checkpoint;
    int cosignatures = 0;
    Map<String, LedgerException> failures = new LinkedHashMap<>();
    for (WitnessClient witness : witnesses) {
      long oldSize = Math.min(knownSizes.get(witness), parsed.size());
      try {
        WitnessClient.Cosignature cosignature = witness.addCheckpoint(checkpoint, oldSize, tree);
        out = out.withSignature(cosignature.signature());
        knownSizes.put(witness, cosignature.witnessSize());
        cosignatures++;
      } catch (LedgerException e) {
        failures.put(witness.endpoint().toString(), e);
      } catch (RuntimeException e) {
        failures.put(witness.endpoint().toString(), new LedgerException(
            LedgerErrorCode.WITNESS_UNAVAILABLE, "cannot build the request for witness "
                + witness.endpoint() + ": " + e.getMessage(), e));
      }
    }
    return new Result(out, cosignatures, failures);
  }

  /** The size each witness last cosigned, as far as this publisher knows. */
  public synchronized Map<String, Long> knownSizes() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (WitnessClient witness : witnesses) {
      out.put(witness.endpoint().toString(), knownSizes.get(witness));
    }
    return out;
  }

  /** The witness endpoints, in order. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    witnesses.forEach(witness -> out.add(witness.endpoint().toString()));
    return out;
  }
}
