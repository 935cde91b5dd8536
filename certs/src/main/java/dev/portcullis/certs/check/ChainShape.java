package dev.portcullis.certs.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The chain as found, walked from the leaf: each step takes the certificate's issuer from the served
 * certificates, else from the trust anchors, and stops at a self-signed certificate, an anchor, or a
 * missing issuer. An issuer is recognised by its name and matching key identifiers (AKI = SKI), or by
 * a verified signature when an identifier is missing; signatures themselves are judged by the path
 * validator ({@code trust-path}), so the walk costs no public-key operation on a well-formed chain. Records what C13 and C14 need: the path, the anchor
 * reached (if any), issuers found out of order, and served certificates that are on no path.
 */
record ChainShape(List<Inspected> path, TrustAnchors.Anchor anchor, boolean missingIssuer, List<String> outOfOrder,
    List<Integer> unused) {

  Inspected top() {
    return path.get(path.size() - 1);
  }

  static ChainShape walk(List<Inspected> chain, TrustAnchors anchors) {
    List<Inspected> path = new ArrayList<>();
    boolean[] used = new boolean[chain.size()];
    List<String> outOfOrder = new ArrayList<>();
    int index = 0;
    used[0] = true;
    path.add(chain.get(0));
    TrustAnchors.Anchor anchor = null;
    boolean missing = false;
    while (true) {
      Inspected current = chain.get(index);
      if (current.selfIssued() && (current.issuedByKeyId(current) || current.selfSigned())) {
        anchor = anchors.byFingerprint(current.fingerprint).orElse(null);
        break;
      }
      int next = -1;
      if (index + 1 < chain.size() && !used[index + 1] && current.likelyIssuedBy(chain.get(index + 1))) {
        next = index + 1;
      } else {
        for (int j = 0; j < chain.size() && next < 0; j++) {
          if (!used[j] && current.likelyIssuedBy(chain.get(j))) {
            next = j;
          }
        }
        if (next >= 0) {
          outOfOrder.add("certificate #" + (next + 1) + " (" + chain.get(next).label() + ") issued #" + (index + 1)
              + " (" + current.label() + ") but is not next to it");
        }
      }
      if (next >= 0) {
        used[next] = true;
        path.add(chain.get(next));
        index = next;
        continue;
      }
      for (TrustAnchors.Anchor candidate : anchors.issuersOf(current)) {
        if (current.likelyIssuedBy(candidate.certificate())) {
          anchor = candidate;
          break;
        }
      }
      missing = anchor == null;
      break;
    }
    List<Integer> unused = new ArrayList<>();
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        unused.add(i);
      }
    }
    return new ChainShape(List.copyOf(path), anchor, missing, List.copyOf(outOfOrder), List.copyOf(unused));
  }
}
