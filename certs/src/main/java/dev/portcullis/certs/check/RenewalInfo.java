package dev.portcullis.certs.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * An ACME Renewal Information response (RFC 9773 §4.2): the window in which the CA suggests renewal,
 * and an optional page explaining why (e.g. a mass revocation).
 */
public record RenewalInfo(Instant start, Instant end, Optional<String> explanationUrl) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public RenewalInfo {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(explanationUrl, "explanationUrl");
  }

  /** RFC 9773 §4.2: "the end of the window MUST be after the start"; a response that breaks it is invalid. */
  public boolean windowIsValid() {
    return end.isAfter(start);
  }

  /** Parses a renewalInfo response body; the message of a failure says what is missing or wrong. */
  public static RenewalInfo parse(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("renewalInfo response is not JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.path("suggestedWindow").isObject()) {
      throw new IllegalArgumentException("renewalInfo response has no suggestedWindow object");
    }
    JsonNode window = node.get("suggestedWindow");
    String explanation = node.path("explanationURL").isTextual() ? node.get("explanationURL").asText() : null;
    return new RenewalInfo(time(window, "start"), time(window, "end"), Optional.ofNullable(explanation));
  }

  private static Instant time(JsonNode window, String field) {
    JsonNode value = window.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("renewalInfo suggestedWindow." + field + " is missing or not a string");
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("renewalInfo suggestedWindow." + field + " is not an RFC 3339 time: " + value.asText(), e);
    }
  }

  /**
   * The RFC 9773 §4.1 CertID of a certificate: base64url of the authorityKeyIdentifier's
   * keyIdentifier, ".", base64url of the serial number's DER content octets (with the leading zero
   * octet a positive serial with its high bit set carries), both without padding. Empty when the
   * certificate has no AKI keyIdentifier (it cannot be looked up) or does not decode.
   */
  public static Optional<String> certId(byte[] certificate) {
    Inspected parsed;
    try {
      parsed = Inspected.parse(certificate);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (parsed.authorityKeyId == null) {
      return Optional.empty();
    }
    return Optional.of(certId(parsed.authorityKeyId, parsed.certificate.getSerialNumber().getValue()));
  }

  /** The CertID of a keyIdentifier and serial number. */
  static String certId(byte[] authorityKeyId, BigInteger serial) {
    Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
    // BigInteger.toByteArray is the two's-complement content octets of the DER INTEGER: exactly what §4.1 asks for.
    return base64url.encodeToString(authorityKeyId) + "." + base64url.encodeToString(serial.toByteArray());
  }
}
