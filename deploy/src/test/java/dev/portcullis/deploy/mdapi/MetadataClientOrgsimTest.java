package dev.portcullis.deploy.mdapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.orgsim.Org;
import dev.portcullis.orgsim.OrgSimulator;
import dev.portcullis.orgsim.OrgSpec;
import dev.portcullis.salesforce.OrgEnvironment;
import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.AsyncResult;
import dev.portcullis.salesforce.metadata.CancelDeployResult;
import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployProgress;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.DescribeMetadataResult;
import dev.portcullis.salesforce.metadata.FileProperties;
import dev.portcullis.salesforce.metadata.ListMetadataQuery;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RetrieveRequest;
import dev.portcullis.salesforce.metadata.RetrieveResult;
import dev.portcullis.salesforce.metadata.RunTestsResult;
import dev.portcullis.salesforce.oauth.JwtBearerAssertion;
import dev.portcullis.salesforce.oauth.JwtBearerTokenClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production Metadata API client against orgsim's SOAP binding, a production org logged into
 * with the JWT bearer flow: deploy and poll, component and Apex test failures, validation and quick
 * deploy, cancel, retrieve of the seeded components, listMetadata, describeMetadata and faults.
 *
 * <p>orgsim's clock is fixed, so a deploy moves one step per status check; the client's sleeper
 * only records its waits. Nothing sleeps.
 */
class MetadataClientOrgsimTest {
  static final String CONSUMER_KEY = "3MVG9.portcullis.deploy.mdapi.test";
  static final String DEPLOYER = "deployer@acme.example";
  static final String APEX_META = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<ApexClass xmlns=\"http://soap.sforce.com/2006/04/metadata\"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

  static OrgSimulator orgs;
  static Org prod;
  static HttpClient http;
  static String session;
  static final List<Duration> waits = new CopyOnWriteArrayList<>();
  static MetadataClient metadata;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    orgs = OrgSimulator.builder().clock(CLOCK).org(OrgSpec.builder("prod").environment(OrgEnvironment.PRODUCTION)
        .connectedApp(CONSUMER_KEY, selfSigned(keys)).user(DEPLOYER).build()).start();
    prod = orgs.org("prod");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    session = new JwtBearerTokenClient(http, Duration.ofSeconds(30))
        .requestToken(new JwtBearerAssertion(CONSUMER_KEY, DEPLOYER, prod.url().toString(), keys.getPrivate(), CLOCK))
        .accessToken();
    metadata = MetadataClient.builder(prod.url(), () -> session, http).clock(CLOCK).sleeper(waits::add).build();
  }

  @AfterAll
  static void stop() {
    if (orgs != null) {
      orgs.close();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void aZipFromAFileDeploysAndThePollsReportProgressAndComponents() throws Exception {
    Path zip = Files.write(dir.resolve("package.zip"), zip(apexClass("SimHello", "public class SimHello {}\n")));
    List<DeployProgress> progress = new ArrayList<>();

    AsyncResult started = metadata.deploy(zip, DeployOptions.builder().singlePackage(true).build());
    DeployResult result = metadata.awaitDeploy(started.id(), Duration.ofMinutes(5), progress::add);

    assertThat(result.status()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(result.success()).isTrue();
    assertThat(result.numberComponentsDeployed()).isEqualTo(1);
    DeployMessage component = result.componentSuccesses().stream().filter(m -> m.fullName().equals("SimHello")).findFirst().orElseThrow();
    assertThat(component.componentType()).isEqualTo("ApexClass");
    assertThat(component.fileName()).isEqualTo("classes/SimHello.cls");
    assertThat(component.created()).isTrue();
    assertThat(component.id()).startsWith("01p");
    // Production, Apex in the package, no test level given: the org's local tests ran (meta_deploy_running_tests.htm).
    assertThat(result.runTestsEnabled()).isTrue();
    assertThat(result.runTestResult().successes()).extracting(RunTestsResult.RunTestSuccess::name).containsOnly("AccountServiceTest");
    assertThat(progress).extracting(DeployProgress::status).containsExactly(DeployResult.Status.InProgress, DeployResult.Status.Succeeded);
    assertThat(progress.get(1).testsDone()).isEqualTo(2);
    assertThat(prod.metadataNames("ApexClass")).contains("SimHello");
  }

  @Test
  void aFailingApexTestComesBackAsATestFailureAndNothingIsSaved() {
    String failing = "@IsTest\nprivate class FailingTest {\n    @IsTest\n    static void itFails() {\n"
        + "        System.assert(false, 'broken');\n    }\n}\n";
    List<DeployProgress> progress = new ArrayList<>();
    String id = metadata.deploy(zip(apexClass("FailingTest", failing)),
        DeployOptions.builder().singlePackage(true).testLevel(DeployOptions.TestLevel.RunLocalTests).build()).id();

    DeployResult result = metadata.awaitDeploy(id, Duration.ofMinutes(5), progress::add);

    assertThat(result.status()).isEqualTo(DeployResult.Status.Failed);
    assertThat(result.success()).isFalse();
    assertThat(result.numberTestErrors()).isEqualTo(1);
    RunTestsResult.RunTestFailure failure = result.runTestResult().failures().get(0);
    assertThat(failure.name()).isEqualTo("FailingTest");
    assertThat(failure.methodName()).isEqualTo("itFails");
    assertThat(failure.message()).isEqualTo("System.AssertException: Assertion Failed");
    assertThat(failure.stackTrace()).isEqualTo("Class.FailingTest.itFails: line 5, column 1");
    assertThat(progress).flatExtracting(DeployProgress::newTestFailures).containsExactly(failure);
    assertThat(prod.metadataNames("ApexClass")).doesNotContain("FailingTest");
  }

  @Test
  void aMalformedComponentIsAComponentFailureWithItsLine() {
    Map<String, String> files = apexClass("Broken", "public class Broken {}");
    files.put("classes/Broken.cls-meta.xml", "<?xml version=\"1.0\"?>\n<ApexClass><apiVersion>62.0</apiVersion>\n<status>");
    DeployResult result = metadata.awaitDeploy(metadata.deploy(zip(files), DeployOptions.builder().singlePackage(true).build()).id(),
        Duration.ofMinutes(5), p -> { });
    assertThat(result.status()).isEqualTo(DeployResult.Status.Failed);
    assertThat(result.componentFailures()).singleElement().satisfies(f -> {
      assertThat(f.fileName()).isEqualTo("classes/Broken.cls-meta.xml");
      assertThat(f.lineNumber()).isEqualTo(3);
      assertThat(f.problem()).startsWith("Error parsing file:");
      assertThat(f.problemType()).isEqualTo("Error");
    });
  }

  @Test
  void aValidationSavesNothingAndItsQuickDeployDoes() {
    String validationId = metadata.deploy(zip(apexClass("Validated", "public class Validated {}\n")), DeployOptions.builder()
        .singlePackage(true).checkOnly(true).testLevel(DeployOptions.TestLevel.RunLocalTests).build()).id();
    DeployResult validation = metadata.awaitDeploy(validationId, Duration.ofMinutes(5), p -> { });
    assertThat(validation.status()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(validation.checkOnly()).isTrue();
    assertThat(fullNames(metadata.listMetadata(List.of(ListMetadataQuery.of("ApexClass"))))).doesNotContain("Validated");

    String quickId = metadata.deployRecentValidation(validationId);
    assertThat(quickId).isNotEqualTo(validationId).startsWith("0Af");
    DeployResult quick = metadata.awaitDeploy(quickId, Duration.ofMinutes(5), p -> { });
    assertThat(quick.status()).isEqualTo(DeployResult.Status.Succeeded);
    assertThat(quick.checkOnly()).isFalse();
    assertThat(fullNames(metadata.listMetadata(List.of(ListMetadataQuery.of("ApexClass"))))).contains("Validated");

    // A deploy that was not a validation with tests cannot be quick-deployed.
    SalesforceException e = catchSalesforce(() -> metadata.deployRecentValidation(quickId));
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_ID_FIELD);
  }

  @Test
  void aQueuedDeployIsCanceledAtOnceAndCancelingAFinishedOneIsAFault() {
    String id = metadata.deploy(zip(apexClass("Canceled", "public class Canceled {}\n")),
        DeployOptions.builder().singlePackage(true).build()).id();
    CancelDeployResult cancel = metadata.cancelDeploy(id);
    assertThat(cancel).isEqualTo(new CancelDeployResult(id, true));
    DeployResult result = metadata.checkDeployStatus(id, false);
    assertThat(result.status()).isEqualTo(DeployResult.Status.Canceled);
    assertThat(result.done()).isTrue();
    assertThat(result.success()).isFalse();
    assertThat(result.canceledBy()).isEqualTo(prod.userId(DEPLOYER));

    SalesforceException again = catchSalesforce(() -> metadata.cancelDeploy(id));
    assertThat(again.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_ID_FIELD);
    assertThat(again.getMessage()).contains("INVALID_ID_FIELD: Deployment already completed", "cancelDeploy", "HTTP 500");
    assertThat(prod.metadataNames("ApexClass")).doesNotContain("Canceled");
  }

  @Test
  void aRunningDeployIsCancelingThenCanceled() {
    String id = metadata.deploy(zip(apexClass("Runs", "public class Runs {}\n")), DeployOptions.builder().singlePackage(true).build()).id();
    assertThat(metadata.checkDeployStatus(id, false).status()).isEqualTo(DeployResult.Status.InProgress);
    assertThat(metadata.cancelDeploy(id).done()).isFalse();
    DeployResult result = metadata.awaitDeploy(id, Duration.ofMinutes(1), p -> { });
    assertThat(result.status()).isEqualTo(DeployResult.Status.Canceled);
  }

  @Test
  void retrieveReturnsTheSeededComponentsAndNamesWhatIsMissing() throws Exception {
    Map<String, List<String>> types = new LinkedHashMap<>();
    types.put("ApexClass", List.of("AccountService", "NoSuchClass"));
    types.put("PermissionSet", List.of("Integration_API"));
    AsyncResult started = metadata.retrieve(RetrieveRequest.of("62.0", false, types));
    RetrieveResult result = metadata.awaitRetrieve(started.id(), Duration.ofMinutes(5));

    assertThat(result.status()).isEqualTo(RetrieveResult.Status.Succeeded);
    assertThat(result.fileProperties()).extracting(FileProperties::fileName).contains(
        "unpackaged/classes/AccountService.cls", "unpackaged/permissionsets/Integration_API.permissionset", "unpackaged/package.xml");
    assertThat(result.messages()).extracting(RetrieveResult.RetrieveMessage::problem)
        .anySatisfy(p -> assertThat(p).contains("NoSuchClass"));
    Map<String, String> files = unzip(result.zipFile().orElseThrow());
    assertThat(files.get("unpackaged/classes/AccountService.cls")).contains("class AccountService");
    assertThat(files.get("unpackaged/permissionsets/Integration_API.permissionset")).contains("<PermissionSet");
    assertThat(files.get("unpackaged/package.xml")).contains("<members>AccountService</members>", "<name>PermissionSet</name>");
  }

  @Test
  void listMetadataAndDescribeMetadataShowWhatTheOrgHolds() {
    List<FileProperties> classes = metadata.listMetadata(List.of(ListMetadataQuery.of("ApexClass"), ListMetadataQuery.of("Profile")));
    assertThat(fullNames(classes)).contains("AccountService", "AccountServiceTest", "ContactExport", "Admin", "Standard");
    FileProperties accountService = classes.stream().filter(f -> f.fullName().equals("AccountService")).findFirst().orElseThrow();
    assertThat(accountService.type()).isEqualTo("ApexClass");
    assertThat(accountService.fileName()).isEqualTo("classes/AccountService.cls");
    assertThat(accountService.createdDate()).isNotNull();

    DescribeMetadataResult describe = metadata.describeMetadata();
    assertThat(describe.testRequired()).isTrue();
    assertThat(describe.metadataObjects()).filteredOn(o -> o.xmlName().equals("ApexClass")).singleElement().satisfies(o -> {
      assertThat(o.directoryName()).isEqualTo("classes");
      assertThat(o.suffix()).isEqualTo("cls");
      assertThat(o.metaFile()).isTrue();
    });

    SalesforceException unknown = catchSalesforce(() -> metadata.listMetadata(List.of(ListMetadataQuery.of("NoSuchType"))));
    assertThat(unknown.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_TYPE);
  }

  @Test
  void anInvalidSessionIsTheInvalidSessionFaultAndTheSessionIsNeverInTheMessage() {
    String bogus = "00D000000000000!AQbogus.session.value";
    MetadataClient stranger = MetadataClient.builder(prod.url(), () -> bogus, http).build();
    SalesforceException e = catchSalesforce(() -> stranger.describeMetadata());
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_SESSION_ID);
    assertThat(e.httpStatus()).hasValue(500);
    assertThat(e.errors().get(0).errorCode()).isEqualTo("INVALID_SESSION_ID");
    assertThat(e.getMessage()).contains("Invalid Session ID found in SessionHeader").doesNotContain(bogus).doesNotContain(session);
  }

  @Test
  void noTestRunInProductionIsTheInvalidOperationFault() {
    SalesforceException e = catchSalesforce(() -> metadata.deploy(zip(apexClass("NoTests", "public class NoTests {}\n")),
        DeployOptions.builder().singlePackage(true).testLevel(DeployOptions.TestLevel.NoTestRun).build()));
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_OPERATION);
    assertThat(e.getMessage()).contains("NoTestRun cannot be used in production");
  }

  @Test
  void anUnknownDeployIdIsTheInvalidIdFault() {
    SalesforceException e = catchSalesforce(() -> metadata.checkDeployStatus("0Af000000000001", true));
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.METADATA_INVALID_ID_FIELD);
    assertThatThrownBy(() -> metadata.checkDeployStatus("../../etc", true)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------------------------------------

  static Map<String, String> apexClass(String name, String source) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/" + name + ".cls", source);
    files.put("classes/" + name + ".cls-meta.xml", APEX_META);
    files.put("package.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
        + "<types><members>" + name + "</members><name>ApexClass</name></types><version>62.0</version></Package>\n");
    return files;
  }

  static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        out.putNextEntry(new ZipEntry(file.getKey()));
        out.write(file.getValue().getBytes(UTF_8));
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        files.put(entry.getName(), new String(in.readNBytes(1 << 20), UTF_8));
      }
    }
    return files;
  }

  static List<String> fullNames(List<FileProperties> files) {
    return files.stream().map(FileProperties::fullName).toList();
  }

  static SalesforceException catchSalesforce(Runnable call) {
    try {
      call.run();
    } catch (SalesforceException e) {
      return e;
    }
    throw new AssertionError("expected a SalesforceException");
  }

  static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Name name = new X500Name("CN=portcullis-deploy-mdapi-test");
    Instant now = CLOCK.instant();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86_400)), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }
}
