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
    return launcher("portcullis_find_jdk; echo \"$JAVA_HOME\"", env);
  }

  /** Runs {@code script} in bash after sourcing the launcher's functions. */
  private static Result launcher(String script, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "PORTCULLIS_LAUNCHER_LIB=1 . \"$0\"; " + script, LAUNCHER.toString());
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

  /** The JVM options the launcher picks for a command line, with JAVA_HOME a fake JDK of that version. */
  private static Result startupOptions(Path jdk, String commandLine, String javaOpts) throws Exception {
    return launcher("portcullis_startup_opts " + commandLine + "; echo \"${portcullis_jvm_opts[*]}\"",
        Map.of("JAVA_HOME", jdk.toString(), "PORTCULLIS_JAVA_OPTS", javaOpts));
  }

  @Test
  void onJdk21OneShotCommandsGetC1AndTheSerialCollectorAndServersDoNot(@TempDir Path dir) throws Exception {
    Path jdk21 = fakeJdk(dir, "jdk-21", "21.0.5");
    Result deploy = startupOptions(jdk21, "deploy convert --output-dir x", "");
    assertThat(deploy.exit()).isZero();
    assertThat(deploy.out()).contains("-XX:+AutoCreateSharedArchive", "portcullis-deploy.jsa",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC").doesNotContain("AOTCache");
    assertThat(startupOptions(jdk21, "ledger verify", "").out())
        .contains("portcullis-oneshot.jsa", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    for (String server : new String[] {"serve --demo", "demo", "orgsim", "witness serve", ""}) {
      assertThat(startupOptions(jdk21, server, "").out()).as(server)
          .contains("portcullis.jsa").doesNotContain("TieredStopAtLevel", "UseSerialGC");
    }
  }

  @Test
  void theUsersOwnCollectorOrCompilerChoiceIsKept(@TempDir Path dir) throws Exception {
    Path jdk21 = fakeJdk(dir, "jdk-21", "21.0.5");
    assertThat(startupOptions(jdk21, "deploy convert", "-Xmx1g -XX:+UseParallelGC").out())
        .contains("-XX:TieredStopAtLevel=1").doesNotContain("UseSerialGC");
    assertThat(startupOptions(jdk21, "deploy convert", "-XX:TieredStopAtLevel=4").out())
        .contains("-XX:+UseSerialGC").doesNotContain("TieredStopAtLevel");
  }

  @Test
  void theJarIsStaleOnlyWhenAPomOrAMainSourceIsNewerThanIt(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(Files.createDirectories(dir.resolve("cli/target")).resolve("portcullis.jar"), "jar");
    Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");
    Path modulePom = Files.writeString(Files.createDirectories(dir.resolve("ledger")).resolve("pom.xml"), "<project/>");
    Path source = Files.writeString(Files.createDirectories(dir.resolve("ledger/src/main/java/x")).resolve("A.java"), "");
    Path test = Files.writeString(Files.createDirectories(dir.resolve("ledger/src/test/java/x")).resolve("ATest.java"), "");
    Path built = Files.writeString(Files.createDirectories(dir.resolve("ledger/target/classes")).resolve("A.class"), "");
    Path doc = Files.writeString(Files.createDirectories(dir.resolve("docs")).resolve("X.md"), "");
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
    java.nio.file.attribute.FileTime newer = java.nio.file.attribute.FileTime.fromMillis(1_800_000_000_000L);
    for (Path p : new Path[] {pom, modulePom, source, test, built, doc}) {
      Files.setLastModifiedTime(p, old);
    }
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_750_000_000_000L));
    String check = "portcullis_root=" + dir + "; portcullis_jar=" + jar
        + "; if portcullis_jar_stale; then echo stale; else echo fresh; fi";

    assertThat(launcher(check, Map.of()).out()).isEqualTo("fresh");
    for (Path ignored : new Path[] {test, built, doc}) { // tests, build output and docs do not make it stale
      Files.setLastModifiedTime(ignored, newer);
    }
    assertThat(launcher(check, Map.of()).out()).isEqualTo("fresh");
    for (Path counted : new Path[] {source, modulePom, pom}) {
      Files.setLastModifiedTime(counted, newer);
      assertThat(launcher(check, Map.of()).out()).as(counted.toString()).isEqualTo("stale");
      Files.setLastModifiedTime(counted, old);
    }
    Files.delete(jar);
    assertThat(launcher(check, Map.of()).out()).isEqualTo("stale");
  }

  @Test
  void onJdk25WithoutACacheTheArchiveIsUsedAndAFailedRecordingFailsNothing(@TempDir Path dir) throws Exception {
    Path jdk25 = fakeJdk(dir, "jdk-25", "25.0.1"); // its java prints a line and writes no cache
    Path jar = Files.writeString(dir.resolve("portcullis.jar"), "not a jar");
    String setUp = "portcullis_jar=" + jar + "; portcullis_deploy_aot=" + dir.resolve("deploy.aot") + "; ";
    Map<String, String> env = Map.of("JAVA_HOME", jdk25.toString());
    Result quiet = launcher(setUp + "portcullis_train_deploy_aot; echo trained $?; portcullis_startup_opts deploy convert;"
        + " echo \"${portcullis_jvm_opts[*]}\"", env);
    assertThat(quiet.exit()).isZero();
    assertThat(quiet.out()).startsWith("trained 0").contains("-XX:+AutoCreateSharedArchive").doesNotContain("AOTCache");
    assertThat(quiet.err()).isEmpty();
    assertThat(dir.resolve("deploy.aot")).doesNotExist();
    assertThat(dir.resolve("deploy.aot.failed")).exists(); // so the next command does not try again

    Result debug = launcher(setUp + "portcullis_train_deploy_aot", Map.of("JAVA_HOME", jdk25.toString(),
        "PORTCULLIS_LAUNCHER_DEBUG", "1"));
    assertThat(debug.exit()).isZero();
    assertThat(debug.err()).contains("no deploy start-up cache: recording it failed for this jar before");
  }
}
