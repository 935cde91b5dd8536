package dev.portcullis.bench;

import dev.portcullis.identity.broker.IntegrationUser;
import dev.portcullis.identity.broker.OrgTarget;
import dev.portcullis.identity.broker.SalesforceTokens;
import dev.portcullis.orgsim.OidcIssuerSimulator;
import dev.portcullis.policy.PolicyBundle;
import dev.portcullis.salesforce.oauth.AccessToken;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.config.Config;
import dev.portcullis.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token exchange's load harness (issue 5): {@code POST /oauth2/token} end to end over loopback
 * HTTP — form parsing, OIDC verification against orgsim's GitHub-shaped issuer (warm JWKS), the
 * default policy pack, the store (SQLite, or PostgreSQL with {@code --postgres URL}), the ledger
 * entry committed before the answer — with Salesforce's round trip left out (the token source
 * answers from memory). Side by side in one run:
 *
 * <ol>
 *   <li>{@code GET /healthz} on the admin listener: the HTTP floor of this client and server;
 *   <li>refused exchanges (a feature branch asking to deploy to production: verification, policy,
 *       the {@code session.refused} entry);
 *   <li>issued sessions ({@code api:read} on production: all of the above, a new session row and
 *       the {@code session.created} entry).
 * </ol>
 *
 * Each at 1, 4 and 16 concurrent clients for {@code --seconds} (default 10) after a warm-up;
 * latency percentiles over every request. Target: p99 ≤ 20 ms.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.portcullis.bench.TokenExchangeLoad
 * [--seconds S] [--postgres postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=bench] [--batch-wait 0ms]}
 */
public final class TokenExchangeLoad {
  static final String ORG_ID = "00D5e000000AbCdEAA";
  static final int[] CONCURRENCY = {1, 4, 16};

  private TokenExchangeLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    String postgres = null;
    String batchWait = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--postgres" -> postgres = args[++i];
        case "--batch-wait" -> batchWait = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (known: --seconds S, --postgres URL, --batch-wait DURATION)");
      }
    }
    Path dir = Files.createTempDirectory("portcullis-exchange-load");
    try (OidcIssuerSimulator issuers = OidcIssuerSimulator.builder().port(0).githubAudience("portcullis").start()) {
      Config config = ConfigLoader.load(writeConfig(dir, issuers, postgres, batchWait), Map.of());
      AtomicLong sessions = new AtomicLong();
      try (PortcullisServer server = PortcullisServer.start(config, dir.resolve("data"), c -> new MemoryTokens(sessions));
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        URI token = server.gatewayUrl().orElseThrow().resolve("/oauth2/token");
        URI health = server.adminUrl().resolve("/healthz");
        String main = form(issuers.github().mint(Map.of()), "api:read");
        String feature = form(issuers.github().mint(Map.of("ref", "refs/heads/feature/x",
            "sub", "repo:acme/salesforce-app:ref:refs/heads/feature/x")), "metadata:deploy");
        HttpRequest healthz = HttpRequest.newBuilder(health).build();
        HttpRequest refused = post(token, feature);
        HttpRequest issued = post(token, main);
        check(http, issued, 200);
        check(http, refused, 403);

        System.out.printf("token exchange load, %d s per run, store %s, ledger batch_wait %s, %d cores, Java %s%n",
            seconds, postgres == null ? "SQLite" : "PostgreSQL", config.ledger().batchWait().toMillis() + " ms",
            Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf("%-28s %5s %10s %9s %9s %9s %9s %9s%n", "request", "conc", "req/s", "p50 ms", "p90 ms",
            "p99 ms", "p99.9 ms", "max ms");
        for (var run : List.of(Map.entry("GET /healthz (floor)", healthz), Map.entry("exchange refused (403)", refused),
            Map.entry("exchange issued (200)", issued))) {
          int expected = run.getValue() == healthz ? 200 : run.getValue() == refused ? 403 : 200;
          measure(http, run.getValue(), expected, 1, Math.min(5, seconds)); // warm-up
          for (int clients : CONCURRENCY) {
            Result result = measure(http, run.getValue(), expected, clients, seconds);
            System.out.printf("%-28s %5d %10.0f %9.2f %9.2f %9.2f %9.2f %9.2f%n", run.getKey(), clients,
                result.perSecond(), result.percentile(50), result.percentile(90), result.percentile(99),
                result.percentile(99.9), result.max());
          }
        }
        System.out.printf("sessions issued: %d%n", sessions.get());
      }
    } finally {
      deleteTree(dir);
    }
  }

  record Result(long[] nanos, int count, double seconds) {
    double perSecond() {
      return count / seconds;
    }

    double percentile(double p) {
      int index = (int) Math.ceil(p / 100.0 * count) - 1;
      return nanos[Math.max(0, Math.min(count - 1, index))] / 1e6;
    }

    double max() {
      return nanos[count - 1] / 1e6;
    }
  }

  static Result measure(HttpClient http, HttpRequest request, int expected, int clients, int seconds) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicInteger failures = new AtomicInteger();
    List<long[]> perClient = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        futures.add(pool.submit(() -> {
          long[] samples = new long[1 << 16];
          int n = 0;
          while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsed = System.nanoTime() - t0;
            if (response.statusCode() != expected) {
              failures.incrementAndGet();
            }
            if (n == samples.length) {
              samples = Arrays.copyOf(samples, n * 2);
            }
            samples[n++] = elapsed;
          }
          return Arrays.copyOf(samples, n);
        }));
      }
      for (Future<long[]> future : futures) {
        long[] samples = future.get();
        perClient.add(samples);
        counts.add(samples.length);
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " requests did not answer " + expected);
    }
    int total = counts.stream().mapToInt(Integer::intValue).sum();
    long[] all = new long[total];
    int at = 0;
    for (long[] samples : perClient) {
      System.arraycopy(samples, 0, all, at, samples.length);
      at += samples.length;
    }
    Arrays.sort(all);
    return new Result(all, total, elapsed);
  }

  /** Salesforce tokens from memory: the broker's work without Salesforce's round trip. */
  static final class MemoryTokens implements SalesforceTokens {
    private final AtomicLong counter;

    MemoryTokens(AtomicLong counter) {
      this.counter = counter;
    }

    @Override
    public AccessToken obtain(IntegrationUser user, OrgTarget org) {
      long n = counter.incrementAndGet();
      return new AccessToken(org.orgId() + "!bench" + n, URI.create("https://bench.my.salesforce.com"),
          URI.create("https://login.salesforce.com/id/" + org.orgId() + "/005000000000001AAA"), "Bearer", "api",
          null, org.orgId(), "005000000000001AAA");
    }

    @Override
    public void revoke(OrgTarget org, AccessToken token) {}
  }

  private static Path writeConfig(Path dir, OidcIssuerSimulator issuers, String postgres, String batchWait)
      throws Exception {
    Path policies = dir.resolve("policies");
    Files.createDirectories(policies);
    PolicyBundle.writeDefault(policies);
    Path params = policies.resolve("params.yaml");
    Files.writeString(params, Files.readString(params).replace("allowed_github_repositories: []",
        "allowed_github_repositories: [\"acme/salesforce-app\"]"));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    Path key = dir.resolve("org-key.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    String storage = (postgres == null ? "" : "storage: { url: \"" + postgres + "\" }\n")
        + (batchWait == null ? "" : "ledger: { batch_wait: " + batchWait + " }\n");
    Path file = dir.resolve("portcullis.yaml");
    Files.writeString(file, """
        server:
          admin: { host: 127.0.0.1, port: 0 }
          gateway: { host: 127.0.0.1, port: 0 }
        logging: { level: warn }
        %sidentity:
          issuers:
            - { issuer: %s, dialect: github_actions, jwks_url: %s }
        broker: { policies: policies }
        orgs:
          - alias: prod
            environment: production
            login_url: https://login.salesforce.com
            instance_url: https://acme.my.salesforce.com
            consumer_key: 3MVG9BENCH
            username: integration@acme.com
            private_key: org-key.pem
            org_id: %s
            integration_users:
              - { username: reader@acme.com, scopes: [api:read], private_key: org-key.pem }
              - { username: deployer@acme.com, scopes: [api:read, metadata:deploy], private_key: org-key.pem }
        """.formatted(storage, issuers.github().issuer(), issuers.github().jwksUri(), ORG_ID));
    return file;
  }

  private static String form(String subjectToken, String scope) {
    return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=" + subjectToken
        + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token&audience=prod&scope="
        + scope.replace(":", "%3A");
  }

  private static HttpRequest post(URI uri, String form) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
  }

  private static void check(HttpClient http, HttpRequest request, int expected) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException("expected " + expected + ", got " + response.statusCode() + ": " + response.body());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
