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
    if (row.type.name().equals("Opportunity")) {
      Object stage = row.values.get("StageName");
      row.values.put("IsClosed", stage != null && stage.toString().startsWith("Closed"));
      row.values.put("IsWon", "Closed Won".equals(stage));
    }
  }

  private static void put(Row row, String field, Object value) {
    if (row.type.field(field).isPresent() && row.values.get(field) == null && value != null) {
      row.values.put(field, value);
    }
  }
}
