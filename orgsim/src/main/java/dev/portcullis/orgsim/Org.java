package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgEnvironment;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A running simulated org: its address, ids, faults and request counters. Thread-safe. */
public final class Org {
  private final OrgState state;

  Org(OrgState state) {
    this.state = state;
  }

  public String alias() {
    return state.spec.alias();
  }

  public OrgEnvironment environment() {
    return state.spec.environment();
  }

  /**
   * Base URL ({@code http://127.0.0.1:PORT}, no trailing slash): the login URL, and the instance
   * URL unless {@link OrgSpec#instanceUrl()} names another.
   */
  public URI url() {
    return URI.create(state.url());
  }

  /** What the org's token answers name as {@code instance_url}. */
  public URI instanceUrl() {
    return URI.create(state.instanceUrl());
  }

  /** The 18-character org id ({@code 00D…}). */
  public String orgId() {
    return state.orgId;
  }

  /** The 18-character id of the user named {@code username}. */
  public String userId(String username) {
    synchronized (state.data) {
      return state.data.findUser(username)
          .orElseThrow(() -> new IllegalArgumentException("org '" + alias() + "' has no user '" + username + "'"))
          .id();
    }
  }

  /**
   * Activates or deactivates a user, as an admin (or a Portcullis response action freezing a
   * user) would; a deactivated user's JWT bearer logins fail with {@code inactive user}. Existing
   * sessions are not ended (use {@link Faults#expireAllSessions()}).
   */
  public void setUserActive(String username, boolean active) {
    synchronized (state.data) {
      state.data.findUser(username)
          .orElseThrow(() -> new IllegalArgumentException("org '" + alias() + "' has no user '" + username + "'"))
          .values.put("IsActive", active);
    }
  }

  /** Pre-authorizes a user for the connected app, or withdraws it. */
  public void setPreAuthorized(String username, boolean preAuthorized) {
    userId(username);
    if (preAuthorized) {
      state.preAuthorized.add(username.toLowerCase(Locale.ROOT));
    } else {
      state.preAuthorized.remove(username.toLowerCase(Locale.ROOT));
    }
  }

  /** The faults this org injects. */
  public Faults faults() {
    return state.faults;
  }

  /** How many requests {@code endpoint} received, counting faulted and failed ones. */
  public int requestCount(Endpoint endpoint) {
    return state.requestCount(endpoint);
  }

  /** All counters, by endpoint. */
  public Map<Endpoint, Integer> requestCounts() {
    Map<Endpoint, Integer> counts = new EnumMap<>(Endpoint.class);
    for (Endpoint e : Endpoint.values()) {
      counts.put(e, state.requestCount(e));
    }
    return counts;
  }

  /**
   * The files of a metadata component the org holds (seeded or deployed), by zip path relative to
   * the package root ({@code classes/Foo.cls} and {@code classes/Foo.cls-meta.xml}); empty when the
   * org has no {@code type} named {@code fullName}.
   */
  public Optional<Map<String, byte[]>> metadataFiles(String type, String fullName) {
    return state.metadata.get(type, fullName).map(MetadataComponent::files);
  }

  /** The full names of the org's metadata components of {@code type} ({@code ApexClass}, {@code Profile}, …), sorted. */
  public List<String> metadataNames(String type) {
    return state.metadata.ofType(type).stream().map(MetadataComponent::fullName).toList();
  }

  /**
   * Records a change made by hand in Setup, as Salesforce writes it to Setup Audit Trail: a test or
   * demo hook for changes no deployment explains (what a drift check looks for). {@code action},
   * {@code section} and {@code display} are the row's words, e.g. {@code PermSetEnableUserPerm},
   * {@code Manage Users}, {@code Changed permission set Data Steward: Modify All Data permission was
   * changed from disabled to enabled}; the row is dated now on the simulator's clock and created by
   * {@code username}. Only the audit trail changes, not the org's metadata.
   *
   * @return the row's 18-character id ({@code 0Ym…})
   * @throws IllegalArgumentException when the org has no user {@code username}
   */
  public String recordSetupChange(String username, String action, String section, String display) {
    return state.setupAuditTrail.recordManual(username, new SetupAuditActions.Entry(action, section, display), null);
  }

  public void resetRequestCounts() {
    state.resetCounts();
  }

  @Override
  public String toString() {
    return "Org[" + alias() + " " + state.orgId + " at " + state.url() + "]";
  }
}
