package dev.portcullis.orgsim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Three simulated OIDC issuers on one loopback listener, for tests and the demo: a
 * GitHub-Actions-shaped CI issuer at {@code http://127.0.0.1:PORT/github}, a GitLab-shaped one at
 * {@code http://127.0.0.1:PORT/gitlab}, and a people's identity provider at {@code
 * http://127.0.0.1:PORT/people} whose ID tokens name persons (approvers).
 *
 * <pre>
 * GET  /github/.well-known/openid-configuration   discovery document
 * GET  /github/.well-known/jwks                   JWKS (GitHub's path)
 * GET  /gitlab/.well-known/openid-configuration   discovery document
 * GET  /gitlab/oauth/discovery/keys               JWKS (GitLab's path)
 * POST /_orgsim/oidc/github/token                 TEST ONLY: mint a token; body = JSON claim overrides
 * POST /_orgsim/oidc/gitlab/token                 TEST ONLY: mint a token; body = JSON claim overrides
 * GET  /people/.well-known/openid-configuration   discovery document
 * GET  /people/.well-known/jwks.json              JWKS
 * POST /_orgsim/oidc/people/token                 TEST ONLY: mint a person's ID token; body = JSON claim overrides
 * </pre>
 *
 * <p>The token endpoints answer {@code {"value": "<jwt>"}} (the shape of GitHub's
 * ACTIONS_ID_TOKEN_REQUEST_URL answer). They let anyone who reaches the listener mint a token that
 * any verifier trusting these issuers accepts: the simulator is a test double and binds to loopback.
 */
public final class OidcIssuerSimulator implements AutoCloseable {
  private final Server server;
  private final OidcIssuer github;
  private final OidcIssuer gitlab;
  private final OidcIssuer people;

  private OidcIssuerSimulator(Server server, OidcIssuer github, OidcIssuer gitlab, OidcIssuer people) {
    this.server = server;
    this.github = github;
    this.gitlab = gitlab;
    this.people = people;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The GitHub-Actions-shaped issuer. */
  public OidcIssuer github() {
    return github;
  }

  /** The GitLab-shaped issuer. */
  public OidcIssuer gitlab() {
    return gitlab;
  }

  /** The people's identity provider: ID tokens of persons, such as approvers. */
  public OidcIssuer people() {
    return people;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Closing is best effort; a listener that fails to stop is gone with the JVM.
    }
  }

  /** Builds and starts an {@link OidcIssuerSimulator}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private Clock clock = Clock.systemUTC();
    private JWSAlgorithm algorithm = JWSAlgorithm.RS256;
    private String githubAudience = "https://github.com/acme";
    private String gitlabAudience = "portcullis";
    private String peopleAudience = "portcullis";

    private Builder() {}

    /** The loopback address to bind; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; default 0 (a free port). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The clock for {@code iat}, {@code nbf} and {@code exp}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** RS256 (the default, what GitHub and GitLab use) or ES256. */
    public Builder algorithm(JWSAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** The default {@code aud} of GitHub-shaped tokens; default {@code https://github.com/acme}, GitHub's owner-URL default. */
    public Builder githubAudience(String audience) {
      this.githubAudience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /** The default {@code aud} of GitLab-shaped tokens (GitLab has no default; jobs name one); default {@code portcullis}. */
    public Builder gitlabAudience(String audience) {
      this.gitlabAudience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /** The {@code aud} of people's ID tokens (the client id of the application they log in to); default {@code portcullis}. */
    public Builder peopleAudience(String audience) {
      this.peopleAudience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    public OidcIssuerSimulator start() throws IOException {
      OidcIssuer github = new OidcIssuer(OidcIssuer.Shape.GITHUB_ACTIONS, algorithm, clock, githubAudience);
      OidcIssuer gitlab = new OidcIssuer(OidcIssuer.Shape.GITLAB, algorithm, clock, gitlabAudience);
      OidcIssuer people = new OidcIssuer(OidcIssuer.Shape.PEOPLE, algorithm, clock, peopleAudience);
      QueuedThreadPool pool = new QueuedThreadPool(16, 2);
      pool.setName("orgsim-oidc");
      Server server = new Server(pool);
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost(host);
      connector.setPort(port);
      server.addConnector(connector);
      server.setHandler(new IssuerHandler(github, gitlab, people));
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // already failing
        }
        throw new IOException("cannot start the OIDC issuer simulator: " + e.getMessage(), e);
      }
      String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
      github.issuer(base + "/github");
      gitlab.issuer(base + "/gitlab");
      people.issuer(base + "/people");
      return new OidcIssuerSimulator(server, github, gitlab, people);
    }
  }

  /** Routes the discovery, JWKS and test-only token requests of the three issuers. */
  private static final class IssuerHandler extends Handler.Abstract.NonBlocking {
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private final OidcIssuer[] issuers;

    IssuerHandler(OidcIssuer... issuers) {
      this.issuers = issuers.clone();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = request.getHttpURI().getPath();
      String method = request.getMethod();
      for (OidcIssuer issuer : issuers) {
        String prefix = "/" + issuer.shape().pathSegment();
        if (path.equals(prefix + issuer.shape().jwksPath()) && method.equals("GET")) {
          issuer.countJwksRequest();
          if (!issuer.available()) {
            return write(response, callback, 503, Map.of("error", "temporarily_unavailable"));
          }
          return write(response, callback, 200, issuer.jwks().toJSONObject(true));
        }
        if (path.equals(prefix + "/.well-known/openid-configuration") && method.equals("GET")) {
          issuer.countDiscoveryRequest();
          if (!issuer.available()) {
            return write(response, callback, 503, Map.of("error", "temporarily_unavailable"));
          }
          return write(response, callback, 200, issuer.discoveryDocument());
        }
        if (path.equals("/_orgsim/oidc/" + issuer.shape().pathSegment() + "/token") && method.equals("POST")) {
          Content.Source.asString(request, StandardCharsets.UTF_8, new org.eclipse.jetty.util.Promise<String>() {
            @Override
            public void succeeded(String body) {
              try {
                Map<String, Object> overrides = body.isBlank() ? Map.of() : OrgHandler.JSON.readValue(body, OBJECT);
                write(response, callback, 200, Map.of("value", issuer.mint(overrides)));
              } catch (IOException | RuntimeException e) {
                try {
                  write(response, callback, 400, Map.of("error", "invalid_request",
                      "error_description", "the body must be a JSON object of claim overrides: " + e.getMessage()));
                } catch (IOException unexpected) {
                  callback.failed(unexpected);
                }
              }
            }

            @Override
            public void failed(Throwable failure) {
              callback.failed(failure);
            }
          });
          return true;
        }
      }
      return write(response, callback, 404, Map.of("error", "not_found"));
    }

    private static boolean write(Response response, Callback callback, int status, Object body) throws IOException {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
      Content.Sink.write(response, true, OrgHandler.JSON.writeValueAsString(body), callback);
      return true;
    }
  }
}
