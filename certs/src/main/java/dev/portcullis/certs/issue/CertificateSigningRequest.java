package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A PKCS#10 certificate signing request (RFC 2986) whose key someone else holds: a Salesforce org's,
 * for a CA-signed Certificate (Metadata API, meta_certificate.htm: the {@code .crt} of a CA-signed
 * Certificate not yet signed holds its CSR). Read from PEM ({@code CERTIFICATE REQUEST}, or {@code NEW
 * CERTIFICATE REQUEST} as some tools write it; RFC 7468 §7) and checked on the way in: the request's
 * own signature verifies with its key (the holder has the private key), and the key is RSA, the only
 * kind Salesforce makes (help 000387714). The parsed values are what an issuer needs: the key, the
 * subject's CN, the dNSNames asked for in an extensionRequest (PKCS#9) subjectAltName.
 */
public final class CertificateSigningRequest {
  private final byte[] der;
  private final PublicKey publicKey;
  private final String commonName;
  private final List<String> dnsNames;

  private CertificateSigningRequest(byte[] der, PublicKey publicKey, String commonName, List<String> dnsNames) {
    this.der = der;
    this.publicKey = publicKey;
    this.commonName = commonName;
    this.dnsNames = List.copyOf(dnsNames);
  }

  /**
   * Parses and checks a PEM CSR.
   *
   * @param where what the text is, for messages ({@code certs/X.crt of org prod})
   * @throws IssueException {@code CSR_INVALID} naming {@code where} and what is wrong
   */
  public static CertificateSigningRequest parsePem(byte[] pem, String where) {
    Objects.requireNonNull(pem, "pem");
    PKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, US_ASCII)))) {
      Object read = parser.readObject();
      if (!(read instanceof PKCS10CertificationRequest r)) {
        throw invalid(where, "no PEM CERTIFICATE REQUEST in it" + (read == null ? "" : " (found " + kind(read) + ")"));
      }
      request = r;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IssueException issue) {
        throw issue;
      }
      throw invalid(where, "not a PEM certificate signing request (" + e.getMessage() + ")");
    }
    return of(request, where);
  }

  private static CertificateSigningRequest of(PKCS10CertificationRequest request, String where) {
    PublicKey key;
    try {
      key = new JcaPKCS10CertificationRequest(request).getPublicKey();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalid(where, "its public key does not read (" + e.getMessage() + ")");
    }
    if (!(key instanceof RSAPublicKey)) {
      throw invalid(where, "its key is " + key.getAlgorithm() + ", not RSA (Salesforce makes RSA keys only)");
    }
    try {
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
        throw invalid(where, "its signature does not verify with its own key");
      }
    } catch (PKCSException | OperatorCreationException | RuntimeException e) {
      if (e instanceof IssueException issue) {
        throw issue;
      }
      throw invalid(where, "its signature cannot be checked (" + e.getMessage() + ")");
    }
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    String cn = cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
    List<String> names = new ArrayList<>();
    for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : attribute.getAttrValues()) {
        GeneralNames san;
        try {
          san = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
        } catch (RuntimeException e) {
          throw invalid(where, "its extensionRequest does not read (" + e.getMessage() + ")");
        }
        if (san != null) {
          for (GeneralName name : san.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName) {
              names.add(name.getName().toString().toLowerCase(Locale.ROOT));
            }
          }
        }
      }
    }
    try {
      return new CertificateSigningRequest(request.getEncoded(), key, cn, names);
    } catch (IOException e) {
      throw invalid(where, e.getMessage());
    }
  }

  private static String kind(Object read) {
    return read.getClass().getSimpleName().replace("X509CertificateHolder", "a certificate");
  }

  private static IssueException invalid(String where, String what) {
    return new IssueException(IssueException.Code.CSR_INVALID, where + ": " + what);
  }

  /** The key the certificate is for; its private half stays with whoever made the request. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The RSA modulus size in bits. */
  public int rsaBits() {
    return ((RSAPublicKey) publicKey).getModulus().bitLength();
  }

  /** The subject's first CN, empty when it has none. */
  public String commonName() {
    return commonName;
  }

  /** The dNSNames of the subjectAltName asked for, lower case, in order; empty when none. */
  public List<String> dnsNames() {
    return dnsNames;
  }

  /** The request, DER (what ACME's finalize sends, RFC 8555 §7.4). */
  public byte[] der() {
    return der.clone();
  }

  /** The request as PEM ({@code CERTIFICATE REQUEST}, RFC 7468 §7). */
  public String pem() {
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  /** SHA-256 of the DER, lower-case hex: names the request in the ledger. */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code key} is this request's key. */
  public boolean isFor(PublicKey key) {
    return java.util.Arrays.equals(publicKey.getEncoded(), key.getEncoded());
  }

  @Override
  public String toString() {
    return "CertificateSigningRequest[CN=" + commonName + ", RSA " + rsaBits() + ", dnsNames " + dnsNames + "]";
  }
}
