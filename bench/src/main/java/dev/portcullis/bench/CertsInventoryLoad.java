package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issue 8, "Speed": the inventory of an org with 500 certificates and their consumers, under 10 s against the
 * simulator, measured as a user runs it. Starts orgsim in this JVM with the demo org's certificates plus {@code
 * BULK} more (each a self-signed Certificate named by a NamedCredential of its own), obtains a session through the
 * OAuth JWT bearer flow, then runs {@code portcullis certs inventory --org big --json} as a new process each round
 * (the launcher given, e.g. {@code ./portcullis}, or {@code java -jar cli/target/portcullis.jar}): process start to
 * exit, listMetadata, the retrieve of every Certificate and consumer, the zip read, the REST reads, classification
 * and the JSON written. Prints per round the wall time, the certificates and consumers in the JSON, and checks that
 * every bulk certificate came back with its named credential (a round that misses one fails the run).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.portcullis.bench.CertsInventoryLoad [BULK] [ROUNDS]
 * LAUNCHER...}
 */
public final class CertsInventoryLoad {
  private static final String KEY = "3MVG9.inventory.bench";
  private static final String USER = "ci@acme.example";

  private CertsInventoryLoad() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CertsInventoryLoad BULK ROUNDS LAUNCHER... (e.g. 500 5 ./portcullis)");
      System.exit(2);
    }
    int bulk = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    List<String> launcher = List.of(args).subList(2, args.length);

    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-inventory-bench");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.now().minus(Duration.ofDays(1))),
        Date.from(Instant.now().plus(Duration.ofDays(30))), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    long seeding = System.nanoTime();
    try (OrgSimulator orgs = OrgSimulator.builder()
            .org(OrgSpec.builder("big").connectedApp(KEY, certificate).user(USER).demoCertificates(true)
                .bulkCertificates(bulk).build())
            .start();
        HttpClient http = HttpClient.newHttpClient()) {
      System.out.printf("orgsim seeded with the demo certificates + %d bulk ones in %d ms%n", bulk,
          Duration.ofNanos(System.nanoTime() - seeding).toMillis());
      String session = new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(new JwtBearerAssertion(
          KEY, USER, orgs.org("big").url().toString(), keys.getPrivate(), Clock.systemUTC())).accessToken();
      Path output = Files.createTempFile("inventory", ".json");
      try {
        List<Long> times = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          List<String> command = new ArrayList<>(launcher);
          command.addAll(List.of("certs", "inventory", "--org", "big", "--json"));
          ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT);
          builder.environment().put("SF_ACCESS_TOKEN", session);
          builder.environment().put("SF_INSTANCE_URL", orgs.org("big").url().toString());
          long start = System.nanoTime();
          int exit = builder.start().waitFor();
          long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
          String json = Files.readString(output, StandardCharsets.UTF_8);
          if (exit != 0) {
            throw new IllegalStateException("round " + round + ": the inventory exited " + exit);
          }
          JsonNode items = new ObjectMapper().readTree(json).path("items");
          int consumers = 0;
          int bulkWithCredential = 0;
          for (JsonNode item : items) {
            consumers += item.path("consumers").size();
            boolean named = false;
            for (JsonNode consumer : item.path("consumers")) {
              named |= consumer.path("type").asText().equals("NamedCredential");
            }
            if (item.path("subject").asText().startsWith("CN=Bulk_") && named) {
              bulkWithCredential++;
            }
          }
          if (bulkWithCredential != bulk) {
            throw new IllegalStateException("round " + round + ": " + bulkWithCredential + " bulk certificates with"
                + " their named credential in the JSON, expected " + bulk);
          }
          times.add(millis);
          System.out.printf("round %d: %,d ms end to end (%d certificates, %d consumers; every bulk certificate with"
              + " its named credential)%n", round, millis, items.size(), consumers);
        }
        List<Long> sorted = times.stream().sorted().toList();
        System.out.printf("median %,d ms, best %,d ms, worst %,d ms over %d rounds%n", sorted.get(sorted.size() / 2),
            sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
      } finally {
        Files.deleteIfExists(output);
      }
    }
  }

}
