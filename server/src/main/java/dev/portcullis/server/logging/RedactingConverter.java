package dev.portcullis.server.logging;

import dev.portcullis.server.redaction.Redactor;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %redact(...)} for logback patterns: the enclosed output passed through {@link Redactor}.
 * The bundled {@code logback.xml} (used until {@link LogConfigurator} applies the configuration)
 * wraps its whole line, exception included, in it.
 */
public final class RedactingConverter extends CompositeConverter<ILoggingEvent> {
  @Override
  protected String transform(ILoggingEvent event, String in) {
    return Redactor.redact(in);
  }
}
