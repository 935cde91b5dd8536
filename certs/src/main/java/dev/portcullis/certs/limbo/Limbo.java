package dev.portcullis.certs.limbo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.certs.path.PathValidator;
import dev.portcullis.certs.path.PeerName;
import dev.portcullis.certs.path.Pem;
import dev.portcullis.certs.path.Purpose;
import dev.portcullis.certs.path.ValidationRequest;
import dev.portcullis.certs.path.ValidationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Runs the C2SP x509-limbo test vectors (https://github.com/C2SP/x509-limbo, {@code limbo.json})
 * through {@link PathValidator} and reports agreement with each case's {@code expected_result}.
 *
 * <p>Field meanings follow the upstream schema ({@code limbo-schema.json}, x509-limbo's
 * {@code harness} docs): {@code trusted_certs} are the anchors, {@code untrusted_intermediates} the
 * pool, {@code validation_time} null means now, {@code extended_key_usage} (empty: by
 * {@code validation_kind}) the purposes the leaf must serve, {@code key_usage} the bits it must
 * assert, {@code expected_peer_name} the SERVER name to match, {@code expected_peer_names} names the
 * leaf must carry, {@code max_chain_depth} the most intermediates, {@code crls} the CRLs to honour.
 * Each case runs under a time cap; a case past the cap counts as a disagreement ("timed out").
 */
public final class Limbo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> cases;

  private Limbo(List<JsonNode> cases) {
    this.cases = List.copyOf(cases);
  }

  /** Reads a limbo.json file (top-level object with {@code testcases}). */
  public static Limbo load(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readAllBytes(file));
    JsonNode testcases = root == null ? null : root.get("testcases");
    if (testcases == null || !testcases.isArray()) {
      throw new IOException(file + ": not an x509-limbo file (no \"testcases\" array)");
    }
    List<JsonNode> cases = new ArrayList<>();
    testcases.forEach(cases::add);
    return new Limbo(cases);
  }

  public int size() {
    return cases.size();
  }

  /** Agreement per case, overall and per category (the id up to its first "::"). */
  public record Report(int total, int agreed, Map<String, Tally> categories, List<Outcome> outcomes, Duration elapsed) {
    public Report {
      categories = java.util.Collections.unmodifiableMap(new TreeMap<>(categories));
      outcomes = List.copyOf(outcomes);
    }

    /** The cases where our verdict differs from the expected one, in file order. */
    public List<Outcome> disagreements() {
      return outcomes.stream().filter(o -> !o.agrees()).toList();
    }

    /** The longest-running case. */
    public Outcome slowest() {
      return outcomes.stream().max(java.util.Comparator.comparing(Outcome::took)).orElse(null);
    }
  }

  public record Tally(int total, int agreed) {}

  /**
   * One case's verdicts: expected and ours ("SUCCESS", "FAILURE", or "TIMEOUT"/"ERROR" when the
   * validator did not answer), our first reason when we refused, and how long validation took.
   */
  public record Outcome(String id, String expected, String ours, String reason, Duration took) {
    public boolean agrees() {
      return expected.equals(ours);
    }
  }

  /** Runs every case, each capped at {@code perCase}; a null validation time means {@code clock}'s now. */
  public Report run(Duration perCase, Clock clock) {
    Instant start = clock.instant();
    long started = System.nanoTime();
    Map<String, int[]> tallies = new TreeMap<>();
    List<Outcome> outcomes = new ArrayList<>();
    int agreed = 0;
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      warmUp(start);
      for (JsonNode testcase : cases) {
        Outcome outcome = runOne(testcase, perCase, start, executor);
        outcomes.add(outcome);
        boolean agrees = outcome.agrees();
        int[] tally = tallies.computeIfAbsent(category(outcome.id()), c -> new int[2]);
        tally[0]++;
        if (agrees) {
          tally[1]++;
          agreed++;
        }
      }
    }
    Map<String, Tally> categories = new TreeMap<>();
    tallies.forEach((name, t) -> categories.put(name, new Tally(t[0], t[1])));
    return new Report(cases.size(), agreed, categories, outcomes, Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * Validates the first usable case of each category once, untimed, so that class loading and the
   * JIT's first compilations of each code path (CRLs, name constraints, long chains) are not
   * charged to whichever case happens to run first.
   */
  private void warmUp(Instant now) {
    Set<String> warmed = new java.util.HashSet<>();
    for (JsonNode testcase : cases) {
      String category = category(testcase.path("id").asText());
      if (warmed.contains(category)) {
        continue;
      }
      try {
        PathValidator.validate(request(testcase, now, Duration.ofSeconds(10)));
        warmed.add(category);
      } catch (RuntimeException e) {
        // not usable: the category's next case will do
      }
    }
  }

  private static Outcome runOne(JsonNode testcase, Duration cap, Instant now, ExecutorService executor) {
    String id = testcase.path("id").asText();
    String expected = testcase.path("expected_result").asText();
    ValidationRequest request;
    try {
      request = request(testcase, now, cap);
    } catch (RuntimeException e) {
      return new Outcome(id, expected, "FAILURE", "unusable case: " + e.getMessage(), Duration.ZERO);
    }
    // Timed from here: the validator's work, not the runner's PEM decoding.
    long started = System.nanoTime();
    Future<ValidationResult> future = executor.submit(() -> PathValidator.validate(request));
    try {
      ValidationResult result = future.get(cap.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return result.valid() ? new Outcome(id, expected, "SUCCESS", "", took)
          : new Outcome(id, expected, "FAILURE", result.failures().get(0).toString(), took);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Outcome(id, expected, "TIMEOUT", "timed out after " + cap.toMillis() + " ms", cap);
    } catch (ExecutionException e) {
      return new Outcome(id, expected, "ERROR", "validator threw " + e.getCause(), Duration.ofNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + id, e);
    }
  }

  static ValidationRequest request(JsonNode testcase, Instant now, Duration budget) {
    ValidationRequest.Builder builder = ValidationRequest.builder(Pem.certificate(testcase.path("peer_certificate").asText()))
        .intermediates(certificates(testcase.path("untrusted_intermediates")))
        .trustAnchors(certificates(testcase.path("trusted_certs")))
        .budget(budget);
    JsonNode time = testcase.path("validation_time");
    builder.time(time.isNull() || time.isMissingNode() ? now : OffsetDateTime.parse(time.asText()).toInstant());
    builder.purpose(purpose(testcase));
    JsonNode peer = testcase.path("expected_peer_name");
    if (peer.isObject()) {
      builder.peerName(peerName(peer));
    }
    testcase.path("expected_peer_names").forEach(name -> builder.peerName(peerName(name)));
    JsonNode depth = testcase.path("max_chain_depth");
    if (depth.isInt()) {
      builder.maxIntermediates(depth.asInt());
    }
    List<byte[]> crls = new ArrayList<>();
    testcase.path("crls").forEach(crl -> crls.addAll(Pem.decode(crl.asText(), "X509 CRL")));
    builder.crls(crls);
    Set<String> signatureAlgorithms = new LinkedHashSet<>();
    testcase.path("signature_algorithms").forEach(a -> signatureAlgorithms.add(signatureAlgorithm(a.asText())));
    builder.signatureAlgorithms(signatureAlgorithms);
    Set<String> keyUsage = new LinkedHashSet<>();
    testcase.path("key_usage").forEach(k -> keyUsage.add(k.asText()));
    builder.requiredKeyUsage(keyUsage);
    return builder.build();
  }

  private static List<byte[]> certificates(JsonNode pems) {
    List<byte[]> certificates = new ArrayList<>();
    pems.forEach(pem -> certificates.add(Pem.certificate(pem.asText())));
    return certificates;
  }

  private static Purpose purpose(JsonNode testcase) {
    Set<String> oids = new LinkedHashSet<>();
    testcase.path("extended_key_usage").forEach(name -> oids.add(keyPurpose(name.asText())));
    if (oids.isEmpty()) {
      return "CLIENT".equals(testcase.path("validation_kind").asText()) ? new Purpose.ClientAuth() : new Purpose.ServerAuth();
    }
    if (oids.equals(Set.of(Purpose.SERVER_AUTH))) {
      return new Purpose.ServerAuth();
    }
    if (oids.equals(Set.of(Purpose.CLIENT_AUTH))) {
      return new Purpose.ClientAuth();
    }
    return new Purpose.Custom(oids);
  }

  /** limbo's KnownEKUs names, RFC 5280 §4.2.1.12 OIDs. */
  private static String keyPurpose(String name) {
    return switch (name) {
      case "anyExtendedKeyUsage" -> "2.5.29.37.0";
      case "serverAuth" -> Purpose.SERVER_AUTH;
      case "clientAuth" -> Purpose.CLIENT_AUTH;
      case "codeSigning" -> "1.3.6.1.5.5.7.3.3";
      case "emailProtection" -> "1.3.6.1.5.5.7.3.4";
      case "timeStamping" -> "1.3.6.1.5.5.7.3.8";
      case "OCSPSigning" -> "1.3.6.1.5.5.7.3.9";
      default -> throw new IllegalArgumentException("unknown extended key usage name '" + name + "'");
    };
  }

  /** limbo's signature algorithm names. */
  private static String signatureAlgorithm(String name) {
    return switch (name) {
      case "RSA_WITH_SHA256" -> "1.2.840.113549.1.1.11";
      case "RSA_WITH_SHA384" -> "1.2.840.113549.1.1.12";
      case "RSA_WITH_SHA512" -> "1.2.840.113549.1.1.13";
      case "RSASSA_PSS" -> "1.2.840.113549.1.1.10";
      case "ECDSA_WITH_SHA256" -> "1.2.840.10045.4.3.2";
      case "ECDSA_WITH_SHA384" -> "1.2.840.10045.4.3.3";
      case "ECDSA_WITH_SHA512" -> "1.2.840.10045.4.3.4";
      case "ED25519" -> "1.3.101.112";
      default -> throw new IllegalArgumentException("unknown signature algorithm name '" + name + "'");
    };
  }

  private static PeerName peerName(JsonNode node) {
    String value = node.path("value").asText();
    return switch (node.path("kind").asText()) {
      case "DNS" -> new PeerName.Dns(value);
      case "IP" -> new PeerName.Ip(value);
      case "RFC822" -> new PeerName.Email(value);
      default -> throw new IllegalArgumentException("unknown peer name kind '" + node.path("kind").asText() + "'");
    };
  }

  static String category(String id) {
    int separator = id.indexOf("::");
    return separator < 0 ? id : id.substring(0, separator);
  }
}
