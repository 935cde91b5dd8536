package dev.portcullis.certs.issue;

import dev.portcullis.certs.Use;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority for the certificates no public CA should issue: client
 * certificates for mutual TLS (public TLS CAs stop issuing clientAuth, cert-anchors.md §1.2, §1.4)
 * and SSO/JWT signing certificates, which relying parties pin.
 *
 * <h2>Design note</h2>
 *
 * <p>The CA is one self-signed RSA 3072 root whose key and certificate live in a PKCS#12 keystore
 * (alias {@value #ALIAS}) under the data directory, written once, atomically, owner-readable only;
 * its password comes from the caller (the CLI reads {@code PORTCULLIS_CA_PASSWORD} or a file) and is
 * never logged or kept as a {@code String}. A wrong password is {@code KEYSTORE_UNREADABLE}: the CA
 * is never silently recreated over an existing keystore.
 *
 * <p>Leaves: a fresh RSA key of the size asked (Salesforce imports only RSA 2048/3072/4096, help
 * 000387714), a random 127-bit serial (126 random bits; CA/B BR 7.1 asks for at least 64 bits of entropy; RFC 5280
 * §4.1.2.2 allows 20 octets), SHA256withRSA, subject and authority key identifiers, basicConstraints
 * CA:false, and the EKU of the use (RFC 5280 §4.2.1.12): clientAuth for the three mTLS uses (help
 * 000383575 requires it for mutual authentication); no EKU and keyUsage digitalSignature for SSO
 * signing (SAML and JWT signatures are not TLS). {@link #sign} does the same for the key of a
 * certificate signing request (an org's CA-signed Certificate), making no key. TLS server uses are refused: Salesforce requires a
 * public chain for them (help 000385468), so they go to ACME. A lifetime above the policy's maximum is
 * refused, not shortened, so the caller learns of it.
 */
public final class PrivateCertificateAuthority implements CertificateIssuer {
  /** The keystore alias of the CA's key entry. */
  public static final String ALIAS = "portcullis-private-ca";
  /** The longest leaf lifetime by default: 397 days, the longest a public TLS certificate had before SC-081. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(397);
  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final PrivateKey caKey;
  private final X509Certificate caCertificate;
  private final Clock clock;
  private final Duration maxLifetime;
  private final SecureRandom random = new SecureRandom();

  private PrivateCertificateAuthority(PrivateKey caKey, X509Certificate caCertificate, Clock clock, Duration maxLifetime) {
    this.caKey = caKey;
    this.caCertificate = caCertificate;
    this.clock = clock;
    this.maxLifetime = maxLifetime;
  }

  /**
   * Opens the CA in {@code keystore}, creating it (with a new root named {@code caName}) when the
   * file does not exist.
   *
   * @param password the keystore's password; the caller should clear it after the call
   * @throws IssueException {@code PASSWORD_MISSING} for an empty password, {@code KEYSTORE_UNREADABLE}
   *     when the file does not open with it or holds no CA key under {@value #ALIAS}
   */
  public static PrivateCertificateAuthority openOrCreate(Path keystore, char[] password, String caName, Clock clock,
      Duration maxLifetime) {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    if (password == null || password.length == 0) {
      throw new IssueException(IssueException.Code.PASSWORD_MISSING,
          "no password for the private CA keystore " + keystore + " (set PORTCULLIS_CA_PASSWORD or give a password file)");
    }
    if (Files.exists(keystore)) {
      return open(keystore, password, clock, maxLifetime);
    }
    return create(keystore, password, caName, clock, maxLifetime);
  }

  private static PrivateCertificateAuthority open(Path keystore, char[] password, Clock clock, Duration maxLifetime) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      if (!(store.getKey(ALIAS, password) instanceof PrivateKey key)
          || !(store.getCertificate(ALIAS) instanceof X509Certificate certificate)) {
        throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE,
            keystore + " holds no private CA key under the alias " + ALIAS);
      }
      return new PrivateCertificateAuthority(key, certificate, clock, maxLifetime);
    } catch (NoSuchFileException e) {
      throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE, "the private CA keystore " + keystore + " is gone", e);
    } catch (IOException e) {
      // PKCS#12 reports a wrong password as an IOException whose cause is UnrecoverableKeyException.
      String why = e.getCause() instanceof UnrecoverableKeyException ? "the password does not open it" : e.getMessage();
      throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE, "cannot open the private CA keystore " + keystore
          + ": " + why, e);
    } catch (GeneralSecurityException e) {
      throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE, "cannot open the private CA keystore " + keystore
          + ": " + e.getMessage(), e);
    }
  }

  private static PrivateCertificateAuthority create(Path keystore, char[] password, String caName, Clock clock,
      Duration maxLifetime) {
    try {
      KeyPair keys = rsa(3072);
      Instant now = clock.instant();
      X500Name name = X500Name.getInstance(new X500Principal(caName).getEncoded());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(new SecureRandom()),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_LIFETIME)), name, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, keys.getPrivate(), password, new java.security.cert.Certificate[] {certificate});
      writeAtomically(keystore, store, password);
      return new PrivateCertificateAuthority(keys.getPrivate(), certificate, clock, maxLifetime);
    } catch (IOException e) {
      throw new IssueException(IssueException.Code.KEYSTORE_UNREADABLE, "cannot write the private CA keystore " + keystore
          + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make the private CA: " + e.getMessage(), e);
    }
  }

  /** Writes {@code store} to {@code target} through a temporary file readable by the owner only, then moves it in place. */
  static void writeAtomically(Path target, KeyStore store, char[] password) throws IOException, GeneralSecurityException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temporary = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
      try (OutputStream out = Files.newOutputStream(temporary)) {
        store.store(out, password);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IOException(target + " appeared meanwhile; not overwritten", e);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public String name() {
    return "private-ca";
  }

  /** The CA's own certificate: give it to whoever must trust what it issues (the target host of outbound mTLS, the org). */
  public X509Certificate certificate() {
    return caCertificate;
  }

  @Override
  public IssuedCertificate issue(IssueRequest request) {
    checkPolicy(request);
    try {
      KeyPair keys = rsa(request.rsaBits());
      return new IssuedCertificate(keys.getPrivate(), List.of(certify(request, keys.getPublic()), caCertificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an RSA key: " + e.getMessage(), e);
    }
  }

  /**
   * Signs a certificate for {@code csr}'s key, with the subject, names, EKU and lifetime of {@code
   * request} (what the CSR asks for is not copied: the CA decides, RFC 2986 §3). The key must be RSA
   * of a size Salesforce uses (2048, 3072, 4096).
   */
  @Override
  public List<X509Certificate> sign(IssueRequest request, CertificateSigningRequest csr) {
    checkPolicy(request);
    if (!List.of(2048, 3072, 4096).contains(csr.rsaBits())) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "the CSR's key is RSA " + csr.rsaBits()
          + "; the private CA signs RSA 2048, 3072 or 4096 (what Salesforce uses)");
    }
    return List.of(certify(request, csr.publicKey()), caCertificate);
  }

  private void checkPolicy(IssueRequest request) {
    if (request.use() == Use.INBOUND_TLS || request.use() == Use.OUTBOUND_TLS) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "the private CA does not issue " + request.use().id()
          + " certificates: Salesforce requires a chain to a public root for TLS servers (help 000385468); use --issuer acme");
    }
    if (request.lifetime().compareTo(maxLifetime) > 0) {
      throw new IssueException(IssueException.Code.POLICY_REFUSED, "lifetime " + request.lifetime().toDays()
          + " days is above the private CA's maximum of " + maxLifetime.toDays() + " days");
    }
  }

  private X509Certificate certify(IssueRequest request, java.security.PublicKey key) {
    try {
      Instant now = clock.instant();
      Instant notAfter = now.plus(request.lifetime());
      if (notAfter.isAfter(caCertificate.getNotAfter().toInstant())) {
        throw new IssueException(IssueException.Code.POLICY_REFUSED, "the certificate would outlive the private CA ("
            + caCertificate.getNotAfter().toInstant() + "); make a new CA");
      }
      X500Name subject = new X500Name("CN=" + escape(request.commonName()));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(random),
          Date.from(now.minus(BACKDATE)), Date.from(notAfter), new X500Principal(subject.getEncoded()), key);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate));
      boolean clientAuth = switch (request.use()) {
        case INBOUND_USER_MTLS, INBOUND_API_MTLS, OUTBOUND_MTLS -> true;
        case INBOUND_SSO, OUTBOUND_SSO, INBOUND_TLS, OUTBOUND_TLS, UNKNOWN -> false;
      };
      if (clientAuth) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      }
      if (!request.dnsNames().isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        request.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)));
    } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot issue " + request.commonName() + ": " + e.getMessage(), e);
    }
  }

  /** Escapes an RFC 4514 attribute value. */
  private static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (",+\"\\<>;=#".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static BigInteger serial(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[0] = (byte) ((bytes[0] & 0x3f) | 0x40); // positive, 127 bits: 16 octets of DER content, 126 random bits
    return new BigInteger(1, bytes);
  }

  static KeyPair rsa(int bits) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits, new SecureRandom());
    return generator.generateKeyPair();
  }

  /** Clears a password array once it is no longer needed. */
  public static void clear(char[] password) {
    if (password != null) {
      Arrays.fill(password, '\0');
    }
  }
}
