package dev.portcullis.bench;

import dev.portcullis.certs.check.CertificateChecks;
import dev.portcullis.certs.check.CheckContext;
import dev.portcullis.certs.check.Finding;
import dev.portcullis.certs.check.Subject;
import dev.portcullis.certs.check.TrustAnchors;
import dev.portcullis.certs.Use;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issue 8, "Speed": the full certificate check ({@code CertificateChecks.check}, all 22 checks, path
 * validation included) of N chains on T threads. Each chain is a distinct leaf (its own key and
 * names) under one of 4 intermediates and a private root given as trust anchor, as a Web PKI chain is
 * served: leaf and intermediate. Leaves are RSA-2048 signed by RSA-2048 intermediates (the common
 * public-CA shape) or, with {@code ec}, P-256 throughout. Chains are built before the clock starts;
 * the first round warms the JIT. Each round checks its own chains (new leaf certificates), so caches filled
 * by one round do not answer the next. Prints chains/s per round, and the checking threads' CPU time per chain
 * (with the rate it implies on unshared cores), which other load on a shared machine disturbs far less.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.portcullis.bench.CertsCheckLoad [CHAINS] [THREADS] [ROUNDS] [rsa|ec]}
 */
public final class CertsCheckLoad {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final AtomicLong SERIALS = new AtomicLong(1);
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private CertsCheckLoad() {
  }

  public static void main(String[] args) throws Exception {
    int chains = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean ec = args.length > 3 && args[3].equals("ec");
    KeyPair rootKey = key(ec);
    byte[] root = certificate("CN=Bench Root", rootKey, "CN=Bench Root", rootKey, true, NOW.plus(3650, ChronoUnit.DAYS), null);
    List<KeyPair> caKeys = new ArrayList<>();
    List<byte[]> cas = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KeyPair caKey = key(ec);
      caKeys.add(caKey);
      cas.add(certificate("CN=Bench CA " + i, caKey, "CN=Bench Root", rootKey, true, NOW.plus(1825, ChronoUnit.DAYS), null));
    }
    List<KeyPair> leafKeys = new ArrayList<>();
    for (int i = 0; i < chains; i += 16) {
      leafKeys.add(key(ec)); // a fresh key every 16 leaves keeps set-up time reasonable; every certificate is distinct
    }
    // Every round checks chains of its own (new leaf certificates, serials and names), so that no round is
    // answered from what an earlier one left in the path validator's caches; only the 4 intermediates and
    // the root are common to all chains, as in a real inventory.
    List<List<Subject>> subjectsByRound = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      int r = round;
      subjectsByRound.add(IntStream.range(0, chains).parallel().mapToObj(i -> {
        int ca = i % 4;
        String host = "host" + i + ".r" + r + ".bench.test";
        try {
          byte[] leaf = certificate("CN=" + host, leafKeys.get(i / 16), "CN=Bench CA " + ca, caKeys.get(ca), false,
              NOW.plus(60 + i % 30, ChronoUnit.DAYS), host);
          return new Subject("chain-" + r + "-" + i, Use.OUTBOUND_TLS, List.of(leaf, cas.get(ca)), Optional.empty(), Optional.empty());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).toList());
    }
    CheckContext context = CheckContext.of(NOW, TrustAnchors.mozilla().withPrivate(List.of(root)));
    System.out.printf("certs check load: %,d chains (%s), %d threads, %d cores%n", chains, ec ? "P-256" : "RSA-2048",
        threads, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 1; round <= rounds; round++) {
        List<Subject> subjects = subjectsByRound.get(round - 1);
        long start = System.nanoTime();
        List<Future<long[]>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          parts.add(pool.submit(() -> {
            long cpuStart = CPU.getCurrentThreadCpuTime();
            long findings = 0;
            for (int i = first; i < subjects.size(); i += threads) {
              List<Finding> result = CertificateChecks.check(subjects.get(i), context);
              findings += result.size();
            }
            return new long[] {findings, CPU.getCurrentThreadCpuTime() - cpuStart};
          }));
        }
        long findings = 0;
        long cpuNanos = 0;
        for (Future<long[]> part : parts) {
          long[] result = part.get();
          findings += result[0];
          cpuNanos += result[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicrosPerChain = cpuNanos / 1e3 / chains;
        // The CPU time the checking threads used is what other processes on a shared machine do not steal:
        // threads x 1e6 / (CPU µs per chain) is the rate the threads would reach with a core each to themselves.
        System.out.printf("round %d: %,d chains in %.2f s = %,.0f chains/s (%,d findings); %.1f CPU µs/chain = %,.0f chains/s"
            + " on %d unshared cores%n", round, chains, seconds, chains / seconds, findings, cpuMicrosPerChain,
            threads * 1e6 / cpuMicrosPerChain, threads);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static KeyPair key(boolean ec) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(ec ? "EC" : "RSA");
    if (ec) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
    }
    return generator.generateKeyPair();
  }

  private static byte[] certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey, boolean ca, Instant notAfter,
      String dns) throws Exception {
    JcaX509ExtensionUtils utilities = new JcaX509ExtensionUtils();
    var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(NOW.minus(30, ChronoUnit.DAYS)), Date.from(notAfter), new X500Name(subject), key.getPublic());
    builder.addExtension(Extension.subjectKeyIdentifier, false, utilities.createSubjectKeyIdentifier(key.getPublic()));
    if (!subject.equals(issuer)) {
      builder.addExtension(Extension.authorityKeyIdentifier, false, utilities.createAuthorityKeyIdentifier(issuerKey.getPublic()));
    }
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (!ca) {
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
      builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
          new DistributionPoint(new DistributionPointName(new GeneralNames(
              new GeneralName(GeneralName.uniformResourceIdentifier, "http://crl.bench.test/ca.crl"))), null, null)}));
    }
    String algorithm = issuerKey.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate())).getEncoded();
  }
}
