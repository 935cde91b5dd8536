package dev.portcullis.orgsim;

import dev.portcullis.orgsim.Schema.SObjectDef;
import dev.portcullis.salesforce.SalesforceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The records of one simulated org, by type and by id. Not thread-safe: callers synchronize on
 * the instance. Deleted records stay (flagged) so that {@code queryAll} can see them.
 *
 * <p>Ids: key prefix, a two-character pod code unique to the org, and a ten-character base-62
 * sequence number; always stored in the 18-character case-safe form.
 */
final class OrgData {
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** One record. {@code values} is keyed by canonical field name. */
  static final class Row {
    final SObjectDef type;
    final Map<String, Object> values = new LinkedHashMap<>();
    boolean deleted;

    Row(SObjectDef type) {
      this.type = type;
    }

    String id() {
      return (String) values.get("Id");
    }

    Object get(String canonicalField) {
      if (canonicalField.equals("IsDeleted")) {
        return deleted;
      }
      return values.get(canonicalField);
    }
  }

  final Schema schema;
  private final String podCode;
  private final Map<String, LinkedHashMap<String, Row>> byType = new HashMap<>();
  private final Map<String, Row> byId = new HashMap<>();
  private long sequence;

  OrgData(Schema schema, String podCode) {
    this.schema = schema;
    this.podCode = podCode;
  }

  String newId(SObjectDef type) {
    return newId(type.keyPrefix());
  }

  /** A new id with {@code keyPrefix} (also for what is no sObject: deploy requests, metadata components). */
  String newId(String keyPrefix) {
    long n = ++sequence;
    char[] digits = new char[10];
    for (int i = 9; i >= 0; i--) {
      digits[i] = BASE62.charAt((int) (n % 62));
      n /= 62;
    }
    return SalesforceId.to18(keyPrefix + podCode + new String(digits));
  }

  void insert(Row row) {
    byType.computeIfAbsent(row.type.name().toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>()).put(row.id(), row);
    byId.put(row.id(), row);
  }

  Optional<Row> byId(String id) {
    if (id == null || !SalesforceId.isValid(id)) {
      return Optional.empty();
    }
    return Optional.ofNullable(byId.get(SalesforceId.to18(id)));
  }

  /** All rows of a type, in insertion order, including deleted ones. */
  List<Row> rows(SObjectDef type) {
    LinkedHashMap<String, Row> rows = byType.get(type.name().toLowerCase(Locale.ROOT));
    return rows == null ? List.of() : new ArrayList<>(rows.values());
  }

  Optional<Row> findUser(String username) {
    return schema.type("User").stream()
        .flatMap(t -> rows(t).stream())
        .filter(r -> username.equalsIgnoreCase((String) r.values.get("Username")))
        .findFirst();
  }
}
