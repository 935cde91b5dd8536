package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./portcullis} launcher's JDK search, run in bash against fake JDK homes (a {@code
 * release} file and executable {@code bin/java} and {@code bin/javac}), so the machine's own JDKs
 * do not decide the outcome.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "portcullis").toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {}

  private static Path fakeJdk(Path parent, String name, String version) throws IOException {
    Path home = parent.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    for (String tool : new String[] {"java", "javac"}) {
      Path file = home.resolve("bin").resolve(tool);
      Files.writeString(file, "#!/bin/sh\necho 'openjdk version \"" + version + "\"' >&2\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return home;
  }

  private static Result findJdk(Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "PORTCULLIS_LAUNCHER_LIB=1 . \"$0\"; portcullis_find_jdk; echo \"$JAVA_HOME\"", LAUNCHER.toString());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("PORTCULLIS_JAVA_HOME");
    builder.environment().put("PATH", "/nonexistent:/bin:/usr/bin");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), out, err);
  }

  @Test
  void aJdk21PlusInJavaHomeWins(@TempDir Path dir) throws Exception {
    Path jdk21 = fakeJdk(dir, "jdk-21", "21.0.5");
    Path jdk25 = fakeJdk(dir, "jdk-25", "25.0.1");
    Result result = findJdk(Map.of("JAVA_HOME", jdk21.toString(), "PORTCULLIS_JDK_CANDIDATES", jdk25.toString()));
    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo(jdk21.toString());
  }

  @Test
  void aJava17InJavaHomeIsPassedOverForTheNewestInstalledJdk(@TempDir Path dir) throws Exception {
    Path jdk17 = fakeJdk(dir, "java-17", "17.0.15");
    Path jdk21 = fakeJdk(dir, "jdk-21", "21.0.5");
    Path jdk25 = fakeJdk(dir, "temurin-25", "25.0.3");
    Result result = findJdk(Map.of(
        "JAVA_HOME", jdk17.toString(),
        "PORTCULLIS_JDK_CANDIDATES", jdk17 + " " + jdk25 + " " + jdk21));
    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo(jdk25.toString());
  }

  @Test
  void withNoJdk21AnywhereItSaysSoAndExitsFour(@TempDir Path dir) throws Exception {
    Path jdk17 = fakeJdk(dir, "java-17", "17.0.15");
    Result result = findJdk(Map.of(
        "JAVA_HOME", jdk17.toString(),
        "PORTCULLIS_JDK_CANDIDATES", jdk17.toString(),
        "PATH", dir.resolve("java-17/bin") + ":/bin:/usr/bin"));
    assertThat(result.exit()).isEqualTo(4);
    assertThat(result.err())
        .contains("no JDK 21 or newer was found")
        .contains("JAVA_HOME=" + jdk17 + " (JDK 17) is too old")
        .contains("set JAVA_HOME");
  }

  @Test
  void anExplicitPortcullisJavaHomeThatIsTooOldIsAnError(@TempDir Path dir) throws Exception {
    Path jdk17 = fakeJdk(dir, "java-17", "17.0.15");
    Result result = findJdk(Map.of("PORTCULLIS_JAVA_HOME", jdk17.toString(), "PORTCULLIS_JDK_CANDIDATES", ""));
    assertThat(result.exit()).isEqualTo(4);
    assertThat(result.err()).contains("PORTCULLIS_JAVA_HOME=" + jdk17 + " is not a JDK 21 or newer");
  }
}
