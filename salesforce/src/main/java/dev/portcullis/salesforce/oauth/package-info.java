/**
 * Salesforce's OAuth 2.0 JWT bearer flow: {@link dev.portcullis.salesforce.oauth.PrivateKeys}
 * reads the connected app's key, {@link dev.portcullis.salesforce.oauth.JwtBearerAssertion} signs
 * the assertion, {@link dev.portcullis.salesforce.oauth.JwtBearerTokenClient} exchanges it for an
 * {@link dev.portcullis.salesforce.oauth.AccessToken} and revokes tokens.
 *
 * <pre>{@code
 * RSAPrivateKey key = PrivateKeys.readPkcs8Pem(Path.of("/etc/portcullis/prod.key"));
 * var assertion = new JwtBearerAssertion(consumerKey, "integration@acme.example",
 *     "https://login.salesforce.com", key, Clock.systemUTC());
 * AccessToken token = new JwtBearerTokenClient(httpClient, Duration.ofSeconds(30))
 *     .requestToken(URI.create("https://acme.my.salesforce.com"), assertion.sign());
 * }</pre>
 */
package dev.portcullis.salesforce.oauth;
