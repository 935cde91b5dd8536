package dev.portcullis.certs.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate just issued, with its private key.
 *
 * @param privateKey the leaf's key (RSA); never logged, never printed
 * @param chain the leaf first, then the issuing CAs up to (not always including) the root
 */
public record IssuedCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
  public IssuedCertificate {
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("an issued certificate has at least its leaf");
    }
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  @Override
  public String toString() {
    return "IssuedCertificate[" + leaf().getSubjectX500Principal() + ", serial " + leaf().getSerialNumber().toString(16)
        + ", chain of " + chain.size() + "]";
  }
}
