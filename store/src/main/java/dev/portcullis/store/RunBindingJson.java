package dev.portcullis.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code session.binding} column: a {@link Session.RunBinding} as one JSON object of strings,
 * keys in a fixed order ({@code repository, ref, sha, workflow, run_id, run_attempt, actor},
 * GitHub Actions' OIDC claim names), absent fields left out, then, when the binding keeps any, the
 * issuer's own claims as an object of strings under {@code claims}, in name order. Reading is
 * strict: anything but such an object (another type, an unknown or repeated key, a claim that is
 * not a string, trailing content) is refused, so a binding that was altered behind the store's back
 * is not half understood.
 */
final class RunBindingJson {

  static final List<String> KEYS =
      List.of("repository", "ref", "sha", "workflow", "run_id", "run_attempt", "actor");

  static final String CLAIMS = "claims";

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private RunBindingJson() {}

  static String write(Session.RunBinding binding) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      List<String> values = values(binding);
      for (int i = 0; i < KEYS.size(); i++) {
        if (values.get(i) != null) {
          json.writeStringField(KEYS.get(i), values.get(i));
        }
      }
      if (!binding.claims().isEmpty()) {
        json.writeObjectFieldStart(CLAIMS);
        for (Map.Entry<String, String> claim : binding.claims().entrySet()) {
          json.writeStringField(claim.getKey(), claim.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return text.toString();
  }

  /**
   * Parses a binding written by {@link #write}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  static Session.RunBinding read(String text) {
    Map<String, String> fields = new HashMap<>();
    Map<String, String> claims = new HashMap<>();
    try (JsonParser json = JSON.createParser(text)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the run binding is not a JSON object");
      }
      for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
        if (token != JsonToken.FIELD_NAME) {
          throw new IllegalArgumentException("the run binding's JSON object is incomplete");
        }
        String key = json.currentName();
        if (key.equals(CLAIMS)) {
          readClaims(json, claims);
          continue;
        }
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException("the run binding has an unknown field '" + key + "'");
        }
        if (json.nextToken() != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException("the run binding's field '" + key + "' is not a string");
        }
        fields.put(key, json.getText());
      }
      if (json.nextToken() != null) {
        throw new IllegalArgumentException("the run binding has content after its JSON object");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the run binding is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from a string cannot fail", e);
    }
    return new Session.RunBinding(fields.get("repository"), fields.get("ref"), fields.get("sha"),
        fields.get("workflow"), fields.get("run_id"), fields.get("run_attempt"), fields.get("actor"), claims);
  }

  /** The {@code claims} object: names as {@link Session.RunBinding#CLAIM_NAME}, string values. */
  private static void readClaims(JsonParser json, Map<String, String> into) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("the run binding's field 'claims' is not an object");
    }
    for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
      if (token != JsonToken.FIELD_NAME) {
        throw new IllegalArgumentException("the run binding's claims are incomplete");
      }
      String name = json.currentName();
      if (!Session.RunBinding.CLAIM_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("the run binding has a malformed claim name '" + name + "'");
      }
      if (json.nextToken() != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException("the run binding's claim '" + name + "' is not a string");
      }
      into.put(name, json.getText());
      if (into.size() > Session.RunBinding.MAX_CLAIMS) {
        throw new IllegalArgumentException("the run binding has more than " + Session.RunBinding.MAX_CLAIMS
            + " claims");
      }
    }
  }

  private static List<String> values(Session.RunBinding b) {
    return java.util.Arrays.asList(
        b.repository(), b.ref(), b.sha(), b.workflow(), b.runId(), b.runAttempt(), b.actor());
  }
}
