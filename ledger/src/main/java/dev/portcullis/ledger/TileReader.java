package dev.portcullis.ledger;

/** Reads stored hash tiles (C2SP tlog-tiles), e.g. from a file system, object store or HTTP. */
@FunctionalInterface
public interface TileReader {
  /**
   * Returns the bytes of hash tile {@code level}/{@code index}: {@code width} hashes of 32 bytes each, of tree
   * level 8·{@code level}; or {@code null} if that tile does not exist.
   *
   * @param width 256 for a full tile, else the partial width 1..255
   * @throws java.io.UncheckedIOException on a storage failure
   */
  byte[] read(int level, long index, int width);
}
