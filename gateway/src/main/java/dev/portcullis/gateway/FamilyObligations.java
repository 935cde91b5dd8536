package dev.portcullis.gateway;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code max_records}, {@code deny_fields} and {@code redact_fields} apply to the API families
 * beyond REST and SOAP queries (docs/GATEWAY.md, "Obligations"). Each rule fails closed: where the
 * gateway cannot tell what an answer holds, the obligation refuses the request.
 *
 * <ul>
 *   <li><b>Bulk.</b> A bulk query's SOQL is checked like a REST query's under {@code deny_fields}.
 *       Its results are CSV downloaded from the job in full: {@code max_records} cannot cap them,
 *       and they are not redacted, so under {@code redact_fields} a bulk query that reads a
 *       redacted field (in any clause, or through {@code FIELDS()}) is refused. A results download
 *       names only its job, which may have been created elsewhere (directly at Salesforce, or by
 *       another session): under {@code deny_fields} or {@code redact_fields} it is refused.
 *   <li><b>GraphQL.</b> Every field is named in the document: {@code deny_fields} refuses a
 *       document that uses a denied field's name anywhere. The JSON answer is redacted by field
 *       name (its records carry no {@code attributes}); a document that filters, sorts, groups or
 *       aggregates on a redacted field, or selects it under an alias, is refused. {@code
 *       max_records} cannot be applied (the gateway does not rewrite {@code first:}).
 *   <li><b>UI API.</b> Answers are JSON keyed by field name, redacted like GraphQL's. Under {@code
 *       deny_fields} a read is refused when it names a denied field or when a layout or list view
 *       chooses its fields.
 *   <li><b>Streaming.</b> Event messages are JSON keyed by field name (PushTopic {@code sobject},
 *       change event payloads), redacted so; under {@code deny_fields} subscribing and polling for
 *       events are refused.
 *   <li><b>Apex REST and Connect.</b> Their answers are shaped by Apex code or by Connect's own
 *       representations, not keyed by field name: {@code deny_fields} and {@code redact_fields}
 *       refuse them.
 * </ul>
 */
final class FamilyObligations {
  private static final Set<String> FAMILIES = Set.of("bulk", "graphql", "ui_api", "apex_rest", "connect", "streaming");

  private FamilyObligations() {}

  /** Whether this class decides the record obligations of {@code request} (its API family). */
  static boolean judges(Classification request) {
    return FAMILIES.contains(request.api());
  }

  /**
   * Why {@code max_records} or {@code deny_fields} refuses the request, if it does.
   *
   * @param text the request's SOQL (a bulk query) or GraphQL request body, when it has one
   */
  static Optional<String> refusal(Classification request, String obligation, Object value, Optional<String> text) {
    String operation = request.operation();
    if (obligation.equals("max_records")) {
      return switch (request.api() + " " + operation) {
        case "bulk bulk_query", "bulk bulk_results" -> Optional.of("max_records cannot be applied to a Bulk API query:"
            + " its results are downloaded in full from the job; query through the REST API to have them capped");
        case "graphql query" -> Optional.of("max_records cannot be applied to a GraphQL query (its first: arguments"
            + " are not rewritten); query through the REST API to have it capped");
        default -> Optional.empty(); // max_records concerns queries only
      };
    }
    if (!obligation.equals("deny_fields")) {
      return Optional.empty();
    }
    List<String> denied = QueryObligations.texts(value);
    return switch (request.api()) {
      case "bulk" -> switch (operation) {
        case "bulk_query" -> text.isEmpty() ? Optional.of("the bulk query's SOQL is not known")
            : QueryObligations.deniedFieldRead(text.get(), denied);
        case "bulk_results" -> Optional.of("a Bulk result download holds whatever its job selected, and the gateway"
            + " knows only the job's id; under deny_fields " + denied + " it is refused");
        default -> Optional.empty();
      };
      case "graphql", "ui_api" -> {
        if (request.fields().contains(UiApiClassifier.LAYOUT_FIELDS)) {
          yield Optional.of("the answer's fields come from a layout or list view, so it may hold " + denied
              + ", denied fields; name the fields to read");
        }
        yield usesAny(request.fields(), denied).map(field -> "the request reads " + field + ", a denied field ("
            + denied + ")");
      }
      case "streaming" -> operation.equals("subscribe") || operation.equals("connect")
          ? Optional.of("streamed events may carry " + denied + ", denied fields; under deny_fields " + operation
              + " is refused")
          : Optional.empty();
      default -> Optional.of("the answers of " + request.api() + " requests are not keyed by field name, so "
          + denied + " (deny_fields) cannot be checked; refused");
    };
  }

  /** Why {@code redact_fields} refuses the request, if it does; otherwise its JSON answer is redacted. */
  static Optional<String> redactionRefusal(Classification request, Optional<String> text, RedactedFields redacted) {
    return switch (request.api()) {
      case "bulk" -> switch (request.operation()) {
        case "bulk_query" -> text.isEmpty() ? Optional.of("the bulk query's SOQL is not known")
            : QueryObligations.deniedFieldRead(text.get(), redacted.entries())
                .map(why -> "a Bulk query's CSV results cannot be redacted, and " + why.replace("denied", "redacted"));
        case "bulk_results" -> Optional.of("a Bulk result download is CSV from a job the gateway knows only by id; its"
            + " columns cannot be redacted (" + redacted + "), so it is refused");
        default -> Optional.empty();
      };
      case "graphql" -> {
        if (text.isEmpty()) {
          yield Optional.of("the GraphQL document is not known");
        }
        Optional<GraphqlClassifier.Analysis> analysis = GraphqlClassifier.analyze(text.get());
        if (analysis.isEmpty()) {
          yield Optional.of("the GraphQL document could not be analysed");
        }
        yield analysis.get().nonSelectionUses().stream().filter(redacted::redactsName).findFirst()
            .map(field -> "the document filters, sorts, groups, aggregates or aliases " + field + ", a redacted field;"
                + " only a plain selection of it may be made (its value is then redacted)");
      }
      case "ui_api", "streaming" -> Optional.empty();
      default -> Optional.of("the answers of " + request.api() + " requests are not keyed by field name, so "
          + redacted + " (redact_fields) cannot be redacted from them; refused");
    };
  }

  /**
   * Whether an allowed request's answer may hold record data, and must then be redacted: not a Bulk
   * API answer, which describes a job or batch (its results are refused under redaction).
   */
  static boolean answerHoldsRecords(Classification request) {
    return !request.api().equals("bulk") || request.operation().equals("bulk_results");
  }

  /** The first field whose own name is one of {@code names} ({@code Object.Field}). */
  private static Optional<String> usesAny(List<String> fields, List<String> names) {
    for (String field : fields) {
      String own = GraphqlClassifier.lastName(field);
      for (String name : names) {
        String denied = name.substring(name.indexOf('.') + 1);
        if (own.equalsIgnoreCase(denied)) {
          return Optional.of(field);
        }
      }
    }
    return Optional.empty();
  }
}
