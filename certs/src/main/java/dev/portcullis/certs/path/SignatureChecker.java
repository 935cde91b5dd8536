package dev.portcullis.certs.path;

import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Verifies signatures through BouncyCastle's operator API on the JDK's own providers (SunRsaSign,
 * SunEC: their RSA and EC arithmetic is intrinsified and several times faster cold than
 * BouncyCastle's), and remembers each (subject, issuer) answer, so a path search that meets the same pair twice pays
 * once. Counts the verifications it really performs for the search's work budget.
 */
final class SignatureChecker {
  private final Map<Long, Boolean> answers = new HashMap<>();
  private final Map<Integer, ContentVerifierProvider> verifiers = new HashMap<>();
  int performed;

  boolean verifies(ParsedCertificate subject, ParsedCertificate issuer) {
    long key = ((long) subject.id << 32) | (issuer.id & 0xffffffffL);
    Boolean known = answers.get(key);
    if (known != null) {
      return known;
    }
    performed++;
    boolean valid;
    try {
      ContentVerifierProvider verifier = verifier(issuer);
      valid = verifier != null && subject.holder.isSignatureValid(verifier);
    } catch (Exception e) {
      valid = false; // an unsupported algorithm or a malformed signature verifies nothing
    }
    answers.put(key, valid);
    return valid;
  }

  boolean verifies(X509CRLHolder crl, ParsedCertificate issuer) {
    try {
      ContentVerifierProvider verifier = verifier(issuer);
      return verifier != null && crl.isSignatureValid(verifier);
    } catch (Exception e) {
      return false;
    }
  }

  private ContentVerifierProvider verifier(ParsedCertificate issuer) {
    return verifiers.computeIfAbsent(issuer.id, id -> {
      try {
        return new JcaContentVerifierProviderBuilder().build(issuer.holder);
      } catch (Exception e) {
        return null;
      }
    });
  }
}
