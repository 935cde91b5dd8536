package dev.portcullis.orgsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.orgsim.OrgHandler.Reply;
import dev.portcullis.orgsim.Schema.ChildRelationship;
import dev.portcullis.orgsim.Schema.FieldDef;
import dev.portcullis.orgsim.Schema.SObjectDef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REST resources other than query: versions, resources, limits, describe, sObject CRUD,
 * userinfo, identity and the Tooling probes the {@code sf} CLI sends. Each method names the
 * Salesforce page it follows.
 */
final class RestApi {
  static final int MIN_VERSION = 20;
  static final int MAX_VERSION = 66;
  static final int DAILY_API_REQUESTS = 15000;
  private static final String[] SEASONS = {"Winter", "Spring", "Summer"};

  private final OrgState org;
  private int usage;
  private Instant windowStart;

  RestApi(OrgState org) {
    this.org = org;
  }

  /** API requests counted in the current 24-hour window. */
  synchronized int usage() {
    rollWindow();
    return usage;
  }

  /** Counts one API request; false when the 24-hour allocation is used up (the request is not counted). */
  synchronized boolean tryAcquireApiRequest() {
    rollWindow();
    if (usage >= DAILY_API_REQUESTS) {
      return false;
    }
    usage++;
    return true;
  }

  private void rollWindow() {
    Instant now = org.clock.instant();
    if (windowStart == null || !now.isBefore(windowStart.plus(Duration.ofHours(24)))) {
      windowStart = now;
      usage = 0;
    }
  }

  static boolean supportsVersion(String version) {
    if (version == null || !version.endsWith(".0")) {
      return false;
    }
    int major = Integer.parseInt(version.substring(0, version.indexOf('.')));
    return major >= MIN_VERSION && major <= MAX_VERSION;
  }

  /** REST API Developer Guide, "Versions" (resources_versions.htm). Labels: v20.0 = Winter '11, three releases a year. */
  static List<Map<String, Object>> versions() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (int v = MIN_VERSION; v <= MAX_VERSION; v++) {
      int k = v - MIN_VERSION;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("label", SEASONS[k % 3] + " '" + (11 + k / 3));
      entry.put("url", "/services/data/v" + v + ".0");
      entry.put("version", v + ".0");
      list.add(entry);
    }
    return list;
  }

  /** REST API Developer Guide, "Resources by Version" (resources_discoveryresource.htm). */
  Reply resources(String version, SessionStore.Session session) {
    String base = "/services/data/v" + version;
    Map<String, Object> map = new LinkedHashMap<>();
    for (String name : List.of("tooling", "metadata", "chatter", "tabs", "appMenu", "quickActions", "queryAll",
        "search", "composite", "theme", "recent", "connect", "limits", "query", "sobjects", "actions", "support", "ui-api", "jobs")) {
      map.put(name, base + "/" + name);
    }
    map.put("identity", org.url() + "/id/" + org.orgId + "/" + session.userId);
    return Reply.ok(map);
  }

  /** REST API Developer Guide, "Limits" (resources_limits.htm). */
  Reply limits() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("DailyApiRequests", limit(DAILY_API_REQUESTS, DAILY_API_REQUESTS - usage()));
    map.put("DailyAsyncApexExecutions", limit(250000, 250000));
    map.put("DailyBulkApiBatches", limit(15000, 15000));
    map.put("DailyBulkV2QueryJobs", limit(10000, 10000));
    map.put("DataStorageMB", limit(5, 5));
    map.put("FileStorageMB", limit(20, 20));
    map.put("HourlyPublishedPlatformEvents", limit(50000, 50000));
    map.put("SingleEmail", limit(5000, 5000));
    return Reply.ok(map);
  }

  private static Map<String, Object> limit(int max, int remaining) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Max", max);
    m.put("Remaining", remaining);
    return m;
  }

  /** REST API Developer Guide, "Describe Global" (resources_describeGlobal.htm). */
  Reply describeGlobal(String version) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("encoding", "UTF-8");
    map.put("maxBatchSize", 200);
    List<Object> sobjects = new ArrayList<>();
    for (SObjectDef type : org.schema.types()) {
      sobjects.add(globalEntry(version, type));
    }
    map.put("sobjects", sobjects);
    return Reply.ok(map);
  }

  private static Map<String, Object> globalEntry(String version, SObjectDef type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("activateable", false);
    m.put("createable", type.createable());
    m.put("custom", false);
    m.put("customSetting", false);
    m.put("deletable", type.deletable());
    m.put("deprecatedAndHidden", false);
    m.put("feedEnabled", false);
    m.put("hasSubtypes", false);
    m.put("isSubtype", false);
    m.put("keyPrefix", type.keyPrefix());
    m.put("label", type.label());
    m.put("labelPlural", type.labelPlural());
    m.put("layoutable", true);
    m.put("mergeable", false);
    m.put("mruEnabled", true);
    m.put("name", type.name());
    m.put("queryable", true);
    m.put("replicateable", true);
    m.put("retrieveable", true);
    m.put("searchable", true);
    m.put("triggerable", true);
    m.put("undeletable", type.deletable());
    m.put("updateable", type.createable() && !type.readOnly());
    m.put("urls", urls(version, type));
    return m;
  }

  private static Map<String, Object> urls(String version, SObjectDef type) {
    String base = "/services/data/v" + version + "/sobjects/" + type.name();
    Map<String, Object> urls = new LinkedHashMap<>();
    urls.put("rowTemplate", base + "/{ID}");
    urls.put("defaultValues", base + "/defaultValues?recordTypeId&fields");
    urls.put("describe", base + "/describe");
    urls.put("sobject", base);
    return urls;
  }

  /** REST API Developer Guide, "sObject Basic Information" (resources_sobject_basic_info.htm). */
  Reply sobjectInfo(String version, String typeName) {
    SObjectDef type = typeForResource(typeName);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("objectDescribe", globalEntry(version, type));
    map.put("recentItems", List.of());
    return Reply.ok(map);
  }

  /** REST API Developer Guide, "sObject Describe" (resources_sobject_describe.htm). */
  Reply describe(String version, String typeName) {
    SObjectDef type = typeForResource(typeName);
    Map<String, Object> map = globalEntry(version, type);
    List<Object> fields = new ArrayList<>();
    for (FieldDef f : type.fields()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("aggregatable", true);
      m.put("byteLength", f.type().isText() || f.type().isIdLike() ? (f.type().isIdLike() ? 18 : 765) : 0);
      m.put("calculated", f.name().equals("Name") && type.field("FirstName").isPresent());
      m.put("createable", f.createable());
      m.put("custom", f.custom());
      m.put("defaultedOnCreate", !f.createable() || f.type() == Schema.FieldType.BOOLEAN || f.name().equals("OwnerId"));
      m.put("externalId", false);
      m.put("filterable", true);
      m.put("idLookup", f.name().equals("Id") || f.name().equals("Username"));
      m.put("label", f.label());
      m.put("length", f.type().isText() ? 255 : f.type().isIdLike() ? 18 : 0);
      m.put("name", f.name());
      m.put("nameField", f.name().equals("Name"));
      m.put("nillable", f.nillable());
      m.put("picklistValues", List.of());
      m.put("precision", f.type() == Schema.FieldType.CURRENCY ? 18 : 0);
      m.put("referenceTo", f.referenceTo());
      m.put("relationshipName", f.relationshipName());
      m.put("scale", f.type() == Schema.FieldType.CURRENCY ? 2 : 0);
      m.put("soapType", f.type().soapType);
      m.put("sortable", f.type() != Schema.FieldType.TEXTAREA);
      m.put("type", f.type().describeName);
      m.put("unique", f.name().equals("Username"));
      m.put("updateable", f.updateable());
      fields.add(m);
    }
    List<Object> children = new ArrayList<>();
    for (ChildRelationship c : type.childRelationships()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cascadeDelete", false);
      m.put("childSObject", c.childSObject());
      m.put("deprecatedAndHidden", false);
      m.put("field", c.field());
      m.put("junctionIdListNames", List.of());
      m.put("junctionReferenceTo", List.of());
      m.put("relationshipName", c.relationshipName());
      m.put("restrictedDelete", false);
      children.add(m);
    }
    map.put("childRelationships", children);
    map.put("fields", fields);
    map.put("recordTypeInfos", List.of());
    return Reply.ok(map);
  }

  /** REST API Developer Guide, "sObject Basic Information" (resources_sobject_basic_info.htm): POST creates. */
  Reply create(String version, String typeName, String body, SessionStore.Session session) {
    SObjectDef type = typeForResource(typeName);
    if (type.readOnly()) {
      throw readOnly("inserted", type);
    }
    if (!type.createable()) {
      throw new ApiException(400, ApiErrorCode.INSUFFICIENT_ACCESS_OR_READONLY, "insufficient access rights on object id");
    }
    Map<String, Object> input = parseObject(body);
    Row row = new Row(type);
    synchronized (org.data) {
      applyFields(type, row, input, true);
      List<String> missing = new ArrayList<>();
      for (FieldDef f : type.fields()) {
        if (f.required() && row.values.get(f.name()) == null) {
          missing.add(f.name());
        }
      }
      if (!missing.isEmpty()) {
        throw new ApiException(400, ApiErrorCode.REQUIRED_FIELD_MISSING, "Required fields are missing: " + missing, missing);
      }
      row.values.put("Id", org.data.newId(type));
      RecordDefaults.onInsert(row, org.clock.instant(), session.userId);
      org.data.insert(row);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", row.id());
    result.put("success", true);
    result.put("errors", List.of());
    return new Reply(201, result);
  }

  /** REST API Developer Guide, "sObject Rows" (resources_sobject_retrieve.htm): GET with optional ?fields=. */
  Reply retrieve(String version, String typeName, String id, String fieldsParam) {
    SObjectDef type = typeForResource(typeName);
    synchronized (org.data) {
      Row row = liveRow(type, id);
      List<FieldDef> fields = new ArrayList<>();
      if (fieldsParam == null || fieldsParam.isBlank()) {
        fields.addAll(type.fields());
      } else {
        for (String name : fieldsParam.split(",")) {
          String trimmed = name.trim();
          fields.add(type.field(trimmed).orElseThrow(() -> new ApiException(400, ApiErrorCode.INVALID_FIELD,
              "No such column '" + trimmed + "' on entity '" + type.name() + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")));
        }
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("attributes", attributes(version, row));
      for (FieldDef f : fields) {
        record.put(f.name(), Values.toJson(version, row, f));
      }
      return Reply.ok(record);
    }
  }

  /**
   * REST API Developer Guide, "sObject Blob Get" (resources_sobject_blob_retrieve.htm): the bytes of
   * a base64 field; a field of another type is not a blob (404, as for any unknown resource).
   */
  Reply blob(String typeName, String id, String fieldName) {
    SObjectDef type = typeForResource(typeName);
    synchronized (org.data) {
      Row row = liveRow(type, id);
      FieldDef field = type.field(fieldName).filter(f -> f.type() == Schema.FieldType.BASE64)
          .orElseThrow(ApiException::notFound);
      Object bytes = row.get(field.name());
      if (!(bytes instanceof byte[] blob)) {
        throw ApiException.notFound();
      }
      return Reply.ok(blob.clone());
    }
  }

  /** REST API Developer Guide, "sObject Rows" (resources_sobject_retrieve.htm): PATCH updates, 204. */
  Reply update(String typeName, String id, String body, SessionStore.Session session) {
    SObjectDef type = typeForResource(typeName);
    if (type.readOnly()) {
      throw readOnly("updated", type);
    }
    Map<String, Object> input = parseObject(body);
    synchronized (org.data) {
      Row row = liveRow(type, id);
      Row copy = new Row(type);
      copy.values.putAll(row.values);
      applyFields(type, copy, input, false);
      for (FieldDef f : type.fields()) {
        if (f.required() && copy.values.get(f.name()) == null) {
          throw new ApiException(400, ApiErrorCode.REQUIRED_FIELD_MISSING, "Required fields are missing: [" + f.name() + "]", List.of(f.name()));
        }
      }
      row.values.putAll(copy.values);
      RecordDefaults.onUpdate(row, org.clock.instant(), session.userId);
    }
    return new Reply(204, null);
  }

  /** REST API Developer Guide, "sObject Rows" (resources_sobject_retrieve.htm): DELETE, 204; the row goes to the recycle bin. */
  Reply delete(String typeName, String id) {
    SObjectDef type = typeForResource(typeName);
    synchronized (org.data) {
      Row row = org.data.byId(id).filter(r -> r.type == type).orElseThrow(ApiException::notFound);
      if (row.deleted) {
        throw new ApiException(404, ApiErrorCode.ENTITY_IS_DELETED, "entity is deleted", List.of());
      }
      if (type.readOnly()) {
        throw readOnly("deleted", type);
      }
      if (!type.deletable()) {
        throw new ApiException(400, ApiErrorCode.INSUFFICIENT_ACCESS_OR_READONLY, "insufficient access rights on object id");
      }
      row.deleted = true;
    }
    return new Reply(204, null);
  }

  /**
   * Tooling API (Tooling API Developer Guide, "Tooling REST Resources"). The simulator has no
   * Tooling objects: queries answer INVALID_TYPE, so {@code sf} treats the org as neither a
   * sandbox parent nor source-tracked; {@code SourceMember/describe} answers NOT_FOUND
   * (salesforce-clients.md §1.1 #6, §1.9).
   */
  Reply tooling(String[] parts, String soql) {
    if (parts.length == 2 && parts[1].equals("query") && soql != null) {
      String type = QueryService.fromType(soql);
      throw new ApiException(400, ApiErrorCode.INVALID_TYPE, QueryService.invalidTypeMessage(soql, type));
    }
    throw ApiException.notFound();
  }

  /**
   * Token introspection (RFC 7662; Salesforce Help, "OAuth 2.0 Token Introspection Flow").
   * Salesforce authenticates the caller with client_id and client_secret; the simulated
   * connected app has no secret, so only {@code client_id} must name it.
   */
  Reply introspect(String token, String clientId) {
    if (org.spec.consumerKey() == null || !org.spec.consumerKey().equals(clientId)) {
      throw new OAuthException("invalid_client", "invalid client credentials");
    }
    SessionStore.Session session = token == null ? null : org.sessions.peek(token).orElse(null);
    Map<String, Object> m = new LinkedHashMap<>();
    if (session == null) {
      m.put("active", false);
      return Reply.ok(m);
    }
    Row user = user(session.userId);
    m.put("active", true);
    m.put("scope", "api id web openid");
    m.put("client_id", clientId);
    m.put("username", user.values.get("Username"));
    m.put("sub", org.url() + "/id/" + org.orgId + "/" + user.id());
    m.put("token_type", "access_token");
    m.put("exp", org.sessions.expiresAt(session).getEpochSecond());
    m.put("iat", session.issuedAt.getEpochSecond());
    m.put("nbf", session.issuedAt.getEpochSecond());
    return Reply.ok(m);
  }

  /** Salesforce Help, "UserInfo Endpoint" (remoteaccess_using_userinfo_endpoint.htm). */
  Reply userinfo(SessionStore.Session session) {
    Row user = user(session.userId);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sub", org.url() + "/id/" + org.orgId + "/" + user.id());
    m.put("user_id", user.id());
    m.put("organization_id", org.orgId);
    m.put("preferred_username", user.values.get("Username"));
    m.put("nickname", user.values.get("Alias"));
    m.put("name", user.values.get("Name"));
    m.put("email", user.values.get("Email"));
    m.put("email_verified", true);
    m.put("given_name", user.values.get("FirstName"));
    m.put("family_name", user.values.get("LastName"));
    m.put("zoneinfo", user.values.get("TimeZoneSidKey"));
    m.put("profile", org.url() + "/" + user.id());
    m.put("active", user.values.get("IsActive"));
    m.put("user_type", "STANDARD");
    m.put("language", user.values.get("LanguageLocaleKey"));
    m.put("locale", user.values.get("LocaleSidKey"));
    m.put("utcOffset", 0);
    m.put("updated_at", Values.toJson(user.values.get("LastModifiedDate")));
    m.put("is_app_installed", true);
    m.put("urls", identityUrls());
    return Reply.ok(m);
  }

  /** Salesforce Help, "Identity URLs" (remoteaccess_using_openid.htm): only the caller's own identity. */
  Reply identity(SessionStore.Session session, String orgId, String userId) {
    if (!dev.portcullis.salesforce.SalesforceId.to18(orgId).equals(org.orgId)
        || !dev.portcullis.salesforce.SalesforceId.to18(userId).equals(session.userId)) {
      throw new ApiException(403, ApiErrorCode.NOT_FOUND, "Bad_Id");
    }
    Row user = user(session.userId);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", org.url() + "/id/" + org.orgId + "/" + user.id());
    m.put("asserted_user", true);
    m.put("user_id", user.id());
    m.put("organization_id", org.orgId);
    m.put("username", user.values.get("Username"));
    m.put("nick_name", user.values.get("Alias"));
    m.put("display_name", user.values.get("Name"));
    m.put("email", user.values.get("Email"));
    m.put("email_verified", true);
    m.put("first_name", user.values.get("FirstName"));
    m.put("last_name", user.values.get("LastName"));
    m.put("timezone", user.values.get("TimeZoneSidKey"));
    m.put("active", user.values.get("IsActive"));
    m.put("user_type", "STANDARD");
    m.put("language", user.values.get("LanguageLocaleKey"));
    m.put("locale", user.values.get("LocaleSidKey"));
    m.put("utcOffset", 0);
    m.put("last_modified_date", Values.toJson(user.values.get("LastModifiedDate")));
    m.put("is_app_installed", true);
    m.put("urls", identityUrls());
    return Reply.ok(m);
  }

  private Map<String, Object> identityUrls() {
    String v = MAX_VERSION + ".0";
    Map<String, Object> urls = new LinkedHashMap<>();
    urls.put("enterprise", org.url() + "/services/Soap/c/" + v + "/" + org.orgId.substring(0, 15));
    urls.put("metadata", org.url() + "/services/Soap/m/" + v + "/" + org.orgId.substring(0, 15));
    urls.put("partner", org.url() + "/services/Soap/u/" + v + "/" + org.orgId.substring(0, 15));
    urls.put("rest", org.url() + "/services/data/v" + v + "/");
    urls.put("sobjects", org.url() + "/services/data/v" + v + "/sobjects/");
    urls.put("query", org.url() + "/services/data/v" + v + "/query/");
    urls.put("tooling_rest", org.url() + "/services/data/v" + v + "/tooling/");
    urls.put("custom_domain", org.url());
    return urls;
  }

  private Row user(String userId) {
    synchronized (org.data) {
      return org.data.byId(userId).orElseThrow(ApiException::invalidSession);
    }
  }

  static Map<String, Object> attributes(String version, Row row) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", row.type.name());
    a.put("url", "/services/data/v" + version + "/sobjects/" + row.type.name() + "/" + row.id());
    return a;
  }

  private Row liveRow(SObjectDef type, String id) {
    return org.data.byId(id).filter(r -> r.type == type && !r.deleted).orElseThrow(ApiException::notFound);
  }

  /**
   * What Salesforce answers a write to a type that no call writes (SetupAuditTrail: query() and
   * retrieve() only): 400 CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY, "entity type cannot be inserted:
   * Setup Audit Trail" (the wording Salesforce gives for inserts and updates of such types; deletes
   * are worded the same way here).
   */
  private static ApiException readOnly(String verb, SObjectDef type) {
    return new ApiException(400, ApiErrorCode.CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY,
        "entity type cannot be " + verb + ": " + type.label());
  }

  /** REST resources answer NOT_FOUND for an unknown sObject type (unlike SOQL, which says INVALID_TYPE). */
  private SObjectDef typeForResource(String typeName) {
    return org.schema.type(typeName).orElseThrow(ApiException::notFound);
  }

  private void applyFields(SObjectDef type, Row row, Map<String, Object> input, boolean insert) {
    for (Map.Entry<String, Object> e : input.entrySet()) {
      if (e.getKey().equals("attributes")) {
        continue;
      }
      FieldDef f = type.field(e.getKey()).orElseThrow(() -> new ApiException(400, ApiErrorCode.INVALID_FIELD,
          "No such column '" + e.getKey() + "' on sobject of type " + type.name()));
      if (insert ? !f.createable() : !f.updateable()) {
        throw new ApiException(400, ApiErrorCode.INVALID_FIELD_FOR_INSERT_UPDATE,
            "Unable to create/update fields: " + f.name() + ". Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
            List.of(f.name()));
      }
      Object value;
      try {
        value = Values.coerce(f, e.getValue());
      } catch (IllegalArgumentException ex) {
        if (f.type().isIdLike()) {
          throw new ApiException(400, ApiErrorCode.MALFORMED_ID, f.label() + ": id value of incorrect type: " + e.getValue(), List.of(f.name()));
        }
        throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, ex.getMessage());
      }
      if (value != null && f.type() == Schema.FieldType.REFERENCE) {
        String target = (String) value;
        boolean ok = org.data.byId(target).filter(r -> !r.deleted && f.referenceTo().contains(r.type.name())).isPresent();
        if (!ok) {
          throw new ApiException(400, ApiErrorCode.MALFORMED_ID, f.label() + ": id value of incorrect type: " + target, List.of(f.name()));
        }
      }
      row.values.put(f.name(), value);
    }
  }

  private static Map<String, Object> parseObject(String body) {
    JsonNode node;
    try {
      node = OrgHandler.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, "Cannot deserialize instance of SObject from a non-object value");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      Object value = v.isNull() ? null : v.isBoolean() ? (Object) v.booleanValue() : v.isNumber() ? v.decimalValue() : v.isTextual() ? v.textValue() : v.toString();
      if (v.isContainerNode() && !e.getKey().equals("attributes")) {
        throw new ApiException(400, ApiErrorCode.JSON_PARSER_ERROR, "Cannot deserialize value of field " + e.getKey() + " from a JSON " + (v.isArray() ? "array" : "object"));
      }
      map.put(e.getKey(), value);
    }
    return map;
  }
}
