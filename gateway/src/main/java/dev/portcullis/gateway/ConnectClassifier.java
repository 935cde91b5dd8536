package dev.portcullis.gateway;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Classifies Connect REST API requests ({@code request.api} {@code connect}) under {@code
 * /services/data/vNN.0/connect/} and {@code …/chatter/} ("Connect REST API Developer Guide",
 * "Connect REST API Resources": Chatter feeds and feed elements, users, groups, files, topics,
 * communities, CMS, …). The operation follows the method ({@code GET}/{@code HEAD} {@code read},
 * {@code POST} {@code create}, {@code PATCH}/{@code PUT} {@code update}, {@code DELETE} {@code
 * delete}); {@code request.fields} holds {@code resource:<family>}, the first segment after {@code
 * connect/} or {@code chatter/} ({@code resource:feed-elements}), so that policy can decide by
 * family. The batch resources ({@code connect/batch}, {@code chatter/feed-elements/batch}) carry
 * other requests in their body and are not classified.
 */
final class ConnectClassifier {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,79}");

  private ConnectClassifier() {}

  /** @param rest the path segments after {@code vNN.0}, starting with {@code connect} or {@code chatter} */
  static Optional<Classification> classify(String method, List<String> rest) {
    if (rest.size() < 2 || !SEGMENT.matcher(rest.get(1)).matches() || rest.contains("batch")) {
      return Optional.empty();
    }
    String operation = switch (method) {
      case "GET", "HEAD" -> "read";
      case "POST" -> "create";
      case "PATCH", "PUT" -> "update";
      case "DELETE" -> "delete";
      default -> null;
    };
    return operation == null ? Optional.empty()
        : Optional.of(new Classification("connect", operation, "", List.of("resource:" + rest.get(1))));
  }
}
