package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@code portcullis login} hands a session to the next step of a pipeline: shell exports for
 * {@code eval}, {@code NAME=value} lines appended to {@code $GITHUB_ENV} (GitHub, "Workflow commands
 * for GitHub Actions", "Setting an environment variable"), or JSON.
 */
final class LoginOutput {
  private LoginOutput() {}

  /** The variables a session becomes, in the order they are written. */
  static Map<String, String> variables(TokenExchangeClient.Session session) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("SF_ACCESS_TOKEN", session.accessToken());
    variables.put("SF_INSTANCE_URL", session.instanceUrl().toString());
    variables.put("PORTCULLIS_SESSION_ID", session.sessionId());
    variables.put("PORTCULLIS_SESSION_EXPIRES_IN", Long.toString(session.expiresInSeconds()));
    return variables;
  }

  /** {@code export NAME='value'} lines for a POSIX shell's {@code eval}. */
  static String shellExports(TokenExchangeClient.Session session) {
    StringBuilder out = new StringBuilder();
    variables(session).forEach((name, value) -> out.append("export ").append(name).append('=')
        .append(shellQuoted(value)).append('\n'));
    return out.toString();
  }

  /**
   * A POSIX shell word that evaluates to exactly {@code value}: single-quoted, each {@code '}
   * written as {@code '\''} (POSIX.1-2017, Shell Command Language §2.2.3: nothing is special inside
   * single quotes, which cannot contain a single quote).
   */
  static String shellQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** {@code NAME=value} lines for {@code $GITHUB_ENV}; a value with a line break is refused. */
  static String gitHubEnvLines(TokenExchangeClient.Session session) {
    StringBuilder out = new StringBuilder();
    variables(session).forEach((name, value) -> {
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new CliException(ExitCode.UNAVAILABLE, "the broker's " + name + " holds a line break;"
            + " refusing to write it to $GITHUB_ENV");
      }
      out.append(name).append('=').append(value).append('\n');
    });
    return out.toString();
  }

  /**
   * Appends the session's lines to the {@code $GITHUB_ENV} file, after a line break if the file does
   * not end with one (so that an earlier writer's last line is not joined to ours).
   */
  static void appendToGitHubEnv(Path file, TokenExchangeClient.Session session) {
    String lines = gitHubEnvLines(session);
    try {
      if (Files.isRegularFile(file) && Files.size(file) > 0 && !endsWithLineBreak(file)) {
        lines = "\n" + lines;
      }
      try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
        writer.write(lines);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot append to $GITHUB_ENV (" + file + "): " + e.getMessage(), e);
    }
  }

  private static boolean endsWithLineBreak(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(raf.length() - 1);
      return raf.read() == '\n';
    }
  }

  /** The {@code ::add-mask::} workflow command that makes GitHub replace {@code secret} by {@code ***} in logs. */
  static String gitHubMask(String secret) {
    return "::add-mask::" + secret;
  }

  static ObjectNode json(String org, TokenExchangeClient.Session session) {
    ObjectNode node = LedgerCommand.object();
    node.put("org", org);
    node.put("session_id", session.sessionId());
    node.put("access_token", session.accessToken());
    node.put("token_type", session.tokenType());
    node.put("issued_token_type", session.issuedTokenType());
    node.put("expires_in", session.expiresInSeconds());
    node.put("scope", String.join(" ", session.scopes()));
    node.put("instance_url", session.instanceUrl().toString());
    return node;
  }
}
