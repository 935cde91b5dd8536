package dev.portcullis.certs.rotate;

import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.Use;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which of an org's certificates should rotate and what rotating each would change.
 *
 * <p>A certificate is a candidate when it expires within the window, when its CA's Renewal Information
 * (RFC 9773) says its renewal window has opened, or when its chain is signed
 * with SHA-1 or its RSA key is under 2048 bits (both refused by Salesforce's and the browsers'
 * current rules; cert-anchors.md §7). It is rotatable when it is one of the org's own Certificate
 * records (found at {@code certs/NAME.crt}) and every consumer names it by reference ({@link
 * ConsumerEdit#supports}); a certificate embedded in an SSO config or an app belongs to the other
 * party's key and is reported with that blocker. The new Certificate is named {@code
 * NAME_rYYYYMMDD} (the date of the plan, UTC), a valid Salesforce developer name.
 */
public final class RotationPlanner {
  private static final Pattern CERT_LOCATION = Pattern.compile("certs/([A-Za-z][A-Za-z0-9_]*)\\.crt");
  private static final Pattern ROTATED_SUFFIX = Pattern.compile("_r\\d{8}$");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** Salesforce developer names are at most 80 characters. */
  private static final int MAX_NAME = 80;

  private RotationPlanner() {}

  /** The plan for {@code org}'s items of {@code inventory} at {@code now}, expiry window {@code within}. */
  public static RotationPlan plan(Inventory inventory, String org, Instant now, Duration within) {
    return plan(inventory, org, now, within, java.util.Map.of());
  }

  /**
   * The same, where the CA offers ACME Renewal Information (RFC 9773): {@code renewalInfo} maps a certificate's
   * CertID ({@link dev.portcullis.certs.check.RenewalInfo#certId}) to the CA's answer. A certificate whose suggested
   * window has opened by {@code now} (§4.2: renew at a time within it; a window in the past means at once) is a
   * candidate whatever its expiry: the CA may be about to revoke it (the answer's explanation URL says why).
   */
  public static RotationPlan plan(Inventory inventory, String org, Instant now, Duration within,
      java.util.Map<String, dev.portcullis.certs.check.RenewalInfo> renewalInfo) {
    List<RotationPlan.Candidate> candidates = new ArrayList<>();
    for (InventoryItem item : inventory.items()) {
      if (item.sources().stream().noneMatch(s -> s.origin().equals("org:" + org))) {
        continue;
      }
      List<String> reasons = reasons(item, now, within);
      renewalReason(item, now, renewalInfo).ifPresent(reasons::add);
      if (!reasons.isEmpty()) {
        candidates.add(candidate(item, org, now, reasons));
      }
    }
    return new RotationPlan(org, now, within, candidates);
  }

  /** The candidate for one item whatever its expiry (what {@code certs rotate ID} acts on). */
  static RotationPlan.Candidate candidate(InventoryItem item, String org, Instant now) {
    List<String> reasons = reasons(item, now, Duration.ofDays(36_500));
    return candidate(item, org, now, reasons);
  }

  static List<String> reasons(InventoryItem item, Instant now, Duration within) {
    List<String> reasons = new ArrayList<>();
    long days = daysLeft(item, now);
    if (!item.notAfter().isAfter(now)) {
      reasons.add("expired " + item.notAfter() + " (" + -days + " days ago)");
    } else if (!item.notAfter().isAfter(now.plus(within))) {
      reasons.add("expires in " + days + " days (" + item.notAfter() + "), within " + within.toDays() + " days");
    }
    if (item.certificate().getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      reasons.add("RSA key of " + rsa.getModulus().bitLength() + " bits (Salesforce imports 2048, 3072 or 4096)");
    }
    for (X509Certificate c : chainOf(item)) {
      if (c.getSigAlgName().toUpperCase(Locale.ROOT).startsWith("SHA1")) {
        reasons.add("SHA-1 signature on " + c.getSubjectX500Principal().getName() + " in its chain");
      }
    }
    return reasons;
  }

  /** Why the CA's renewal window says to rotate now, if it does. */
  static java.util.Optional<String> renewalReason(InventoryItem item, Instant now,
      java.util.Map<String, dev.portcullis.certs.check.RenewalInfo> renewalInfo) {
    if (renewalInfo.isEmpty()) {
      return java.util.Optional.empty();
    }
    byte[] der;
    try {
      der = item.certificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return java.util.Optional.empty();
    }
    java.util.Optional<String> certId = dev.portcullis.certs.check.RenewalInfo.certId(der);
    dev.portcullis.certs.check.RenewalInfo info = certId.map(renewalInfo::get).orElse(null);
    if (info == null || !info.windowIsValid() || info.start().isAfter(now)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("the CA's renewal window (RFC 9773 Renewal Information) opened " + info.start()
        + " and closes " + info.end() + info.explanationUrl().map(url -> "; the CA explains why: " + url).orElse(""));
  }

  private static List<X509Certificate> chainOf(InventoryItem item) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(item.certificate());
    chain.addAll(item.chain());
    return chain;
  }

  private static RotationPlan.Candidate candidate(InventoryItem item, String org, Instant now, List<String> reasons) {
    Optional<String> name = certificateName(item, org);
    String issuer = issuerFor(item.use());
    String blocker = "";
    String newName = "";
    List<RotationPlan.Change> changes = new ArrayList<>();
    if (name.isEmpty()) {
      blocker = "not one of the org's Certificate records: its key belongs to "
          + item.consumers().stream().map(InventoryItem.Consumer::toString).findFirst().orElse("another party")
          + "; ask its owner for a new certificate";
    } else {
      newName = newName(name.get(), now);
      for (InventoryItem.Consumer consumer : item.consumers()) {
        if (!ConsumerEdit.supports(consumer)) {
          blocker = "consumer " + consumer + " holds the certificate in a way the rotation cannot switch";
          continue;
        }
        changes.add(new RotationPlan.Change(consumer.type(), consumer.name(), consumer.field(),
            ConsumerEdit.byId(consumer) ? "(record id of " + name.get() + ")" : name.get(),
            ConsumerEdit.byId(consumer) ? "(record id of " + newName + ")" : newName));
      }
    }
    return new RotationPlan.Candidate(item.fingerprint(), name.orElse(""), item.subject(), item.notAfter(),
        daysLeft(item, now), item.uses(), reasons, blocker, issuer, newName, changes);
  }

  static Optional<String> certificateName(InventoryItem item, String org) {
    for (InventoryItem.Source source : item.sources()) {
      Matcher m = CERT_LOCATION.matcher(source.location());
      if (source.origin().equals("org:" + org) && m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** TLS server certificates need a public CA (ACME); the rest come from the private CA. */
  static String issuerFor(Use use) {
    return switch (use) {
      case INBOUND_TLS, OUTBOUND_TLS -> "acme";
      case INBOUND_USER_MTLS, INBOUND_API_MTLS, OUTBOUND_MTLS, INBOUND_SSO, OUTBOUND_SSO -> "private-ca";
      case UNKNOWN -> throw new IllegalArgumentException("an inventory item always has a known use");
    };
  }

  static String newName(String old, Instant now) {
    String base = ROTATED_SUFFIX.matcher(old).replaceFirst("");
    String suffix = "_r" + DAY.format(now);
    if (base.length() + suffix.length() > MAX_NAME) {
      base = base.substring(0, MAX_NAME - suffix.length());
    }
    while (base.endsWith("_")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + suffix;
  }

  static long daysLeft(InventoryItem item, Instant now) {
    return Math.floorDiv(Duration.between(now, item.notAfter()).toSeconds(), 86_400L);
  }
}
