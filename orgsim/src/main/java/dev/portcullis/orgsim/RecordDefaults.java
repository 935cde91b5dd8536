package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgData.Row;
import java.time.Instant;

/** Values Salesforce sets itself: audit fields, owner, formula-like names, derived flags. */
final class RecordDefaults {
  private RecordDefaults() {}

  static void onInsert(Row row, Instant now, String userId) {
    put(row, "CreatedDate", now);
    if (row.type.name().equals("SetupAuditTrail")) {
      put(row, "SystemModstamp", row.values.get("CreatedDate"));
    }
    put(row, "LastModifiedDate", now);
    put(row, "SystemModstamp", now);
    put(row, "CreatedById", userId);
    put(row, "LastModifiedById", userId);
    put(row, "OwnerId", userId);
    if (row.type.name().equals("User")) {
      put(row, "IsActive", Boolean.TRUE);
      put(row, "UserType", "Standard");
      put(row, "TimeZoneSidKey", "GMT");
      put(row, "LocaleSidKey", "en_US");
      put(row, "LanguageLocaleKey", "en_US");
    }
    if (row.type.name().equals("PermissionSet")) {
      put(row, "IsOwnedByProfile", Boolean.FALSE);
    }
    derive(row);
  }

  static void onUpdate(Row row, Instant now, String userId) {
    row.values.put("LastModifiedDate", now);
    row.values.put("SystemModstamp", now);
    row.values.put("LastModifiedById", userId);
    derive(row);
  }

  private static void derive(Row row) {
    if (row.type.field("Name").isPresent() && row.type.field("FirstName").isPresent()) {
      Object first = row.values.get("FirstName");
      Object last = row.values.get("LastName");
      String name = ((first == null ? "" : first + " ") + (last == null ? "" : last)).trim();
      row.values.put("Name", name.isEmpty() ? null : name);
    }
    if (row.type.name().equals("UserAuthCertificate") && row.values.get("CertificateChain") instanceof byte[] chain) {
      userAuthCertificate(row, chain);
    }
    if (row.type.name().equals("Opportunity")) {
      Object stage = row.values.get("StageName");
      row.values.put("IsClosed", stage != null && stage.toString().startsWith("Closed"));
      row.values.put("IsWon", "Closed Won".equals(stage));
    }
  }

  /**
   * What the org computes from an uploaded user certificate (object reference, UserAuthCertificate:
   * ExpirationDate, Fingerprint, SerialNumber are not writable): from the chain's first certificate.
   * The formats of Fingerprint and SerialNumber are not shown by any source read; the simulator
   * writes the SHA-1 of the DER in lowercase hex and the serial in decimal. A chain that does not
   * decode leaves them empty.
   */
  private static void userAuthCertificate(Row row, byte[] chain) {
    try {
      java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(chain));
      row.values.put("ExpirationDate", leaf.getNotAfter().toInstant());
      row.values.put("SerialNumber", leaf.getSerialNumber().toString());
      row.values.put("Fingerprint", java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-1").digest(leaf.getEncoded())));
    } catch (java.security.GeneralSecurityException e) {
      row.values.put("ExpirationDate", null);
      row.values.put("SerialNumber", null);
      row.values.put("Fingerprint", null);
    }
  }

  private static void put(Row row, String field, Object value) {
    if (row.type.field(field).isPresent() && row.values.get(field) == null && value != null) {
      row.values.put(field, value);
    }
  }
}
