package dev.portcullis.ledger;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) for a stored log, each checked before it is handed
 * out: the checkpoints it refers to must verify with the log's key, and the proof must lead to their roots. A
 * proof for an earlier tree size is made against the checkpoint published for exactly that size (from
 * {@value LedgerReader#CHECKPOINT_HISTORY}).
 */
public final class LedgerProofs {
  private final LedgerReader reader;
  private final List<NoteVerifier> logKeys;

  public LedgerProofs(LedgerReader reader, Collection<? extends NoteVerifier> logKeys) {
    this.reader = reader;
    this.logKeys = List.copyOf(logKeys);
  }

  /**
   * An inclusion proof.
   *
   * @param checkpoint the signed checkpoint of {@code treeSize}, as published (note text)
   */
  public record InclusionProof(long index, long treeSize, byte[] entry, Hash leafHash, List<Hash> proof,
      String checkpoint) {}

  /** A consistency proof between two published checkpoints (note texts). */
  public record ConsistencyProof(String oldCheckpoint, String newCheckpoint, List<Hash> proof) {}

  /** The latest published checkpoint, verified. */
  public SignedNote latest() {
    byte[] bytes = reader.read(LedgerReader.CHECKPOINT);
    if (bytes == null) {
      throw new LedgerException(LedgerErrorCode.MISSING_TILE, "the log has no checkpoint file");
    }
    return verified(bytes, "the latest checkpoint");
  }

  /**
   * The checkpoint published for exactly {@code size}: the latest if it has that size (with any cosignatures),
   * else the history's record.
   *
   * @throws LedgerException {@link LedgerErrorCode#INDEX_OUT_OF_RANGE} when no checkpoint of that size was ever
   *     published
   */
  public SignedNote checkpoint(long size) {
    SignedNote latest = latest();
    long latestSize = Checkpoint.of(latest).size();
    if (latestSize == size) {
      return latest;
    }
    if (size > latestSize) {
      throw new LedgerException(LedgerErrorCode.INDEX_OUT_OF_RANGE, "no checkpoint of size " + size
          + " was published: the log's latest size is " + latestSize);
    }
    return fromHistory(size).map(bytes -> verified(bytes, "the checkpoint of size " + size)).orElseThrow(() ->
        new LedgerException(LedgerErrorCode.INDEX_OUT_OF_RANGE, "no checkpoint of size " + size
            + " was published (the log publishes one per batch, not per entry); choose a size from "
            + LedgerReader.CHECKPOINT_HISTORY));
  }

  /** Proves that entry {@code index} is in the tree of {@code treeSize} (default: the latest). */
  public InclusionProof inclusion(long index, OptionalLong treeSize) {
    SignedNote note = treeSize.isPresent() ? checkpoint(treeSize.getAsLong()) : latest();
    Checkpoint checkpoint = Checkpoint.of(note);
    long size = checkpoint.size();
    if (index < 0 || index >= size) {
      throw new LedgerException(LedgerErrorCode.INDEX_OUT_OF_RANGE, "entry " + index
          + " is not in the tree of size " + size);
    }
    byte[] entry = LedgerEntries.read(reader, index, size);
    Hash leaf = MerkleHash.leaf(entry);
    List<Hash> proof = MerkleProofs.inclusionProof(new TileHashSource(tilesWithFallback(), size), index, size);
    try {
      MerkleProofs.verifyInclusion(index, size, leaf, proof, Hash.of(checkpoint.rootHash()));
    } catch (ProofException e) {
      throw new LedgerException(e.code(), "the stored log does not prove entry " + index + " against its checkpoint"
          + " of size " + size + " (run `portcullis ledger verify`): " + e.getMessage(), e);
    }
    return new InclusionProof(index, size, entry, leaf, proof, note.format());
  }

  /** Proves that the tree of {@code oldSize} is a prefix of the tree of {@code newSize} (default: the latest). */
  public ConsistencyProof consistency(long oldSize, OptionalLong newSize) {
    SignedNote newNote = newSize.isPresent() ? checkpoint(newSize.getAsLong()) : latest();
    Checkpoint newer = Checkpoint.of(newNote);
    if (oldSize > newer.size()) {
      throw new LedgerException(LedgerErrorCode.SIZE_ORDER, "the old size " + oldSize + " is larger than the new size "
          + newer.size());
    }
    SignedNote oldNote = checkpoint(oldSize);
    Checkpoint older = Checkpoint.of(oldNote);
    List<Hash> proof = MerkleProofs.consistencyProof(new TileHashSource(tilesWithFallback(), newer.size()),
        older.size(), newer.size());
    try {
      MerkleProofs.verifyConsistency(older.size(), newer.size(), proof, Hash.of(older.rootHash()),
          Hash.of(newer.rootHash()));
    } catch (ProofException e) {
      throw new LedgerException(e.code(), "the checkpoints of sizes " + older.size() + " and " + newer.size()
          + " are not consistent in the stored log (run `portcullis ledger verify`): " + e.getMessage(), e);
    }
    return new ConsistencyProof(oldNote.format(), newNote.format(), proof);
  }

  private SignedNote verified(byte[] bytes, String what) {
    SignedNote note;
    try {
      note = SignedNote.parse(bytes);
      Checkpoint.verify(note, Checkpoint.of(note).origin(), logKeys);
    } catch (NoteException e) {
      throw new LedgerException(LedgerErrorCode.CHECKPOINT_INVALID, what + " does not verify with the log key: "
          + e.getMessage(), e);
    }
    return note;
  }

  private Optional<byte[]> fromHistory(long size) {
    byte[] found = null;
    try (InputStream in = reader.open(LedgerReader.CHECKPOINT_HISTORY)) {
      if (in == null) {
        return Optional.empty();
      }
      DataInputStream data = new DataInputStream(in);
      for (long record = 0; ; record++) {
        byte[] note = CheckpointHistoryRecords.next(data, record);
        if (note == null) {
          break;
        }
        if (sizeOf(note) == size) {
          found = note;
        }
      }
    } catch (IOException e) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, LedgerReader.CHECKPOINT_HISTORY + ": " + e.getMessage(), e);
    }
    return Optional.ofNullable(found);
  }

  /** The tree size on the second line of a checkpoint note, without parsing the rest. */
  private static long sizeOf(byte[] note) {
    String text = new String(note, StandardCharsets.UTF_8);
    int first = text.indexOf('\n');
    int second = first < 0 ? -1 : text.indexOf('\n', first + 1);
    if (second < 0) {
      return -1;
    }
    try {
      return Long.parseLong(text.substring(first + 1, second));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The log's hash tiles, where a partial tile that was superseded by its full tile (and deleted) is read as the
   * full tile's prefix: both hold the same hashes.
   */
  private TileReader tilesWithFallback() {
    TileReader tiles = reader.tiles();
    return (level, index, width) -> {
      byte[] data;
      try {
        data = tiles.read(level, index, width);
      } catch (UncheckedIOException e) {
        throw new LedgerException(LedgerErrorCode.READ_FAILED, e.getMessage(), e);
      }
      if (data == null && width < TilePath.FULL_WIDTH) {
        byte[] full = tiles.read(level, index, TilePath.FULL_WIDTH);
        data = full == null ? null : Arrays.copyOf(full, width * Hash.SIZE);
      }
      return data;
    };
  }
}
