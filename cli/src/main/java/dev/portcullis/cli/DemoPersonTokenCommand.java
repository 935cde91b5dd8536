package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis demo person-token --user NAME}: prints an OIDC ID token for a person, minted by
 * the running demo's simulated people's identity provider (the issuer the demo configuration trusts
 * under {@code identity.issuers} and names under {@code identity.approvers}). It is what an approver
 * gives {@code portcullis approval approve} with {@code --token-file} or {@code PORTCULLIS_TOKEN};
 * whether the vote counts is the server's decision (listed approvers only, never the author).
 */
@Command(
    name = "person-token",
    mixinStandardHelpOptions = true,
    description = "Print an OIDC ID token for a person, minted by the running demo's simulated identity provider.",
    footer = {
      "",
      "The demo's approvers are alice-dev (who starts its CI runs, so never for her own) and bob",
      "(identity.approvers in DATA_DIR/portcullis.yaml). VALUE of --claim is JSON when it parses as JSON.",
      "",
      "Examples:",
      "  portcullis demo person-token --user bob --data-dir ./data > bob.jwt",
      "  portcullis approval approve apr_01JD... --token-file bob.jwt --data-dir ./data",
      "  PORTCULLIS_TOKEN=$(portcullis demo person-token --user bob) portcullis approval approve apr_01JD...",
      "  portcullis demo person-token --user bob --claim exp=1700000000        # correctly signed, expired"
    })
final class DemoPersonTokenCommand implements Callable<Integer> {
  /** A user name: what an identity provider's {@code preferred_username} or an address looks like. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");

  @Spec CommandSpec spec;

  @Option(names = "--user", paramLabel = "NAME", required = true,
      description = "The person: the token's sub and preferred_username (email NAME@acme.example unless NAME is one).")
  String user;

  @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Override a claim (repeatable).")
  List<String> claims;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = DemoOptions.DEFAULT_DATA_DIR,
      description = "Data directory of the running demo (reads DIR/endpoints.json). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--json", description = "Print {\"token\", \"issuer\", \"claims\"} (the decoded payload) instead of the token alone.")
  boolean json;

  @Override
  public Integer call() {
    if (!USER.matcher(user).matches()) {
      throw new CliException(ExitCode.USAGE, "--user " + Printable.quoted(user) + ": expected a user name such as bob"
          + " or bob@acme.example (letters, digits, . _ @ + -; at most 128)");
    }
    ObjectNode overrides = DemoIssuerClient.person(user);
    for (String argument : claims == null ? List.<String>of() : claims) {
      DemoIssuerClient.Claim claim = DemoIssuerClient.claim(argument);
      overrides.set(claim.name(), claim.value());
    }
    URI issuerUrl = DemoCiTokenCommand.issuerUrl(dataDir, DemoIssuerClient.Shape.PEOPLE);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String token = new DemoIssuerClient(DemoIssuerClient.origin(issuerUrl), http)
        .mint(DemoIssuerClient.Shape.PEOPLE, overrides);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("token", token);
      node.put("issuer", issuerUrl.toString());
      node.set("claims", DemoCiTokenCommand.payload(token));
      LedgerCommand.print(out, node);
    } else {
      out.println(token);
      out.flush();
    }
    return ExitCode.OK.code();
  }
}
