package dev.portcullis.certs.path;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.spec.PSSParameterSpec;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Verifies certificate signatures with {@link java.security.Signature} on named providers (the JDK's
 * SunRsaSign for RSA, BouncyCastle's for ECDSA on the Baseline Requirements' curves, SunEC for Ed25519;
 * see {@link IssuerKey}), over the tbsCertificate bytes exactly as received (the decoding has proven
 * them DER), and remembers each (subject, issuer) answer of one search, so a path search that meets
 * the same pair twice pays once. Counts the verifications the search asks for, answered from the
 * shared cache or not, for its work budget: the budget, and so every answer, does not depend on what
 * other validations ran before.
 *
 * <p>Design note. A valid signature is a fact about two byte strings: this exact certificate (the
 * SHA-256 of its DER) is signed by this exact key (the SHA-256 of the issuer's
 * SubjectPublicKeyInfo). {@link #VERIFIED} keeps such facts across validations and threads, so the
 * intermediate-by-root signature common to thousands of chains is computed once. Only successes are
 * kept: a failure is recomputed, and an attacker's invalid certificates cannot fill the cache with
 * anything but their own lookups. Algorithm identifiers are matched as before: the outer
 * signatureAlgorithm must equal tbsCertificate's signature field (RFC 5280 §4.1.1.2), parameters
 * included, absent and NULL being different. The direct path takes the algorithms of the CA/B Forum
 * Baseline Requirements §7.1.3.2 with the parameters RFC 4055 §5 (RSA PKCS #1 v1.5: NULL), RFC 5758
 * §3.2 (ECDSA: absent), RFC 4055 §3.1 (RSASSA-PSS: present, read by the JDK's own RSASSA-PSS
 * parameter decoder) and RFC 8410 §3 (Ed25519: absent) give them; anything else (other parameter
 * encodings, other key or signature algorithms a caller allowed) goes through BouncyCastle's
 * operator API on the same providers, as every signature did before.
 */
final class SignatureChecker {
  /** "This certificate is validly signed by this key", for every validation in the JVM (thread-safe, least recently used out). */
  private static final Cache<SignedBy, Boolean> VERIFIED = CacheBuilder.newBuilder().maximumSize(16_384).build();

  private record SignedBy(DerDigest certificate, DerDigest issuerKey) {}

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
      valid = verify(subject, issuer);
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

  private boolean verify(ParsedCertificate subject, ParsedCertificate issuer) throws Exception {
    AlgorithmIdentifier algorithm = subject.certificate.getSignatureAlgorithm();
    String jdkAlgorithm = jdkAlgorithm(algorithm);
    IssuerKey issuerKey = null;
    if (jdkAlgorithm != null) {
      try {
        issuerKey = issuer.issuerKey();
      } catch (GeneralSecurityException | RuntimeException e) {
        issuerKey = null; // a key the direct path does not take: judged as before
      }
    }
    if (issuerKey == null) {
      ContentVerifierProvider verifier = verifier(issuer);
      return verifier != null && subject.holder.isSignatureValid(verifier);
    }
    if (!algorithm.equals(subject.certificate.getTBSCertificate().getSignature())) {
      return false; // RFC 5280 §4.1.1.2: the two fields MUST be identical
    }
    SignedBy fact = new SignedBy(subject.digest, issuerKey.digest());
    if (VERIFIED.getIfPresent(fact) != null) {
      return true;
    }
    Signature signature;
    try {
      signature = verifier(jdkAlgorithm, algorithm, issuerKey);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      if (issuerKey.provider() != IssuerKey.CONSCRYPT) {
        throw e;
      }
      // an algorithm Conscrypt does not offer (RSASSA-PSS), or a key BoringSSL refuses (an RSA exponent over 33
      // bits): judged by the provider used without Conscrypt
      signature = verifier(jdkAlgorithm, algorithm, issuerKey.withoutConscrypt(issuer.certificate.getSubjectPublicKeyInfo()));
    }
    signature.update(subject.der, subject.tbsOffset, subject.tbsLength);
    boolean valid = signature.verify(subject.certificate.getSignature().getOctets());
    if (valid) {
      VERIFIED.put(fact, Boolean.TRUE);
    }
    return valid;
  }

  private static Signature verifier(String jdkAlgorithm, AlgorithmIdentifier algorithm, IssuerKey issuerKey)
      throws GeneralSecurityException, java.io.IOException {
    Signature signature = Signature.getInstance(jdkAlgorithm, issuerKey.provider());
    if (jdkAlgorithm.equals("RSASSA-PSS")) {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS", IssuerKey.SUN_RSA_SIGN);
      parameters.init(algorithm.getParameters().toASN1Primitive().getEncoded(ASN1Encoding.DER));
      signature.setParameter(parameters.getParameterSpec(PSSParameterSpec.class));
    }
    signature.initVerify(issuerKey.key());
    return signature;
  }

  /** Whether the shared cache holds "subject is validly signed by issuer's key" (tests). */
  static boolean remembered(ParsedCertificate subject, ParsedCertificate issuer) throws GeneralSecurityException {
    return VERIFIED.getIfPresent(new SignedBy(subject.digest, issuer.issuerKey().digest())) != null;
  }

  /** The JDK's name of a signature algorithm with the parameters its RFC gives it; null for anything else. */
  static String jdkAlgorithm(AlgorithmIdentifier algorithm) {
    ASN1Encodable parameters = algorithm.getParameters();
    boolean nullParameters = DERNull.INSTANCE.equals(parameters);
    return switch (algorithm.getAlgorithm().getId()) {
      case "1.2.840.113549.1.1.11" -> nullParameters ? "SHA256withRSA" : null;
      case "1.2.840.113549.1.1.12" -> nullParameters ? "SHA384withRSA" : null;
      case "1.2.840.113549.1.1.13" -> nullParameters ? "SHA512withRSA" : null;
      case KeyPolicy.RSA_PSS -> parameters != null && !nullParameters ? "RSASSA-PSS" : null;
      case "1.2.840.10045.4.3.2" -> parameters == null ? "SHA256withECDSA" : null;
      case "1.2.840.10045.4.3.3" -> parameters == null ? "SHA384withECDSA" : null;
      case "1.2.840.10045.4.3.4" -> parameters == null ? "SHA512withECDSA" : null;
      case KeyPolicy.ED25519 -> parameters == null ? "Ed25519" : null;
      default -> null;
    };
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
