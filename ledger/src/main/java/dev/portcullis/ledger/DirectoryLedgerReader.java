package dev.portcullis.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A {@link LedgerReader} over a local directory. Each path is checked twice: lexically (canonical relative path,
 * see {@link LedgerPaths}) and, when the file exists, by its real path, which must lie inside the real path of
 * the root, so a symbolic link cannot lead a reader out of the log.
 */
final class DirectoryLedgerReader implements LedgerReader {
  private final Path root;
  private volatile Path realRoot;

  DirectoryLedgerReader(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public byte[] read(String relativePath) {
    Path file = resolve(relativePath);
    if (file == null) {
      return null;
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      throw failed(relativePath, e);
    }
  }

  /**
   * A tile or bundle; a partial one that has no file of its own (superseded by the full tile and deleted, or never
   * written because the publisher wrote only a wider width of it) is read as the prefix of the full tile or of the
   * narrowest wider partial ({@link TilePrefix}). What is read is checked against signed checkpoints by whoever
   * uses it (proofs, verification), as every file of this reader is.
   */
  @Override
  public byte[] read(TilePath path) {
    byte[] exact = read(path.format());
    if (exact != null || path.isFull()) {
      return exact;
    }
    TilePath full = new TilePath(path.entries(), path.level(), path.index(), TilePath.FULL_WIDTH);
    byte[] data = read(full.format());
    if (data != null) {
      return TilePrefix.cut(path, data, TilePath.FULL_WIDTH);
    }
    String exactName = path.format();
    String partials = exactName.substring(0, exactName.lastIndexOf('/'));
    LedgerPaths.checkRelative(partials);
    int best = TilePrefix.narrowestWider(root.resolve(partials).toFile().list(), path.width(),
        TilePath.FULL_WIDTH - 1);
    if (best == 0) {
      return null;
    }
    data = read(new TilePath(path.entries(), path.level(), path.index(), best).format());
    return data == null ? null : TilePrefix.cut(path, data, best);
  }

  @Override
  public InputStream open(String relativePath) {
    Path file = resolve(relativePath);
    if (file == null) {
      return null;
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      throw failed(relativePath, e);
    }
  }

  /** The real path of the file, or null if it does not exist. */
  private Path resolve(String relativePath) {
    LedgerPaths.checkRelative(relativePath);
    Path file = root.resolve(relativePath).normalize();
    if (!file.startsWith(root)) {
      throw LedgerPaths.refused(relativePath, "leaves the ledger directory " + root);
    }
    java.nio.file.attribute.BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw failed(relativePath, e);
    }
    // Fast path: a regular file (not a link) in a directory already known to resolve inside the ledger directory.
    // Verifying a large log reads tens of thousands of files; resolving each one's real path would cost more than
    // hashing it.
    if (attributes.isRegularFile() && insideRoot(file.getParent())) {
      return file;
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      return null; // e.g. a dangling symbolic link: nothing to read
    } catch (IOException e) {
      throw failed(relativePath, e);
    }
    if (!real.startsWith(realRoot())) {
      throw LedgerPaths.refused(relativePath, "resolves to " + real + ", outside the ledger directory " + root);
    }
    if (!Files.isRegularFile(real)) {
      throw new LedgerException(LedgerErrorCode.READ_FAILED, "cannot read " + file + ": not a regular file");
    }
    return real;
  }

  /** Whether {@code dir} resolves (through any links) to a directory inside the ledger directory; cached. */
  private boolean insideRoot(Path dir) {
    Boolean known = insideDirectories.get(dir);
    if (known != null) {
      return known;
    }
    boolean inside;
    try {
      inside = dir.toRealPath().startsWith(realRoot());
    } catch (IOException e) {
      return false; // let the slow path report it
    }
    if (insideDirectories.size() > 10_000) {
      insideDirectories.clear();
    }
    insideDirectories.put(dir, inside);
    return inside;
  }

  private final java.util.concurrent.ConcurrentHashMap<Path, Boolean> insideDirectories =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Path realRoot() {
    Path r = realRoot;
    if (r == null) {
      try {
        r = root.toRealPath();
      } catch (IOException e) {
        throw new LedgerException(LedgerErrorCode.READ_FAILED, "cannot open ledger directory " + root + ": " + e, e);
      }
      realRoot = r;
    }
    return r;
  }

  private LedgerException failed(String relativePath, Exception e) {
    return new LedgerException(LedgerErrorCode.READ_FAILED, "cannot read " + root.resolve(relativePath) + ": " + e,
        e);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
