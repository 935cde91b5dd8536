package dev.portcullis.orgsim;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of a simulated org, of every use, with the metadata that consumes them, served
 * through the Metadata API as Salesforce serves them (listMetadata, retrieve, readMetadata).
 *
 * <h2>Design note</h2>
 *
 * <p>Certificates are issued at seed time with BouncyCastle, relative to the simulator's clock, so
 * that "expires in 9 days" stays true whenever the demo runs; names are fixed. Key pairs are made
 * once per JVM (four RSA 2048 keys, three P-256 keys) and shared, so an org starts in milliseconds
 * once the first has paid for key generation; no two certificate authorities share a key, so
 * authority and subject key identifiers never point at the wrong issuer. Leaf keys are RSA, as
 * Salesforce's Certificate and Key Management requires (help 000387714: "The key is not an RSA
 * key"); intermediate CAs are ECDSA, which Salesforce never holds.
 *
 * <p>The demo seed ({@link #demo()}) and what each piece stands for:
 *
 * <ul>
 *   <li>{@code Certificate SSO_Signing}: self-signed, 2048-bit, one year as Salesforce makes them
 *       (meta_certificate.htm) and <b>expiring in 9 days</b>; used by {@code SamlSsoConfig Okta}
 *       ({@code requestSigningCertId}, the Certificate's id) and by {@code ExternalCredential
 *       Warehouse_JWT} (parameter {@code SigningCertificate}).
 *   <li>{@code Certificate Acme_Custom_Domain}: CA-signed, the chain (leaf, then intermediate) as
 *       uploaded for a custom domain; a public TLS certificate <b>issued after 2026-03-15 with a
 *       398-day lifetime</b> (CA/B Forum BR SC-081 allows 200 days from that date).
 *   <li>{@code Certificate Billing_Client_mTLS}: CA-signed client certificate whose intermediate
 *       is <b>signed with SHA-1</b>; used by {@code NamedCredential Billing_API} (parameter {@code
 *       ClientCertificate}).
 *   <li>{@code InboundCertificate Partner_Orders_Client}: a mutual authentication certificate
 *       (API mTLS, port 8443) <b>without the clientAuth EKU</b>, which help 000383575 requires.
 *   <li>{@code SamlSsoConfig Okta}: {@code validationCert}, the IdP's certificate (base64 DER).
 *   <li>{@code ConnectedApp Warehouse_Sync} ({@code oauthConfig/certificate}) and {@code
 *       ExtlClntAppGlobalOauthSettings Warehouse_Sync_Global} ({@code certificate}) hold the same
 *       JWT bearer certificate (PEM): one certificate, two consumers.
 *   <li>{@code UserAuthCertificate Login_Certificate} (an sObject record, not metadata: REST query
 *       and blob, see {@link #userAuthCertificate}): the first user's certificate for
 *       certificate-based login, clientAuth only, chained to the simulated public root.
 * </ul>
 *
 * <p>Field names follow the Metadata API Developer Guide (v67): Certificate, InboundCertificate,
 * SamlSsoConfig, ConnectedApp ({@code ConnectedAppOauthConfig.certificate}), ExternalClientApplication and
 * ExtlClntAppGlobalOauthSettings, NamedCredential ({@code NamedCredentialParameter.certificate}),
 * ExternalCredential ({@code ExternalCredentialParameter.certificate}). The mutual-authentication
 * certificate's content file and the format of {@code serialId} are not shown by any source read;
 * the simulator stores the PEM chain and the serial in decimal.
 */
final class CertificateSeed {
  /** CA/B Forum Baseline Requirements, Ballot SC-081: the 200-day maximum applies from this date. */
  static final Instant BR_200_DAYS_FROM = Instant.parse("2026-03-15T00:00:00Z");

  private static final String NS = "http://soap.sforce.com/2006/04/metadata";
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private final Instant now;
  private final String userId;
  private final Function<String, String> ids;

  CertificateSeed(Instant now, String userId, Function<String, String> ids) {
    this.now = now;
    this.userId = userId;
    this.ids = ids;
  }

  /** Keys made once per JVM (lazy holder). */
  private static final class Keys {
    static final KeyPair PUBLIC_ROOT = rsa();
    static final KeyPair PRIVATE_ROOT = rsa();
    static final KeyPair LEAF_A = rsa();
    static final KeyPair LEAF_B = rsa();
    static final KeyPair PUBLIC_TLS_CA = ec();
    static final KeyPair LEGACY_CA = ec();
    static final KeyPair PARTNER_CA = ec();
    static final KeyPair CLIENT_AUTH_CA = ec();

    private static KeyPair rsa() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot make an RSA key pair", e);
      }
    }

    private static KeyPair ec() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot make a P-256 key pair", e);
      }
    }
  }

  /** The demo's certificates and their consumers. */
  List<MetadataComponent> demo() {
    List<MetadataComponent> out = new ArrayList<>();
    Duration day = Duration.ofDays(1);

    // SSO_Signing: self-signed by the org, one year, expiring in 9 days.
    X509Certificate ssoSigning = selfSigned("CN=SSO_Signing, OU=orgsim, O=Salesforce.com, L=San Francisco, ST=CA, C=US",
        Keys.LEAF_A, now.minus(day.multipliedBy(356)), now.plus(day.multipliedBy(9)));
    String ssoSigningId = ids.apply("0P1");
    out.add(certificate("SSO_Signing", "SSO Signing", ssoSigningId, false, List.of(ssoSigning)));

    // Acme_Custom_Domain: public TLS, issued after 2026-03-15, 398 days.
    X509Certificate publicRoot = publicRoot(now);
    X509Certificate publicTlsCa = issue("CN=orgsim Public TLS CA 2026, O=orgsim Simulated Public CA, C=US",
        Keys.PUBLIC_TLS_CA, publicRoot, Keys.PUBLIC_ROOT.getPrivate(), now.minus(day.multipliedBy(400)),
        now.plus(day.multipliedBy(1500)), "SHA256withRSA", true, null);
    Instant issued = now.minus(day.multipliedBy(30));
    if (issued.isBefore(BR_200_DAYS_FROM.plus(day))) {
      issued = BR_200_DAYS_FROM.plus(day);
    }
    X509Certificate customDomain = issue("CN=www.acme.example", Keys.LEAF_B, publicTlsCa, Keys.PUBLIC_TLS_CA.getPrivate(),
        issued, issued.plus(day.multipliedBy(398)), "SHA256withECDSA", false, KeyPurposeId.id_kp_serverAuth,
        "www.acme.example", "acme.example");
    out.add(certificate("Acme_Custom_Domain", "Acme Custom Domain", ids.apply("0P1"), true,
        List.of(customDomain, publicTlsCa)));

    // Billing_Client_mTLS: outbound mTLS, chain through a SHA-1-signed intermediate.
    X509Certificate privateRoot = issue("CN=Acme Private Root CA, O=Acme Corporation, C=US", Keys.PRIVATE_ROOT, null, null,
        now.minus(day.multipliedBy(2200)), now.plus(day.multipliedBy(5000)), "SHA256withRSA", true, null);
    X509Certificate legacyCa = issue("CN=Acme Legacy Issuing CA, O=Acme Corporation, C=US", Keys.LEGACY_CA, privateRoot,
        Keys.PRIVATE_ROOT.getPrivate(), now.minus(day.multipliedBy(1500)), now.plus(day.multipliedBy(2000)),
        "SHA1withRSA", true, null);
    X509Certificate billingClient = issue("CN=salesforce-billing-client, O=Acme Corporation, C=US", Keys.LEAF_A, legacyCa,
        Keys.LEGACY_CA.getPrivate(), now.minus(day.multipliedBy(100)), now.plus(day.multipliedBy(265)),
        "SHA256withECDSA", false, KeyPurposeId.id_kp_clientAuth);
    out.add(certificate("Billing_Client_mTLS", "Billing Client mTLS", ids.apply("0P1"), true,
        List.of(billingClient, legacyCa)));
    out.add(xml("NamedCredential", "Billing_API", ids.apply("0XA"), """
        <NamedCredential xmlns="%s">
            <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
            <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
            <calloutStatus>Enabled</calloutStatus>
            <generateAuthorizationHeader>true</generateAuthorizationHeader>
            <label>Billing API</label>
            <namedCredentialParameters>
                <parameterName>Url</parameterName>
                <parameterType>Url</parameterType>
                <parameterValue>https://billing.acme.example</parameterValue>
            </namedCredentialParameters>
            <namedCredentialParameters>
                <certificate>Billing_Client_mTLS</certificate>
                <parameterName>ClientCertificate</parameterName>
                <parameterType>ClientCertificate</parameterType>
            </namedCredentialParameters>
            <namedCredentialType>SecuredEndpoint</namedCredentialType>
        </NamedCredential>
        """.formatted(NS)));

    // Partner_Orders_Client: API mTLS (port 8443) certificate with serverAuth only.
    X509Certificate partnerCa = issue("CN=Acme Partner Issuing CA, O=Acme Corporation, C=US", Keys.PARTNER_CA,
        privateRoot, Keys.PRIVATE_ROOT.getPrivate(), now.minus(day.multipliedBy(700)), now.plus(day.multipliedBy(2500)),
        "SHA256withRSA", true, null);
    X509Certificate partnerClient = issue("CN=orders.partner.example, O=Partner Inc, C=US", Keys.LEAF_B, partnerCa,
        Keys.PARTNER_CA.getPrivate(), now.minus(day.multipliedBy(45)), now.plus(day.multipliedBy(320)),
        "SHA256withECDSA", false, KeyPurposeId.id_kp_serverAuth, "orders.partner.example");
    Map<String, byte[]> inbound = new LinkedHashMap<>();
    inbound.put("inboundCertificates/Partner_Orders_Client.inboundCertificate", pem(List.of(partnerClient, partnerCa)));
    inbound.put("inboundCertificates/Partner_Orders_Client.inboundCertificate-meta.xml", document("""
        <InboundCertificate xmlns="%s">
            <expirationDate>%s</expirationDate>
            <issuer>%s</issuer>
            <masterLabel>Partner Orders Client</masterLabel>
            <serialId>%s</serialId>
        </InboundCertificate>
        """.formatted(NS, DATE.format(partnerClient.getNotAfter().toInstant()),
        escape(partnerClient.getIssuerX500Principal().getName()), partnerClient.getSerialNumber())));
    out.add(component("InboundCertificate", "Partner_Orders_Client", "", inbound));

    // SamlSsoConfig Okta: the IdP's certificate, and SSO_Signing signing the requests.
    X509Certificate idp = selfSigned("CN=acme.okta.example, OU=SSOProvider, O=Okta, C=US", Keys.LEAF_B,
        now.minus(day.multipliedBy(400)), now.plus(day.multipliedBy(695)));
    out.add(xml("SamlSsoConfig", "Okta", ids.apply("0LE"), """
        <SamlSsoConfig xmlns="%s">
            <identityLocation>SubjectNameId</identityLocation>
            <identityMapping>FederationId</identityMapping>
            <issuer>http://www.okta.example/exk1acme</issuer>
            <loginUrl>https://acme.okta.example/app/salesforce/exk1acme/sso/saml</loginUrl>
            <name>Okta</name>
            <redirectBinding>false</redirectBinding>
            <requestSignatureMethod>1</requestSignatureMethod>
            <requestSigningCertId>%s</requestSigningCertId>
            <salesforceLoginUrl>https://acme.my.salesforce.com?so=00D000000000001</salesforceLoginUrl>
            <samlEntityId>https://acme.my.salesforce.com</samlEntityId>
            <samlVersion>SAML2_0</samlVersion>
            <userProvisioning>false</userProvisioning>
            <validationCert>%s</validationCert>
        </SamlSsoConfig>
        """.formatted(NS, ssoSigningId.substring(0, 15), base64(idp))));
    out.add(xml("ExternalCredential", "Warehouse_JWT", "", """
        <ExternalCredential xmlns="%s">
            <authenticationProtocol>Jwt</authenticationProtocol>
            <externalCredentialParameters>
                <parameterGroup>DefaultGroup</parameterGroup>
                <parameterName>Warehouse</parameterName>
                <parameterType>NamedPrincipal</parameterType>
                <sequenceNumber>1</sequenceNumber>
            </externalCredentialParameters>
            <externalCredentialParameters>
                <certificate>SSO_Signing</certificate>
                <parameterGroup>DefaultGroup</parameterGroup>
                <parameterName>SigningCertificate</parameterName>
                <parameterType>SigningCertificate</parameterType>
            </externalCredentialParameters>
            <label>Warehouse JWT</label>
        </ExternalCredential>
        """.formatted(NS)));

    // Warehouse_Sync: one JWT bearer certificate on a connected app and an External Client App.
    X509Certificate jwt = selfSigned("CN=warehouse-sync, O=Acme Corporation, C=US", Keys.LEAF_B,
        now.minus(day.multipliedBy(60)), now.plus(day.multipliedBy(305)));
    String jwtPem = new String(pem(List.of(jwt)), UTF_8);
    out.add(xml("ConnectedApp", "Warehouse_Sync", ids.apply("0H4"), """
        <ConnectedApp xmlns="%s">
            <contactEmail>integration@acme.example</contactEmail>
            <label>Warehouse Sync</label>
            <oauthConfig>
                <callbackUrl>https://warehouse.acme.example/oauth/callback</callbackUrl>
                <certificate>%s</certificate>
                <consumerKey>3MVG9orgsim.warehouse.sync</consumerKey>
                <isAdminApproved>true</isAdminApproved>
                <isConsumerSecretOptional>true</isConsumerSecretOptional>
                <isIntrospectAllTokens>false</isIntrospectAllTokens>
                <scopes>Api</scopes>
            </oauthConfig>
            <oauthPolicy>
                <ipRelaxation>ENFORCE</ipRelaxation>
                <refreshTokenPolicy>zero</refreshTokenPolicy>
            </oauthPolicy>
        </ConnectedApp>
        """.formatted(NS, escape(jwtPem))));
    out.add(xml("ExternalClientApplication", "Warehouse_Sync_ECA", "", """
        <ExternalClientApplication xmlns="%s">
            <contactEmail>integration@acme.example</contactEmail>
            <distributionState>Local</distributionState>
            <isProtected>false</isProtected>
            <label>Warehouse Sync ECA</label>
        </ExternalClientApplication>
        """.formatted(NS)));
    out.add(xml("ExtlClntAppGlobalOauthSettings", "Warehouse_Sync_Global", "", """
        <ExtlClntAppGlobalOauthSettings xmlns="%s">
            <callbackUrl>https://warehouse.acme.example/oauth/callback</callbackUrl>
            <certificate>%s</certificate>
            <consumerKey>3MVG9orgsim.warehouse.sync.eca</consumerKey>
            <externalClientApplication>Warehouse_Sync_ECA</externalClientApplication>
            <isConsumerSecretOptional>true</isConsumerSecretOptional>
            <label>Warehouse Sync Global</label>
        </ExtlClntAppGlobalOauthSettings>
        """.formatted(NS, escape(jwtPem))));
    return out;
  }

  /**
   * The demo's user authentication certificate (certificate-based login, inbound user mTLS) for
   * {@code username}: a clientAuth-only leaf from a dedicated client-authentication CA under the
   * simulated public root, one year, as the PEM file uploaded to {@code
   * UserAuthCertificate.CertificateChain} (leaf, then intermediate). Salesforce requires the
   * clientAuth EKU for certificate-based authentication (cert-anchors.md §2.1).
   */
  byte[] userAuthCertificate(String username) {
    Duration day = Duration.ofDays(1);
    X509Certificate clientAuthCa = issue("CN=orgsim Client Authentication CA 2026, O=orgsim Simulated Public CA, C=US",
        Keys.CLIENT_AUTH_CA, publicRoot(now), Keys.PUBLIC_ROOT.getPrivate(), now.minus(day.multipliedBy(400)),
        now.plus(day.multipliedBy(1500)), "SHA256withRSA", true, null);
    X509Certificate user = issue("CN=" + username + ", O=Acme Corporation, C=US", Keys.LEAF_A, clientAuthCa,
        Keys.CLIENT_AUTH_CA.getPrivate(), now.minus(day.multipliedBy(20)), now.plus(day.multipliedBy(345)),
        "SHA256withECDSA", false, KeyPurposeId.id_kp_clientAuth);
    return pem(List.of(user, clientAuthCa));
  }

  /**
   * {@code count} self-signed certificates {@code Bulk_0001}, … each used by the named credential of
   * the same name as its client certificate; expiry spread over the next two years.
   */
  List<MetadataComponent> bulk(int count) {
    List<MetadataComponent> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = String.format(java.util.Locale.ROOT, "Bulk_%04d", i);
      X509Certificate cert = selfSigned("CN=" + name + ", OU=orgsim, O=Salesforce.com, C=US",
          i % 2 == 0 ? Keys.LEAF_A : Keys.LEAF_B, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(1 + (i * 7L) % 730)));
      out.add(certificate(name, name.replace('_', ' '), ids.apply("0P1"), false, List.of(cert)));
      out.add(xml("NamedCredential", name, ids.apply("0XA"), """
          <NamedCredential xmlns="%s">
              <label>%s</label>
              <namedCredentialParameters>
                  <parameterName>Url</parameterName>
                  <parameterType>Url</parameterType>
                  <parameterValue>https://%s.partner.example</parameterValue>
              </namedCredentialParameters>
              <namedCredentialParameters>
                  <certificate>%s</certificate>
                  <parameterName>ClientCertificate</parameterName>
                  <parameterType>ClientCertificate</parameterType>
              </namedCredentialParameters>
              <namedCredentialType>SecuredEndpoint</namedCredentialType>
          </NamedCredential>
          """.formatted(NS, name, name.toLowerCase(java.util.Locale.ROOT).replace('_', '-'), name)));
    }
    return out;
  }

  private MetadataComponent certificate(String name, String label, String id, boolean caSigned, List<X509Certificate> chain) {
    X509Certificate leaf = chain.getFirst();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("certs/" + name + ".crt", pem(chain));
    files.put("certs/" + name + ".crt-meta.xml", document("""
        <Certificate xmlns="%s">
            <caSigned>%s</caSigned>
            <encryptedWithPlatformEncryption>false</encryptedWithPlatformEncryption>
            <expirationDate>%s</expirationDate>
            <keySize>2048</keySize>
            <masterLabel>%s</masterLabel>
            <privateKeyExportable>true</privateKeyExportable>
        </Certificate>
        """.formatted(NS, caSigned, DATE_TIME.format(leaf.getNotAfter().toInstant()), escape(label))));
    return component("Certificate", name, id, files);
  }

  private MetadataComponent xml(String type, String name, String id, String body) {
    MetadataType t = MetadataType.named(type).orElseThrow();
    return component(type, name, id, Map.of(t.mainFile(name), document(body)));
  }

  private MetadataComponent component(String type, String name, String id, Map<String, byte[]> files) {
    MetadataType t = MetadataType.named(type).orElseThrow(() -> new IllegalStateException("unknown type " + type));
    return new MetadataComponent(t, name, files, id, now, userId, now, userId);
  }

  private static byte[] document(String body) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body).getBytes(UTF_8);
  }

  private static X509Certificate selfSigned(String subject, KeyPair keys, Instant notBefore, Instant notAfter) {
    return issue(subject, keys, null, keys.getPrivate(), notBefore, notAfter, "SHA256withRSA", false, null);
  }

  /**
   * The simulated public root that issues the custom domain's chain, as of {@code now}: same name and key every time,
   * so a copy made later verifies the chains seeded earlier (it stands for a root of the Mozilla store).
   */
  static X509Certificate publicRoot(Instant now) {
    Duration day = Duration.ofDays(1);
    return issue("CN=orgsim Public Root R1, O=orgsim Simulated Public CA, C=US", Keys.PUBLIC_ROOT,
        null, null, now.minus(day.multipliedBy(1800)), now.plus(day.multipliedBy(3650)), "SHA256withRSA", true, null);
  }

  /**
   * A certificate for {@code subject}'s key, signed by {@code issuerKey} as {@code issuer} (itself
   * when {@code issuer} is null). CAs get basicConstraints (critical) and keyCertSign/cRLSign; leaves
   * digitalSignature/keyEncipherment, the EKU if given and the DNS names as subjectAltName.
   */
  private static X509Certificate issue(String subject, KeyPair keys, X509Certificate issuer, PrivateKey issuerKey,
      Instant notBefore, Instant notAfter, String algorithm, boolean ca, KeyPurposeId eku, String... dnsNames) {
    try {
      // X500Principal reads RFC 4514 order (most specific first) and encodes C first, as CAs do.
      X500Name subjectName = X500Name.getInstance(new X500Principal(subject).getEncoded());
      X500Name issuerName = issuer == null ? subjectName : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      PrivateKey signer = issuerKey == null ? keys.getPrivate() : issuerKey;
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial(subject, notBefore),
          Date.from(notBefore), Date.from(notAfter), subjectName, keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
      builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
          ? extensions.createAuthorityKeyIdentifier(keys.getPublic())
          : extensions.createAuthorityKeyIdentifier(issuer));
      if (ca) {
        // A root without a path length constraint, an intermediate that issues only leaves.
        builder.addExtension(Extension.basicConstraints, true,
            issuer == null ? new BasicConstraints(true) : new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (eku != null) {
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        if (dnsNames.length > 0) {
          GeneralName[] names = new GeneralName[dnsNames.length];
          for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
          }
          builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the seed certificate " + subject + ": " + e.getMessage(), e);
    }
  }

  /** A positive 64-bit serial derived from the subject and the issuance time: stable for a given clock. */
  private static BigInteger serial(String subject, Instant notBefore) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((subject + "|" + notBefore).getBytes(UTF_8));
      byte[] eight = new byte[8];
      System.arraycopy(digest, 0, eight, 0, 8);
      eight[0] &= 0x7f;
      eight[0] |= 0x01;
      return new BigInteger(1, eight);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] pem(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(UTF_8));
    for (X509Certificate c : chain) {
      out.append("-----BEGIN CERTIFICATE-----\n").append(encoder.encodeToString(der(c))).append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString().getBytes(UTF_8);
  }

  private static String base64(X509Certificate c) {
    return Base64.getEncoder().encodeToString(der(c));
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
