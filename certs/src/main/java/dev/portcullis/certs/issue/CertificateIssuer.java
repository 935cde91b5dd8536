package dev.portcullis.certs.issue;

/** Issues certificates: the private CA ({@link PrivateCertificateAuthority}) or an ACME CA ({@link AcmeIssuer}). */
public interface CertificateIssuer {
  /** The issuer's stable name, as the CLI's {@code --issuer} and the ledger spell it: {@code private-ca}, {@code acme}. */
  String name();

  /**
   * Issues a new certificate with a fresh RSA key.
   *
   * @throws IssueException with the code saying what failed
   */
  IssuedCertificate issue(IssueRequest request);
}
