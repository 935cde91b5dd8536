package dev.portcullis.salesforce.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Reading result elements as Salesforce writes them (field names of meta_deployresult.htm,
 * meta_retrieveresult.htm, meta_fileproperties.htm, meta_describeMetadata.htm): complete results,
 * absent, nil and unknown elements, and values that break the documented types.
 */
class MetadataResponsesTest {
  static final String DEPLOY_ID = dev.portcullis.salesforce.SalesforceId.to18("0Af5g00000ABCDe");
  static final String RETRIEVE_ID = dev.portcullis.salesforce.SalesforceId.to18("09S5g00000ABCDe");
  static final String VALIDATED_ID = dev.portcullis.salesforce.SalesforceId.to18("0Af5g00000ABCDf");
  static final String WHERE = "POST http://127.0.0.1/services/Soap/m/66.0 checkDeployStatus";

  static XmlElement result(String inner) throws Exception {
    String xml = "<result xmlns=\"http://soap.sforce.com/2006/04/metadata\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" + inner + "</result>";
    return XmlElement.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  /** A failed deploy with a component error, a failing test, coverage and a coverage warning. */
  static final String FAILED_DEPLOY = "<canceledBy xsi:nil=\"true\"/><checkOnly>false</checkOnly>"
      + "<completedDate>2026-11-28T12:00:02.000Z</completedDate><createdBy>0055g00000AbCdEAAV</createdBy>"
      + "<createdByName>CI User</createdByName><createdDate>2026-11-28T12:00:00.000Z</createdDate>"
      + "<details><componentFailures><changed>false</changed><columnNumber>9</columnNumber><componentType>ApexClass</componentType>"
      + "<created>false</created><createdDate>2026-11-28T12:00:01.000Z</createdDate><deleted>false</deleted>"
      + "<fileName>classes/Broken.cls</fileName><fullName>Broken</fullName><lineNumber>3</lineNumber>"
      + "<problem>Unexpected token '}'.</problem><problemType>Error</problemType><success>false</success></componentFailures>"
      + "<componentSuccesses><changed>true</changed><componentType>ApexClass</componentType><created>true</created>"
      + "<createdDate>2026-11-28T12:00:01.000Z</createdDate><deleted>false</deleted><fileName>classes/Good.cls</fileName>"
      + "<fullName>Good</fullName><id>01p5g00000XyZaBAAV</id><success>true</success><brandNewField>ignored</brandNewField>"
      + "</componentSuccesses>"
      + "<runTestResult><codeCoverage><id>01p5g00000XyZaBAAV</id><locationsNotCovered><column>0</column><line>4</line>"
      + "<numExecutions>0</numExecutions><time>-1.0</time></locationsNotCovered><name>Good</name><namespace xsi:nil=\"true\"/>"
      + "<numLocations>10</numLocations><numLocationsNotCovered>1</numLocationsNotCovered><type>Class</type></codeCoverage>"
      + "<codeCoverageWarnings><id>01p5g00000XyZaBAAV</id><message>Average test coverage across all Apex Classes and Triggers is 61%,"
      + " at least 75% test coverage is required.</message><name xsi:nil=\"true\"/><namespace xsi:nil=\"true\"/></codeCoverageWarnings>"
      + "<failures><id>01p5g00000XyZbBAAV</id><message>System.AssertException: Assertion Failed</message>"
      + "<methodName>itFails</methodName><name>GoodTest</name><namespace xsi:nil=\"true\"/>"
      + "<stackTrace>Class.GoodTest.itFails: line 7, column 1</stackTrace><time>12.0</time><type>Class</type></failures>"
      + "<numFailures>1</numFailures><numTestsRun>2</numTestsRun>"
      + "<successes><id>01p5g00000XyZbBAAV</id><methodName>itWorks</methodName><name>GoodTest</name><namespace xsi:nil=\"true\"/>"
      + "<time>7.0</time></successes><totalTime>19.0</totalTime></runTestResult></details>"
      + "<done>true</done><errorMessage xsi:nil=\"true\"/><id>" + DEPLOY_ID + "</id><ignoreWarnings>false</ignoreWarnings>"
      + "<lastModifiedDate>2026-11-28T12:00:02.000Z</lastModifiedDate><numberComponentErrors>1</numberComponentErrors>"
      + "<numberComponentsDeployed>1</numberComponentsDeployed><numberComponentsTotal>2</numberComponentsTotal>"
      + "<numberTestErrors>1</numberTestErrors><numberTestsCompleted>1</numberTestsCompleted><numberTestsTotal>2</numberTestsTotal>"
      + "<rollbackOnError>true</rollbackOnError><runTestsEnabled>true</runTestsEnabled>"
      + "<startDate>2026-11-28T12:00:01.000Z</startDate><status>Failed</status><success>false</success>";

  @Test
  void aFailedDeployComesWithComponentAndTestFailuresAndCoverage() throws Exception {
    DeployResult r = MetadataResponses.deployResult(result(FAILED_DEPLOY), WHERE);
    assertThat(r.id()).isEqualTo(DEPLOY_ID);
    assertThat(r.status()).isEqualTo(DeployResult.Status.Failed);
    assertThat(r.done()).isTrue();
    assertThat(r.success()).isFalse();
    assertThat(r.canceledBy()).isEmpty();
    assertThat(r.errorMessage()).isEmpty();
    assertThat(r.createdByName()).isEqualTo("CI User");
    assertThat(r.createdDate()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
    assertThat(r.numberComponentsTotal()).isEqualTo(2);
    assertThat(r.numberComponentErrors()).isEqualTo(1);
    assertThat(r.numberTestsTotal()).isEqualTo(2);
    assertThat(r.numberTestErrors()).isEqualTo(1);

    DeployMessage failure = r.componentFailures().get(0);
    assertThat(failure.fileName()).isEqualTo("classes/Broken.cls");
    assertThat(failure.lineNumber()).isEqualTo(3);
    assertThat(failure.columnNumber()).isEqualTo(9);
    assertThat(failure.problemType()).isEqualTo("Error");
    assertThat(failure.describe()).isEqualTo("classes/Broken.cls:3:9: Unexpected token '}'.");
    assertThat(r.componentSuccesses()).singleElement().satisfies(s -> {
      assertThat(s.created()).isTrue();
      assertThat(s.id()).isEqualTo("01p5g00000XyZaBAAV");
      assertThat(s.lineNumber()).isZero();
    });

    RunTestsResult tests = r.runTestResult();
    assertThat(tests.numTestsRun()).isEqualTo(2);
    assertThat(tests.numFailures()).isEqualTo(1);
    assertThat(tests.totalTime()).isEqualTo(19.0);
    assertThat(tests.failures()).singleElement().satisfies(f -> {
      assertThat(f.describe()).isEqualTo("GoodTest.itFails: System.AssertException: Assertion Failed");
      assertThat(f.stackTrace()).isEqualTo("Class.GoodTest.itFails: line 7, column 1");
      assertThat(f.namespace()).isEmpty();
    });
    assertThat(tests.successes()).extracting(RunTestsResult.RunTestSuccess::methodName).containsExactly("itWorks");
    assertThat(tests.codeCoverage()).singleElement().satisfies(c -> {
      assertThat(c.numLocations()).isEqualTo(10);
      assertThat(c.numLocationsNotCovered()).isEqualTo(1);
      assertThat(c.locationsNotCovered()).extracting(RunTestsResult.CodeLocation::line).containsExactly(4);
    });
    assertThat(tests.codeCoverageWarnings()).singleElement()
        .satisfies(w -> assertThat(w.message()).startsWith("Average test coverage"));
  }

  @Test
  void aRunningDeployWithoutDetailsHasEmptyListsAndDerivesSuccess() throws Exception {
    DeployResult r = MetadataResponses.deployResult(result("<done>false</done><id>" + DEPLOY_ID + "</id>"
        + "<stateDetail>Processing Type: ApexClass</stateDetail><status>InProgress</status>"), WHERE);
    assertThat(r.done()).isFalse();
    assertThat(r.success()).isFalse();
    assertThat(r.stateDetail()).isEqualTo("Processing Type: ApexClass");
    assertThat(r.componentFailures()).isEmpty();
    assertThat(r.runTestResult()).isEqualTo(RunTestsResult.NONE);
    assertThat(r.startDate()).isNull();
  }

  @Test
  void theFieldsACallerDecidesOnAreRequired() {
    assertBad("<id>" + DEPLOY_ID + "</id><status>Succeeded</status>", "has no 'done'");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id>", "has no 'status'");
    assertBad("<done>true</done><status>Succeeded</status>", "has no id");
    assertBad("<done>true</done><id>not-an-id</id><status>Succeeded</status>", "is not a Salesforce id");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id><status>Exploded</status>", "'status' is 'Exploded', not one of");
    assertBad("<done>yes</done><id>" + DEPLOY_ID + "</id><status>Succeeded</status>", "'done' is 'yes', not a boolean");
    assertBad("<done>false</done><id>" + DEPLOY_ID + "</id><status>Succeeded</status>", "done=false with status Succeeded");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id><status>Failed</status><success>true</success>", "success=true with status Failed");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id><status>Failed</status><numberComponentsTotal>12x</numberComponentsTotal>",
        "'numberComponentsTotal' is '12x', not a whole number");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id><status>Failed</status><createdDate>yesterday</createdDate>",
        "not an xsd:dateTime");
    assertBad("<done>true</done><id>" + DEPLOY_ID + "</id><status>Failed</status><details><runTestResult><totalTime>NaN</totalTime>"
        + "</runTestResult></details>", "'totalTime' is 'NaN', not a number");
  }

  @Test
  void aNilElementCountsAsAbsent() throws Exception {
    assertBad("<done xsi:nil=\"true\"/><id>" + DEPLOY_ID + "</id><status>Succeeded</status>", "has no 'done'");
  }

  static void assertBad(String inner, String message) {
    assertThatThrownBy(() -> MetadataResponses.deployResult(result(inner), WHERE))
        .isInstanceOfSatisfying(SalesforceException.class, e -> {
          assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
          assertThat(e.getMessage()).contains(message).endsWith("(" + WHERE + ")");
        });
  }

  @Test
  void aRetrieveResultDecodesItsZipAndKeepsFilePropertiesAndMessages() throws Exception {
    byte[] zip = {'P', 'K', 3, 4, 0, 1, 2, (byte) 0xff};
    String base64 = Base64.getEncoder().encodeToString(zip);
    String folded = base64.substring(0, 4) + "\r\n" + base64.substring(4);
    RetrieveResult r = MetadataResponses.retrieveResult(result("<done>true</done><fileProperties><createdById>0055g00000AbCdEAAV"
        + "</createdById><createdByName>CI</createdByName><createdDate>2026-11-28T12:00:00.000Z</createdDate>"
        + "<fileName>unpackaged/classes/AccountService.cls</fileName><fullName>AccountService</fullName>"
        + "<id>01p5g00000XyZaBAAV</id><lastModifiedById>0055g00000AbCdEAAV</lastModifiedById><lastModifiedByName>CI"
        + "</lastModifiedByName><lastModifiedDate>2026-11-28T12:00:00.000Z</lastModifiedDate><manageableState>unmanaged"
        + "</manageableState><type>ApexClass</type></fileProperties><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id><messages><fileName>"
        + "unpackaged/package.xml</fileName><problem>Entity of type 'ApexClass' named 'Gone' cannot be found</problem></messages>"
        + "<status>Succeeded</status><success>true</success><zipFile>" + folded + "</zipFile>"), 100, WHERE);
    assertThat(r.success()).isTrue();
    assertThat(r.zipFile()).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(zip));
    assertThat(r.fileProperties()).singleElement().satisfies(f -> {
      assertThat(f.type()).isEqualTo("ApexClass");
      assertThat(f.fullName()).isEqualTo("AccountService");
      assertThat(f.namespacePrefix()).isEmpty();
    });
    assertThat(r.messages()).extracting(RetrieveResult.RetrieveMessage::problem).containsExactly(
        "Entity of type 'ApexClass' named 'Gone' cannot be found");
  }

  @Test
  void aZipOverTheLimitIsRefusedBeforeDecodingAndBadBase64IsRefused() {
    String big = "A".repeat(4 * 1000); // 3,000 bytes decoded
    assertThatThrownBy(() -> MetadataResponses.retrieveResult(result("<done>true</done><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id>"
        + "<status>Succeeded</status><zipFile>" + big + "</zipFile>"), 2_000, WHERE))
        .isInstanceOf(SalesforceException.class).hasMessageContaining("zipFile is larger than the limit of 2000 bytes");
    assertThatThrownBy(() -> MetadataResponses.retrieveResult(result("<done>true</done><id>" + MetadataResponsesTest.RETRIEVE_ID + "</id>"
        + "<status>Succeeded</status><zipFile>UEsD*BA==</zipFile>"), 2_000, WHERE))
        .isInstanceOf(SalesforceException.class).hasMessageContaining("zipFile is not base64");
    // Exactly at the limit is fine.
    byte[] exact = new byte[30];
    assertThat(MetadataResponses.decodeZip(Base64.getEncoder().encodeToString(exact), 30, WHERE)).hasSize(30);
    assertThatThrownBy(() -> MetadataResponses.decodeZip(Base64.getEncoder().encodeToString(new byte[31]), 30, WHERE))
        .hasMessageContaining("larger than the limit");
  }

  @Test
  void describeMetadataListsTypesWithTheirChildren() throws Exception {
    DescribeMetadataResult d = MetadataResponses.describeMetadataResult(result("<metadataObjects><childXmlNames>CustomField"
        + "</childXmlNames><childXmlNames>ValidationRule</childXmlNames><directoryName>objects</directoryName><inFolder>false"
        + "</inFolder><metaFile>false</metaFile><suffix>object</suffix><xmlName>CustomObject</xmlName></metadataObjects>"
        + "<organizationNamespace></organizationNamespace><partialSaveAllowed>true</partialSaveAllowed><testRequired>true"
        + "</testRequired>"), WHERE);
    assertThat(d.testRequired()).isTrue();
    assertThat(d.metadataObjects()).singleElement().satisfies(o -> {
      assertThat(o.xmlName()).isEqualTo("CustomObject");
      assertThat(o.childXmlNames()).containsExactly("CustomField", "ValidationRule");
    });
    assertThatThrownBy(() -> MetadataResponses.describeMetadataResult(result("<metadataObjects><suffix>x</suffix>"
        + "</metadataObjects>"), WHERE)).hasMessageContaining("DescribeMetadataObject has no xmlName");
  }

  /**
   * A real result damaged anywhere (a piece cut out, or junk put in): the reader answers a result or
   * refuses it as a bad response, and never fails any other way.
   */
  @Property(tries = 400)
  void aDamagedResultIsReadOrRefusedAsABadResponse(@ForAll("damaged") String inner) {
    XmlElement tree;
    try {
      tree = result(inner);
    } catch (Exception malformed) {
      return; // the XML itself broke: the client refuses it before the reader sees it
    }
    try {
      DeployResult r = MetadataResponses.deployResult(tree, WHERE);
      assertThat(r.done()).isEqualTo(r.status().isFinal());
      assertThat(!r.success() || r.status() == DeployResult.Status.Succeeded || r.status() == DeployResult.Status.SucceededPartial)
          .isTrue();
    } catch (SalesforceException e) {
      assertThat(e.code()).isEqualTo(SalesforceErrorCode.PROTOCOL_BAD_RESPONSE);
    }
  }

  @Provide
  Arbitrary<String> damaged() {
    int length = FAILED_DEPLOY.length();
    Arbitrary<String> cut = Arbitraries.integers().between(0, length).flatMap(from ->
        Arbitraries.integers().between(from, Math.min(length, from + 60)).map(to -> FAILED_DEPLOY.substring(0, from) + FAILED_DEPLOY.substring(to)));
    Arbitrary<String> junk = Arbitraries.of("<status>Succeeded</status>", "<done>false</done>", "<success>true</success>",
        "<lineNumber>-1</lineNumber>", "<totalTime>1e400</totalTime>", "<id></id>", "<details/>", "<createdDate>2026-13-45</createdDate>",
        "<numberTestsTotal>99999999999</numberTestsTotal>", "<failures/>", "<x xsi:nil=\"true\"/>");
    Arbitrary<String> inserted = Arbitraries.integers().between(0, length).flatMap(at -> junk.map(j -> {
      int tag = FAILED_DEPLOY.lastIndexOf('>', at) + 1; // between elements, so the XML stays well-formed more often
      return FAILED_DEPLOY.substring(0, tag) + j + FAILED_DEPLOY.substring(tag);
    }));
    return Arbitraries.oneOf(cut, inserted);
  }
}
