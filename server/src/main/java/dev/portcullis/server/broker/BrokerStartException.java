package dev.portcullis.server.broker;

/** The token broker could not start; the message names what to fix. */
public final class BrokerStartException extends Exception {
  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
