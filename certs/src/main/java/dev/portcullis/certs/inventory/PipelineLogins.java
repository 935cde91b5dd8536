package dev.portcullis.certs.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CI pipelines of a project that log in to Salesforce with the OAuth 2.0 JWT bearer flow, read from their
 * configuration: the pipeline signs with a private key whose certificate is the one a connected app (or an External
 * Client App) holds, so each such login is a consumer of that certificate.
 *
 * <p>Where: the project directory and its parents up to the repository's root (the first with a {@code .git}; at
 * most four levels), in the files the common CI services read: GitHub Actions ({@code .github/workflows/*.yml},
 * {@code *.yaml}), GitLab CI ({@code .gitlab-ci.yml}), Bitbucket Pipelines ({@code bitbucket-pipelines.yml}),
 * Azure Pipelines ({@code azure-pipelines.yml}), CircleCI ({@code .circleci/config.yml}) and Jenkins ({@code
 * Jenkinsfile}). What: the Salesforce CLI's JWT logins, {@code sf org login jwt} (and its older spellings {@code
 * sfdx auth:jwt:grant}, {@code sfdx force:auth:jwt:grant}), with the client id from {@code --client-id}, {@code
 * --clientid} or {@code -i} (Salesforce CLI command reference, "org login jwt"), continued over lines ending in
 * {@code \} or over the flag lines that follow. A client id written in the file is matched to the app with that
 * consumer key; one taken from a secret or a variable cannot be, and is reported as such. Files are read as text,
 * never run or expanded; each is capped at 1 MiB.
 */
final class PipelineLogins {
  /** One JWT login found in a CI file. */
  record Login(String file, int line, Optional<String> clientId, String clientIdAsWritten, Optional<String> username) {
    /** {@code .github/workflows/deploy.yml:12}. */
    String where() {
      return file + ":" + line;
    }
  }

  private static final long MAX_FILE_BYTES = 1 << 20;
  private static final int MAX_PARENTS = 4;
  private static final List<String> FILES = List.of(".gitlab-ci.yml", "bitbucket-pipelines.yml", "azure-pipelines.yml",
      ".circleci/config.yml", "Jenkinsfile");
  private static final Pattern LOGIN = Pattern.compile(
      "\\b(?:sf\\s+org\\s+login\\s+jwt|sfdx\\s+(?:force:)?auth:jwt:grant)\\b");
  private static final Pattern CLIENT_ID = Pattern.compile(
      "(?:^|\\s)(?:--client-id|--clientid|-i)(?:\\s+|=)(\\$\\{\\{[^}]{0,200}}}|\"[^\"]*\"|'[^']*'|[^\\s\"']+)");
  private static final Pattern USERNAME = Pattern.compile(
      "(?:^|\\s)(?:--username|-o|-u)(?:\\s+|=)(\"[^\"]*\"|'[^']*'|[^\\s\"']+)");
  /** A consumer key as Salesforce issues it, written out: no variable, secret or template syntax in it. */
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._]{8,256}");

  private PipelineLogins() {}

  /** The JWT logins of the CI files found from {@code projectDir} up to its repository's root. */
  static List<Login> find(Path projectDir) throws IOException {
    List<Login> logins = new ArrayList<>();
    Path directory = projectDir.toAbsolutePath().normalize();
    for (int level = 0; directory != null && level <= MAX_PARENTS; level++, directory = directory.getParent()) {
      for (Path file : ciFiles(directory)) {
        logins.addAll(read(directory, file));
      }
      if (Files.exists(directory.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
    }
    return logins;
  }

  private static List<Path> ciFiles(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    Path workflows = directory.resolve(".github/workflows");
    if (Files.isDirectory(workflows, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(workflows, "*.{yml,yaml}")) {
        entries.forEach(files::add);
      }
    }
    for (String name : FILES) {
      files.add(directory.resolve(name));
    }
    files.removeIf(f -> !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS));
    files.sort(null);
    return files;
  }

  /** The logins in one CI file; its path is named relative to {@code root} in each login. */
  static List<Login> read(Path root, Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      return List.of();
    }
    String name = root.relativize(file).toString().replace('\\', '/');
    List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    List<Login> logins = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher login = LOGIN.matcher(lines.get(i));
      if (!login.find()) {
        continue;
      }
      StringBuilder command = new StringBuilder(lines.get(i).substring(login.end()));
      for (int j = i + 1; j < lines.size() && j <= i + 12; j++) {
        String previous = lines.get(j - 1).stripTrailing();
        String next = lines.get(j).strip();
        if (previous.endsWith("\\") || previous.endsWith("`") || next.startsWith("-") && !next.startsWith("- ")) {
          command.append(' ').append(next);
        } else {
          break;
        }
      }
      String text = command.toString().replace("\\", " ").replace("`", " ");
      Optional<String> asWritten = first(CLIENT_ID, text);
      Optional<String> literal = asWritten.filter(v -> LITERAL.matcher(v).matches());
      logins.add(new Login(name, i + 1, literal, asWritten.orElse(""), first(USERNAME, text)));
    }
    return logins;
  }

  private static Optional<String> first(Pattern flag, String text) {
    Matcher matcher = flag.matcher(text);
    if (!matcher.find()) {
      return Optional.empty();
    }
    String value = matcher.group(1);
    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
      value = value.substring(1, value.length() - 1);
    }
    return Optional.of(value.strip());
  }
}
