package dev.portcullis.orgsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.orgsim.MetadataClient.Soap;
import dev.portcullis.salesforce.OrgEnvironment;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The Metadata API's SOAP binding against a production org: deploy and its lifecycle, component
 * failures, Apex test levels, cancel, quick deploy, retrieve, listMetadata, describeMetadata,
 * readMetadata and faults (Metadata API Developer Guide: meta_deploy.htm, meta_checkdeploystatus.htm,
 * meta_canceldeploy.htm, meta_deployRecentValidation.htm, meta_retrieve.htm,
 * meta_checkretrievestatus.htm, meta_listmetadata.htm, meta_describeMetadata.htm, meta_readMetadata.htm).
 */
class MetadataSoapApiTest {
  static RunningSimulator sim;
  static MetadataClient metadata;

  @BeforeAll
  static void start() throws Exception {
    sim = new RunningSimulator(b -> b.environment(OrgEnvironment.PRODUCTION));
    metadata = new MetadataClient(sim.client, sim.org.url(), sim.login());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void deployIsQueuedThenInProgressThenSucceededAndTheClassCanBeRetrieved() throws Exception {
    byte[] zip = MetadataClient.apexClass("SimHello", "public class SimHello {}\n");
    Soap deploy = metadata.deploy(zip, "<rollbackOnError>true</rollbackOnError><singlePackage>true</singlePackage>");
    assertThat(deploy.status()).isEqualTo(200);
    assertThat(deploy.element().getLocalName()).isEqualTo("deployResponse");
    String id = deploy.text("result/id");
    assertThat(id).startsWith("0Af").hasSize(18);
    assertThat(deploy.text("result/state")).isEqualTo("Queued");
    assertThat(deploy.text("result/done")).isEqualTo("false");

    Soap first = metadata.check(id);
    assertThat(first.text("result/status")).isEqualTo("InProgress");
    assertThat(first.text("result/done")).isEqualTo("false");
    Soap done = metadata.check(id);
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(done.text("result/success")).isEqualTo("true");
    assertThat(done.text("result/numberComponentsDeployed")).isEqualTo("1");
    // Production, Apex in the package, no test level: local tests run (meta_deploy_running_tests.htm).
    assertThat(done.text("result/runTestsEnabled")).isEqualTo("true");
    assertThat(done.text("result/details/runTestResult/numTestsRun")).isEqualTo("2");
    Element success = done.all("result/details", "componentSuccesses").get(0);
    assertThat(MetadataXml.text(success, "fileName")).contains("classes/SimHello.cls");
    assertThat(MetadataXml.text(success, "componentType")).contains("ApexClass");
    assertThat(MetadataXml.text(success, "created")).contains("true");
    assertThat(MetadataXml.text(success, "id").orElseThrow()).startsWith("01p");

    Soap retrieve = metadata.retrieve("<apiVersion>62.0</apiVersion><unpackaged><types><members>SimHello</members>"
        + "<name>ApexClass</name></types><version>62.0</version></unpackaged>");
    String retrieveId = retrieve.text("result/id");
    Soap retrieved = metadata.awaitRetrieve(retrieveId);
    assertThat(retrieved.text("result/status")).isEqualTo("Succeeded");
    Map<String, String> files = MetadataClient.unzip(Base64.getDecoder().decode(retrieved.text("result/zipFile")));
    assertThat(files).containsEntry("unpackaged/classes/SimHello.cls", "public class SimHello {}\n")
        .containsEntry("unpackaged/classes/SimHello.cls-meta.xml", MetadataClient.APEX_META)
        .containsKey("unpackaged/package.xml");
    assertThat(files.get("unpackaged/package.xml")).contains("<members>SimHello</members>", "<name>ApexClass</name>");
    assertThat(retrieved.all("result", "fileProperties")).extracting(e -> MetadataXml.text(e, "fileName").orElseThrow())
        .containsExactly("unpackaged/classes/SimHello.cls", "unpackaged/package.xml");
  }

  @Test
  void theSimulatorsClockAdvancesADeployWithoutPolls() throws Exception {
    String id = metadata.deploy(MetadataClient.apexClass("ByClock", "public class ByClock {}"), "<singlePackage>true</singlePackage>")
        .text("result/id");
    sim.clock.advance(Deployments.STEP.multipliedBy(2));
    assertThat(metadata.check(id).text("result/status")).isEqualTo("Succeeded");
  }

  @Test
  void aMalformedComponentFailsTheDeployNamingTheFileAndNothingIsSaved() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/Good.cls", "public class Good {}");
    files.put("classes/Good.cls-meta.xml", MetadataClient.APEX_META);
    files.put("classes/Broken.cls", "public class Broken {}");
    files.put("classes/Broken.cls-meta.xml", "<?xml version=\"1.0\"?>\n<ApexClass><apiVersion>62.0</apiVersion>\n<status>");
    files.put("package.xml", MetadataClient.packageXml("ApexClass", "Good", "Broken"));
    Soap done = metadata.await(metadata.deploy(MetadataClient.zip(files), "<singlePackage>true</singlePackage>")
        .text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("Failed");
    assertThat(done.text("result/numberComponentErrors")).isEqualTo("1");
    Element failure = done.all("result/details", "componentFailures").get(0);
    assertThat(MetadataXml.text(failure, "fileName")).contains("classes/Broken.cls-meta.xml");
    assertThat(MetadataXml.text(failure, "problem").orElseThrow()).startsWith("Error parsing file:");
    assertThat(MetadataXml.text(failure, "lineNumber")).contains("3");
    assertThat(MetadataXml.text(failure, "problemType")).contains("Error");
    assertThat(sim.org.metadataFiles("ApexClass", "Good")).isEmpty(); // rollbackOnError: nothing saved
  }

  @Test
  void withoutRollbackTheGoodComponentsAreSavedAndTheDeploySucceedsPartially() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("classes/Partial.cls", "public class Partial {}");
    files.put("classes/Partial.cls-meta.xml", MetadataClient.APEX_META);
    files.put("bogus/thing.txt", "?");
    files.put("package.xml", MetadataClient.packageXml("ApexClass", "Partial"));
    Soap done = metadata.await(metadata.deploy(MetadataClient.zip(files),
        "<rollbackOnError>false</rollbackOnError><singlePackage>true</singlePackage>").text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("SucceededPartial");
    Element failure = done.all("result/details", "componentFailures").get(0);
    assertThat(MetadataXml.text(failure, "fileName")).contains("bogus/thing.txt");
    assertThat(MetadataXml.text(failure, "problem").orElseThrow()).contains("Unknown folder 'bogus'");
    assertThat(sim.org.metadataFiles("ApexClass", "Partial")).isPresent();
  }

  @Test
  void aFailingApexTestFailsTheDeployWithTheTestNamed() throws Exception {
    String test = "@IsTest\nprivate class BrokenTest {\n  @IsTest static void passes() { System.assert(true); }\n"
        + "  @IsTest static void fails() {\n    System.assert(false);\n  }\n}\n";
    Soap done = metadata.await(metadata.deploy(MetadataClient.apexClass("BrokenTest", test),
        "<singlePackage>true</singlePackage><testLevel>RunLocalTests</testLevel>").text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("Failed");
    assertThat(done.text("result/numberTestErrors")).isEqualTo("1");
    assertThat(done.text("result/details/runTestResult/numTestsRun")).isEqualTo("4"); // 2 seeded + 2 new
    Element failure = done.all("result/details/runTestResult", "failures").get(0);
    assertThat(MetadataXml.text(failure, "name")).contains("BrokenTest");
    assertThat(MetadataXml.text(failure, "methodName")).contains("fails");
    assertThat(MetadataXml.text(failure, "message")).contains(ApexTests.ASSERTION_FAILED);
    assertThat(MetadataXml.text(failure, "stackTrace")).contains("Class.BrokenTest.fails: line 5, column 1");
    assertThat(sim.org.metadataFiles("ApexClass", "BrokenTest")).isEmpty();
  }

  @Test
  void runSpecifiedTestsRunsOnlyTheNamedClasses() throws Exception {
    Soap done = metadata.await(metadata.deploy(MetadataClient.apexClass("Specified", "public class Specified {}"),
        "<runTests>AccountServiceTest</runTests><singlePackage>true</singlePackage><testLevel>RunSpecifiedTests</testLevel>")
        .text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(done.all("result/details/runTestResult", "successes"))
        .extracting(e -> MetadataXml.text(e, "name").orElseThrow()).containsOnly("AccountServiceTest");
  }

  @Test
  void noTestRunIsRefusedInProduction() throws Exception {
    Soap fault = metadata.deploy(MetadataClient.apexClass("NoTests", "public class NoTests {}"),
        "<singlePackage>true</singlePackage><testLevel>NoTestRun</testLevel>");
    assertThat(fault.status()).isEqualTo(500);
    assertThat(fault.text("faultcode")).isEqualTo("sf:INVALID_OPERATION");
    assertThat(fault.text("faultstring")).isEqualTo("INVALID_OPERATION: testLevel of NoTestRun cannot be used in production"
        + " organizations");
  }

  @Test
  void aQueuedDeployIsCanceledAtOnceARunningOneAfterTheNextCheck() throws Exception {
    String queued = metadata.deploy(MetadataClient.apexClass("CancelMe", "public class CancelMe {}"),
        "<singlePackage>true</singlePackage>").text("result/id");
    Soap canceled = metadata.soap("<cancelDeploy><String>" + queued + "</String></cancelDeploy>");
    assertThat(canceled.text("result/done")).isEqualTo("true");
    assertThat(metadata.check(queued).text("result/status")).isEqualTo("Canceled");

    String running = metadata.deploy(MetadataClient.apexClass("CancelMeToo", "public class CancelMeToo {}"),
        "<singlePackage>true</singlePackage>").text("result/id");
    assertThat(metadata.check(running).text("result/status")).isEqualTo("InProgress");
    assertThat(metadata.soap("<cancelDeploy><String>" + running + "</String></cancelDeploy>").text("result/done"))
        .isEqualTo("false");
    Soap after = metadata.check(running);
    assertThat(after.text("result/status")).isEqualTo("Canceled");
    assertThat(after.text("result/canceledByName")).isNotBlank();
    assertThat(sim.org.metadataFiles("ApexClass", "CancelMeToo")).isEmpty();

    Soap late = metadata.soap("<cancelDeploy><String>" + running + "</String></cancelDeploy>");
    assertThat(late.text("faultstring")).isEqualTo("INVALID_ID_FIELD: Deployment already completed");
  }

  @Test
  void aValidationWithTestsCanBeQuickDeployed() throws Exception {
    String validation = metadata.deploy(MetadataClient.apexClass("Validated", "public class Validated {}"),
        "<checkOnly>true</checkOnly><singlePackage>true</singlePackage><testLevel>RunLocalTests</testLevel>").text("result/id");
    Soap validated = metadata.await(validation);
    assertThat(validated.text("result/status")).isEqualTo("Succeeded");
    assertThat(validated.text("result/checkOnly")).isEqualTo("true");
    assertThat(sim.org.metadataFiles("ApexClass", "Validated")).isEmpty(); // check-only saves nothing

    Soap quick = metadata.soap("<deployRecentValidation><validationId>" + validation + "</validationId></deployRecentValidation>");
    String quickId = quick.text("result");
    assertThat(quickId).startsWith("0Af").isNotEqualTo(validation);
    Soap done = metadata.await(quickId);
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(done.text("result/runTestsEnabled")).isEqualTo("false");
    assertThat(sim.org.metadataFiles("ApexClass", "Validated")).isPresent();

    Soap refused = metadata.soap("<deployRecentValidation><validationId>" + quickId + "</validationId></deployRecentValidation>");
    assertThat(refused.text("faultcode")).isEqualTo("sf:INVALID_ID_FIELD");
  }

  @Test
  void destructiveChangesDeleteAComponent() throws Exception {
    metadata.await(metadata.deploy(MetadataClient.apexClass("Doomed", "public class Doomed {}"),
        "<singlePackage>true</singlePackage>").text("result/id"));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("package.xml", "<?xml version=\"1.0\"?><Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">"
        + "<version>62.0</version></Package>");
    files.put("destructiveChanges.xml", MetadataClient.packageXml("ApexClass", "Doomed"));
    Soap done = metadata.await(metadata.deploy(MetadataClient.zip(files), "<singlePackage>true</singlePackage>")
        .text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(done.all("result/details", "componentSuccesses"))
        .anySatisfy(e -> assertThat(MetadataXml.text(e, "deleted")).contains("true"));
    assertThat(sim.org.metadataFiles("ApexClass", "Doomed")).isEmpty();
  }

  @Test
  void aMetadataDirZipHasItsPackageUnderAFolder() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("zip/classes/FromDir.cls", "public class FromDir {}");
    files.put("zip/classes/FromDir.cls-meta.xml", MetadataClient.APEX_META);
    files.put("zip/package.xml", MetadataClient.packageXml("ApexClass", "FromDir"));
    Soap done = metadata.await(metadata.deploy(MetadataClient.zip(files), "<singlePackage>false</singlePackage>")
        .text("result/id"));
    assertThat(done.text("result/status")).isEqualTo("Succeeded");
    assertThat(done.all("result/details", "componentSuccesses")).extracting(e -> MetadataXml.text(e, "fileName").orElseThrow())
        .contains("zip/classes/FromDir.cls", "zip/package.xml");
  }

  @Test
  void aMemberNamedButMissingAndAnUnreadableZipFailTheDeploy() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("package.xml", MetadataClient.packageXml("ApexClass", "Ghost"));
    Soap missing = metadata.await(metadata.deploy(MetadataClient.zip(files), "<singlePackage>true</singlePackage>")
        .text("result/id"));
    assertThat(missing.text("result/status")).isEqualTo("Failed");
    assertThat(missing.text("result/details/componentFailures/problem")).isEqualTo("An object 'Ghost' of type ApexClass was"
        + " named in package.xml, but was not found in zipped directory");

    Soap garbage = metadata.await(metadata.deploy("not a zip".getBytes(), "<singlePackage>true</singlePackage>")
        .text("result/id"));
    assertThat(garbage.text("result/status")).isEqualTo("Failed");
    assertThat(garbage.text("result/errorMessage")).startsWith("not a valid zip file");
  }

  @Test
  void retrieveWithAWildcardReportsMissingMembersAndSinglePackageHasNoRoot() throws Exception {
    Soap retrieved = metadata.awaitRetrieve(metadata.retrieve("<apiVersion>62.0</apiVersion><singlePackage>true</singlePackage>"
        + "<unpackaged><types><members>*</members><name>PermissionSet</name></types><types><members>Admin</members>"
        + "<members>Nobody</members><name>Profile</name></types><types><members>X</members><name>NoSuchType</name>"
        + "</types><version>62.0</version></unpackaged>").text("result/id"));
    Map<String, String> files = MetadataClient.unzip(Base64.getDecoder().decode(retrieved.text("result/zipFile")));
    assertThat(files).containsKeys("package.xml", "permissionsets/Data_Steward.permissionset",
        "permissionsets/Integration_API.permissionset", "profiles/Admin.profile");
    assertThat(files.get("profiles/Admin.profile")).contains("<name>ModifyAllData</name>");
    assertThat(retrieved.all("result", "messages")).extracting(e -> MetadataXml.text(e, "problem").orElseThrow())
        .containsExactlyInAnyOrder("Entity of type 'Profile' named 'Nobody' cannot be found",
            "Entity type: 'NoSuchType' is unknown");
  }

  @Test
  void retrieveByPackageNamesIsRefusedWithAClearFault() throws Exception {
    Soap fault = metadata.retrieve("<apiVersion>62.0</apiVersion><packageNames>Managed</packageNames>");
    assertThat(fault.status()).isEqualTo(500);
    assertThat(fault.text("faultcode")).isEqualTo("sf:INVALID_OPERATION");
    assertThat(fault.text("faultstring")).contains("packageNames and specificFiles are not supported");
  }

  @Test
  void listDescribeAndReadMetadata() throws Exception {
    Soap list = metadata.soap("<listMetadata><queries><type>CustomObject</type></queries><asOfVersion>62.0</asOfVersion>"
        + "</listMetadata>");
    assertThat(MetadataXml.children(list.element(), "result")).extracting(e -> MetadataXml.text(e, "fullName").orElseThrow())
        .containsExactly("Contact", "Invoice__c");
    Element invoice = MetadataXml.children(list.element(), "result").get(1);
    assertThat(MetadataXml.text(invoice, "fileName")).contains("objects/Invoice__c.object");
    assertThat(MetadataXml.text(invoice, "id").orElseThrow()).startsWith("01I");
    assertThat(MetadataXml.text(invoice, "manageableState")).contains("unmanaged");

    Soap describe = metadata.soap("<describeMetadata><asOfVersion>62.0</asOfVersion></describeMetadata>");
    assertThat(describe.text("result/testRequired")).isEqualTo("true");
    assertThat(describe.all("result", "metadataObjects")).anySatisfy(o -> {
      assertThat(MetadataXml.text(o, "xmlName")).contains("ApexClass");
      assertThat(MetadataXml.text(o, "directoryName")).contains("classes");
      assertThat(MetadataXml.text(o, "suffix")).contains("cls");
      assertThat(MetadataXml.text(o, "metaFile")).contains("true");
    });

    Soap read = metadata.soap("<readMetadata><type>PermissionSet</type><fullNames>Data_Steward</fullNames>"
        + "<fullNames>Nobody</fullNames></readMetadata>");
    Element record = read.all("result", "records").get(0);
    assertThat(record.getAttributeNS(MetadataXml.XSI_NS, "type")).isEqualTo("PermissionSet");
    assertThat(MetadataXml.text(record, "fullName")).contains("Data_Steward");
    assertThat(MetadataXml.text(record, "label")).contains("Data Steward");
    assertThat(MetadataXml.children(record, "userPermissions")).hasSize(3);
    assertThat(read.all("result", "records")).hasSize(1);
  }

  @Test
  void invalidSessionsGetTheSoapFault() throws Exception {
    Soap fault = metadata.soap("<describeMetadata><asOfVersion>62.0</asOfVersion></describeMetadata>", "00Dbogus!token",
        "/services/Soap/m/62.0");
    assertThat(fault.status()).isEqualTo(500);
    assertThat(fault.body()).containsPattern("<faultcode>[a-zA-Z]+:INVALID_SESSION_ID</faultcode>");
    assertThat(fault.text("faultstring")).isEqualTo("INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal"
        + " Session");
  }

  @Test
  void unknownOperationsAndUnknownIdsAreFaults() throws Exception {
    assertThat(metadata.soap("<renameMetadata/>").text("faultstring"))
        .isEqualTo("No operation available for request {http://soap.sforce.com/2006/04/metadata}renameMetadata");
    assertThat(metadata.check("0AfAA0000000001AAA").text("faultstring")).startsWith("INVALID_ID_FIELD: Invalid deploy ID");
  }
}
