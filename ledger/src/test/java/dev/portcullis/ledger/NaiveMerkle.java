package dev.portcullis.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The RFC 6962 §2.1 recursions written literally over a list of leaf hashes: the reference the fast code is tested against. */
final class NaiveMerkle {
  private NaiveMerkle() {
  }

  static List<Hash> leaves(int n) {
    List<Hash> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(MerkleHash.leaf(ByteBuffer.allocate(8).putLong(i).array()));
    }
    return out;
  }

  static MemoryHashSource source(List<Hash> leaves) {
    MemoryHashSource s = new MemoryHashSource();
    leaves.forEach(s::append);
    return s;
  }

  private static int k(int n) {
    int k = 1;
    while (k << 1 < n) {
      k <<= 1;
    }
    return k;
  }

  static Hash mth(List<Hash> d) {
    if (d.isEmpty()) {
      return MerkleHash.empty();
    }
    if (d.size() == 1) {
      return d.get(0);
    }
    int k = k(d.size());
    return MerkleHash.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
  }

  static List<Hash> path(int m, List<Hash> d) {
    List<Hash> out = new ArrayList<>();
    if (d.size() <= 1) {
      return out;
    }
    int k = k(d.size());
    if (m < k) {
      out.addAll(path(m, d.subList(0, k)));
      out.add(mth(d.subList(k, d.size())));
    } else {
      out.addAll(path(m - k, d.subList(k, d.size())));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  static List<Hash> proof(int m, List<Hash> d) {
    return m == 0 || m == d.size() ? List.of() : subproof(m, d, true);
  }

  private static List<Hash> subproof(int m, List<Hash> d, boolean b) {
    List<Hash> out = new ArrayList<>();
    int n = d.size();
    if (m == n) {
      if (!b) {
        out.add(mth(d));
      }
      return out;
    }
    int k = k(n);
    if (m <= k) {
      out.addAll(subproof(m, d.subList(0, k), b));
      out.add(mth(d.subList(k, n)));
    } else {
      out.addAll(subproof(m - k, d.subList(k, n), false));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }
}
