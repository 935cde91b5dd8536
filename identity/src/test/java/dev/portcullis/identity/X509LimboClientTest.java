package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The client-certificate cases of the C2SP x509-limbo suite (validation_kind CLIENT: RFC 5280
 * name constraints on RFC 822 names), run through {@link ClientCertificateVerifier} with email
 * identities. Source: https://github.com/C2SP/x509-limbo, the copy in /work/shared/x509-limbo.
 */
class X509LimboClientTest {
  private static final Path LIMBO = Path.of("/work/shared/x509-limbo/limbo.json");

  @Test
  void clientCasesGiveTheExpectedResult() throws Exception {
    Assumptions.assumeTrue(Files.exists(LIMBO), "x509-limbo is not available at " + LIMBO);
    JsonNode suite = new ObjectMapper().readTree(Files.readString(LIMBO));
    Map<String, String> mismatches = new TreeMap<>();
    int cases = 0;
    for (JsonNode test : suite.get("testcases")) {
      if (!test.get("validation_kind").asText().equals("CLIENT")) {
        continue;
      }
      cases++;
      List<X509Certificate> roots = new ArrayList<>();
      test.get("trusted_certs").forEach(pem -> roots.add(certificate(pem.asText())));
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(certificate(test.get("peer_certificate").asText()));
      test.get("untrusted_intermediates").forEach(pem -> chain.add(certificate(pem.asText())));
      Instant at = test.get("validation_time").isNull() ? Instant.now() : Instant.parse(test.get("validation_time").asText());
      ClientCertificateVerifier verifier = new ClientCertificateVerifier(
          ClientCertificatePolicy.of(roots, ClientCertificatePolicy.IdentitySource.SAN_EMAIL));
      String outcome;
      try {
        verifier.verify(chain, at);
        outcome = "SUCCESS";
      } catch (IdentityException e) {
        outcome = "FAILURE";
      }
      if (!outcome.equals(test.get("expected_result").asText())) {
        mismatches.put(test.get("id").asText(), "expected " + test.get("expected_result").asText() + ", got " + outcome);
      }
    }
    assertThat(cases).isEqualTo(10);
    // Each entry is a known disagreement, explained in docs/IDENTITY.md; anything else fails.
    assertThat(mismatches).isEqualTo(KNOWN);
  }

  /**
   * The JDK's PKIX validator accepts a root whose RFC 822 name constraint is malformed
   * ({@code invalid@invalid@example.com}) instead of rejecting the chain. The root is one the
   * operator configured as trusted, so the exposure is a misissued CA of one's own.
   */
  private static final Map<String, String> KNOWN =
      Map.of("rfc5280::nc::invalid-email-address", "expected FAILURE, got SUCCESS");

  private static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException("bad certificate in x509-limbo", e);
    }
  }
}
