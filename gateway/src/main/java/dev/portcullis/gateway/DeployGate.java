package dev.portcullis.gateway;

import dev.portcullis.store.Session;
import dev.portcullis.salesforce.oauth.AccessToken;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a Metadata API deployment sent through the gateway is governed: inspected, decided by the
 * deployment policies, held for approvals, snapshotted and recorded, before it is forwarded. The
 * gateway calls {@link #admit} for a SOAP {@code deploy} or {@code deployRecentValidation} and a
 * REST {@code POST …/metadata/deployRequest[/id]} that request-level policy allowed, and forwards the
 * call only on {@link Proceed}; it reports Salesforce's answer to the forwarded call with {@link
 * #answered}.
 */
public interface DeployGate {

  /**
   * A deployment as the client sent it.
   *
   * @param decisionId the gateway's decision for the call
   * @param session the session that sent it (its principal, run claims and org)
   * @param api {@code soap} or {@code rest}
   * @param zip the package (a zip), empty for a quick deploy of a validated deployment
   * @param options the deploy options the client sent
   * @param upstream the Salesforce access token the call will be forwarded with (to read the org's
   *     current metadata; never recorded)
   */
  record Deploy(String decisionId, Session session, String api, byte[] zip, Options options, AccessToken upstream) {
    public Deploy {
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(api, "api");
      Objects.requireNonNull(zip, "zip");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(upstream, "upstream");
    }
  }

  /**
   * The deploy options that governance reads (Metadata API Developer Guide, "DeployOptions"; the
   * REST {@code deployOptions} object has the same names).
   *
   * @param testLevel {@code NoTestRun}, {@code RunSpecifiedTests}, {@code RunLocalTests}, {@code
   *     RunAllTestsInOrg}, or empty when the client left it to Salesforce's default
   * @param runTests the test classes named with {@code RunSpecifiedTests}
   * @param validatedId the validated deployment a quick deploy ({@code deployRecentValidation}, or
   *     REST {@code validatedDeployRequestId}) deploys
   */
  record Options(Optional<String> testLevel, List<String> runTests, boolean checkOnly, boolean purgeOnDelete,
      Optional<String> validatedId) {
    public Options {
      runTests = List.copyOf(runTests);
      Objects.requireNonNull(testLevel, "testLevel");
      Objects.requireNonNull(validatedId, "validatedId");
    }
  }

  /** The gate's answer. */
  sealed interface Outcome permits Proceed, Refuse {}

  /**
   * Forward the call; {@code deploymentId} names the governed deployment (passed back to {@link
   * #answered}), {@code note} is added to the decision's reason (say, who approved).
   */
  record Proceed(String deploymentId, String note) implements Outcome {
    public Proceed {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Objects.requireNonNull(note, "note");
    }
  }

  /**
   * Do not forward: denied by policy or failing closed, or {@code held} for approvals. The reason
   * is answered to the client and recorded; it names the deployment and, when held, the approval.
   */
  record Refuse(String reason, boolean held) implements Outcome {
    public Refuse {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Governs one deployment; durable in the ledger before it returns {@link Proceed}.
   *
   * @throws RuntimeException when it cannot decide: the call is denied
   */
  Outcome admit(Deploy deploy);

  /**
   * Salesforce's answer to a forwarded deployment: {@code status} 0 when the call failed before an
   * answer; {@code salesforceDeployId} the deployment id Salesforce gave it ({@code AsyncResult.id},
   * {@code deployRecentValidation}'s result, the REST answer's {@code id}), empty when the answer has
   * none (Salesforce refused it).
   */
  void answered(String deploymentId, int status, Optional<String> salesforceDeployId, AccessToken upstream);
}
