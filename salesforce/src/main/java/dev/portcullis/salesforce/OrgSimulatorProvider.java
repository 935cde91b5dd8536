package dev.portcullis.salesforce;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Service-provider interface through which {@code serve --demo} and {@code portcullis orgsim}
 * start an in-process Salesforce org simulator without a compile-time dependency on it.
 *
 * <p>Production code finds an implementation with {@link java.util.ServiceLoader} and never names
 * one. The only implementation lives in the {@code orgsim} module, a test double that speaks
 * Salesforce's wire formats. When no implementation is on the class path, the demo says so.
 */
public interface OrgSimulatorProvider {

  /** Starts one listener per org on {@code options.host()} and returns once all accept requests. */
  OrgSimulator start(Options options) throws IOException;

  /**
   * One simulated org.
   *
   * @param alias short name, e.g. {@code prod}
   * @param environment production or sandbox; decides which standard {@code aud} is accepted
   * @param username the pre-authorized integration user
   * @param consumerKey the connected app's consumer key ({@code iss} of the JWT bearer assertion)
   * @param certificate the certificate registered on the connected app; verifies assertions
   */
  record SimulatedOrg(
      String alias,
      OrgEnvironment environment,
      String username,
      String consumerKey,
      X509Certificate certificate) {}

  /**
   * @param host the address to bind, normally {@code 127.0.0.1}
   * @param firstPort the first org's port, the next org gets the next port; 0 picks free ports
   * @param orgs the orgs to simulate
   * @param fixture a YAML data fixture, or {@code null} for the built-in demo data
   */
  record Options(String host, int firstPort, List<SimulatedOrg> orgs, Path fixture) {}

  /** A running simulator. Closing it stops every listener. */
  interface OrgSimulator extends AutoCloseable {
    /** The org's base URL: its login URL and its instance URL (My Domain), no trailing slash. */
    URI url(String alias);

    /** The org's 18-character id ({@code 00D…}). */
    String orgId(String alias);

    @Override
    void close();
  }
}
