package dev.portcullis.certs.check;

import dev.portcullis.certs.path.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The roots a chain may end at: the bundled Mozilla snapshot (public roots, the websites trust bit,
 * with the distrust-after dates we can cite) and private anchors given for a run. Indexed by
 * subject so that a check hands the path validator only the anchors that can issue its chain.
 *
 * <p>The snapshot is {@code mozilla-roots.pem} beside this class, built by {@code
 * certs/scripts/mozilla-roots.sh} from Debian's {@code ca-certificates} package; its header records the
 * package version and dates. Debian drops Mozilla's distrust-after dates, so {@code
 * mozilla-distrust-after.properties} adds them back where a source is cited. Immutable.
 */
public final class TrustAnchors {
  /** One trusted root. */
  record Anchor(Inspected certificate, boolean mozilla, Optional<Instant> distrustAfter) {}

  private static final class Bundled {
    static final TrustAnchors MOZILLA = loadMozilla();
  }

  private final List<Anchor> anchors;
  private final Map<X500Name, List<Anchor>> bySubject = new HashMap<>();
  private final Map<String, Anchor> byFingerprint = new HashMap<>();
  private final String snapshot;
  /** The fingerprints of the roots the org trusts ({@code /cacerts.jsp}), when given; null when not. */
  private final Set<String> orgTrusted;

  private TrustAnchors(List<Anchor> anchors, String snapshot) {
    this(anchors, snapshot, null);
  }

  private TrustAnchors(List<Anchor> anchors, String snapshot, Set<String> orgTrusted) {
    this.anchors = List.copyOf(anchors);
    this.snapshot = snapshot;
    this.orgTrusted = orgTrusted == null ? null : Set.copyOf(orgTrusted);
    for (Anchor anchor : this.anchors) {
      bySubject.computeIfAbsent(anchor.certificate().subject, s -> new ArrayList<>()).add(anchor);
      byFingerprint.putIfAbsent(anchor.certificate().fingerprint, anchor);
    }
  }

  /** The bundled Mozilla snapshot. */
  public static TrustAnchors mozilla() {
    return Bundled.MOZILLA;
  }

  /** No anchors at all (every chain is untrusted; for tests of private PKIs add anchors). */
  public static TrustAnchors none() {
    return new TrustAnchors(List.of(), "");
  }

  /**
   * These anchors plus private ones (DER), e.g. from {@code --trust-anchor}; a certificate that does
   * not decode is refused with the message naming its position.
   */
  public TrustAnchors withPrivate(List<byte[]> certificates) {
    List<Anchor> all = new ArrayList<>(anchors);
    for (int i = 0; i < certificates.size(); i++) {
      try {
        all.add(new Anchor(Inspected.parse(certificates.get(i).clone()), false, Optional.empty()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("trust anchor #" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new TrustAnchors(all, snapshot, orgTrusted);
  }

  /**
   * These anchors, and the org's own trusted CA list (DER of each root, as the org's {@code /cacerts.jsp} lists them,
   * help 000385468): a root of the list that is not already an anchor becomes one (public if Mozilla's snapshot has
   * it, else judged as a private one), and the checks of the uses Salesforce validates against that list (outbound
   * TLS, inbound API and user mTLS) then require the path to end at one of these roots. A certificate that does not
   * decode is refused with the message naming its position; an empty list is refused.
   */
  public TrustAnchors withOrgTrusted(List<byte[]> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("the org's trusted CA list holds no certificate");
    }
    List<Anchor> all = new ArrayList<>(anchors);
    Set<String> trusted = new HashSet<>();
    for (int i = 0; i < certificates.size(); i++) {
      Inspected root;
      try {
        root = Inspected.parse(certificates.get(i).clone());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the org's trusted CA list, certificate #" + (i + 1) + ": " + e.getMessage(), e);
      }
      trusted.add(root.fingerprint);
      if (!byFingerprint.containsKey(root.fingerprint) && all.stream().noneMatch(a -> a.certificate().fingerprint
          .equals(root.fingerprint))) {
        all.add(new Anchor(root, false, Optional.empty()));
      }
    }
    return new TrustAnchors(all, snapshot, trusted);
  }

  /** The fingerprints of the org's trusted roots, when {@link #withOrgTrusted} gave them. */
  public Optional<Set<String>> orgTrusted() {
    return Optional.ofNullable(orgTrusted);
  }

  /**
   * These anchors plus roots (DER) trusted as public ones, as if in the Mozilla snapshot: for a simulated public CA
   * (the demo's orgsim), so the public-TLS rules (BR lifetimes) apply to the chains it issued. Never for real roots.
   */
  public TrustAnchors withSimulatedPublic(List<byte[]> certificates) {
    List<Anchor> all = new ArrayList<>(anchors);
    for (int i = 0; i < certificates.size(); i++) {
      try {
        all.add(new Anchor(Inspected.parse(certificates.get(i).clone()), true, Optional.empty()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("simulated public root #" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new TrustAnchors(all, snapshot, orgTrusted);
  }

  /** Anchors as given (tests build public roots of their own this way). */
  static TrustAnchors of(List<Anchor> anchors) {
    return new TrustAnchors(anchors, "");
  }

  /** The snapshot's provenance line (package version and date), empty without the snapshot. */
  public String snapshot() {
    return snapshot;
  }

  public int size() {
    return anchors.size();
  }

  List<Anchor> issuersOf(Inspected certificate) {
    return bySubject.getOrDefault(certificate.issuer, List.of());
  }

  Optional<Anchor> byFingerprint(String fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  private static TrustAnchors loadMozilla() {
    String pem = resource("mozilla-roots.pem");
    Properties distrust = new Properties();
    try {
      distrust.load(new java.io.StringReader(resource("mozilla-distrust-after.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Anchor> anchors = new ArrayList<>();
    for (byte[] der : Pem.decode(pem, "CERTIFICATE")) {
      Inspected root = Inspected.parse(der);
      String date = distrust.getProperty(root.fingerprint);
      anchors.add(new Anchor(root, true, Optional.ofNullable(date).map(Instant::parse)));
    }
    String source = pem.lines().filter(l -> l.startsWith("# source:")).findFirst().orElse("").replace("# source: ", "");
    String date = pem.lines().filter(l -> l.startsWith("# store-date:")).findFirst().orElse("").replace("# store-date: ", "");
    return new TrustAnchors(anchors, source + "; store date " + date);
  }

  private static String resource(String name) {
    try (InputStream in = TrustAnchors.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("bundled resource " + name + " is missing from the certs module");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
