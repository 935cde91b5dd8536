package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BulkClassifierTest {
  static final String JOB = "7508c00000Tq3ZXAAZ";
  static final String BATCH = "7518c00000Tq3ZXAAZ";

  static Optional<Classification> path(String method, String path) {
    return RequestClassifier.classify(method, path, Optional.empty());
  }

  static Optional<BodyClassifier.Classified> body(String method, String path, String body) {
    assertThat(BodyClassifier.limit(method, path)).as("the body of " + method + " " + path + " is read").isPositive();
    return BodyClassifier.classify(method, path, body.getBytes(StandardCharsets.UTF_8));
  }

  static Classification one(Optional<BodyClassifier.Classified> classified) {
    assertThat(classified).isPresent();
    assertThat(classified.get().parts()).hasSize(1);
    return classified.get().parts().get(0);
  }

  @Test
  void bulk2IngestJobsNameTheirObjectAndOperation() {
    String jobs = "/services/data/v62.0/jobs/ingest";
    assertThat(one(body("POST", jobs, "{\"object\":\"Account\",\"operation\":\"insert\",\"lineEnding\":\"LF\"}")))
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Account", List.of("operation:insert")));
    assertThat(one(body("POST", jobs, "{\"object\":\"Contact\",\"operation\":\"upsert\",\"externalIdFieldName\":\"Ext__c\"}")))
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Contact", List.of("operation:upsert", "Ext__c")));
    assertThat(one(body("POST", jobs, "{\"object\":\"Account\",\"operation\":\"hardDelete\"}")).fields())
        .containsExactly("operation:hardDelete");
    assertThat(body("POST", jobs, "{\"object\":\"Account\",\"operation\":\"merge\"}")).isEmpty();
    assertThat(body("POST", jobs, "{\"object\":\"Acc ount\",\"operation\":\"insert\"}")).isEmpty();
    assertThat(body("POST", jobs, "{\"object\":\"Account\",\"operation\":\"insert\",\"externalIdFieldName\":7}")).isEmpty();
    assertThat(body("POST", jobs, "--boundary\r\nContent-Disposition: form-data; name=\"job\"")).as("multipart").isEmpty();
    assertThat(body("POST", jobs, "{\"object\":\"Account\",\"object\":\"Contact\",\"operation\":\"insert\"}"))
        .as("duplicate keys").isEmpty();

    assertThat(path("PUT", jobs + "/" + JOB + "/batches"))
        .contains(new Classification("bulk", "bulk_upload", "", List.of("job:" + JOB)));
    assertThat(one(body("PATCH", jobs + "/" + JOB, "{\"state\":\"UploadComplete\"}")).operation()).isEqualTo("bulk_close");
    assertThat(one(body("PATCH", jobs + "/" + JOB, "{\"state\":\"Aborted\"}")).operation()).isEqualTo("bulk_abort");
    assertThat(body("PATCH", jobs + "/" + JOB, "{\"state\":\"Open\"}")).isEmpty();
    assertThat(path("GET", jobs)).contains(Classification.of("bulk", "bulk_job_list"));
    assertThat(path("GET", jobs + "/" + JOB)).contains(new Classification("bulk", "bulk_job_info", "", List.of("job:" + JOB)));
    assertThat(path("DELETE", jobs + "/" + JOB).orElseThrow().operation()).isEqualTo("bulk_job_delete");
    for (String results : List.of("successfulResults", "failedResults", "unprocessedrecords")) {
      assertThat(path("GET", jobs + "/" + JOB + "/" + results))
          .contains(new Classification("bulk", "bulk_results", "", List.of("job:" + JOB)));
    }
    assertThat(path("GET", jobs + "/" + JOB + "/results")).as("a query job's resource").isEmpty();
    assertThat(path("POST", jobs + "/" + JOB + "/batches")).isEmpty();
    assertThat(path("GET", jobs + "/not-an-id")).isEmpty();
  }

  @Test
  void bulk2QueryJobsAreParsedLikeRestQueries() {
    String jobs = "/services/data/v62.0/jobs/query";
    BodyClassifier.Classified query = body("POST", jobs,
        "{\"operation\":\"query\",\"query\":\"SELECT Id, Name, Account.Owner.Email FROM Contact WHERE SSN__c != null\"}")
        .orElseThrow();
    assertThat(query.parts()).singleElement().satisfies(part -> {
      assertThat(part.api()).isEqualTo("bulk");
      assertThat(part.operation()).isEqualTo("bulk_query");
      assertThat(part.sobject()).isEqualTo("Contact");
      assertThat(part.fields()).contains("Contact.Name", "Contact.Account.Owner.Email", "Contact.SSN__c");
    });
    assertThat(query.text()).contains("SELECT Id, Name, Account.Owner.Email FROM Contact WHERE SSN__c != null");
    assertThat(one(body("POST", jobs, "{\"operation\":\"queryAll\",\"query\":\"SELECT Id FROM Task\"}")).sobject())
        .isEqualTo("Task");
    assertThat(body("POST", jobs, "{\"operation\":\"query\",\"query\":\"SELECT FROM\"}")).isEmpty();
    assertThat(body("POST", jobs, "{\"operation\":\"insert\",\"query\":\"SELECT Id FROM Task\"}")).isEmpty();
    assertThat(path("GET", jobs + "/" + JOB + "/results"))
        .contains(new Classification("bulk", "bulk_results", "", List.of("job:" + JOB)));
    assertThat(path("GET", jobs + "/" + JOB + "/resultPages").orElseThrow().operation()).isEqualTo("bulk_job_info");
    assertThat(one(body("PATCH", jobs + "/" + JOB, "{\"state\":\"Aborted\"}")).operation()).isEqualTo("bulk_abort");
    assertThat(body("PATCH", jobs + "/" + JOB, "{\"state\":\"UploadComplete\"}")).as("query jobs are not closed").isEmpty();
  }

  @Test
  void bulk1JobsFromXmlOrJsonJobInfo() {
    String job = "/services/async/62.0/job";
    assertThat(one(body("POST", job, """
        <?xml version="1.0" encoding="UTF-8"?>
        <jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">
          <operation>upsert</operation><object>Contact</object><externalIdFieldName>Ext__c</externalIdFieldName>
          <contentType>CSV</contentType>
        </jobInfo>""")))
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Contact", List.of("operation:upsert", "Ext__c")));
    assertThat(one(body("POST", job, "{\"operation\":\"hardDelete\",\"object\":\"Account\",\"contentType\":\"JSON\"}")))
        .isEqualTo(new Classification("bulk", "bulk_ingest", "Account", List.of("operation:hardDelete")));
    assertThat(one(body("POST", job, "<jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
        + "<operation>query</operation><object>Account</object></jobInfo>")))
        .isEqualTo(new Classification("bulk", "bulk_query_job", "Account", List.of("operation:query")));
    assertThat(body("POST", job, "<!DOCTYPE jobInfo [<!ENTITY o \"insert\">]><jobInfo><operation>&o;</operation>"
        + "<object>Account</object></jobInfo>")).as("DTDs and entities are refused").isEmpty();
    assertThat(body("POST", job, "<jobInfo><operation>insert</operation><operation>hardDelete</operation>"
        + "<object>Account</object></jobInfo>")).as("an element twice").isEmpty();
    assertThat(body("POST", job, "<other><operation>insert</operation><object>Account</object></other>")).isEmpty();

    assertThat(one(body("POST", job + "/" + JOB, "<jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
        + "<state>Closed</state></jobInfo>"))).isEqualTo(new Classification("bulk", "bulk_close", "", List.of("job:" + JOB)));
    assertThat(one(body("POST", job + "/" + JOB, "{\"state\":\"Aborted\"}")).operation()).isEqualTo("bulk_abort");
    assertThat(path("GET", job + "/" + JOB).orElseThrow().operation()).isEqualTo("bulk_job_info");
    assertThat(path("GET", job + "/" + JOB + "/batch/" + BATCH))
        .contains(new Classification("bulk", "bulk_job_info", "", List.of("job:" + JOB, "batch:" + BATCH)));
    for (String results : List.of("/request", "/result", "/result/" + BATCH)) {
      assertThat(path("GET", job + "/" + JOB + "/batch/" + BATCH + results).orElseThrow().operation())
          .isEqualTo("bulk_results");
    }
    assertThat(path("DELETE", job + "/" + JOB)).isEmpty();
  }

  @Test
  void aBulk1BatchIsAQueryOnlyWhenItIsSoql() {
    List<String> batch = RequestClassifier.segments("/services/async/62.0/job/" + JOB + "/batch");
    assertThat(Bulk1Classifier.addsBatch("POST", batch)).isTrue();
    byte[] soql = "\uFEFF SELECT Id, SSN__c FROM Contact".getBytes(StandardCharsets.UTF_8);
    assertThat(Bulk1Classifier.looksLikeSoql(soql)).isTrue();
    assertThat(Bulk1Classifier.classifyBatch(batch, soql, false)).as("a query is read whole first").isEmpty();
    assertThat(one(Bulk1Classifier.classifyBatch(batch, soql, true))).satisfies(part -> {
      assertThat(part.operation()).isEqualTo("bulk_query");
      assertThat(part.sobject()).isEqualTo("Contact");
      assertThat(part.fields()).contains("job:" + JOB, "Contact.SSN__c");
    });
    assertThat(Bulk1Classifier.classifyBatch(batch, "SELECT nonsense".getBytes(StandardCharsets.UTF_8), true))
        .as("SOQL that does not parse is not guessed").isEmpty();
    for (String records : List.of("Name,Selected__c\nAcme,true\n", "Selected\n1", "<sObjects/>", "[{\"Name\":\"A\"}]",
        "PK\u0003\u0004", "SELECTED,Name\nx,y", "")) {
      assertThat(one(Bulk1Classifier.classifyBatch(batch, records.getBytes(StandardCharsets.UTF_8), false)))
          .as(records).isEqualTo(new Classification("bulk", "bulk_upload", "", List.of("job:" + JOB)));
    }
  }
}
