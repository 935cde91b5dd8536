package dev.portcullis.identity;

import dev.portcullis.orgsim.OidcIssuer;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import java.time.Instant;
import java.util.Set;

/** An orgsim OIDC issuer simulator and a verifier trusting both of its issuers, sharing one clock. */
final class Issuers implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
  final MutableClock clock = new MutableClock(START);
  final OidcIssuerSimulator sim;
  final OidcIssuer github;
  final OidcIssuer gitlab;
  final OidcVerifier verifier;

  Issuers() throws Exception {
    sim = OidcIssuerSimulator.builder().clock(clock).start();
    github = sim.github();
    gitlab = sim.gitlab();
    verifier = verifierFor(github, gitlab);
  }

  OidcVerifier verifierFor(OidcIssuer... issuers) {
    OidcVerifier.Builder builder = OidcVerifier.builder().clock(clock);
    for (OidcIssuer issuer : issuers) {
      builder.issuer(trusted(issuer));
    }
    return builder.build();
  }

  static TrustedIssuer trusted(OidcIssuer issuer) {
    TrustedIssuer.Dialect dialect = issuer.shape() == OidcIssuer.Shape.GITHUB_ACTIONS
        ? TrustedIssuer.Dialect.GITHUB_ACTIONS : TrustedIssuer.Dialect.GITLAB;
    return TrustedIssuer.of(issuer.issuer(), issuer.jwksUri(), Set.of(issuer.defaultAudience())).withDialect(dialect);
  }

  @Override
  public void close() {
    verifier.close();
    sim.close();
  }
}
