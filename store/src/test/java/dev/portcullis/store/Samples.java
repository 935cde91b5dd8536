package dev.portcullis.store;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** Sample rows for tests. */
final class Samples {
  static final Instant T0 = Instant.parse("2026-11-28T12:00:00.123456789Z");

  private Samples() {}

  static Org org(String alias, String orgId) {
    return new Org(
        alias,
        orgId,
        Org.Environment.PRODUCTION,
        URI.create("https://" + alias + ".my.salesforce.com"),
        URI.create("https://login.salesforce.com"),
        T0,
        T0);
  }

  static TokenIssuance issuance(String orgAlias, int n) {
    return new TokenIssuance(
        UUID.randomUUID(),
        orgAlias,
        T0.plusSeconds(n),
        T0.plusSeconds(n + 900),
        "integration@" + orgAlias + ".example",
        "gateway-session",
        TokenIssuance.fingerprint("00Dxx0000001gPL!token-" + n));
  }
}
