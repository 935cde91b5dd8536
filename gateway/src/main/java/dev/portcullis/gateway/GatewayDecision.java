package dev.portcullis.gateway;

import java.time.Instant;
import java.util.List;

/**
 * One decision of the gateway, for the ledger ({@code gateway.decision}): never a token, never
 * record data.
 *
 * @param decisionId {@code dec_…}
 * @param at when it was decided
 * @param sessionId the session
 * @param org the org alias
 * @param actor the principal's subject
 * @param classification what the request is; {@code unclassified} operation when it could not be classified
 * @param allowed the effect
 * @param rules the rules that matched
 * @param bundleHash the policy bundle in force
 * @param reason why, in words
 */
public record GatewayDecision(String decisionId, Instant at, String sessionId, String org, String actor,
    Classification classification, boolean allowed, List<String> rules, String bundleHash, String reason) {
  public GatewayDecision {
    rules = List.copyOf(rules);
  }
}
