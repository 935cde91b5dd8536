package dev.portcullis.gateway;

import java.util.List;
import java.util.Optional;

/**
 * The requests beyond composite and SOAP whose small body decides what they are: Bulk API 2.0 job
 * creation and state changes, Bulk API 1.0 job bodies, UI API record creation, GraphQL documents,
 * Bayeux messages. The gateway reads such a body whole within {@link #limit}, classifies it here,
 * and forwards it exactly as read. (A Bulk API 1.0 batch is different: only its first bytes are
 * read, see {@link Bulk1Classifier}.)
 */
final class BodyClassifier {
  /**
   * What a request is: one part, or several decided one by one like composite subrequests; and the
   * text its obligations are checked against (the SOQL of a bulk query, a GraphQL request body).
   */
  record Classified(List<Classification> parts, Optional<String> text) {
    Classified {
      parts = List.copyOf(parts);
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("a classified request has at least one part");
      }
    }

    static Optional<Classified> one(Classification part) {
      return Optional.of(new Classified(List.of(part), Optional.empty()));
    }
  }

  private BodyClassifier() {}

  /** The most bytes of this request's body read to classify it; 0 when its body is not read. */
  static int limit(String method, String path) {
    List<String> s = RequestClassifier.segments(path);
    if (Bulk2Classifier.readsBody(method, s)) {
      return Bulk2Classifier.MAX_JOB_BODY_BYTES;
    }
    if (Bulk1Classifier.readsJobBody(method, s)) {
      return Bulk1Classifier.MAX_JOB_BODY_BYTES;
    }
    if (GraphqlClassifier.isGraphql(method, s)) {
      return GraphqlClassifier.MAX_BODY_BYTES;
    }
    if (StreamingClassifier.isStreaming(s) && method.equals("POST")) {
      return StreamingClassifier.MAX_BODY_BYTES;
    }
    if (isUiApi(s) && UiApiClassifier.readsBody(method, s.subList(4, s.size()))) {
      return UiApiClassifier.MAX_BODY_BYTES;
    }
    return 0;
  }

  /** Classifies a request whose {@link #limit} is positive, from its whole body. */
  static Optional<Classified> classify(String method, String path, byte[] body) {
    List<String> s = RequestClassifier.segments(path);
    try {
      if (Bulk2Classifier.readsBody(method, s)) {
        return Bulk2Classifier.classify(method, s, body);
      }
      if (Bulk1Classifier.readsJobBody(method, s)) {
        return Bulk1Classifier.classifyJob(s, body);
      }
      if (GraphqlClassifier.isGraphql(method, s)) {
        return GraphqlClassifier.classify(body);
      }
      if (StreamingClassifier.isStreaming(s) && method.equals("POST")) {
        return StreamingClassifier.classify(body);
      }
      if (isUiApi(s) && UiApiClassifier.readsBody(method, s.subList(4, s.size()))) {
        return UiApiClassifier.create(body);
      }
    } catch (RuntimeException e) {
      return Optional.empty(); // a shape not understood: unclassified
    }
    return Optional.empty();
  }

  /** The body as JSON (strict: duplicate keys refused, nesting bounded); empty when it is not JSON. */
  static Optional<com.fasterxml.jackson.databind.JsonNode> json(byte[] body) {
    try {
      return Optional.ofNullable(CompositeClassifier.JSON.readTree(body));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static boolean isUiApi(List<String> s) {
    return s.size() >= 4 && s.get(0).equals("services") && s.get(1).equals("data")
        && RequestClassifier.VERSION.matcher(s.get(2)).matches() && s.get(3).equals("ui-api");
  }
}
