package dev.portcullis.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {
  private static final String TOKEN = "00D5g000004FgHx!AQ4AQLm0pVZpQ3zgz7s_K0f8eW.kY2X9rV1b8nH3xZ7tQW2e5VgLr0Pj1E2hbQy";
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Logger log = LoggerFactory.getLogger("dev.portcullis.test");

  @AfterEach
  void restore() {
    LogConfigurator.configure(new Config.Logging(Config.Logging.Format.TEXT, Config.Logging.Level.WARN));
  }

  @Test
  void jsonLinesAreValidJsonWithSecretsMasked() throws Exception {
    LogConfigurator.configure(new Config.Logging(Config.Logging.Format.JSON, Config.Logging.Level.INFO), out);
    log.info("token {} and password={}", TOKEN, "hunter2");
    log.debug("not at info level");
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(text);
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("formattedMessage").asText()).isEqualTo("token 00D*** and password=***");
    assertThat(text).doesNotContain("hunter2").doesNotContain("AQ4AQ");
  }

  @Test
  void textLinesMaskSecretsInExceptionsToo() {
    LogConfigurator.configure(new Config.Logging(Config.Logging.Format.TEXT, Config.Logging.Level.INFO), out);
    log.warn("login failed", new IllegalStateException("bad assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("WARN", "login failed", "IllegalStateException: bad assertion=***");
    assertThat(text).doesNotContain("eyJhbGci");
  }

  @Test
  void levelIsApplied() {
    LogConfigurator.configure(new Config.Logging(Config.Logging.Format.TEXT, Config.Logging.Level.ERROR), out);
    log.warn("quiet");
    log.error("loud");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("quiet").contains("loud");
  }

  @Test
  void theDefaultConfigurationRedactsWholeLinesIncludingExceptions() throws Exception {
    ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    LogConfigurator.install(context, DefaultLogConfigurator.DEFAULTS, null);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var console = (ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
        root.getAppender("portcullis");
    assertThat(console.getTarget()).isEqualTo("System.err");
    assertThat(root.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
    assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    assertThat(context.getLogger("com.zaxxer.hikari").getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    assertThat(context.getLogger("org.flywaydb").getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    var capture = new ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    capture.setContext(context);
    capture.setEncoder(console.getEncoder());
    capture.setOutputStream(out);
    capture.start();
    root.detachAppender(console);
    root.addAppender(capture);
    context.getLogger("dev.portcullis.test").error("token " + TOKEN, new IllegalStateException("password=hunter2"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("ERROR", "token 00D***", "IllegalStateException: password=***");
    assertThat(text).doesNotContain("hunter2").doesNotContain("AQ4AQ");
    assertThat(text.split("IllegalStateException", -1)).hasSize(2);
    assertThat(text).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ ERROR \\[[^]]+\\] dev\\.portcullis\\.test - token .*");
    context.stop();
  }

  @Test
  void theDefaultConfiguratorIsALogbackServiceAndStepsAsideForLogbackTestXml() {
    assertThat(java.util.ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
        .map(java.util.ServiceLoader.Provider::type)).contains(DefaultLogConfigurator.class);
    ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
    DefaultLogConfigurator configurator = new DefaultLogConfigurator();
    configurator.setContext(context);
    // this module's test class path has a logback-test.xml: logback's own search must find it
    assertThat(configurator.configure(context))
        .isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
  }
}
