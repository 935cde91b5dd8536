/**
 * Salesforce wire formats and clients: OAuth 2.0 JWT bearer ({@link
 * dev.portcullis.salesforce.oauth}), REST ({@link dev.portcullis.salesforce.rest}), SOQL. No
 * policy, no storage.
 *
 * <h2>Design note: which HTTP client</h2>
 *
 * <p>The clients use the JDK's {@link java.net.http.HttpClient}, not Jetty's client, for three
 * reasons.
 *
 * <ol>
 *   <li><b>Module arrows.</b> Only {@code gateway} and {@code server} may touch Jetty (an ArchUnit
 *       rule in {@code CONVENTIONS.md}). This module sits at the bottom of the graph; every other
 *       module depends on it, so it must not drag Jetty in.
 *   <li><b>No restricted headers needed.</b> The JDK client refuses to set a few headers itself
 *       ({@code Host}, {@code Connection}, {@code Content-Length}, {@code Upgrade}, …), which is why
 *       a reverse proxy that must relay them needs Jetty. These clients only send {@code
 *       Authorization}, {@code Accept} and {@code Content-Type}, which it allows.
 *   <li><b>Nothing to add.</b> HTTP/1.1 and HTTP/2 with ALPN, TLS from the JDK trust store,
 *       connect and request timeouts, and no redirects by default: a redirect never carries a
 *       bearer token to another host.
 * </ol>
 *
 * <p>Callers pass in the {@code HttpClient}, so one is shared per process and they decide its
 * connect timeout, TLS context and executor; each client adds a per-request timeout.
 *
 * <h2>Errors</h2>
 *
 * <p>Every failure is a {@link dev.portcullis.salesforce.SalesforceException} with a stable {@link
 * dev.portcullis.salesforce.SalesforceErrorCode}. Argument mistakes that could never reach
 * Salesforce (an sObject name with a slash, a malformed id, an assertion lifetime over three
 * minutes) are {@link java.lang.IllegalArgumentException}s. No message, log line or {@code
 * toString()} contains an access token, an assertion or key material.
 */
package dev.portcullis.salesforce;
