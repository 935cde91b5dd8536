package dev.portcullis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies Streaming API requests ({@code request.api} {@code streaming}): CometD's Bayeux
 * protocol over long polling at {@code /cometd/NN.0} ("Streaming API Developer Guide": PushTopic
 * {@code /topic/Name}, platform events {@code /event/Name__e}, Change Data Capture {@code
 * /data/ContactChangeEvent} and {@code /data/ChangeEvents}, generic streaming {@code /u/Name}).
 * Each POST carries one Bayeux message or an array of them; each message is classified on its own:
 * {@code /meta/handshake}, {@code /meta/connect}, {@code /meta/subscribe}, {@code
 * /meta/unsubscribe}, {@code /meta/disconnect} → {@code handshake}, {@code connect}, {@code
 * subscribe}, {@code unsubscribe}, {@code disconnect}. A (un)subscription has its channel in
 * {@code request.fields} and, where the channel names one, the sObject: {@code Contact} for {@code
 * /data/ContactChangeEvent}, {@code Order__c} for {@code /data/Order__ChangeEvent}, the event for
 * {@code /event/Name__e}. Publishing, other meta channels and other channel shapes are not
 * classified. The messages are small ({@link #MAX_BODY_BYTES}); the answer to the long-poll {@code
 * connect}, which carries the events, streams.
 */
final class StreamingClassifier {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Pattern VERSION = Pattern.compile("\\d{2,3}\\.0");
  private static final Pattern CHANNEL = Pattern.compile("/(topic|event|data|u)/([A-Za-z][A-Za-z0-9_]{0,79})");
  private static final Pattern CHANGE_EVENT = Pattern.compile("([A-Za-z][A-Za-z0-9_]*?)(__)?ChangeEvent");

  private StreamingClassifier() {}

  /** {@code /cometd/NN.0}, optionally followed by the message type as CometD clients may append it. */
  static boolean isStreaming(List<String> s) {
    return s.size() >= 2 && s.size() <= 4 && s.get(0).equals("cometd") && VERSION.matcher(s.get(1)).matches()
        && s.subList(2, s.size()).stream().allMatch(segment ->
            List.of("meta", "handshake", "connect", "subscribe", "unsubscribe", "disconnect").contains(segment));
  }

  static Optional<BodyClassifier.Classified> classify(byte[] body) {
    JsonNode root = BodyClassifier.json(body).orElse(null);
    if (root == null) {
      return Optional.empty();
    }
    List<JsonNode> messages = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(messages::add);
    } else {
      messages.add(root);
    }
    if (messages.isEmpty()) {
      return Optional.empty();
    }
    List<Classification> parts = new ArrayList<>();
    for (JsonNode message : messages) {
      Optional<Classification> one = message(message);
      if (one.isEmpty()) {
        return Optional.empty();
      }
      parts.add(one.get());
    }
    return Optional.of(new BodyClassifier.Classified(parts, Optional.empty()));
  }

  private static Optional<Classification> message(JsonNode message) {
    JsonNode channel = message.get("channel");
    if (!message.isObject() || channel == null || !channel.isTextual()) {
      return Optional.empty();
    }
    return switch (channel.asText()) {
      case "/meta/handshake" -> Optional.of(Classification.of("streaming", "handshake"));
      case "/meta/connect" -> Optional.of(Classification.of("streaming", "connect"));
      case "/meta/disconnect" -> Optional.of(Classification.of("streaming", "disconnect"));
      case "/meta/subscribe" -> subscription("subscribe", message.get("subscription"));
      case "/meta/unsubscribe" -> subscription("unsubscribe", message.get("subscription"));
      default -> Optional.empty();
    };
  }

  private static Optional<Classification> subscription(String operation, JsonNode subscription) {
    if (subscription == null || !subscription.isTextual()) {
      return Optional.empty();
    }
    Matcher channel = CHANNEL.matcher(subscription.asText());
    if (!channel.matches()) {
      return Optional.empty();
    }
    String sobject = switch (channel.group(1)) {
      case "event" -> channel.group(2);
      case "data" -> changedObject(channel.group(2));
      default -> "";
    };
    return Optional.of(new Classification("streaming", operation, sobject, List.of(subscription.asText())));
  }

  /** The object of a change event channel ({@code ContactChangeEvent} → {@code Contact}). */
  private static String changedObject(String name) {
    if (name.equals("ChangeEvents")) {
      return "";
    }
    Matcher event = CHANGE_EVENT.matcher(name);
    if (!event.matches() || event.group(1).isEmpty()) {
      return ""; // a custom channel (/data/Name__chn): its members are configured in the org
    }
    return event.group(2) == null ? event.group(1) : event.group(1) + "__c";
  }
}
