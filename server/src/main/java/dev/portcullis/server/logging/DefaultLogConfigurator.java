package dev.portcullis.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.portcullis.server.config.Config;

/**
 * Portcullis's logging until the configuration is loaded ({@link LogConfigurator} then replaces
 * it): text lines on standard error, INFO, every line passed through the credential redactor, and
 * Jetty, Hikari and Flyway at WARN — the same as {@link LogConfigurator} with the defaults.
 *
 * <p>Found by logback through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}
 * and set up in code, which spares every start logback's XML configuration (Joran and a SAX
 * parser, ~60 ms of a 1 s start). It steps aside, letting logback look for its files as usual,
 * when a file is named by {@code -Dlogback.configurationFile} or a {@code logback-test.xml} is on
 * the class path (tests).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
  static final Config.Logging DEFAULTS = new Config.Logging(Config.Logging.Format.TEXT, Config.Logging.Level.INFO);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null || hasResource("logback-test.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogConfigurator.install(context, DEFAULTS, null);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean hasResource(String name) {
    ClassLoader loader = DefaultLogConfigurator.class.getClassLoader();
    return loader != null && loader.getResource(name) != null;
  }
}
