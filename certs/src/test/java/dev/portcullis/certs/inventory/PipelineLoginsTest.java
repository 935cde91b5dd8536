package dev.portcullis.certs.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.certs.Use;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI pipelines that log in with the JWT bearer flow are consumers of the certificate of the connected app (or External
 * Client App) whose consumer key they name: found in the CI files beside an SFDX project, as the Salesforce CLI's
 * {@code sf org login jwt} / {@code sfdx auth:jwt:grant} commands are written in them.
 */
class PipelineLoginsTest {
  private static final String KEY = "3MVG9pipeline.Consumer_Key";

  @Test
  void aPipelineNamingAConnectedAppsConsumerKeyIsAConsumerOfItsCertificate(@TempDir Path repo) throws Exception {
    Files.createDirectories(repo.resolve(".git"));
    Path project = Files.createDirectories(repo.resolve("salesforce"));
    Path apps = Files.createDirectories(project.resolve("force-app/main/default/connectedApps"));
    Files.writeString(apps.resolve("CI_Deployer.connectedApp-meta.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
            <label>CI Deployer</label>
            <oauthConfig>
                <certificate>%s</certificate>
                <consumerKey>%s</consumerKey>
                <scopes>Api</scopes>
            </oauthConfig>
        </ConnectedApp>
        """.formatted(pem(selfSigned("CN=ci-deployer")), KEY));
    Files.createDirectories(repo.resolve(".github/workflows"));
    Files.writeString(repo.resolve(".github/workflows/deploy.yml"), """
        name: deploy
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Log in
                run: |
                  sf org login jwt --client-id %s \\
                    --jwt-key-file server.key --username ci@acme.example --alias prod
              - name: Log in to the sandbox
                run: sf org login jwt --client-id ${{ secrets.SANDBOX_CLIENT_ID }} --jwt-key-file server.key --username ci@acme.example.uat
        """.formatted(KEY));
    Files.writeString(repo.resolve(".gitlab-ci.yml"), """
        deploy:
          script:
            - sfdx force:auth:jwt:grant -i 3MVG9someOtherApp.Key -f server.key -u ci@acme.example
        """);
    Files.writeString(repo.resolve("README.md"), "sf org login jwt --client-id " + KEY + " (docs are not pipelines)\n");

    Inventory inventory = SourceDirectoryCertificates.discover(project);

    InventoryItem app = inventory.items().stream().filter(i -> i.subject().contains("ci-deployer")).findFirst().orElseThrow();
    assertThat(app.consumers()).extracting(InventoryItem.Consumer::type).containsExactly("ConnectedApp", "Pipeline");
    InventoryItem.Consumer pipeline = app.consumers().get(1);
    assertThat(pipeline.name()).isEqualTo(".github/workflows/deploy.yml:10");
    assertThat(pipeline.field()).isEqualTo("JWT bearer login to ConnectedApp CI_Deployer as ci@acme.example");
    assertThat(pipeline.use()).isEqualTo(Use.INBOUND_SSO);
    assertThat(app.sources()).extracting(InventoryItem.Source::location).contains(".github/workflows/deploy.yml:10");
    assertThat(inventory.notes()).anySatisfy(n -> assertThat(n).contains(".github/workflows/deploy.yml:13",
        "${{ secrets.SANDBOX_CLIENT_ID }}", "cannot be read from the file"));
    assertThat(inventory.notes()).anySatisfy(n -> assertThat(n).contains(".gitlab-ci.yml:3", "3MVG9someOtherApp.Key",
        "not among this source's"));
    assertThat(inventory.notes()).noneSatisfy(n -> assertThat(n).contains("README"));
  }

  @Test
  void theSearchStopsAtTheRepositoryRoot(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve(".github/workflows"));
    Files.writeString(dir.resolve(".github/workflows/outer.yml"), "run: sf org login jwt --client-id 3MVG9outer.key\n");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve(".git"));
    Path project = Files.createDirectories(repo.resolve("app"));

    assertThat(PipelineLogins.find(project)).isEmpty();
    assertThat(PipelineLogins.find(dir)).singleElement()
        .satisfies(l -> assertThat(l.clientId()).contains("3MVG9outer.key"));
  }

  @Test
  void flagsAreReadInTheirSpellingsAndVariablesAreNotTakenForKeys(@TempDir Path dir) throws Exception {
    Path jenkins = Files.writeString(dir.resolve("Jenkinsfile"), """
        sh "sf org login jwt --client-id=3MVG9equals.key --username=ci@acme.example"
        sh 'sfdx auth:jwt:grant --clientid "3MVG9quoted.key" --jwtkeyfile k -o admin@acme.example'
        sh "sf org login jwt --client-id $SF_CONSUMER_KEY --jwt-key-file k"
        sh "sf org login jwt --jwt-key-file k --username ci@acme.example"
        """);

    List<PipelineLogins.Login> logins = PipelineLogins.read(dir, jenkins);

    assertThat(logins).extracting(PipelineLogins.Login::clientId).containsExactly(Optional.of("3MVG9equals.key"),
        Optional.of("3MVG9quoted.key"), Optional.empty(), Optional.empty());
    assertThat(logins).extracting(PipelineLogins.Login::username).containsExactly(Optional.of("ci@acme.example"),
        Optional.of("admin@acme.example"), Optional.empty(), Optional.of("ci@acme.example"));
    assertThat(logins.get(2).clientIdAsWritten()).isEqualTo("$SF_CONSUMER_KEY");
    assertThat(logins).extracting(PipelineLogins.Login::line).containsExactly(1, 2, 3, 4);
  }

  @Property(tries = 200)
  void anyTextInACiFileIsReadWithoutFailing(@ForAll @Size(max = 40) List<@Size(max = 120) String> lines) throws Exception {
    Path dir = Files.createTempDirectory("ci");
    try {
      Path file = Files.writeString(dir.resolve(".gitlab-ci.yml"),
          String.join("\n", lines.stream().map(l -> l.replace('\n', ' ').replace('\r', ' ')).toList())
              + "\nsf org login jwt --client-id \n");
      List<PipelineLogins.Login> logins = PipelineLogins.read(dir, file);
      assertThat(logins).isNotEmpty().allSatisfy(l -> assertThat(l.line()).isBetween(1, lines.size() + 2));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static byte[] selfSigned(String subject) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name(subject);
    return new JcaX509v3CertificateBuilder(name, BigInteger.TWO, Date.from(Instant.now().minus(Duration.ofDays(1))),
        Date.from(Instant.now().plus(Duration.ofDays(300))), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
  }

  private static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----";
  }
}
