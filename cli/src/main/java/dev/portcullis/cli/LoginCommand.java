package dev.portcullis.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis login}: in a CI job, exchanges the job's OIDC identity token at the broker for a
 * short-lived session on one org, and hands it to the next steps as {@code SF_ACCESS_TOKEN} and
 * {@code SF_INSTANCE_URL} (what {@code sf org login access-token} reads).
 *
 * <p>The access token goes only where it was asked for: standard output (shell exports, JSON, or
 * GitHub's {@code ::add-mask::} command) or the {@code $GITHUB_ENV} file. Standard error carries a
 * summary with the session id, never the token.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = "Exchange this CI job's OIDC identity token for a short-lived Portcullis session on one org.",
    footer = {
      "",
      "The identity token: --token-file FILE, else $NAME from --token-env NAME, else GitHub Actions'",
      "token for --audience (needs `permissions: id-token: write`), else $PORTCULLIS_ID_TOKEN (GitLab: id_tokens:).",
      "",
      "Examples:",
      "  eval \"$(portcullis login --org prod --scope api:read --url https://portcullis.example.com)\"",
      "  portcullis login --org prod --scope api:read --format github-env     # GitHub Actions",
      "  portcullis login --org uat --scope api:read --scope metadata:deploy --token-env UAT_ID_TOKEN",
      "  portcullis login --org prod --scope api:read --url https://portcullis.internal --ca-cert company-ca.pem",
      "  portcullis login --org prod --scope api:read --data-dir ./data \\",
      "      --token-file <(portcullis demo ci-token --issuer github)   # against `portcullis demo`",
      "",
      "Exit codes: 0 a session was issued, 1 access denied by policy, 2 usage or a request the broker",
      "rejected (unknown org or scope), 3 the identity token was not accepted, 4 broker unreachable.",
      "Documentation: docs/CI.md"
    })
final class LoginCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;
  @ParentCommand Main main;
  @Mixin GatewayLocation location;

  @Option(names = "--org", paramLabel = "ALIAS", required = true, description = "The org alias (the token's audience).")
  String org;

  @Option(names = "--scope", paramLabel = "SCOPE", required = true,
      description = "A scope to request (repeat, or space-separated): api:read api:write metadata:deploy"
          + " metadata:retrieve tooling bulk.")
  List<String> scope;

  @Option(names = "--audience", paramLabel = "AUD", defaultValue = "portcullis",
      description = "The audience to request a GitHub Actions token for. Default: ${DEFAULT-VALUE}.")
  String audience;

  @Option(names = "--token-env", paramLabel = "NAME",
      description = "Read the identity token from $NAME (GitLab: the id_tokens: variable). Default: "
          + CiIdentityToken.DEFAULT_ENV + ".")
  String tokenEnv;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the identity token from FILE.")
  Path tokenFile;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "sh",
      description = "sh (export lines for eval), github-env (append to $GITHUB_ENV and mask the token), or json."
          + " Default: ${DEFAULT-VALUE}.")
  String format;

  @Override
  public Integer call() {
    Map<String, String> env = main.environment();
    if (!List.of("sh", "github-env", "json").contains(format)) {
      throw new CliException(ExitCode.USAGE, "--format " + Printable.quoted(format) + ": expected sh, github-env or json");
    }
    if (tokenEnv != null && tokenFile != null) {
      throw new CliException(ExitCode.USAGE, "give --token-env or --token-file, not both");
    }
    Path gitHubEnv = null;
    if (format.equals("github-env")) {
      String file = env.get("GITHUB_ENV");
      if (file == null || file.isBlank()) {
        throw new CliException(ExitCode.USAGE, "--format github-env needs $GITHUB_ENV (set by GitHub Actions in"
            + " every step); outside GitHub Actions use --format sh or json");
      }
      gitHubEnv = Path.of(file);
    }
    if (org.isBlank() || !org.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new CliException(ExitCode.USAGE, "--org " + Printable.quoted(org) + ": an org alias is printable ASCII");
    }
    List<String> scopes = TokenExchangeClient.scopes(scope);
    URI tokenUrl = location.tokenUrl(env);
    HttpClient http = location.httpClient(Duration.ofSeconds(10));
    CiIdentityToken.Found identity = CiIdentityToken.find(env, tokenFile, tokenEnv, audience, http, TIMEOUT);

    TokenExchangeClient.Outcome outcome =
        new TokenExchangeClient(http, TIMEOUT).exchange(tokenUrl, identity.token(), org, scopes);
    TokenExchangeClient.Session session = switch (outcome) {
      case TokenExchangeClient.Outcome.Issued issued -> issued.session();
      case TokenExchangeClient.Outcome.Refused refused -> throw new CliException(
          refused.error().exitCode(refused.status()),
          "the broker at " + tokenUrl + " refused a session on " + org + " for " + String.join(" ", scopes)
              + " (identity token from " + identity.source() + "): " + refused.error().describe()
              + hint(refused.error().error()));
    };

    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case "json" -> LedgerCommand.print(out, LoginOutput.json(org, session));
      case "github-env" -> {
        // The mask first: from this line on, GitHub replaces the token by *** in every log line.
        out.println(LoginOutput.gitHubMask(session.accessToken()));
        out.flush();
        LoginOutput.appendToGitHubEnv(gitHubEnv, session);
      }
      default -> {
        out.print(LoginOutput.shellExports(session));
        out.flush();
      }
    }
    summary(session, scopes, gitHubEnv);
    return ExitCode.OK.code();
  }

  /** One line on standard error for the job's log: the session, never its token. */
  private void summary(TokenExchangeClient.Session session, List<String> requested, Path gitHubEnv) {
    List<String> notGranted = requested.stream().filter(s -> !session.scopes().contains(s)).toList();
    spec.commandLine().getErr().println("portcullis: session " + session.sessionId() + " on " + org + " with "
        + (session.scopes().isEmpty() ? "no scope" : String.join(" ", session.scopes()))
        + (notGranted.isEmpty() ? "" : " (not granted: " + String.join(" ", notGranted) + ")")
        + ", expires in " + SessionTable.duration(session.expiresInSeconds()) + "; instance URL " + session.instanceUrl()
        + (gitHubEnv == null ? "" : "; SF_ACCESS_TOKEN, SF_INSTANCE_URL, PORTCULLIS_SESSION_ID and"
            + " PORTCULLIS_SESSION_EXPIRES_IN are set for the next steps"));
    spec.commandLine().getErr().flush();
  }

  private static String hint(String error) {
    return switch (error) {
      case "access_denied" -> "; policy decided (see docs/POLICY.md; `portcullis policy eval` explains a decision)";
      case "invalid_grant" -> "; the identity token was not accepted (expired, wrong audience, untrusted issuer:"
          + " see docs/CI.md, Troubleshooting)";
      case "invalid_target" -> "; no org has this alias on the server";
      case "invalid_scope" -> "; scopes are api:read api:write metadata:deploy metadata:retrieve tooling bulk";
      default -> "";
    };
  }
}
