package dev.portcullis.server.logging;

import dev.portcullis.server.redaction.Redactor;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Wraps another encoder and passes each encoded line through {@link Redactor}, so no appender that
 * uses it can write a token, password, private key or assertion, whatever the layout (text or JSON)
 * and wherever in the event (message, arguments, MDC, stack trace) the secret sits.
 */
public final class RedactingEncoder extends EncoderBase<ILoggingEvent> {
  private final Encoder<ILoggingEvent> delegate;

  public RedactingEncoder(Encoder<ILoggingEvent> delegate) {
    this.delegate = delegate;
  }

  @Override
  public void start() {
    if (!delegate.isStarted()) {
      delegate.start();
    }
    super.start();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] encoded = delegate.encode(event);
    if (encoded == null || encoded.length == 0) {
      return encoded;
    }
    String line = new String(encoded, StandardCharsets.UTF_8);
    String redacted = Redactor.redact(line);
    return redacted.equals(line) ? encoded : redacted.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
