package dev.portcullis.certs.issue;

/** Issues certificates, for a key it makes or for a CSR's: the private CA ({@link PrivateCertificateAuthority}) or an ACME CA ({@link AcmeIssuer}). */
public interface CertificateIssuer {
  /** The issuer's stable name, as the CLI's {@code --issuer} and the ledger spell it: {@code private-ca}, {@code acme}. */
  String name();

  /**
   * Issues a new certificate with a fresh RSA key.
   *
   * @throws IssueException with the code saying what failed
   */
  IssuedCertificate issue(IssueRequest request);

  /**
   * Issues a certificate for the key of {@code csr}, which stays with whoever made the request (a
   * Salesforce org, for a CA-signed Certificate): no key is made here. The request's common name,
   * DNS names, use and lifetime apply as for {@link #issue}; its {@code rsaBits} is not used (the
   * CSR's key decides).
   *
   * @return the chain, leaf first
   * @throws IssueException with the code saying what failed
   */
  java.util.List<java.security.cert.X509Certificate> sign(IssueRequest request, CertificateSigningRequest csr);
}
