package dev.portcullis.salesforce.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.salesforce.SalesforceId;
import java.net.URI;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** For any token response in Salesforce's shape, the parser returns exactly the fields sent. */
class TokenResponsesPropertyTest {
  record Sent(
      String accessToken, String instanceUrl, String orgId, String userId, String tokenType, String scope, Long issuedAtMillis,
      boolean extraField) {}

  @Property(tries = 300)
  void parserRoundTripsEveryField(@ForAll("tokenResponses") Sent sent) {
    ObjectNode json = TokenResponses.JSON.createObjectNode();
    json.put("access_token", sent.accessToken());
    json.put("instance_url", sent.instanceUrl());
    String identity = "https://login.salesforce.com/id/" + sent.orgId() + "/" + sent.userId();
    json.put("id", identity);
    if (sent.tokenType() != null) {
      json.put("token_type", sent.tokenType());
    }
    if (sent.scope() != null) {
      json.put("scope", sent.scope());
    }
    if (sent.issuedAtMillis() != null) {
      json.put("issued_at", Long.toString(sent.issuedAtMillis()));
    }
    if (sent.extraField()) {
      json.put("signature", "c2lnbmF0dXJl");
      json.putObject("unknown_future_field").put("x", 1);
    }

    AccessToken token = TokenResponses.parseToken(json.toString(), "POST test");

    assertThat(token.accessToken()).isEqualTo(sent.accessToken());
    assertThat(token.instanceUrl()).isEqualTo(URI.create(sent.instanceUrl()));
    assertThat(token.identityUrl()).isEqualTo(URI.create(identity));
    assertThat(token.orgId()).isEqualTo(sent.orgId());
    assertThat(token.userId()).isEqualTo(sent.userId());
    assertThat(token.tokenType()).isEqualTo(sent.tokenType());
    assertThat(token.scope()).isEqualTo(sent.scope());
    assertThat(token.issuedAt()).isEqualTo(sent.issuedAtMillis() == null ? null : Instant.ofEpochMilli(sent.issuedAtMillis()));
    assertThat(token.toString()).doesNotContain(sent.accessToken());
  }

  @Provide
  Arbitrary<Sent> tokenResponses() {
    Arbitrary<String> orgId = id("00D");
    Arbitrary<String> userId = id("005");
    Arbitrary<String> opaque = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._")
        .ofMinLength(20).ofMaxLength(120);
    Arbitrary<String> accessToken = Combinators.combine(orgId, opaque).as((org, rest) -> org.substring(0, 15) + "!" + rest);
    Arbitrary<String> host = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20)
        .map(name -> "https://" + name + ".my.salesforce.com");
    Arbitrary<String> tokenType = Arbitraries.of("Bearer").injectNull(0.2);
    Arbitrary<String> scope = Arbitraries.of("api", "web", "id", "openid", "refresh_token", "full")
        .list().uniqueElements().ofMinSize(1).ofMaxSize(5).map(list -> String.join(" ", list)).injectNull(0.2);
    Arbitrary<Long> issuedAt = Arbitraries.longs().between(0, 4_102_444_800_000L).injectNull(0.2);
    return Combinators.combine(accessToken, host, orgId, userId, tokenType, scope, issuedAt, Arbitraries.of(true, false))
        .as(Sent::new);
  }

  /** A valid 18-character id with the given key prefix. */
  private static Arbitrary<String> id(String prefix) {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        .ofLength(12).map(rest -> SalesforceId.to18(prefix + rest));
  }
}
