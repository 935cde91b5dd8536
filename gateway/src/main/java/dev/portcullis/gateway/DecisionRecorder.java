package dev.portcullis.gateway;

import java.util.concurrent.CompletableFuture;

/**
 * Records the gateway's decisions durably (the server's ledger). The gateway forwards a request only
 * once its decision's future completed; a failed future denies the request.
 */
@FunctionalInterface
public interface DecisionRecorder {
  CompletableFuture<?> record(GatewayDecision decision);

  /** How a forwarded request ended (not awaited: the answer has been streamed already). */
  default void completed(GatewayCompletion completion) {}
}
