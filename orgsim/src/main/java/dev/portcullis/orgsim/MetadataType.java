package dev.portcullis.orgsim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata types the simulator stores, with where they live in a zip: the facts that {@code
 * describeMetadata()} reports ({@code xmlName}, {@code directoryName}, {@code suffix}, {@code
 * metaFile}, {@code inFolder}; Metadata API Developer Guide, "DescribeMetadataResult",
 * meta_describeMetadata.htm; directories and suffixes as the type pages and the Salesforce CLI's
 * registry give them). A type outside this list is refused by a deploy ("unknown folder") and
 * reported unknown by a retrieve. Folder-based types (reports, dashboards, documents, email
 * templates) are not simulated.
 *
 * @param xmlName the type's name in {@code package.xml}
 * @param directoryName the zip folder its files sit in
 * @param suffix the file suffix, without the dot
 * @param metaFile whether the type is a content file plus a {@code -meta.xml} file (ApexClass)
 * @param bundle whether a component is a folder of files ({@code lwc/<name>/…})
 * @param keyPrefix the key prefix of the ids of its components, or empty when they have none
 * @param childXmlNames the child types declared inside its files
 */
record MetadataType(String xmlName, String directoryName, String suffix, boolean metaFile, boolean bundle,
    String keyPrefix, List<String> childXmlNames) {

  private static final Map<String, MetadataType> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, MetadataType> BY_DIRECTORY = new LinkedHashMap<>();

  static {
    // Content + -meta.xml types (meta_classes.htm, meta_triggers.htm, meta_pages.htm, meta_component.htm,
    // meta_staticresource.htm, meta_certificate.htm).
    add("ApexClass", "classes", "cls", true, "01p");
    add("ApexTrigger", "triggers", "trigger", true, "01q");
    add("ApexPage", "pages", "page", true, "066");
    add("ApexComponent", "components", "component", true, "099");
    add("StaticResource", "staticresources", "resource", true, "081");
    add("Certificate", "certs", "crt", true, "0P1");
    // Mutual authentication certificates (meta_inboundcertificate.htm, API 49.0+): content plus meta
    // like Certificate, as the Salesforce CLI's registry declares it (matchingContentFile adapter).
    add("InboundCertificate", "inboundCertificates", "inboundCertificate", true, "");
    // XML types (one file each).
    register(new MetadataType("CustomObject", "objects", "object", false, false, "01I",
        List.of("CustomField", "ValidationRule", "RecordType", "ListView", "FieldSet", "WebLink", "CompactLayout")));
    add("Profile", "profiles", "profile", false, "00e");
    add("PermissionSet", "permissionsets", "permissionset", false, "0PS");
    add("PermissionSetGroup", "permissionsetgroups", "permissionsetgroup", false, "0PG");
    add("MutingPermissionSet", "mutingpermissionsets", "mutingpermissionset", false, "0PS");
    add("ConnectedApp", "connectedApps", "connectedApp", false, "0H4");
    add("ExternalClientApplication", "externalClientApps", "eca", false, "");
    add("ExtlClntAppOauthSettings", "extlClntAppOauthSettings", "ecaOauth", false, "");
    add("ExtlClntAppGlobalOauthSettings", "extlClntAppGlobalOauthSets", "ecaGlblOauth", false, "");
    add("ExtlClntAppOauthConfigurablePolicies", "extlClntAppOauthPolicies", "ecaOauthPlcy", false, "");
    add("RemoteSiteSetting", "remoteSiteSettings", "remoteSite", false, "0rp");
    add("CspTrustedSite", "cspTrustedSites", "cspTrustedSite", false, "08y");
    add("NamedCredential", "namedCredentials", "namedCredential", false, "0XA");
    add("ExternalCredential", "externalCredentials", "externalCredential", false, "");
    add("AuthProvider", "authproviders", "authprovider", false, "0SO");
    add("SamlSsoConfig", "samlssoconfigs", "samlssoconfig", false, "0LE");
    add("Settings", "settings", "settings", false, "");
    add("Layout", "layouts", "layout", false, "00h");
    add("Flow", "flows", "flow", false, "301");
    add("CustomLabels", "labels", "labels", false, "");
    add("CustomMetadata", "customMetadata", "md", false, "");
    add("CustomTab", "tabs", "tab", false, "01r");
    add("CustomApplication", "applications", "app", false, "02u");
    add("Group", "groups", "group", false, "00G");
    add("Queue", "queues", "queue", false, "00G");
    add("Role", "roles", "role", false, "00E");
    add("SharingRules", "sharingRules", "sharingRules", false, "");
    add("TransactionSecurityPolicy", "transactionSecurityPolicies", "transactionSecurityPolicy", false, "0Tt");
    // Bundles: a folder per component (meta_lightningcomponentbundle.htm, meta_auradefinitionbundle.htm).
    register(new MetadataType("LightningComponentBundle", "lwc", "js", false, true, "0Rb", List.of()));
    register(new MetadataType("AuraDefinitionBundle", "aura", "cmp", false, true, "0Ab", List.of()));
  }

  private static void add(String xmlName, String directory, String suffix, boolean metaFile, String keyPrefix) {
    register(new MetadataType(xmlName, directory, suffix, metaFile, false, keyPrefix, List.of()));
  }

  private static void register(MetadataType type) {
    BY_NAME.put(type.xmlName().toLowerCase(Locale.ROOT), type);
    BY_DIRECTORY.putIfAbsent(type.directoryName(), type);
  }

  /** The type named {@code xmlName} (case-insensitive, as package.xml is read). */
  static Optional<MetadataType> named(String xmlName) {
    return Optional.ofNullable(BY_NAME.get(xmlName.toLowerCase(Locale.ROOT)));
  }

  /** The type whose files live in {@code directory} (case-sensitive, as zip paths are). */
  static Optional<MetadataType> inDirectory(String directory) {
    return Optional.ofNullable(BY_DIRECTORY.get(directory));
  }

  static List<MetadataType> all() {
    return List.copyOf(BY_NAME.values());
  }

  /**
   * The file that names a component in results ({@code fileName} of DeployMessage and
   * FileProperties): the content file for content types, the XML file otherwise, the folder for
   * bundles.
   */
  String mainFile(String fullName) {
    return bundle ? directoryName + "/" + fullName : directoryName + "/" + fullName + "." + suffix;
  }
}
