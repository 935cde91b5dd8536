package dev.portcullis.ledger;

/** A hash tile was missing or malformed; {@link #path()} names it. */
public final class TileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the tile. */
  public enum Code {
    MISSING_TILE,
    WRONG_TILE_SIZE
  }

  private final Code code;
  private final String path;

  TileException(Code code, TilePath path, String message) {
    super(message + ": " + path.format());
    this.code = code;
    this.path = path.format();
  }

  public Code code() {
    return code;
  }

  /** The tile path, e.g. {@code tile/0/x001/234.p/17}. */
  public String path() {
    return path;
  }
}
