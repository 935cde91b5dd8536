package dev.portcullis.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies Apex REST requests ({@code /services/apexrest/<urlMapping>}, "Apex Developer Guide",
 * "Exposing Apex Classes as REST Web Services"): {@code request.api} {@code apex_rest}, the
 * operation the HTTP method in lower case ({@code get}, {@code post}, {@code put}, {@code patch},
 * {@code delete}, {@code head}), and {@code request.fields} the path after {@code
 * /services/apexrest} ({@code /Accounts/001…}). What an Apex class does and returns is its own:
 * policy decides by path and scope; redaction cannot apply to its answers.
 */
final class ApexRestClassifier {
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

  private ApexRestClassifier() {}

  /** @param s every path segment, starting with {@code services}, {@code apexrest} */
  static Optional<Classification> classify(String method, List<String> s) {
    if (s.size() < 3 || !METHODS.contains(method)) {
      return Optional.empty();
    }
    String path = "/" + String.join("/", s.subList(2, s.size()));
    return Optional.of(new Classification("apex_rest", method.toLowerCase(Locale.ROOT), "", List.of(path)));
  }
}
