package dev.portcullis.gateway;

import java.util.List;
import java.util.Objects;

/**
 * What a request is, as policy sees it ({@code request.*}, docs/POLICY.md).
 *
 * @param api the API family: {@code rest}, {@code tooling}, {@code identity}, …
 * @param operation {@code query}, {@code read}, {@code create}, {@code update}, {@code upsert},
 *     {@code delete}, {@code describe}, {@code execute_anonymous}, …
 * @param sobject the sObject type, empty when the request names none
 * @param fields the fields read or written, when known
 */
public record Classification(String api, String operation, String sobject, List<String> fields) {
  public Classification {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(sobject, "sobject");
    fields = List.copyOf(fields);
  }

  static Classification of(String api, String operation) {
    return new Classification(api, operation, "", List.of());
  }

  static Classification of(String api, String operation, String sobject) {
    return new Classification(api, operation, sobject, List.of());
  }
}
