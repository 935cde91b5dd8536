package dev.portcullis.certs.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The inventory of an org with 500 certificates, each used by a named credential, plus the demo's (docs/PERFORMANCE.md,
 * "Certificate inventory"): every certificate found with its consumer. The elapsed time is printed for the record; the
 * target (under 10 s) is measured by hand, not asserted, on a shared build machine.
 */
class OrgCertificatesScaleTest {
  @Test
  void fiveHundredCertificatesWithTheirConsumers() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=portcullis-certs-scale");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(Instant.now().minus(Duration.ofDays(1))),
        Date.from(Instant.now().plus(Duration.ofDays(30))), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    try (OrgSimulator orgs = OrgSimulator.builder()
            .org(OrgSpec.builder("big").connectedApp("3MVG9.scale", certificate).user("ci@acme.example")
                .demoCertificates(true).bulkCertificates(500).build())
            .start();
        HttpClient http = HttpClient.newHttpClient()) {
      String session = new JwtBearerTokenClient(http, Duration.ofSeconds(30)).requestToken(new JwtBearerAssertion(
          "3MVG9.scale", "ci@acme.example", orgs.org("big").url().toString(), keys.getPrivate(), Clock.systemUTC()))
          .accessToken();
      MetadataClient client = MetadataClient.builder(orgs.org("big").url(), () -> session, http).sleeper(d -> { }).build();

      long start = System.nanoTime();
      Inventory inventory = new OrgCertificates(client, Duration.ofMinutes(2)).discover("big");
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      System.out.println("inventory of 506 certificates and their consumers: " + took.toMillis() + " ms");
      assertThat(inventory.items()).hasSize(506);
      assertThat(inventory.items()).filteredOn(i -> i.subject().startsWith("CN=Bulk_"))
          .allSatisfy(i -> assertThat(i.consumers()).singleElement()
              .extracting(InventoryItem.Consumer::type).isEqualTo("NamedCredential"));
    }
  }
}
