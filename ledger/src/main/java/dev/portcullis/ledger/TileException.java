package dev.portcullis.ledger;

/** A hash tile was missing or malformed; {@link #path()} names it. */
public final class TileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final LedgerErrorCode code;
  private final String path;

  TileException(LedgerErrorCode code, TilePath path, String message) {
    super(message + ": " + path.format());
    this.code = code;
    this.path = path.format();
  }

  public LedgerErrorCode code() {
    return code;
  }

  /** The tile path, e.g. {@code tile/0/x001/234.p/17}. */
  public String path() {
    return path;
  }
}
