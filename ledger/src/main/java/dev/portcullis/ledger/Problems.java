package dev.portcullis.ledger;

import java.util.ArrayList;
import java.util.List;

/** Collects a verification's problems, first found first, and stops it when the limit is reached. */
final class Problems {
  private final int limit;
  private final List<LedgerVerifier.Problem> list = new ArrayList<>();

  /** Unwinds a verification: the limit was reached, or nothing further can be checked. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  Problems(int limit) {
    this.limit = limit;
  }

  /** Records a problem; throws {@link Stop} once the limit is reached. */
  void add(LedgerVerifier.Problem problem) {
    list.add(problem);
    if (list.size() >= limit) {
      throw new Stop();
    }
  }

  /** Records a problem after which nothing else can be checked; returns the {@link Stop} to throw. */
  Stop fatal(LedgerVerifier.Problem problem) {
    list.add(problem);
    return new Stop();
  }

  int size() {
    return list.size();
  }

  List<LedgerVerifier.Problem> list() {
    return List.copyOf(list);
  }
}
