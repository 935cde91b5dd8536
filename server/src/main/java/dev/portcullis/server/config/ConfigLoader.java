package dev.portcullis.server.config;

import dev.portcullis.server.config.Problem.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates {@code portcullis.yaml} (schema in {@link Config}).
 *
 * <p>Design: the file is composed into snakeyaml-engine nodes (not bound to objects) so that every
 * value keeps its line and column. The walk records a {@link Problem} for each fault and carries on,
 * so one run reports everything wrong. Checks that need the file system (keys, certificates,
 * keystores) run on the resolved absolute paths. A secret's value is never copied into a message.
 */
public final class ConfigLoader {
  private final Map<String, String> env;
  private final KeyFileCheck keyFileCheck;

  ConfigLoader(Map<String, String> env, KeyFileCheck keyFileCheck) {
    this.env = Map.copyOf(env);
    this.keyFileCheck = keyFileCheck;
  }

  /**
   * Loads and validates {@code file}.
   *
   * @param env the environment for {@code ${NAME}} references (normally {@code System.getenv()})
   * @throws ConfigException listing every problem, when there is at least one error
   */
  public static Config load(Path file, Map<String, String> env) throws ConfigException {
    Result result = new ConfigLoader(env, KeyFileCheck.RSA_PKCS8_PEM).read(file);
    if (result.config().isEmpty()) {
      throw new ConfigException(result.problems());
    }
    return result.config().get();
  }

  /** Every problem in {@code file}, errors and warnings, without throwing (for {@code config check}). */
  public static List<Problem> check(Path file, Map<String, String> env) {
    return new ConfigLoader(env, KeyFileCheck.RSA_PKCS8_PEM).read(file).problems();
  }

  /** @param config present when there is no error */
  record Result(Optional<Config> config, List<Problem> problems) {}

  Result read(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    YamlNodes yaml = new YamlNodes(absolute, env);
    String text;
    try {
      text = Files.readString(absolute, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      boolean exists = Files.exists(absolute);
      String message;
      String suggestion;
      if (e instanceof java.nio.charset.CharacterCodingException) {
        message = "the configuration file is not UTF-8 text";
        suggestion = "save it as UTF-8";
      } else if (exists && Files.isDirectory(absolute)) {
        message = "the configuration path is a directory, not a file";
        suggestion = "name the YAML file inside it";
      } else if (exists) {
        message = "cannot read the configuration file (" + e.getClass().getSimpleName() + ")";
        suggestion = "check its permissions";
      } else {
        message = "the configuration file does not exist";
        suggestion = "create it, or run `portcullis serve --demo` to generate one";
      }
      yaml.add(0, 0, Severity.ERROR, ConfigErrorCode.FILE_UNREADABLE, message, suggestion);
      return new Result(Optional.empty(), yaml.problems());
    }
    return parse(absolute, text);
  }

  /** Parses {@code text} as the content of {@code absolute}; never throws for bad input. */
  Result parse(Path absolute, String text) {
    YamlNodes yaml = new YamlNodes(absolute, env);
    Optional<Node> root;
    try {
      LoadSettings settings = LoadSettings.builder()
          .setLabel(absolute.toString())
          .setAllowDuplicateKeys(true)
          .setUseMarks(true)
          .setMaxAliasesForCollections(50)
          .build();
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark();
      yaml.add(mark.map(Mark::getLine).orElse(-1) + 1, mark.map(Mark::getColumn).orElse(-1) + 1,
          Severity.ERROR, ConfigErrorCode.YAML_SYNTAX,
          "not valid YAML: " + e.getProblem(), "check the indentation and quoting around this point");
      return new Result(Optional.empty(), yaml.problems());
    } catch (YamlEngineException e) {
      yaml.add(0, 0, Severity.ERROR, ConfigErrorCode.YAML_SYNTAX, "not valid YAML: " + e.getMessage(), null);
      return new Result(Optional.empty(), yaml.problems());
    }
    ConfigWalk walk = new ConfigWalk(yaml, absolute.getParent(), keyFileCheck);
    Optional<Config> config = root.isEmpty() || YamlNodes.isNull(root.get())
        ? Optional.of(walk.emptyConfig(absolute))
        : walk.config(absolute, root.get());
    List<Problem> problems = List.copyOf(yaml.problems());
    boolean failed = problems.stream().anyMatch(Problem::isError);
    List<Problem> warnings = problems.stream().filter(problem -> !problem.isError()).toList();
    return new Result(
        failed ? Optional.empty() : config.map(c -> withWarnings(c, warnings)),
        problems);
  }

  private static Config withWarnings(Config config, List<Problem> warnings) {
    return new Config(config.file(), config.server(), config.dataDir(), config.storage(), config.salesforce(),
        config.logging(), config.ledger(), config.orgs(), config.identity(), config.broker(), warnings);
  }

}
