package dev.portcullis.orgsim;

import dev.portcullis.orgsim.OrgData.Row;
import dev.portcullis.orgsim.Schema.SObjectDef;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one simulated org holds: schema, records, sessions, OAuth settings, faults and
 * request counters. Records are guarded by synchronizing on {@link #data}.
 */
final class OrgState {
  private static final String DEFAULT_FIXTURE = "orgsim/default-fixture.yaml";

  final OrgSpec spec;
  final Clock clock;
  final String orgId;
  final Schema schema = Schema.standard();
  final OrgData data;
  final SessionStore sessions;
  final Faults faults;
  final Set<String> preAuthorized = ConcurrentHashMap.newKeySet();
  final byte[] signingSecret = new byte[32];
  final QueryCursors cursors;
  final MetadataStore metadata = new MetadataStore();
  final SetupAuditTrail setupAuditTrail = new SetupAuditTrail(this);
  final Deployments deployments;
  final Retrievals retrievals;
  private final Map<Endpoint, AtomicInteger> counts = new EnumMap<>(Endpoint.class);
  private volatile String url;

  OrgState(OrgSpec spec, Clock clock, int index) {
    this.spec = spec;
    this.clock = clock;
    String pod = podCode(index);
    SecureRandom random = new SecureRandom();
    random.nextBytes(signingSecret);
    this.orgId = spec.orgId() != null ? SalesforceId.to18(spec.orgId()) : SalesforceId.to18("00D" + pod + "00000" + randomDigits(random));
    this.data = new OrgData(schema, pod);
    this.sessions = new SessionStore(orgId.substring(0, 15), clock, spec.sessionTimeout());
    this.faults = new Faults(sessions::expireAll);
    this.cursors = new QueryCursors(clock);
    this.deployments = new Deployments(this);
    this.retrievals = new Retrievals(this);
    for (Endpoint e : Endpoint.values()) {
      counts.put(e, new AtomicInteger());
    }
    seed();
  }

  private void seed() {
    String yaml = spec.fixtureYaml() != null ? spec.fixtureYaml() : defaultFixture();
    Instant now = clock.instant();
    FixtureLoader.Result fixture = FixtureLoader.load(yaml, spec.fixtureName(), data, now);
    fixture.preAuthorizedUsernames().forEach(u -> preAuthorized.add(u.toLowerCase(Locale.ROOT)));
    SObjectDef userType = schema.type("User").orElseThrow();
    String profileId = schema.type("Profile").stream().flatMap(t -> data.rows(t).stream()).map(Row::id).findFirst().orElse(null);
    for (OrgSpec.UserSpec user : spec.users()) {
      Row row = data.findUser(user.username()).orElse(null);
      if (row == null) {
        row = new Row(userType);
        row.values.put("Id", data.newId(userType));
        String local = user.username().contains("@") ? user.username().substring(0, user.username().indexOf('@')) : user.username();
        row.values.put("Username", user.username());
        row.values.put("FirstName", "Integration");
        row.values.put("LastName", local);
        row.values.put("Email", user.username().contains("@") ? user.username() : user.username() + "@example.invalid");
        row.values.put("Alias", local.length() > 8 ? local.substring(0, 8) : local);
        row.values.put("ProfileId", profileId);
        data.insert(row);
      }
      row.values.put("IsActive", user.active());
      if (user.preAuthorized()) {
        preAuthorized.add(user.username().toLowerCase(Locale.ROOT));
      } else {
        preAuthorized.remove(user.username().toLowerCase(Locale.ROOT));
      }
    }
    SObjectDef orgType = schema.type("Organization").orElseThrow();
    Row org = new Row(orgType);
    org.values.put("Id", orgId);
    org.values.put("Name", spec.alias());
    org.values.put("InstanceName", spec.environment() == OrgEnvironment.SANDBOX ? "CS901" : "SIM1");
    org.values.put("IsSandbox", spec.environment() == OrgEnvironment.SANDBOX);
    org.values.put("OrganizationType", "Enterprise Edition");
    org.values.put("Country", "US");
    org.values.put("TimeZoneSidKey", "GMT");
    org.values.put("LanguageLocaleKey", "en_US");
    org.values.putAll(fixture.organization());
    data.insert(org);
    String firstUser = data.rows(userType).stream().map(Row::id).findFirst().orElse(null);
    for (SObjectDef type : schema.types()) {
      for (Row row : data.rows(type)) {
        RecordDefaults.onInsert(row, now, firstUser);
      }
    }
    metadata.seed(now, firstUser, this::newId);
    if (spec.demoCertificates() || spec.bulkCertificates() > 0) {
      CertificateSeed seed = new CertificateSeed(now, firstUser, this::newId);
      if (spec.demoCertificates()) {
        seed.demo().forEach(metadata::put);
        if (firstUser != null) {
          SObjectDef certificateType = schema.type("UserAuthCertificate").orElseThrow();
          Row certificate = new Row(certificateType);
          certificate.values.put("Id", data.newId(certificateType));
          certificate.values.put("DeveloperName", "Login_Certificate");
          certificate.values.put("MasterLabel", "Login Certificate");
          certificate.values.put("Language", "en_US");
          certificate.values.put("UserId", firstUser);
          certificate.values.put("CertificateChain",
              seed.userAuthCertificate(String.valueOf(data.byId(firstUser).orElseThrow().values.get("Username"))));
          RecordDefaults.onInsert(certificate, now, firstUser);
          data.insert(certificate);
        }
      }
      seed.bulk(spec.bulkCertificates()).forEach(metadata::put);
    }
  }

  /** A new id with {@code keyPrefix}, unique in this org. */
  String newId(String keyPrefix) {
    synchronized (data) {
      return data.newId(keyPrefix);
    }
  }

  /** A user's name as Salesforce shows it ({@code createdByName}): first and last name. */
  String userName(String userId) {
    synchronized (data) {
      return data.byId(userId).map(r -> (r.values.get("FirstName") == null ? "" : r.values.get("FirstName") + " ")
          + (r.values.get("LastName") == null ? "" : r.values.get("LastName"))).orElse("").strip();
    }
  }

  private static String defaultFixture() {
    try (InputStream in = OrgState.class.getClassLoader().getResourceAsStream(DEFAULT_FIXTURE)) {
      if (in == null) {
        throw new IllegalStateException("built-in fixture " + DEFAULT_FIXTURE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String podCode(int index) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    return "" + alphabet.charAt((index / 26) % 26) + alphabet.charAt(index % 26);
  }

  private static String randomDigits(SecureRandom random) {
    StringBuilder b = new StringBuilder();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int i = 0; i < 5; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  void url(String url) {
    this.url = url;
  }

  /** The org's base URL, no trailing slash: its login URL, and its instance URL unless the spec names another. */
  String url() {
    return url;
  }

  /** What token answers name as {@code instance_url}: the spec's, else {@link #url()}. */
  String instanceUrl() {
    return spec.instanceUrl() != null ? spec.instanceUrl().toString() : url;
  }

  void count(Endpoint endpoint) {
    counts.get(endpoint).incrementAndGet();
  }

  int requestCount(Endpoint endpoint) {
    return counts.get(endpoint).get();
  }

  void resetCounts() {
    counts.values().forEach(c -> c.set(0));
  }
}
