package dev.portcullis.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One batch of a SOQL query (REST API Developer Guide, "Query" and "Query More Results"): {@code
 * {"totalSize":3222,"done":false,"nextRecordsUrl":"/services/data/v66.0/query/01g…-2000","records":[…]}}.
 *
 * @param totalSize the number of rows the whole query matches
 * @param done true on the last batch
 * @param records this batch's rows as Salesforce sent them (each with its {@code attributes})
 * @param nextRecordsUrl the path of the next batch for {@link RestClient#queryMore(String)}, or
 *     null when {@code done}
 */
public record QueryResult(long totalSize, boolean done, List<JsonNode> records, String nextRecordsUrl) {
  public QueryResult {
    records = List.copyOf(Objects.requireNonNull(records, "records"));
  }
}
