package dev.portcullis.server.broker;

import dev.portcullis.identity.ClientCertificatePolicy;
import dev.portcullis.identity.ClientCertificateVerifier;
import dev.portcullis.identity.OidcVerifier;
import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.identity.broker.TokenBroker;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.PolicyProblem;
import dev.portcullis.policy.PolicyWatcher;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.ledger.ServerLedger;
import dev.portcullis.store.Org;
import dev.portcullis.store.Store;
import dev.portcullis.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token broker as the server runs it: trusted issuers and client CAs from {@code identity},
 * the policy bundle from {@code broker.policies} (watched; a bad change keeps the last good bundle
 * and is reported), the brokered orgs registered in the store with their org ids, every broker
 * event recorded in the ledger, a sweep every second that reports expired sessions and drops
 * their Salesforce tokens, and every half second a read of the risk score changes made on any
 * replica (see {@code TokenBroker}, "Risk").
 */
public final class ServerBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerBroker.class);
  /** The policy directory under the data directory when {@code broker.policies} is not set. */
  public static final String DEFAULT_POLICY_DIRECTORY = "policies";
  /** How often session use counts are written to the store and the ledger. */
  static final long USE_FLUSH_SECONDS = 15;
  /** How often risk score changes made on any replica are read: within a second everywhere. */
  static final long RISK_REFRESH_MILLIS = 500;
  /** Where deployment snapshots (content-addressed) and kept packages live, under the data directory. */
  public static final String DEPLOYMENT_SNAPSHOTS = "deployments";

  private final TokenBroker broker;
  private final Optional<OidcVerifier> verifier;
  private final Optional<ClientCertificateVerifier> certificates;
  private final PolicyWatcher watcher;
  private final BrokerLedger ledger;
  private final Store store;
  private final Clock clock;
  private final Path policyDirectory;
  private final ScheduledExecutorService sweeper;

  private final List<X509Certificate> clientCas;
  private final java.util.Map<String, String> environments;
  private final List<Config.Approver> approvers;
  private final dev.portcullis.deploy.gate.DeployGatekeeper deployments;

  private ServerBroker(TokenBroker broker, Optional<OidcVerifier> verifier,
      Optional<ClientCertificateVerifier> certificates, List<X509Certificate> clientCas, PolicyWatcher watcher, BrokerLedger ledger, Store store,
      Clock clock, Path policyDirectory, List<Config.Approver> approvers, Path dataDir) {
    this.approvers = List.copyOf(approvers);
    this.deployments = dev.portcullis.deploy.gate.DeployGatekeeper.builder()
        .policy(watcher::current)
        .approvals(store.approvals())
        .deployments(store.deployments())
        .snapshots(dataDir.resolve(DEPLOYMENT_SNAPSHOTS))
        .ledger(ledger::appendDurable)
        .clock(clock)
        .build();
    this.broker = broker;
    this.verifier = verifier;
    this.certificates = certificates;
    this.clientCas = clientCas;
    java.util.Map<String, String> envs = new java.util.LinkedHashMap<>();
    for (var target : broker.orgs()) {
      envs.put(target.alias(), target.environment());
    }
    this.environments = java.util.Map.copyOf(envs);
    this.watcher = watcher;
    this.ledger = ledger;
    this.store = store;
    this.clock = clock;
    this.policyDirectory = policyDirectory;
    this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "portcullis-session-sweep");
      thread.setDaemon(true);
      return thread;
    });
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    sweeper.scheduleWithFixedDelay(this::refreshRisks, RISK_REFRESH_MILLIS, RISK_REFRESH_MILLIS,
        TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::flushUses, USE_FLUSH_SECONDS, USE_FLUSH_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Starts the broker, or answers empty when the configuration trusts no identity (no {@code
   * identity} section) or brokers no org: then the server issues no sessions.
   *
   * @param tokens makes the Salesforce token source from the configuration (JWT bearer in production)
   */
  public static Optional<ServerBroker> start(Config config, Path dataDir, Store store, Optional<ServerLedger> ledger,
      Function<Config, SalesforceTokens> tokens, Clock clock) throws BrokerStartException {
    if (!config.identity().any()) {
      return Optional.empty();
    }
    List<Config.Org> brokered = config.orgs().stream().filter(Config.Org::brokered).toList();
    if (brokered.isEmpty()) {
      LOG.warn("identities are configured but no org has org_id and integration_users: no sessions will be issued");
      return Optional.empty();
    }
    BrokerLedger events = new BrokerLedger(ledger);
    Path policies = config.broker().policies().orElse(dataDir.resolve(DEFAULT_POLICY_DIRECTORY));
    PolicyWatcher watcher = openPolicies(policies, config.broker().policies().isEmpty(), events);
    Optional<OidcVerifier> verifier = Optional.empty();
    try {
      if (!config.identity().issuers().isEmpty()) {
        OidcVerifier.Builder builder = OidcVerifier.builder().clock(clock);
        config.identity().issuers().forEach(builder::issuer);
        verifier = Optional.of(builder.build());
      }
      List<X509Certificate> clientCas = config.identity().mtls().map(ServerBroker::readCas).orElse(List.of());
      Optional<ClientCertificateVerifier> certificates = config.identity().mtls()
          .map(mtls -> new ClientCertificateVerifier(ClientCertificatePolicy.of(clientCas, mtls.identityFrom())
              .withAllowedIdentityPrefixes(mtls.allowedPrefixes())));
      register(store, brokered, clock);
      TokenBroker.Builder builder = TokenBroker.builder()
          .policy(watcher::current)
          .sessions(store.sessions())
          .revocations(store.sessionRevocations())
          .salesforceTokens(tokens.apply(config))
          .clock(clock)
          .events(events)
          .maxTtl(config.broker().maxTtl())
          .risks(store.risks())
          .revokeAtRisk(config.broker().revokeAtRisk());
      verifier.ifPresent(builder::verifier);
      for (Config.Org org : brokered) {
        builder.org(target(org));
      }
      TokenBroker broker = builder.build();
      try {
        broker.refreshRisks(); // every principal's score in memory before the first decision
      } catch (RuntimeException e) {
        broker.close();
        throw new IllegalStateException("the principals' risk scores could not be read: " + e.getMessage(), e);
      }
      watcher.start(config.broker().policyPollInterval());
      LOG.info("token broker: {} org(s), {} trusted issuer(s){}, policy bundle {} from {}", brokered.size(),
          config.identity().issuers().size(), certificates.isPresent() ? ", client certificates" : "",
          watcher.current().hash().substring(0, 12), policies);
      return Optional.of(new ServerBroker(broker, verifier, certificates, clientCas, watcher, events, store, clock,
          policies, config.identity().approvers(), dataDir));
    } catch (IOException | RuntimeException e) {
      verifier.ifPresent(OidcVerifier::close);
      closeQuietly(watcher);
      throw new BrokerStartException("cannot start the token broker: " + e.getMessage(), e);
    }
  }

  private static PolicyWatcher openPolicies(Path directory, boolean isDefault, BrokerLedger events)
      throws BrokerStartException {
    if (isDefault && !Files.isDirectory(directory)) {
      try {
        Files.createDirectories(directory);
        PolicyBundle.writeDefault(directory);
        LOG.info("wrote the default policy pack to {} (edit params.yaml there)", directory);
      } catch (IOException e) {
        throw new BrokerStartException("cannot write the default policy pack to " + directory
            + ": " + e.getMessage(), e);
      }
    }
    try {
      return PolicyWatcher.open(directory, new PolicyWatcher.Listener() {
        private volatile PolicyBundle inForce;

        @Override
        public void bundleChanged(PolicyBundle bundle) {
          inForce = bundle;
          LOG.info("policy bundle {} in force ({} rules from {})", bundle.hash(), bundle.ruleIds().size(), directory);
          events.bundleActivated(bundle);
        }

        @Override
        public void reloadFailed(List<PolicyProblem> problems) {
          LOG.error("the changed policy bundle in {} does not load; the previous one stays in force: {}", directory,
              problems);
          if (inForce != null) {
            events.bundleRejected(problems, inForce, directory.toString());
          }
        }
      });
    } catch (PolicyException e) {
      throw new BrokerStartException("the policy bundle in " + directory + " does not load: "
          + e.getMessage() + " (check it with: portcullis policy check " + directory + ")", e);
    }
  }

  private static List<X509Certificate> readCas(Config.Mtls mtls) {
    List<X509Certificate> cas = new ArrayList<>();
    for (Path file : mtls.certificateAuthorities()) {
      try (InputStream in = Files.newInputStream(file)) {
        for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          cas.add((X509Certificate) certificate);
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot read the client CA certificate " + file + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(cas);
  }

  /** Registers the brokered orgs with their org ids: sessions are checked against the registry. */
  private static void register(Store store, List<Config.Org> orgs, Clock clock) {
    for (Config.Org org : orgs) {
      Org.Environment environment = org.environment() == OrgEnvironment.PRODUCTION
          ? Org.Environment.PRODUCTION : Org.Environment.SANDBOX;
      try {
        store.orgs().upsert(new Org(org.alias(), org.orgId().orElseThrow(), environment, org.instanceUrl(),
            org.loginUrl(), clock.instant(), clock.instant()));
      } catch (StoreException e) {
        throw new IllegalArgumentException("cannot register org " + org.alias() + " (" + org.orgId().orElseThrow()
            + "): " + e.getMessage() + "; is the same org id configured under another alias?", e);
      }
    }
  }

  static OrgTarget target(Config.Org org) {
    List<IntegrationUser> users = org.integrationUsers().stream()
        .map(user -> new IntegrationUser(user.username(), user.scopes())).toList();
    return new OrgTarget(org.alias(), org.environment().configName(), org.orgId().orElseThrow(), org.loginUrl(), users);
  }

  private void flushUses() {
    try {
      broker.flushUses();
    } catch (RuntimeException e) {
      LOG.warn("session use counts not written (kept for the next flush): {}", e.getMessage());
    }
  }

  private void refreshRisks() {
    try {
      broker.refreshRisks();
    } catch (RuntimeException e) {
      LOG.warn("risk scores not refreshed (retried in {} ms; decisions fail closed once they are a second old): {}",
          RISK_REFRESH_MILLIS, e.getMessage());
    }
  }

  private void sweep() {
    try {
      broker.sweepExpired(500);
    } catch (RuntimeException e) {
      LOG.warn("session expiry sweep failed (retried in a second): {}", e.getMessage());
    }
  }

  public TokenBroker broker() {
    return broker;
  }

  /** The bundle in force. */
  public PolicyBundle policy() {
    return watcher.current();
  }

  /** The problems of the last failed reload, empty when the last reload succeeded. */
  public List<PolicyProblem> policyProblems() {
    return watcher.problems();
  }

  /** Reloads the policy directory now (the watcher also does on change); true when the bundle in force changed. */
  public boolean reloadPolicies() {
    return watcher.reloadNow();
  }

  public Path policyDirectory() {
    return policyDirectory;
  }

  /** {@code POST /oauth2/token}; {@code instanceUrl} is the gateway's public base URL. */
  public Handler tokenEndpoint(Supplier<URI> instanceUrl) {
    return new TokenEndpointHandler(broker, certificates, ledger, instanceUrl, clock);
  }

  /**
   * The enforcement proxy in front of the brokered orgs (issue 6).
   *
   * @param publicUrl the gateway as clients reach it, when not the listener's own address: links in answers point there
   */
  public Handler gatewayProxy(Optional<URI> publicUrl) {
    GatewayDeployGate deployGate = new GatewayDeployGate(deployments, broker, environments,
        java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10))
            .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build());
    try { // deployments a stopped server was following are followed again
      int resumed = deployGate.resume(store.deployments().list(null, null, 1000), store.sessions()::findById);
      if (resumed > 0) {
        LOG.info("following {} deployments again that were running when the server stopped", resumed);
      }
    } catch (RuntimeException e) {
      LOG.error("running deployments could not be read to follow them again: {}", e.getMessage());
    }
    dev.portcullis.gateway.DecisionRecorder recorder = new dev.portcullis.gateway.DecisionRecorder() {
      @Override
      public java.util.concurrent.CompletableFuture<?> record(dev.portcullis.gateway.GatewayDecision decision) {
        return ledger.gatewayDecision(decision);
      }

      @Override
      public void completed(dev.portcullis.gateway.GatewayCompletion completion) {
        ledger.gatewayCompleted(completion);
      }
    };
    dev.portcullis.gateway.StoreApprovalGate approvals = new dev.portcullis.gateway.StoreApprovalGate(
        store.approvals(), new dev.portcullis.gateway.StoreApprovalGate.Events() {
          @Override
          public java.util.concurrent.CompletableFuture<?> requested(dev.portcullis.store.Approval approval) {
            return ledger.approvalRequested(approval);
          }

          @Override
          public java.util.concurrent.CompletableFuture<?> used(dev.portcullis.store.Approval approval, String decision) {
            return ledger.approvalUsed(approval, decision);
          }
        }, clock, java.time.Duration.ofSeconds(5));
    return new dev.portcullis.gateway.GatewayProxy(broker, watcher::current, recorder, environments, clock,
        java.time.Duration.ofSeconds(5), approvals, publicUrl)
        .deployGate(deployGate);
  }

  /** {@code /admin/deployments} and {@code /admin/deployments/rollback-package}. */
  public Handler deploymentAdmin(AdminToken token) {
    return new DeploymentAdminHandler(token, store.deployments(), deployments);
  }

  /** {@code /admin/approvals} and {@code /admin/approvals/vote}. */
  public Handler approvalAdmin(AdminToken token) {
    return new ApprovalAdminHandler(token, store.approvals(), verifier, approvers, ledger, clock);
  }

  /** {@code /admin/risk}: principals' risk scores, shown and set. */
  public Handler riskAdmin(AdminToken token) {
    return new RiskAdminHandler(token, store.risks(), store.sessions(), broker, ledger);
  }

  /** {@code /admin/sessions} and {@code /admin/sessions/revoke}. */
  public Handler sessionAdmin(AdminToken token) {
    return new SessionAdminHandler(token, store.sessions(), broker, clock, ledger);
  }

  /** The CAs of client certificates accepted as subjects (the gateway listener asks for one); empty: none. */
  public List<X509Certificate> clientCertificateAuthorities() {
    return clientCas;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    closeQuietly(watcher);
    broker.close();
    verifier.ifPresent(OidcVerifier::close);
  }

  private static void closeQuietly(PolicyWatcher watcher) {
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.warn("error while closing the policy watcher: {}", e.toString());
    }
  }
}
