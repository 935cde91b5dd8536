package dev.portcullis.gateway;

import java.time.Duration;

/**
 * How a forwarded request ended ({@code gateway.completed} in the ledger): never record data.
 *
 * @param decisionId the decision that let it through
 * @param sessionId the session
 * @param org the org alias
 * @param upstreamStatus Salesforce's HTTP status, 0 when none was received
 * @param requestBytes request body bytes read from the client
 * @param responseBytes response body bytes written to the client (as sent: after redaction and link
 *     rewriting; without headers and transfer framing)
 * @param latency from forwarding to the end of the answer
 * @param outcome {@code completed}, {@code failed: …} or {@code cut: the session ended (REVOKED|EXPIRED)}
 */
public record GatewayCompletion(String decisionId, String sessionId, String org, int upstreamStatus,
    long requestBytes, long responseBytes, Duration latency, String outcome) {}
