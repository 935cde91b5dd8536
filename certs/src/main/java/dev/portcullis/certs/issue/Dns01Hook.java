package dev.portcullis.certs.issue;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The dns-01 responder (RFC 8555 §8.4) through a hook command the operator provides, which talks to
 * their DNS provider: it is run as {@code COMMAND... present NAME VALUE} before validation and
 * {@code COMMAND... cleanup NAME VALUE} after, where NAME is the record name ({@code
 * _acme-challenge.DOMAIN.}) and VALUE the TXT record's value (base64url SHA-256 of the key
 * authorization). The hook must return only once the record is published; exit 0 means done. Output
 * goes to a temporary file whose last lines are quoted in the error on failure. A hook that runs
 * longer than the timeout is killed and counts as failed.
 */
public final class Dns01Hook implements ChallengeResponder {
  private final List<String> command;
  private final Duration timeout;

  public Dns01Hook(List<String> command, Duration timeout) {
    this.command = List.copyOf(command);
    if (this.command.isEmpty()) {
      throw new IllegalArgumentException("the dns-01 hook command is empty");
    }
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public String type() {
    return "dns-01";
  }

  static String recordName(String domain) {
    return "_acme-challenge." + (domain.startsWith("*.") ? domain.substring(2) : domain) + ".";
  }

  @Override
  public void present(String domain, String token, String answer) {
    run("present", domain, answer, true);
  }

  @Override
  public void cleanup(String domain, String token, String answer) {
    run("cleanup", domain, answer, false);
  }

  private void run(String action, String domain, String value, boolean mustSucceed) {
    List<String> argv = new ArrayList<>(command);
    argv.add(action);
    argv.add(recordName(domain));
    argv.add(value);
    Path output = null;
    try {
      output = Files.createTempFile("portcullis-dns01-", ".log");
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        fail(mustSucceed, "the dns-01 hook " + command.getFirst() + " " + action + " for " + domain + " ran past "
            + timeout.toSeconds() + " s and was stopped");
        return;
      }
      if (process.exitValue() != 0) {
        fail(mustSucceed, "the dns-01 hook " + command.getFirst() + " " + action + " for " + domain + " exited "
            + process.exitValue() + ": " + tail(output));
      }
    } catch (IOException e) {
      fail(mustSucceed, "cannot run the dns-01 hook " + command.getFirst() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(mustSucceed, "interrupted while the dns-01 hook ran");
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file left behind; nothing secret is in it
        }
      }
    }
  }

  private static void fail(boolean mustSucceed, String message) {
    if (mustSucceed) {
      throw new IssueException(IssueException.Code.CHALLENGE_FAILED, message);
    }
  }

  private static String tail(Path output) throws IOException {
    List<String> lines = Files.readAllLines(output, UTF_8);
    String text = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
    return text.isEmpty() ? "(no output)" : text.length() > 500 ? text.substring(text.length() - 500) : text;
  }
}
