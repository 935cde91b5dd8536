package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgHandler.Reply;
import dev.portcullis.orgsim.QueryEvaluator.ResolvedPath;
import dev.portcullis.orgsim.Schema.ChildRelationship;
import dev.portcullis.orgsim.Schema.FieldDef;
import dev.portcullis.orgsim.Schema.SObjectDef;
import dev.portcullis.salesforce.soql.Query;
import dev.portcullis.salesforce.soql.Query.SelectItem;
import dev.portcullis.salesforce.soql.SoqlException;
import dev.portcullis.salesforce.soql.SoqlParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query resources: {@code /query?q=}, {@code /queryAll?q=}, {@code /query/<locator>-<offset>}
 * (REST API Developer Guide, "Query" resources_query.htm, "QueryAll" resources_queryall.htm,
 * "Execute a SOQL Query" dome_query.htm), and the query-columns shape that {@code sf data query}
 * fetches with {@code &columns=true} (salesforce-clients.md §1.4).
 *
 * <p>Batch size: the org's configured size (default 2000), or the {@code Sforce-Query-Options:
 * batchSize=N} header clamped to Salesforce's documented 200..2000 (REST API Developer Guide,
 * "Query Options Header", headers_queryoptions.htm). Error messages point a caret at the query
 * text as Salesforce does ("ERROR at Row:1:Column:8").
 */
final class QueryService {
  private static final Pattern FROM = Pattern.compile("(?i)\\bFROM\\s+([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern BATCH = Pattern.compile("(?i)batchSize\\s*=\\s*(\\d+)");

  private final OrgState org;

  QueryService(OrgState org) {
    this.org = org;
  }

  Reply query(String version, String soql, boolean all, boolean columns, String options) {
    if (soql == null) {
      throw new ApiException(400, ApiErrorCode.MALFORMED_QUERY, "A query string has to be specified");
    }
    Query query;
    try {
      query = SoqlParser.parse(soql);
    } catch (SoqlException e) {
      throw new ApiException(400, ApiErrorCode.MALFORMED_QUERY, positioned(soql, e.position(), e.getMessage()));
    }
    return run(version, soql, query, all, columns, options);
  }

  /** Evaluates an already parsed query; {@code soql} is its text, for error messages. */
  Reply run(String version, String soql, Query query, boolean all, boolean columns, String options) {
    QueryEvaluator evaluator = new QueryEvaluator(org.data, org.clock, version);
    try {
      if (columns) {
        synchronized (org.data) {
          return Reply.ok(columns(evaluator, query));
        }
      }
      QueryEvaluator.Result result;
      synchronized (org.data) {
        result = evaluator.evaluate(query, all);
      }
      int batch = batchSize(options);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("totalSize", result.totalSize());
      if (result.records().size() <= batch) {
        body.put("done", true);
        body.put("records", result.records());
      } else {
        String locator = org.cursors.open(result.records(), batch);
        body.put("done", false);
        body.put("nextRecordsUrl", "/services/data/v" + version + "/query/" + locator + "-" + batch);
        body.put("records", result.records().subList(0, batch));
      }
      return Reply.ok(body);
    } catch (QueryEvaluator.QueryError e) {
      int at = e.token == null ? -1 : indexOfToken(soql, e.token);
      throw new ApiException(400, e.code, at < 0 ? e.getMessage() : positioned(soql, at, e.getMessage()));
    }
  }

  /** "Execute a SOQL Query" (dome_query.htm): follow nextRecordsUrl until done. */
  Reply more(String version, String locatorAndOffset) {
    int dash = locatorAndOffset.lastIndexOf('-');
    QueryCursors.Cursor cursor = null;
    int offset = -1;
    if (dash > 0) {
      try {
        offset = Integer.parseInt(locatorAndOffset.substring(dash + 1));
      } catch (NumberFormatException e) {
        offset = -1;
      }
      cursor = org.cursors.get(locatorAndOffset.substring(0, dash)).orElse(null);
    }
    if (cursor == null || offset < 0 || offset > cursor.records.size()) {
      throw new ApiException(400, ApiErrorCode.INVALID_QUERY_LOCATOR, "invalid query locator");
    }
    int end = Math.min(cursor.records.size(), offset + cursor.batchSize);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("totalSize", cursor.records.size());
    body.put("done", end == cursor.records.size());
    if (end < cursor.records.size()) {
      body.put("nextRecordsUrl", "/services/data/v" + version + "/query/" + locatorAndOffset.substring(0, dash) + "-" + end);
    }
    body.put("records", cursor.records.subList(offset, end));
    return Reply.ok(body);
  }

  private int batchSize(String options) {
    if (options != null) {
      Matcher m = BATCH.matcher(options);
      if (m.find()) {
        try {
          return Math.max(200, Math.min(2000, Integer.parseInt(m.group(1))));
        } catch (NumberFormatException e) {
          return org.spec.queryBatchSize();
        }
      }
    }
    return org.spec.queryBatchSize();
  }

  /** The query-columns shape sf reads (salesforce-clients.md §1.4). */
  static Map<String, Object> columns(QueryEvaluator evaluator, Query query) {
    SObjectDef type = evaluator.type(query);
    String alias = query.fromAlias().orElse(null);
    List<Object> columns = new ArrayList<>();
    boolean idSelected = false;
    for (SelectItem item : query.select()) {
      switch (item) {
        case SelectItem.Count c -> columns.add(column(true, "Integer", false, "expr0", false, "COUNT()", null, false, List.of(), false, false, false));
        case SelectItem.Field f -> {
          ResolvedPath p = evaluator.resolve(type, f.path(), alias);
          idSelected |= p.lookups().isEmpty() && p.leaf().name().equals("Id");
          columns.add(pathColumn(p, 0));
        }
        case SelectItem.Fields f -> {
          for (FieldDef def : type.fields()) {
            boolean wanted = switch (f.kind()) {
              case ALL -> true;
              case STANDARD -> def.isStandard();
              case CUSTOM -> def.custom();
            };
            if (wanted) {
              idSelected |= def.name().equals("Id");
              columns.add(pathColumn(new ResolvedPath(List.of(), def), 0));
            }
          }
        }
        case SelectItem.SubQuery s -> {
          ChildRelationship rel = type.childRelationship(s.query().from()).orElseThrow(() -> new QueryEvaluator.QueryError(
              ApiErrorCode.INVALID_TYPE, "Didn't understand relationship '" + s.query().from() + "' in FROM part of query call.", s.query().from()));
          SObjectDef child = evaluator.type(new Query(s.query().select(), rel.childSObject(), s.query().fromAlias(),
              s.query().where(), s.query().orderBy(), s.query().limit(), s.query().offset()));
          List<Object> joins = new ArrayList<>();
          for (SelectItem sub : s.query().select()) {
            if (sub instanceof SelectItem.Field sf) {
              joins.add(pathColumn(evaluator.resolve(child, sf.path(), s.query().fromAlias().orElse(null)), 0));
            }
          }
          columns.add(column(true, null, false, rel.relationshipName(), false, rel.relationshipName(), null, false, joins, false, false, false));
        }
        case SelectItem.FunctionCall f -> throw QueryEvaluator.unsupported("query columns for function " + f.function().name().spelling() + "()", f.function().name().spelling());
        case SelectItem.TypeOf t -> throw QueryEvaluator.unsupported("query columns for TYPEOF", "TYPEOF");
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("columnMetadata", columns);
    body.put("entityName", type.name());
    body.put("groupBy", false);
    body.put("idSelected", idSelected);
    body.put("keyPrefix", type.keyPrefix());
    return body;
  }

  private static Map<String, Object> pathColumn(ResolvedPath p, int depth) {
    if (depth < p.lookups().size()) {
      FieldDef lookup = p.lookups().get(depth);
      return column(false, null, false, lookup.relationshipName(), lookup.custom(), lookup.relationshipName(), null,
          lookup.createable(), List.of(pathColumn(p, depth + 1)), false, false, lookup.updateable());
    }
    FieldDef f = p.leaf();
    return column(false, f.type().apexType, f.type() == Schema.FieldType.BOOLEAN, f.name(), f.custom(), f.name(), null,
        f.createable(), List.of(), f.type().isNumber(), f.type().isText(), f.updateable());
  }

  private static Map<String, Object> column(boolean aggregate, String apexType, boolean booleanType, String columnName, boolean custom,
      String displayName, String foreignKeyName, boolean insertable, List<Object> joinColumns, boolean numberType, boolean textType, boolean updatable) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("aggregate", aggregate);
    m.put("apexType", apexType);
    m.put("booleanType", booleanType);
    m.put("columnName", columnName);
    m.put("custom", custom);
    m.put("displayName", displayName);
    m.put("foreignKeyName", foreignKeyName);
    m.put("insertable", insertable);
    m.put("joinColumns", joinColumns);
    m.put("numberType", numberType);
    m.put("textType", textType);
    m.put("updatable", updatable);
    return m;
  }

  /** The sObject named after FROM, found without the parser (used for the Tooling probes). */
  static String fromType(String soql) {
    Matcher m = FROM.matcher(soql);
    return m.find() ? m.group(1) : "";
  }

  static String invalidTypeMessage(String soql, String type) {
    int at = indexOfToken(soql, type);
    String message = QueryEvaluator.invalidType(type);
    return at < 0 ? message : positioned(soql, at, message);
  }

  /** Salesforce's MALFORMED_QUERY layout: the line, a caret, {@code ERROR at Row:r:Column:c}, the message. */
  static String positioned(String soql, int position, String message) {
    int at = Math.max(0, Math.min(position, soql.length()));
    int row = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (soql.charAt(i) == '\n') {
        row++;
        lineStart = i + 1;
      }
    }
    int lineEnd = soql.indexOf('\n', lineStart);
    String line = soql.substring(lineStart, lineEnd < 0 ? soql.length() : lineEnd);
    int column = at - lineStart + 1;
    return "\n" + line + "\n" + " ".repeat(column - 1) + "^\nERROR at Row:" + row + ":Column:" + column + "\n" + message;
  }

  /** Where {@code token} first appears as a whole word in {@code soql}, ignoring case; -1 if not. */
  static int indexOfToken(String soql, String token) {
    Matcher m = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(token) + "(?![A-Za-z0-9_])", Pattern.CASE_INSENSITIVE).matcher(soql);
    return m.find() ? m.start() : -1;
  }
}
