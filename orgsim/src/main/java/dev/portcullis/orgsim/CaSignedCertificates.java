package dev.portcullis.orgsim;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.w3c.dom.Element;

/**
 * What a deploy of a {@code Certificate} does to the org when it is CA-signed: Salesforce's own
 * certificate signing request flow (Metadata API Developer Guide, "Certificate",
 * meta_certificate.htm, Usage: "You can create a self-signed or CA-signed certificate … When you
 * create a CA-signed certificate, the .crt file contains the certificate signing request (CSR) …
 * Salesforce doesn't allow the import or export of private keys via the API … You can download the
 * CSR using Metadata API. After it's signed by the certificate authority, you can upload it";
 * field {@code expirationDate}: "For CA-signed certificates, expirationDate is automatically updated
 * to the signed certificate's expiration date when a signed certificate chain is uploaded").
 *
 * <h2>Design note</h2>
 *
 * <p>A deploy of a Certificate whose {@code -meta.xml} says {@code caSigned} true is decided here,
 * one of:
 *
 * <ul>
 *   <li><b>Request</b>: a new Certificate with an empty {@code .crt}. The org makes an RSA key pair of
 *       {@code keySize} (2048 when absent, as the doc says; 2048, 3072 or 4096, the sizes of Setup's
 *       Create CA-Signed Certificate page) and stores, as the {@code .crt}, a PEM PKCS#10 CSR signed
 *       with it (SHA256withRSA). The meta has no {@code expirationDate} until a chain is installed.
 *   <li><b>Install</b>: a chain (PEM certificates, leaf first, each issued by the next) for an
 *       existing CA-signed Certificate whose key is the leaf's: the chain becomes the {@code .crt} and
 *       {@code expirationDate} the leaf's notAfter. The same applies to a new intermediate chain for a
 *       certificate already installed (the doc: the content "can be updated when updating the
 *       intermediate certificate chain").
 *   <li><b>Refuse</b> with a component failure naming the problem, the org unchanged: a chain that
 *       does not parse or is out of order, a chain whose leaf key is not the Certificate's, a chain
 *       for a Certificate the org does not hold (its key would have to be imported), a CSR deployed
 *       as content (the org makes its own), a key size or type changed after saving (Setup: "After you
 *       save a Salesforce certificate, you can't change its type or key size").
 * </ul>
 *
 * <p>Where the doc is silent the simulator chooses, and docs/ORGSIM.md says so: the CSR's subject is
 * {@code CN=<masterLabel>, OU=orgsim, O=Salesforce.com, L=San Francisco, ST=CA, C=US} (Setup asks
 * for the common name and the organisation; the Metadata API has only {@code masterLabel}), and when
 * the masterLabel is a host name the CSR also asks for it as a subjectAltName dNSName (what a CA
 * issuing a TLS server certificate needs: RFC 8555 §7.4, BR 7.1.2.7.12). The org's private key is
 * not kept: nothing in the simulator signs with it, and the key is checked through its public half,
 * which the stored CSR or chain carries. A Certificate with {@code caSigned} false is stored as
 * deployed, as before.
 */
final class CaSignedCertificates {
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Pattern HOST_NAME =
      Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final List<Integer> KEY_SIZES = List.of(2048, 3072, 4096);

  private CaSignedCertificates() {}

  /** What to do with the component: store these files, or refuse with this problem. */
  sealed interface Outcome {
    record Store(Map<String, byte[]> files) implements Outcome {}

    record Refuse(String fileName, String problem) implements Outcome {}
  }

  /** The fields of a Certificate's {@code -meta.xml} (meta_certificate.htm). */
  private record Meta(boolean caSigned, String encryptedWithPlatformEncryption, int keySize, String masterLabel,
      String privateKeyExportable) {}

  /**
   * Decides the deploy of Certificate {@code fullName} with {@code files} ({@code certs/NAME.crt} and
   * its {@code -meta.xml}, already checked well-formed) over {@code existing}.
   */
  static Outcome deploy(String fullName, Map<String, byte[]> files, Optional<MetadataComponent> existing) {
    String crtPath = "certs/" + fullName + ".crt";
    String metaPath = crtPath + "-meta.xml";
    Meta meta;
    try {
      meta = meta(files.get(metaPath));
    } catch (IllegalArgumentException e) {
      return new Outcome.Refuse(metaPath, e.getMessage());
    }
    Optional<Meta> before = existing.flatMap(c -> {
      try {
        return Optional.of(meta(c.files().get(metaPath)));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
    if (before.isPresent() && before.get().caSigned() != meta.caSigned()) {
      return new Outcome.Refuse(metaPath, "Certificate " + fullName + " is " + (before.get().caSigned() ? "CA-signed"
          : "self-signed") + ": a certificate's type can't change after it is saved (caSigned " + meta.caSigned() + ")");
    }
    if (!meta.caSigned()) {
      return new Outcome.Store(files);
    }
    if (!KEY_SIZES.contains(meta.keySize())) {
      return new Outcome.Refuse(metaPath, "keySize " + meta.keySize() + " is not one Salesforce makes: 2048, 3072 or 4096");
    }
    if (before.isPresent() && before.get().keySize() != meta.keySize()) {
      return new Outcome.Refuse(metaPath, "Certificate " + fullName + " has a " + before.get().keySize()
          + "-bit key: a certificate's key size can't change after it is saved (keySize " + meta.keySize() + ")");
    }
    byte[] held = existing.map(c -> c.files().get(crtPath)).orElse(null);
    String content = new String(files.getOrDefault(crtPath, new byte[0]), US_ASCII).strip();
    if (content.isEmpty()) {
      if (held != null) {
        // Only the meta changes (the label, say); the key, the CSR or the installed chain stay.
        return new Outcome.Store(Map.of(crtPath, held, metaPath, metaXml(meta, expiration(held))));
      }
      return new Outcome.Store(Map.of(crtPath, request(meta), metaPath, metaXml(meta, Optional.empty())));
    }
    if (content.contains("CERTIFICATE REQUEST-----")) {
      if (held != null && csr(held).map(r -> Arrays.equals(der(r), csr(content.getBytes(US_ASCII)).map(CaSignedCertificates::der)
          .orElse(null))).orElse(false)) {
        return new Outcome.Store(Map.of(crtPath, held, metaPath, metaXml(meta, Optional.empty())));
      }
      return new Outcome.Refuse(crtPath, "the .crt holds a certificate signing request: the org makes a CA-signed"
          + " certificate's key pair and CSR itself; deploy the Certificate with an empty .crt to get one, or its"
          + " signed chain to install it");
    }
    List<X509Certificate> chain;
    try {
      chain = chain(content.getBytes(US_ASCII));
    } catch (IllegalArgumentException e) {
      return new Outcome.Refuse(crtPath, "the certificate chain is malformed: " + e.getMessage());
    }
    if (held == null) {
      return new Outcome.Refuse(crtPath, "the org has no CA-signed Certificate " + fullName + " to install this chain for,"
          + " and Salesforce doesn't import private keys through the API: deploy " + fullName
          + " with an empty .crt first, have its CSR signed, then deploy the signed chain");
    }
    Optional<PublicKey> key = publicKey(held);
    X509Certificate leaf = chain.getFirst();
    if (key.isEmpty() || !Arrays.equals(key.get().getEncoded(), leaf.getPublicKey().getEncoded())) {
      return new Outcome.Refuse(crtPath, "the chain's leaf (" + leaf.getSubjectX500Principal().getName()
          + ", serial " + leaf.getSerialNumber().toString(16) + ") is not for Certificate " + fullName
          + "'s key: sign the CSR that the org made for " + fullName);
    }
    if (!(leaf.getPublicKey() instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() != meta.keySize()) {
      return new Outcome.Refuse(crtPath, "the chain's leaf key is not the " + meta.keySize() + "-bit RSA key of "
          + fullName);
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(crtPath, files.get(crtPath));
    out.put(metaPath, metaXml(meta, Optional.of(DATE_TIME.format(leaf.getNotAfter().toInstant()))));
    return new Outcome.Store(out);
  }

  private static Meta meta(byte[] xml) {
    if (xml == null) {
      throw new IllegalArgumentException("the -meta.xml file is missing");
    }
    Element root;
    try {
      root = MetadataXml.parse(xml).getDocumentElement();
    } catch (MetadataXml.MalformedXmlException e) {
      throw new IllegalArgumentException("Error parsing file: " + e.getMessage());
    }
    String caSigned = MetadataXml.text(root, "caSigned").orElse("");
    if (!caSigned.equals("true") && !caSigned.equals("false")) {
      throw new IllegalArgumentException("Required field is missing or not a boolean: caSigned ('" + caSigned + "')");
    }
    int keySize;
    try {
      keySize = Integer.parseInt(MetadataXml.text(root, "keySize").orElse("2048"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("keySize is not a number: " + MetadataXml.text(root, "keySize").orElse(""));
    }
    String label = MetadataXml.text(root, "masterLabel").orElse("");
    if (label.isEmpty() || label.length() > 64) {
      throw new IllegalArgumentException("Required field masterLabel must be 1 to 64 characters ('" + label + "')");
    }
    return new Meta(caSigned.equals("true"), MetadataXml.text(root, "encryptedWithPlatformEncryption").orElse("false"),
        keySize, label, MetadataXml.text(root, "privateKeyExportable").orElse("true"));
  }

  private static byte[] metaXml(Meta meta, Optional<String> expirationDate) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Certificate xmlns=\""
        + MetadataXml.METADATA_NS + "\">\n");
    xml.append("    <caSigned>").append(meta.caSigned()).append("</caSigned>\n");
    xml.append("    <encryptedWithPlatformEncryption>").append(MetadataXml.escape(meta.encryptedWithPlatformEncryption()))
        .append("</encryptedWithPlatformEncryption>\n");
    expirationDate.ifPresent(d -> xml.append("    <expirationDate>").append(d).append("</expirationDate>\n"));
    xml.append("    <keySize>").append(meta.keySize()).append("</keySize>\n");
    xml.append("    <masterLabel>").append(MetadataXml.escape(meta.masterLabel())).append("</masterLabel>\n");
    xml.append("    <privateKeyExportable>").append(MetadataXml.escape(meta.privateKeyExportable()))
        .append("</privateKeyExportable>\n</Certificate>\n");
    return xml.toString().getBytes(UTF_8);
  }

  /** The installed chain's expiry, none while the Certificate is still a CSR. */
  private static Optional<String> expiration(byte[] held) {
    try {
      return Optional.of(DATE_TIME.format(chain(held).getFirst().getNotAfter().toInstant()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A new key pair of the meta's size and the PEM CSR for it. */
  private static byte[] request(Meta meta) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(meta.keySize());
      KeyPair keys = generator.generateKeyPair();
      // X.500 order as CAs encode it (C first); the CN is the masterLabel (the doc is silent: see the class note).
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "US").addRDN(BCStyle.ST, "CA")
          .addRDN(BCStyle.L, "San Francisco").addRDN(BCStyle.O, "Salesforce.com").addRDN(BCStyle.OU, "orgsim")
          .addRDN(BCStyle.CN, meta.masterLabel());
      JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject.build(),
          keys.getPublic());
      if (HOST_NAME.matcher(meta.masterLabel()).matches()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, meta.masterLabel())));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      PKCS10CertificationRequest csr = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
      return pem("CERTIFICATE REQUEST", csr.getEncoded());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a key pair and CSR: " + e.getMessage(), e);
    }
  }

  /** The public key the stored {@code .crt} is for: the CSR's, or the installed chain's leaf's. */
  private static Optional<PublicKey> publicKey(byte[] held) {
    Optional<PKCS10CertificationRequest> request = csr(held);
    if (request.isPresent()) {
      try {
        return Optional.of(new JcaPKCS10CertificationRequest(request.get()).getPublicKey());
      } catch (GeneralSecurityException e) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(chain(held).getFirst().getPublicKey());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<PKCS10CertificationRequest> csr(byte[] pem) {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, US_ASCII)))) {
      return parser.readObject() instanceof PKCS10CertificationRequest r ? Optional.of(r) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static byte[] der(PKCS10CertificationRequest request) {
    try {
      return request.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM certificates, leaf first, each issued (name and signature) by the next. */
  static List<X509Certificate> chain(byte[] pem) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))) {
        chain.add((X509Certificate) c);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not PEM X.509 certificates (" + e.getMessage() + ")");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate in it");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      boolean issued = child.getIssuerX500Principal().equals(parent.getSubjectX500Principal());
      if (issued) {
        try {
          child.verify(parent.getPublicKey());
        } catch (GeneralSecurityException e) {
          issued = false;
        }
      }
      if (!issued) {
        throw new IllegalArgumentException("certificate " + (i + 1) + " (" + child.getSubjectX500Principal().getName()
            + ") is not issued by certificate " + (i + 2) + " (" + parent.getSubjectX500Principal().getName()
            + "); give the leaf first, then each issuer");
      }
    }
    return chain;
  }

  private static byte[] pem(String type, byte[] der) {
    return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n").getBytes(US_ASCII);
  }
}
