package dev.portcullis.identity;

import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies an mTLS client certificate chain (leaf first, as TLS presents it) against a {@link
 * ClientCertificatePolicy} and turns it into a {@link Principal} of kind {@code mtls}.
 *
 * <p>Checks, in order, each with its own code: a certificate is present ({@code CERT_MISSING});
 * every certificate of the chain is valid at the given instant ({@code CERT_EXPIRED}, {@code
 * CERT_NOT_YET_VALID}); the chain validates under PKIX (RFC 5280, the JDK's {@link
 * CertPathValidator}) to one of the configured CAs, at that instant, revocation checked only when
 * configured ({@code CERT_CHAIN_UNTRUSTED}, {@code CERT_REVOKED}); the leaf carries the {@code
 * clientAuth} extended key usage (1.3.6.1.5.5.7.3.2; an absent EKU extension does not count,
 * since a certificate for anything is not a client certificate) ({@code CERT_NO_CLIENT_AUTH});
 * the leaf has exactly one SAN of the configured kind, within the allowed prefixes ({@code
 * CERT_NO_SAN_IDENTITY}). The result carries the RFC 8705 section 3.1 thumbprint {@code
 * x5t#S256} so that a session can be bound to the certificate. Thread-safe.
 */
public final class ClientCertificateVerifier {
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int SAN_EMAIL = 1;
  private static final int SAN_URI = 6;

  private final ClientCertificatePolicy policy;
  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> anchorCertificates;

  public ClientCertificateVerifier(ClientCertificatePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate ca : policy.certificateAuthorities()) {
      set.add(new TrustAnchor(ca, null));
    }
    this.anchors = Collections.unmodifiableSet(set);
    this.anchorCertificates = Set.copyOf(policy.certificateAuthorities());
  }

  /**
   * Verifies {@code chain} (leaf first) at {@code at}.
   *
   * @throws IdentityException with the code of the first check that failed
   */
  public Principal verify(List<X509Certificate> chain, Instant at) {
    Objects.requireNonNull(at, "at");
    if (chain == null || chain.isEmpty() || chain.stream().anyMatch(Objects::isNull)) {
      throw new IdentityException(IdentityErrorCode.CERT_MISSING, "no client certificate was presented");
    }
    X509Certificate leaf = chain.getFirst();
    Date date = Date.from(at);
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      String which = (i == 0 ? "the client certificate" : "chain certificate " + i) + " (" + name(certificate.getSubjectX500Principal()) + ")";
      try {
        certificate.checkValidity(date);
      } catch (CertificateExpiredException e) {
        throw new IdentityException(IdentityErrorCode.CERT_EXPIRED, which + " expired at " + certificate.getNotAfter().toInstant());
      } catch (CertificateNotYetValidException e) {
        throw new IdentityException(IdentityErrorCode.CERT_NOT_YET_VALID, which + " is not valid before " + certificate.getNotBefore().toInstant());
      }
    }
    validatePath(chain, date);
    checkClientAuth(leaf);
    String identity = identity(leaf);
    String thumbprint = thumbprint(leaf);

    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("san_uri", sans(leaf, SAN_URI));
    claims.put("san_email", sans(leaf, SAN_EMAIL));
    claims.put("subject_dn", name(leaf.getSubjectX500Principal()));
    claims.put("issuer_dn", name(leaf.getIssuerX500Principal()));
    claims.put("serial", leaf.getSerialNumber().toString(16));
    claims.put("not_before", leaf.getNotBefore().toInstant().getEpochSecond());
    claims.put("not_after", leaf.getNotAfter().toInstant().getEpochSecond());
    claims.put("x5t#S256", thumbprint);
    return new Principal(Principal.Kind.MTLS, name(leaf.getIssuerX500Principal()), identity,
        Collections.unmodifiableMap(claims), leaf.getNotAfter().toInstant(), thumbprint, TrustedIssuer.Dialect.GENERIC);
  }

  private void validatePath(List<X509Certificate> chain, Date date) {
    // RFC 5280 paths end below the trust anchor; TLS clients may send the CA too.
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && anchorCertificates.contains(path.getLast())) {
      path.removeLast();
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setDate(date);
      parameters.setRevocationEnabled(false);
      if (policy.checkRevocation()) {
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
        revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
        parameters.addCertPathChecker(revocation);
        if (!policy.crls().isEmpty()) {
          parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(policy.crls())));
        }
        validator.validate(certPath, parameters);
        return;
      }
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
        throw new IdentityException(IdentityErrorCode.CERT_REVOKED, "a certificate of the chain is revoked: " + e.getMessage());
      }
      throw new IdentityException(IdentityErrorCode.CERT_CHAIN_UNTRUSTED,
          "the client certificate (" + name(chain.getFirst().getSubjectX500Principal()) + ", issued by "
              + name(chain.getFirst().getIssuerX500Principal()) + ") does not chain to a configured CA: " + e.getMessage());
    } catch (CertificateException | InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
      throw new IdentityException(IdentityErrorCode.CERT_CHAIN_UNTRUSTED, "the client certificate chain cannot be validated: " + e.getMessage(), e);
    }
  }

  private static void checkClientAuth(X509Certificate leaf) {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_CLIENT_AUTH, "the client certificate's extended key usage cannot be read");
    }
    if (usages == null || !usages.contains(CLIENT_AUTH)) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_CLIENT_AUTH, "the client certificate ("
          + name(leaf.getSubjectX500Principal()) + ") lacks the clientAuth extended key usage (" + CLIENT_AUTH + ")"
          + (usages == null ? "; it has no extended key usage extension" : "; it has " + usages));
    }
  }

  private String identity(X509Certificate leaf) {
    boolean uri = policy.identity() == ClientCertificatePolicy.IdentitySource.SAN_URI;
    List<String> names = sans(leaf, uri ? SAN_URI : SAN_EMAIL);
    String kind = uri ? "URI" : "email";
    if (names.size() != 1) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_SAN_IDENTITY, "the client certificate has " + names.size()
          + " " + kind + " subject alternative names; exactly one names the client");
    }
    String identity = names.getFirst();
    if (identity.isBlank()) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_SAN_IDENTITY, "the client certificate's " + kind + " SAN is empty");
    }
    if (!policy.allowedIdentityPrefixes().isEmpty()
        && policy.allowedIdentityPrefixes().stream().noneMatch(identity::startsWith)) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_SAN_IDENTITY, "the " + kind + " SAN '" + identity
          + "' is outside the allowed prefixes " + policy.allowedIdentityPrefixes());
    }
    return identity;
  }

  private static List<String> sans(X509Certificate certificate, int type) {
    Collection<List<?>> all;
    try {
      all = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IdentityException(IdentityErrorCode.CERT_NO_SAN_IDENTITY, "the client certificate's subject alternative names cannot be read");
    }
    List<String> names = new ArrayList<>();
    if (all != null) {
      for (List<?> entry : all) {
        if (entry.size() >= 2 && entry.get(0) instanceof Integer t && t == type && entry.get(1) instanceof String value) {
          names.add(value);
        }
      }
    }
    return List.copyOf(names);
  }

  /** RFC 8705 section 3.1: base64url (no padding) of the SHA-256 of the DER certificate. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (CertificateEncodingException e) {
      throw new IdentityException(IdentityErrorCode.CERT_MISSING, "the client certificate cannot be encoded");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253);
  }
}
