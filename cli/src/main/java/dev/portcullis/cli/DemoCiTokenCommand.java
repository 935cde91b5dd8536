package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis demo ci-token}: prints a CI identity token minted by the running demo's
 * simulated GitHub Actions or GitLab issuer, for trying {@code portcullis login} and the broker by
 * hand. Without {@code --claim} the token is a run from the main branch of the repository the demo's
 * policy allows; {@code --claim} overrides any claim, {@code exp}, {@code aud} and {@code iss} too,
 * so that expired or misdirected but correctly signed tokens can be made.
 */
@Command(
    name = "ci-token",
    mixinStandardHelpOptions = true,
    description = "Print a CI OIDC identity token minted by the running demo's simulated issuer.",
    footer = {
      "",
      "VALUE is JSON when it parses as JSON (numbers, true/false, null removes the claim, \"strings\", [..], {..}),",
      "else the string as written.",
      "",
      "Examples:",
      "  portcullis demo ci-token --issuer github --data-dir ./data > token.jwt",
      "  portcullis demo ci-token --issuer github --claim ref=refs/heads/feature --claim sub=repo:acme/salesforce-app:ref:refs/heads/feature",
      "  portcullis demo ci-token --issuer gitlab --claim exp=1700000000          # correctly signed, expired",
      "  portcullis demo ci-token --issuer github --claim aud=someone-else        # wrong audience",
      "  portcullis login --org prod --scope api:read --data-dir ./data \\",
      "      --token-file <(portcullis demo ci-token --issuer github --data-dir ./data)"
    })
final class DemoCiTokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--issuer", paramLabel = "github|gitlab", required = true, description = "Which simulated issuer mints.")
  String issuer;

  @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Override a claim (repeatable).")
  List<String> claims;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = DemoOptions.DEFAULT_DATA_DIR,
      description = "Data directory of the running demo (reads DIR/endpoints.json). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--json", description = "Print {\"token\", \"issuer\", \"claims\"} (the decoded payload) instead of the token alone.")
  boolean json;

  @Override
  public Integer call() {
    DemoIssuerClient.Shape shape = DemoIssuerClient.Shape.of(issuer);
    ObjectNode overrides = DemoIssuerClient.run(shape, "main");
    for (String argument : claims == null ? List.<String>of() : claims) {
      DemoIssuerClient.Claim claim = DemoIssuerClient.claim(argument);
      overrides.set(claim.name(), claim.value());
    }
    URI issuerUrl = issuerUrl(dataDir, shape);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String token = new DemoIssuerClient(DemoIssuerClient.origin(issuerUrl), http).mint(shape, overrides);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("token", token);
      node.put("issuer", issuerUrl.toString());
      node.set("claims", payload(token));
      LedgerCommand.print(out, node);
    } else {
      out.println(token);
      out.flush();
    }
    return ExitCode.OK.code();
  }

  /** The simulated issuer's URL for {@code shape}, from the demo's {@code endpoints.json}. */
  static URI issuerUrl(Path dataDir, DemoIssuerClient.Shape shape) {
    Path endpoints = dataDir.resolve("endpoints.json");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(endpoints));
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "no demo is running with data directory "
          + dataDir.toAbsolutePath().normalize() + " (" + endpoints + " does not exist); start one with"
          + " `portcullis demo --data-dir " + dataDir + "`");
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": cannot be read: " + e.getMessage(), e);
    }
    JsonNode url = root.path("oidc_issuers").path(shape.segment);
    if (!url.isTextual()) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": has no \"oidc_issuers\"." + shape.segment
          + " (is this server a `portcullis demo` of this version? only the demo runs simulated issuers)");
    }
    try {
      return URI.create(url.asText());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.UNAVAILABLE, endpoints + ": oidc_issuers." + shape.segment + " is not a URL");
    }
  }

  static JsonNode payload(String token) {
    String[] parts = token.split("\\.");
    try {
      return new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "the demo's issuer minted something that is not a JWT");
    }
  }
}
