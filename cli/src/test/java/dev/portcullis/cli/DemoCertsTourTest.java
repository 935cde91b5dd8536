package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tour's certificate step (issue 8) against the demo's prod org: the inventory by use, the four planted problems
 * among the findings, the certificate expiring in 9 days rotated through the private CA with its consumers switched,
 * and its cert.rotation.step and cert.rotated entries in the running server's ledger, which the ledger step covers.
 */
class DemoCertsTourTest {
  @TempDir Path data;

  @Test
  void theTourInventoriesChecksAndRotatesTheExpiringCertificateIntoTheLedger() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"demo", "--exit", "--json", "--data-dir", data.toString(), "--admin-port", "0",
        "--gateway-port", "0", "--orgsim-port", "0"}, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    JsonNode root = new ObjectMapper().readTree(out.toString());
    JsonNode certs = step(root, "certs");
    assertThat(certs.get("ok").asBoolean()).as(certs.get("detail").asText()).isTrue();
    assertThat(code).as(err.toString()).isZero();
    String detail = certs.get("detail").asText();
    assertThat(certs.at("/facts/certificates").asInt()).isEqualTo(7);
    assertThat(certs.at("/facts/by_use/inbound-sso").asInt()).isEqualTo(2);
    assertThat(detail).contains("by use: inbound-tls 1, inbound-user-mtls 1, inbound-api-mtls 1, outbound-mtls 1, inbound-sso 2, outbound-sso 1")
        .containsPattern("expiry-window \\(C4\\) SSO_Signing \\[outbound-sso\\]: .*[89] of 365 days left")
        .contains("client-auth-eku (C8) orders.partner.example [inbound-api-mtls]")
        .contains("br-lifetime (C2) www.acme.example [inbound-tls]: lifetime of 399 days exceeds the 200-day maximum")
        .contains("signature-algorithm (C12) salesforce-billing-client [outbound-mtls]")
        .contains("exportable-key (C20) SSO_Signing")
        .containsPattern("rotating SSO_Signing \\([89] days left")
        .contains("the new certificate is used by ExternalCredential Warehouse_JWT, SamlSsoConfig Okta; the old one by nothing")
        .containsPattern("ledger entries: (cert\\.rotation\\.step #\\d+, )+cert\\.rotated #\\d+")
        .doesNotContain("PRIVATE KEY");
    String password = Files.readString(data.resolve("demo/private-ca.password")).strip();
    assertThat(out.toString()).doesNotContain(password);
    assertThat(Files.exists(data.resolve("certs/private-ca.p12"))).isTrue();
    // the ledger step comes after and covers the rotation's entries
    JsonNode ledger = step(root, "ledger");
    assertThat(ledger.get("ok").asBoolean()).isTrue();
    long lastRotation = Long.parseLong(detail.replaceFirst("(?s).*cert\\.rotated #(\\d+).*", "$1"));
    assertThat(ledger.at("/facts/entries").asLong()).isGreaterThan(lastRotation);
  }

  private static JsonNode step(JsonNode root, String name) {
    return StreamSupport.stream(root.get("steps").spliterator(), false)
        .filter(step -> step.get("step").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " step in " + root.toPrettyString()));
  }
}
