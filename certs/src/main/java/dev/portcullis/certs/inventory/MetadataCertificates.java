package dev.portcullis.certs.inventory;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.certs.Use;
import dev.portcullis.certs.path.Pem;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Classifies the certificates of a set of Salesforce metadata components by use, and finds their
 * consumers. The same rules serve an org (retrieved zip) and an SFDX project (source files).
 *
 * <h2>Design note: the classification rules and their sources</h2>
 *
 * <ol>
 *   <li>{@code InboundCertificate} (meta_inboundcertificate.htm: "a mutual authentication
 *       certificate"): {@link Use#INBOUND_API_MTLS}; help 000383575 (clients on port 8443).
 *   <li>{@code SamlSsoConfig.validationCert} (the identity provider's certificate; Salesforce as
 *       service provider, help 000007225): {@link Use#INBOUND_SSO}.
 *   <li>{@code SamlSsoConfig.requestSigningCertId} (the org's Certificate, by id, that signs SAML
 *       requests): {@link Use#OUTBOUND_SSO}.
 *   <li>{@code ConnectedApp oauthConfig/certificate} and {@code ExtlClntAppGlobalOauthSettings
 *       certificate} (PEM; "when provided, it enables the JWT Bearer flow"): the client signs, the
 *       org verifies: {@link Use#INBOUND_SSO}. {@code ConnectedApp samlConfig/certificate} (the org
 *       as identity provider, by Certificate name): {@link Use#OUTBOUND_SSO}.
 *   <li>{@code NamedCredential} parameter of type {@code ClientCertificate}, or the legacy {@code
 *       certificate} field (the org's client certificate on callouts; Apex guide "Using
 *       Certificates"): {@link Use#OUTBOUND_MTLS}.
 *   <li>{@code ExternalCredential} parameter of type {@code SigningCertificate} (the org signs JWTs
 *       to an external system): {@link Use#OUTBOUND_SSO}.
 *   <li>A {@code Certificate} nothing above names: CA-signed with the serverAuth EKU is a custom
 *       domain's bring-your-own certificate, {@link Use#INBOUND_TLS} (help
 *       platform.domain_mgmt_cert_update); CA-signed with clientAuth only is {@link
 *       Use#OUTBOUND_MTLS} (Apex {@code HttpRequest.setClientCertificateName}); anything else is
 *       {@link Use#OUTBOUND_SSO}, what the Certificate type is for ("certificates are used for
 *       either authenticated single sign-on with an external website, or when using your org as
 *       an identity provider", meta_certificate.htm).
 * </ol>
 *
 * <p>A Certificate whose {@code .crt} still holds a certificate signing request (a CA-signed
 * certificate waiting for its signed chain, meta_certificate.htm) has no certificate yet: it is
 * noted, not listed. A reference to a Certificate the source does not hold is noted too.
 */
final class MetadataCertificates {
  /**
   * One metadata component as discovery read it.
   *
   * @param content the content file ({@code .crt}), or null for XML-only types
   * @param xml the component's XML ({@code -meta.xml} for content types)
   * @param location the main file's path, for sources and messages
   * @param id the component's id (Certificate ids are what SamlSsoConfig names), or empty
   */
  record Component(String type, String fullName, byte[] content, byte[] xml, String location, String id,
      InventoryItem.Owner owner) {}

  static final Set<String> TYPES = Set.of("Certificate", "InboundCertificate", "SamlSsoConfig", "ConnectedApp",
      "ExtlClntAppGlobalOauthSettings", "NamedCredential", "ExternalCredential");

  private final String origin;
  private final Inventory.Builder builder;
  /** The org's Certificates by lowercase name, and their names by 15-character id. */
  private final Map<String, Held> certificates = new LinkedHashMap<>();
  private final Map<String, String> namesById = new LinkedHashMap<>();
  private final Map<String, Boolean> referenced = new LinkedHashMap<>();
  /** The JWT bearer certificates of connected apps and external client apps, by the app's consumer key. */
  private final Map<String, JwtClient> jwtClients = new LinkedHashMap<>();

  /** An app whose certificate verifies the JWT bearer assertions of the client with its consumer key. */
  record JwtClient(String type, String app, X509Certificate leaf, List<X509Certificate> chain) {}

  private record Held(String name, X509Certificate leaf, List<X509Certificate> chain, boolean caSigned,
      InventoryItem.Owner owner, String location) {}

  MetadataCertificates(String origin, Inventory.Builder builder) {
    this.origin = origin;
    this.builder = builder;
  }

  /** Classifies {@code components} into the builder. */
  void classify(List<Component> components) {
    for (Component c : components) {
      if (c.type().equals("Certificate")) {
        holdCertificate(c);
      }
    }
    for (Component c : components) {
      switch (c.type()) {
        case "InboundCertificate" -> inboundCertificate(c);
        case "SamlSsoConfig" -> samlSsoConfig(c);
        case "ConnectedApp" -> connectedApp(c);
        case "ExtlClntAppGlobalOauthSettings" -> externalClientApp(c);
        case "NamedCredential" -> namedCredential(c);
        case "ExternalCredential" -> externalCredential(c);
        default -> { }
      }
    }
    for (Held held : certificates.values()) {
      if (!referenced.containsKey(held.name().toLowerCase(Locale.ROOT))) {
        builder.add(held.leaf(), held.chain(), unreferencedUse(held), null, held.owner(), source(held.location()));
      }
    }
  }

  private void holdCertificate(Component c) {
    boolean caSigned = SafeXml.text(root(c), "caSigned").map(Boolean::parseBoolean).orElse(false);
    String text = c.content() == null ? "" : new String(c.content(), US_ASCII);
    if (text.contains("-----BEGIN CERTIFICATE REQUEST-----") || text.contains("-----BEGIN NEW CERTIFICATE REQUEST-----")) {
      builder.note(origin + " " + c.location() + ": Certificate " + c.fullName()
          + " still holds a signing request (CSR); its signed chain was never uploaded");
      return;
    }
    List<X509Certificate> chain = certificatesIn(c.content(), c.location());
    if (chain.isEmpty()) {
      builder.note(origin + " " + c.location() + ": Certificate " + c.fullName() + " holds no certificate");
      return;
    }
    Held held = new Held(c.fullName(), chain.getFirst(), chain.subList(1, chain.size()), caSigned, c.owner(), c.location());
    // privateKeyExportable: "Indicates whether the private key can be exported" (meta_certificate.htm)
    SafeXml.text(root(c), "privateKeyExportable")
        .ifPresent(flag -> builder.privateKeyExportable(held.leaf(), Boolean.parseBoolean(flag.strip())));
    certificates.put(c.fullName().toLowerCase(Locale.ROOT), held);
    if (c.id().length() >= 15) {
      namesById.put(c.id().substring(0, 15), c.fullName());
    }
  }

  private void inboundCertificate(Component c) {
    List<X509Certificate> chain = certificatesIn(c.content(), c.location());
    if (chain.isEmpty()) {
      builder.note(origin + " " + c.location() + ": InboundCertificate " + c.fullName() + " holds no certificate");
      return;
    }
    builder.add(chain.getFirst(), chain.subList(1, chain.size()), Use.INBOUND_API_MTLS,
        new InventoryItem.Consumer("InboundCertificate", c.fullName(), "", Use.INBOUND_API_MTLS), c.owner(),
        source(c.location()));
  }

  private void samlSsoConfig(Component c) {
    Element root = root(c);
    embedded(c, root, "validationCert", Use.INBOUND_SSO);
    SafeXml.text(root, "requestSigningCertId").ifPresent(id -> {
      String name = id.length() >= 15 ? namesById.get(id.substring(0, 15)) : null;
      if (name == null) {
        builder.note(origin + " " + c.location() + ": SamlSsoConfig " + c.fullName() + " requestSigningCertId " + id
            + " names no Certificate found");
      } else {
        reference(c, name, "requestSigningCertId", Use.OUTBOUND_SSO);
      }
    });
  }

  private void connectedApp(Component c) {
    Element root = root(c);
    for (Element oauth : SafeXml.children(root, "oauthConfig")) {
      jwtClient(c, oauth, embedded(c, oauth, "certificate", Use.INBOUND_SSO, "oauthConfig/certificate"));
    }
    for (Element saml : SafeXml.children(root, "samlConfig")) {
      SafeXml.text(saml, "certificate").ifPresent(value -> {
        if (value.contains("-----BEGIN")) {
          embedded(c, saml, "certificate", Use.OUTBOUND_SSO, "samlConfig/certificate");
        } else {
          reference(c, value, "samlConfig/certificate", Use.OUTBOUND_SSO);
        }
      });
    }
  }

  /** An External Client App's global OAuth settings: its JWT bearer certificate, and its consumer key when kept. */
  private void externalClientApp(Component c) {
    Element root = root(c);
    jwtClient(c, root, embedded(c, root, "certificate", Use.INBOUND_SSO, "certificate"));
  }

  /** Remembers {@code chain} as the JWT bearer certificate of the app whose {@code consumerKey} {@code oauth} holds. */
  private void jwtClient(Component c, Element oauth, List<X509Certificate> chain) {
    Optional<String> consumerKey = SafeXml.text(oauth, "consumerKey").map(String::strip).filter(k -> !k.isEmpty());
    if (!chain.isEmpty() && consumerKey.isPresent()) {
      jwtClients.putIfAbsent(consumerKey.get(), new JwtClient(c.type(), c.fullName(), chain.getFirst(),
          chain.subList(1, chain.size())));
    }
  }

  private void namedCredential(Component c) {
    Element root = root(c);
    SafeXml.text(root, "certificate").ifPresent(name -> reference(c, name, "certificate", Use.OUTBOUND_MTLS));
    for (Element parameter : SafeXml.children(root, "namedCredentialParameters")) {
      if ("ClientCertificate".equals(SafeXml.text(parameter, "parameterType").orElse(""))) {
        SafeXml.text(parameter, "certificate").ifPresent(name ->
            reference(c, name, "namedCredentialParameters/ClientCertificate", Use.OUTBOUND_MTLS));
      }
    }
  }

  private void externalCredential(Component c) {
    for (Element parameter : SafeXml.children(root(c), "externalCredentialParameters")) {
      if ("SigningCertificate".equals(SafeXml.text(parameter, "parameterType").orElse(""))) {
        SafeXml.text(parameter, "certificate").ifPresent(name ->
            reference(c, name, "externalCredentialParameters/SigningCertificate", Use.OUTBOUND_SSO));
      }
    }
  }

  /** A consumer naming one of the org's Certificates. */
  private void reference(Component consumer, String certificateName, String field, Use use) {
    Held held = certificates.get(certificateName.toLowerCase(Locale.ROOT));
    if (held == null) {
      builder.note(origin + " " + consumer.location() + ": " + consumer.type() + " " + consumer.fullName() + " " + field
          + " names Certificate " + certificateName + ", which was not found");
      return;
    }
    referenced.put(certificateName.toLowerCase(Locale.ROOT), true);
    builder.add(held.leaf(), held.chain(), use, new InventoryItem.Consumer(consumer.type(), consumer.fullName(), field, use),
        held.owner(), source(held.location()));
  }

  private void embedded(Component c, Element parent, String element, Use use) {
    embedded(c, parent, element, use, element);
  }

  /** The JWT bearer clients found by {@link #classify}, by consumer key. */
  Map<String, JwtClient> jwtClients() {
    return Map.copyOf(jwtClients);
  }

  /** A certificate held inside the consumer's XML: PEM, or base64 DER as SamlSsoConfig keeps it; the chain added. */
  private List<X509Certificate> embedded(Component c, Element parent, String element, Use use, String field) {
    Optional<String> value = SafeXml.text(parent, element);
    if (value.isEmpty()) {
      return List.of();
    }
    String where = c.location() + "#" + field;
    List<X509Certificate> chain;
    if (value.get().contains("-----BEGIN")) {
      chain = certificatesIn(value.get().getBytes(UTF_8), where);
    } else {
      try {
        chain = certificatesIn(Base64.getMimeDecoder().decode(value.get()), where);
      } catch (IllegalArgumentException e) {
        throw malformed(where, "neither PEM nor base64: " + e.getMessage(), e);
      }
    }
    if (chain.isEmpty()) {
      return List.of();
    }
    builder.add(chain.getFirst(), chain.subList(1, chain.size()), use,
        new InventoryItem.Consumer(c.type(), c.fullName(), field, use), c.owner(), source(where));
    return chain;
  }

  private static Use unreferencedUse(Held held) {
    Set<String> ekus = ekus(held.leaf());
    if (held.caSigned() && ekus.contains(SERVER_AUTH)) {
      return Use.INBOUND_TLS;
    }
    if (held.caSigned() && ekus.contains(CLIENT_AUTH)) {
      return Use.OUTBOUND_MTLS;
    }
    return Use.OUTBOUND_SSO;
  }

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private static Set<String> ekus(X509Certificate c) {
    try {
      List<String> ekus = c.getExtendedKeyUsage();
      return ekus == null ? Set.of() : Set.copyOf(ekus);
    } catch (java.security.cert.CertificateParsingException e) {
      return Set.of();
    }
  }

  private InventoryItem.Source source(String location) {
    return new InventoryItem.Source(origin, location);
  }

  private static Element root(Component c) {
    return SafeXml.parse(c.xml(), c.location());
  }

  /** Every certificate in PEM text, or the one certificate of DER bytes, in order. */
  static List<X509Certificate> certificatesIn(byte[] bytes, String where) {
    if (bytes == null || bytes.length == 0) {
      return List.of();
    }
    List<byte[]> ders;
    String text = new String(bytes, US_ASCII);
    if (text.contains("-----BEGIN")) {
      try {
        ders = Pem.decode(text, "CERTIFICATE");
      } catch (RuntimeException e) {
        throw malformed(where, "PEM does not decode: " + e.getMessage(), e);
      }
    } else {
      ders = List.of(bytes);
    }
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders) {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw malformed(where, "not an X.509 certificate: " + e.getMessage(), e);
    }
    return out;
  }

  private static InventoryException malformed(String where, String what, Throwable cause) {
    return new InventoryException(InventoryException.Code.MALFORMED_METADATA, where + ": " + what, cause);
  }
}
