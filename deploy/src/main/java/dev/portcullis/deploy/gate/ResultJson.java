package dev.portcullis.deploy.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.RunTestsResult;

/**
 * The {@code result} column of a deployment: a JSON summary of Salesforce's DeployResult (meta_deployresult.htm):
 * status, counts, component and test failures (each one line, at most {@value #MAX_ITEMS}) and coverage.
 */
final class ResultJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ITEMS = 50;

  private ResultJson() {
  }

  static String of(DeployResult r) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", r.id());
    out.put("status", r.status().name());
    out.put("success", r.success());
    out.put("checkOnly", r.checkOnly());
    out.put("numberComponentsDeployed", r.numberComponentsDeployed());
    out.put("numberComponentErrors", r.numberComponentErrors());
    out.put("numberComponentsTotal", r.numberComponentsTotal());
    out.put("numberTestsCompleted", r.numberTestsCompleted());
    out.put("numberTestErrors", r.numberTestErrors());
    out.put("numberTestsTotal", r.numberTestsTotal());
    if (!r.errorMessage().isEmpty()) {
      out.put("errorStatusCode", r.errorStatusCode());
      out.put("errorMessage", r.errorMessage());
    }
    ArrayNode failures = out.putArray("componentFailures");
    r.componentFailures().stream().limit(MAX_ITEMS).map(DeployMessage::describe).forEach(failures::add);
    ArrayNode tests = out.putArray("testFailures");
    r.runTestResult().failures().stream().limit(MAX_ITEMS).map(RunTestsResult.RunTestFailure::describe)
        .forEach(tests::add);
    Double coverage = DeployRecords.coveragePercent(r.runTestResult());
    if (coverage != null) {
      out.put("coveragePercent", coverage);
    }
    return write(out);
  }

  static String error(String why) {
    ObjectNode out = JSON.createObjectNode();
    out.put("error", why);
    return write(out);
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serializing a deploy result", e);
    }
  }
}
