package dev.portcullis.server.logging;

import dev.portcullis.server.redaction.Redactor;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %redact(...)} for logback patterns: the enclosed output passed through {@link Redactor}.
 * For a logback file of one's own ({@code -Dlogback.configurationFile}): declare it with {@code
 * <conversionRule conversionWord="redact" class="dev.portcullis.server.logging.RedactingConverter"/>}
 * and wrap the whole line, exception included, in it: {@code %nopex%redact(... %msg%n%ex)}.
 */
public final class RedactingConverter extends CompositeConverter<ILoggingEvent> {
  @Override
  protected String transform(ILoggingEvent event, String in) {
    return Redactor.redact(in);
  }
}
