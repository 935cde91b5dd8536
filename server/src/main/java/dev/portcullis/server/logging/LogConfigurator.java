package dev.portcullis.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.portcullis.server.config.Config;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Configures logback in code from {@link Config.Logging}: one appender (stderr by default), text
 * ({@value #TEXT_PATTERN}) or JSON lines (logback's {@link JsonEncoder}), always behind a
 * {@link RedactingEncoder}. Jetty's, Hikari's and Flyway's loggers are held at WARN above DEBUG so they do not drown ours.
 */
public final class LogConfigurator {
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n%ex";

  /** Libraries whose INFO lines (pool started, schema validated) are noise to an operator. */
  private static final java.util.List<String> QUIET_LIBRARIES =
      java.util.List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb");

  private LogConfigurator() {}

  /** Replaces the logback configuration; logs go to standard error. */
  public static void configure(Config.Logging logging) {
    configure(logging, null);
  }

  /** Replaces the logback configuration; logs go to {@code out}, or standard error when null. */
  public static void configure(Config.Logging logging, OutputStream out) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: leave it alone
    }
    context.reset();
    install(context, logging, out);
  }

  /** Sets up {@code context} (fresh or reset) for {@code logging}; used here and by {@link DefaultLogConfigurator}. */
  static void install(LoggerContext context, Config.Logging logging, OutputStream out) {
    OutputStreamAppender<ILoggingEvent> appender;
    if (out == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    } else {
      appender = new OutputStreamAppender<>();
      appender.setOutputStream(out);
    }
    appender.setContext(context);
    appender.setName("portcullis");
    RedactingEncoder encoder = new RedactingEncoder(encoder(logging.format(), context));
    encoder.setContext(context);
    encoder.start();
    appender.setEncoder(encoder);
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(logging.level()));
    root.addAppender(appender);
    if (logging.level().compareTo(Config.Logging.Level.DEBUG) > 0) {
      for (String library : QUIET_LIBRARIES) {
        context.getLogger(library).setLevel(Level.WARN);
      }
    }
  }

  private static Encoder<ILoggingEvent> encoder(Config.Logging.Format format, LoggerContext context) {
    return switch (format) {
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        yield text;
      }
      case JSON -> {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithArguments(false);
        json.setWithMessage(false);
        json.setWithFormattedMessage(true);
        json.start();
        yield json;
      }
    };
  }

  private static Level level(Config.Logging.Level level) {
    return switch (level) {
      case TRACE -> Level.TRACE;
      case DEBUG -> Level.DEBUG;
      case INFO -> Level.INFO;
      case WARN -> Level.WARN;
      case ERROR -> Level.ERROR;
    };
  }
}
