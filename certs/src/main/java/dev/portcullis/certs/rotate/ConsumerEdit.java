package dev.portcullis.certs.rotate;

import dev.portcullis.certs.inventory.InventoryItem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Re-points one consumer's reference from the old certificate to the new one, in the consumer's
 * metadata XML as the Metadata API retrieves it. The consumers and fields are those the inventory
 * reports ({@code MetadataCertificates}), by the Metadata API Developer Guide (v67):
 *
 * <ul>
 *   <li>{@code SamlSsoConfig.requestSigningCertId}: the Certificate's record id (15 characters
 *       are compared; the new id is written in the 15-character form Salesforce retrieves);
 *   <li>{@code ConnectedApp samlConfig/certificate}: the Certificate's name;
 *   <li>{@code NamedCredential certificate} and {@code namedCredentialParameters} of type {@code
 *       ClientCertificate}: the Certificate's name;
 *   <li>{@code ExternalCredential externalCredentialParameters} of type {@code SigningCertificate}:
 *       the Certificate's name.
 * </ul>
 *
 * <p>Certificates embedded as PEM or base64 (an IdP's {@code validationCert}, a JWT bearer client's
 * {@code oauthConfig/certificate}) belong to someone else's key and are not references: {@link
 * #supports} is false for them. XML is parsed with DTDs and external entities off.
 */
final class ConsumerEdit {
  private static final DocumentBuilderFactory FACTORY = factory();

  /** What an edit found. */
  enum Outcome { CHANGED, ALREADY_NEW, NOT_FOUND }

  record Result(Outcome outcome, byte[] xml) {}

  private ConsumerEdit() {}

  /** Whether the rotation can switch this consumer. */
  static boolean supports(InventoryItem.Consumer consumer) {
    return switch (consumer.type()) {
      case "SamlSsoConfig" -> consumer.field().equals("requestSigningCertId");
      case "ConnectedApp" -> consumer.field().equals("samlConfig/certificate");
      case "NamedCredential" -> consumer.field().equals("certificate")
          || consumer.field().equals("namedCredentialParameters/ClientCertificate");
      case "ExternalCredential" -> consumer.field().equals("externalCredentialParameters/SigningCertificate");
      default -> false;
    };
  }

  /** Whether the consumer names the certificate by record id (else by name). */
  static boolean byId(InventoryItem.Consumer consumer) {
    return consumer.type().equals("SamlSsoConfig");
  }

  /** The consumer's file in a singlePackage zip. */
  static String path(InventoryItem.Consumer consumer) {
    return switch (consumer.type()) {
      case "SamlSsoConfig" -> "samlssoconfigs/" + consumer.name() + ".samlssoconfig";
      case "ConnectedApp" -> "connectedApps/" + consumer.name() + ".connectedApp";
      case "NamedCredential" -> "namedCredentials/" + consumer.name() + ".namedCredential";
      case "ExternalCredential" -> "externalCredentials/" + consumer.name() + ".externalCredential";
      default -> throw new IllegalArgumentException("not a consumer the rotation switches: " + consumer);
    };
  }

  /**
   * Re-points {@code consumer}'s field in {@code xml} from {@code oldReference} to {@code newReference}.
   *
   * @return {@link Outcome#CHANGED} with the new XML, {@link Outcome#ALREADY_NEW} when it names the
   *     new certificate already (a resumed run), {@link Outcome#NOT_FOUND} when it names neither
   */
  static Result apply(InventoryItem.Consumer consumer, byte[] xml, String oldReference, String newReference) {
    Document document = parse(xml, path(consumer));
    List<Element> targets = targets(document.getDocumentElement(), consumer);
    boolean already = false;
    boolean changed = false;
    for (Element target : targets) {
      String value = target.getTextContent().strip();
      if (same(consumer, value, newReference)) {
        already = true;
      } else if (same(consumer, value, oldReference)) {
        target.setTextContent(newReference);
        changed = true;
      }
    }
    if (changed) {
      return new Result(Outcome.CHANGED, serialize(document));
    }
    return new Result(already ? Outcome.ALREADY_NEW : Outcome.NOT_FOUND, xml);
  }

  private static boolean same(InventoryItem.Consumer consumer, String value, String reference) {
    if (byId(consumer)) {
      return value.length() >= 15 && reference.length() >= 15 && value.substring(0, 15).equals(reference.substring(0, 15));
    }
    return value.equals(reference);
  }

  private static List<Element> targets(Element root, InventoryItem.Consumer consumer) {
    String field = consumer.field();
    List<Element> out = new ArrayList<>();
    int slash = field.indexOf('/');
    if (slash < 0) {
      child(root, field).ifPresent(out::add);
      return out;
    }
    String container = field.substring(0, slash);
    String rest = field.substring(slash + 1);
    for (Element element : children(root, container)) {
      if (container.endsWith("Parameters")) {
        // parameters are matched by their parameterType (ClientCertificate, SigningCertificate)
        if (child(element, "parameterType").map(e -> e.getTextContent().strip()).orElse("").equals(rest)) {
          child(element, "certificate").ifPresent(out::add);
        }
      } else {
        child(element, rest).ifPresent(out::add);
      }
    }
    return out;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  private static Optional<Element> child(Element parent, String name) {
    return children(parent, name).stream().findFirst();
  }

  static Document parse(byte[] xml, String where) {
    try {
      DocumentBuilder builder = FACTORY.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    } catch (SAXException | IOException e) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, where + ": the retrieved XML does not parse: "
          + e.getMessage(), e);
    }
  }

  private static byte[] serialize(Document document) {
    try {
      TransformerFactory factory = TransformerFactory.newInstance();
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer transformer = factory.newTransformer();
      transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      document.setXmlStandalone(true);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      transformer.transform(new DOMSource(document), new StreamResult(out));
      return out.toByteArray();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot write XML: " + e.getMessage(), e);
    }
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static DocumentBuilderFactory factory() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      return factory;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}
