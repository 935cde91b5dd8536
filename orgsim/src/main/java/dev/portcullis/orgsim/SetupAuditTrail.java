package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.orgsim.Schema.SObjectDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an org's {@code SetupAuditTrail} rows (Object Reference, sforce_api_objects_setupaudittrail.htm):
 * one per setup change a deploy makes ({@link SetupAuditActions} words them) and one per "manual"
 * change a test or the demo says someone made in Setup. The rows are ordinary records of the org's
 * data, so SOQL, describe and retrieve see them like any other object; the API cannot write them
 * ({@link Schema.SObjectDef#readOnly()}).
 *
 * <p>A row's {@code CreatedById} is the user who made the change: the deploying user for a deploy
 * (whose username, through {@code CreatedBy.Username}, is what tells a drift check that a
 * deployment made it), the named user for a manual change. {@code DelegateUser},
 * {@code ResponsibleNamespacePrefix}, {@code CreatedByContext} and {@code CreatedByIssuer} are null
 * unless given, as for a change an admin makes in their own session. Guarded by the monitor of the
 * org's data.
 */
final class SetupAuditTrail {
  private final OrgState org;
  /** The last version number of each flow, by full name (lower case). */
  private final Map<String, Integer> flowVersions = new HashMap<>();

  SetupAuditTrail(OrgState org) {
    this.org = org;
  }

  /** Records what one saved deploy did to the org's setup; answers the ids of the rows written. */
  List<String> recordDeploy(List<SetupAuditActions.Change> changes, String userId, Instant when) {
    List<String> ids = new ArrayList<>();
    synchronized (org.data) {
      for (SetupAuditActions.Change change : changes) {
        int version = flowVersion(change);
        for (SetupAuditActions.Entry entry : SetupAuditActions.of(change, version)) {
          ids.add(insert(entry, userId, when, null));
        }
      }
    }
    return ids;
  }

  /**
   * Records a change made by hand in Setup by the user {@code username}.
   *
   * @throws IllegalArgumentException when the org has no such user
   */
  String recordManual(String username, SetupAuditActions.Entry entry, String delegateUser) {
    Objects.requireNonNull(username, "username");
    synchronized (org.data) {
      Row user = org.data.findUser(username)
          .orElseThrow(() -> new IllegalArgumentException("org '" + org.spec.alias() + "' has no user '" + username + "'"));
      return insert(entry, user.id(), org.clock.instant(), delegateUser);
    }
  }

  private String insert(SetupAuditActions.Entry entry, String userId, Instant when, String delegateUser) {
    SObjectDef type = org.schema.type("SetupAuditTrail").orElseThrow();
    Row row = new Row(type);
    row.values.put("Id", org.data.newId(type));
    row.values.put("Action", entry.action());
    row.values.put("Section", entry.section());
    row.values.put("Display", entry.display());
    row.values.put("CreatedById", userId);
    row.values.put("CreatedDate", when);
    row.values.put("SystemModstamp", when);
    row.values.put("DelegateUser", delegateUser);
    row.values.put("ResponsibleNamespacePrefix", null);
    row.values.put("CreatedByContext", null);
    row.values.put("CreatedByIssuer", null);
    org.data.insert(row);
    return row.id();
  }

  /** The version a flow's change creates: 1 for a new flow, one more than the last for a changed one. */
  private int flowVersion(SetupAuditActions.Change change) {
    if (!change.type().xmlName().equals("Flow")) {
      return 0;
    }
    String key = change.fullName().toLowerCase(Locale.ROOT);
    if (change.after().isEmpty()) {
      flowVersions.remove(key);
      return 0;
    }
    // A flow the simulator did not see created (seeded) is at version 1.
    int next = change.before().isEmpty() ? 1 : flowVersions.getOrDefault(key, 1) + 1;
    flowVersions.put(key, next);
    return next;
  }
}
