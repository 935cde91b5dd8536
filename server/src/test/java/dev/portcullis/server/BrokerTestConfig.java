package dev.portcullis.server;

/** YAML pieces the broker and gateway tests share (docs/CONFIGURATION.md). */
final class BrokerTestConfig {
  /** The production org's id in these tests. */
  static final String PROD_ID = "00D5e000000AbCdEAA";

  private BrokerTestConfig() {}

  /**
   * An {@code orgs:} section with the production org {@code prod} (key {@code keys/prod.pem}), its
   * org id and one integration user, {@code reader@acme.com} with {@code api:read}.
   */
  static String prodOrgWithReader(String orgId) {
    return prodOrg(orgId, "{ username: reader@acme.com, scopes: [api:read], private_key: keys/prod.pem }");
  }

  /** As {@link #prodOrgWithReader} with these integration users (YAML flow mappings, one each). */
  static String prodOrg(String orgId, String... integrationUsers) {
    StringBuilder users = new StringBuilder();
    for (String user : integrationUsers) {
      users.append("      - ").append(user).append('\n');
    }
    return """
        orgs:
          - alias: prod
            environment: production
            login_url: https://login.salesforce.com
            instance_url: https://acme.my.salesforce.com
            consumer_key: 3MVG9TEST
            username: integration@acme.com
            private_key: keys/prod.pem
            org_id: %s
            integration_users:
        """.formatted(orgId) + users;
  }

  /** The form of an RFC 8693 token exchange of CI identity token {@code idToken} for a session on org {@code audience}. */
  static String exchangeForm(String idToken, String audience, String scope) {
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    return "grant_type=" + java.net.URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", utf8)
        + "&subject_token=" + idToken + "&subject_token_type="
        + java.net.URLEncoder.encode("urn:ietf:params:oauth:token-type:id_token", utf8)
        + "&audience=" + audience + "&scope=" + java.net.URLEncoder.encode(scope, utf8);
  }

  /** An {@code identity:} section trusting one GitHub-Actions-shaped issuer. */
  static String githubIssuer(String issuer, Object jwksUri) {
    return """
        identity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s }
        """.formatted(issuer, jwksUri);
  }
}
