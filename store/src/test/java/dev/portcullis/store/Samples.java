package dev.portcullis.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  /** The 18-character ID of {@code org(alias, "00D000000000001")}. */
  static final String ORG_ID_18 = "00D000000000001AAA";

  static final Session.Principal GITHUB_MAIN =
      new Session.Principal("oidc", "https://token.actions.githubusercontent.com", "repo:acme/app:ref:refs/heads/main");

  static final Session.RunBinding RUN = new Session.RunBinding("acme/app", "refs/heads/main",
      "3f786850e387550fdab836ed7e6dc881de23001b", "deploy", "1234567890", "1", "octocat");

  /** A session for {@code orgAlias} (whose org ID starts 00D000000000001) issued {@code n} seconds after T0, for 15 minutes. */
  static Session session(String orgAlias, int n) {
    return session(orgAlias, n, GITHUB_MAIN, SessionTokens.generate(ORG_ID_18));
  }

  static Session session(String orgAlias, int n, Session.Principal principal, String token) {
    Instant issued = T0.plusSeconds(n);
    return Session.issued(SessionTokens.newSessionId(issued), SessionTokens.hash(token), orgAlias, ORG_ID_18,
        principal, RUN, List.of("api", "deploy"), "ci-integration@acme.example", null,
        "sha256:0f1e2d", "dec_" + n, issued, issued.plus(Duration.ofMinutes(15)));
  }
}
