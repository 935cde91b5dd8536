package dev.portcullis.certs.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.certs.Use;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.rest.RestClient;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The org's user authentication certificates (certificate-based login: inbound user mTLS), read
 * through the REST API: one SOQL query of the {@code UserAuthCertificate} sObject, then each
 * record's {@code CertificateChain} through the sObject Blob Get resource.
 *
 * <p>Object Reference for the Salesforce Platform, "UserAuthCertificate"
 * (sforce_api_objects_userauthcertificate.htm, API 45.0+): {@code CertificateChain} (base64, the
 * uploaded PEM file of up to 10 certificates, at most 1 MB), {@code DeveloperName}, {@code
 * MasterLabel}, {@code UserId}, {@code ExpirationDate}. A query answers a base64 field with the path
 * of its blob, not the data (REST API Developer Guide, "sObject Blob Get"); the chain is fetched by
 * {@link RestClient#blob}, which builds the path from the record id rather than following the one
 * in the answer. The object exists only where "Let users authenticate with a certificate" is on,
 * and only for a session with Manage Internal Users: otherwise the query answers {@code
 * INVALID_TYPE} (or insufficient access), which is noted, not fatal.
 *
 * <p>Each certificate becomes an item of use {@code inbound-user-mtls}, consumed by the user it
 * belongs to ({@code User USERNAME}, field {@code UserAuthCertificate NAME}), owned by who created
 * and last changed the record.
 */
final class UserAuthCertificates {
  static final String SOQL = "SELECT Id, DeveloperName, MasterLabel, UserId, User.Username, CreatedBy.Name, CreatedDate,"
      + " LastModifiedBy.Name, LastModifiedDate, CertificateChain FROM UserAuthCertificate ORDER BY DeveloperName";
  /** The documented upload limit (1 MB), with room for the PEM line ends of a 1 MB chain. */
  static final int MAX_CHAIN_BYTES = 1 << 21;
  /** REST date-times: {@code 2026-11-28T12:00:00.000+0000}. */
  private static final DateTimeFormatter REST_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx", Locale.ROOT);

  private UserAuthCertificates() {}

  static void read(RestClient rest, String origin, Inventory.Builder builder) {
    List<JsonNode> rows;
    try {
      rows = rest.queryAllPages(SOQL);
    } catch (SalesforceException e) {
      if (e.code() == SalesforceErrorCode.REST_INVALID_TYPE || e.code() == SalesforceErrorCode.REST_INSUFFICIENT_ACCESS) {
        builder.note(origin + ": UserAuthCertificate is not readable (certificate-based authentication off, or the session"
            + " lacks Manage Internal Users): " + e.code() + ": " + e.getMessage());
        return;
      }
      throw unavailable("query UserAuthCertificate", e);
    }
    for (JsonNode row : rows) {
      String id = row.path("Id").asText("");
      String name = row.path("DeveloperName").asText(id);
      String location = "UserAuthCertificate/" + name;
      if (row.path("CertificateChain").isNull() || row.path("CertificateChain").isMissingNode()) {
        builder.note(origin + " " + location + ": no CertificateChain");
        continue;
      }
      byte[] pem;
      try {
        pem = rest.blob("UserAuthCertificate", id, "CertificateChain");
      } catch (SalesforceException e) {
        throw unavailable("GET UserAuthCertificate " + name + " CertificateChain", e);
      } catch (IllegalArgumentException e) {
        throw new InventoryException(InventoryException.Code.MALFORMED_METADATA,
            origin + " " + location + ": the record id '" + id + "' is not a Salesforce id", e);
      }
      if (pem.length > MAX_CHAIN_BYTES) {
        throw new InventoryException(InventoryException.Code.MALFORMED_METADATA, origin + " " + location
            + ": CertificateChain is " + pem.length + " bytes, above Salesforce's 1 MB upload limit");
      }
      List<X509Certificate> chain = MetadataCertificates.certificatesIn(pem, origin + " " + location);
      if (chain.isEmpty()) {
        builder.note(origin + " " + location + ": CertificateChain holds no certificate");
        continue;
      }
      String user = row.path("User").path("Username").asText(row.path("UserId").asText(""));
      InventoryItem.Owner owner = new InventoryItem.Owner(row.path("CreatedBy").path("Name").asText(""),
          instant(row.path("CreatedDate")), row.path("LastModifiedBy").path("Name").asText(""),
          instant(row.path("LastModifiedDate")));
      builder.add(chain.getFirst(), chain.subList(1, chain.size()), Use.INBOUND_USER_MTLS,
          new InventoryItem.Consumer("User", user, "UserAuthCertificate " + name, Use.INBOUND_USER_MTLS), owner,
          new InventoryItem.Source(origin, location));
    }
  }

  private static Instant instant(JsonNode value) {
    if (!value.isTextual()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.asText(), REST_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static InventoryException unavailable(String call, SalesforceException e) {
    return new InventoryException(InventoryException.Code.ORG_UNAVAILABLE,
        call + " failed: " + e.code() + ": " + e.getMessage(), e);
  }
}
