package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.ledger.Checkpoint;
import dev.portcullis.ledger.Hash;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.MerkleHash;
import dev.portcullis.ledger.MerkleProofs;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.TilePath;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis deploy show} on a real ledger (a server's data directory, entries appended with {@code ledger
 * append}): the story of one deployment and the inclusion proof of its {@code deploy.completed} entry, which this test
 * checks again on its own; a tampered tile fails the proof (exit 3); an unknown id is exit 1.
 */
class DeployShowCommandTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String PACKAGE = "7459b50c00a36c27ca93fdf2b63b7527dc20910519e5adc4c7c98eac21312d11";

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void ledger() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("portcullis.yaml"), "server:\n  admin: { host: 127.0.0.1, port: 0 }\n");
    PortcullisServer.start(ConfigLoader.load(data.resolve("portcullis.yaml"), Map.of()), data).close();
    append("deploy.requested", "{\"org\":\"prod\",\"actor\":\"alice-dev\",\"commit\":\"" + COMMIT
        + "\",\"deployment_id\":\"dpl_7\",\"job\":\"deploy\",\"package_sha256\":\"" + PACKAGE + "\"}");
    append("deploy.completed", "{\"org\":\"prod\",\"actor\":\"bob\",\"commit\":\"" + COMMIT
        + "\",\"deployment_id\":\"dpl_8\",\"job\":\"deploy\",\"outcome\":\"failed\"}");
    append("deploy.completed", "{\"org\":\"prod\",\"actor\":\"alice-dev\",\"commit\":\"" + COMMIT
        + "\",\"deployment_id\":\"dpl_7\",\"job\":\"deploy\",\"outcome\":\"succeeded\","
        + "\"salesforce_deploy_id\":\"0AfAB000000000f0AA\"}");
  }

  void append(String kind, String line) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)));
    try {
      MainTest.Run run = MainTest.run("ledger", "append", "--kind", kind, "--data-dir", data.toString());
      assertThat(run.exitCode()).as(run.err()).isZero();
    } finally {
      System.setIn(saved);
    }
  }

  Checkpoint latest() throws Exception {
    return Checkpoint.of(SignedNote.parse(Files.readAllBytes(data.resolve("ledger/checkpoint"))));
  }

  @Test
  void showTellsTheStoryOfOneDeploymentAndProvesItsCompletion() throws Exception {
    MainTest.Run run = MainTest.run("deploy", "show", "dpl_7", "--data-dir", data.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("Deployment dpl_7 to prod: succeeded")
        .contains("from     - @ " + COMMIT)
        .contains("what     package " + PACKAGE)
        .contains("result   succeeded, Salesforce deploy 0AfAB000000000f0AA")
        .contains("deploy.requested").contains("deploy.completed")
        .contains("Proof: entry " + (latest().size() - 1) + " (deploy.completed) is in the ledger's tree of size "
            + latest().size())
        .doesNotContain("dpl_8").doesNotContain("bob");
    assertThat(run.err()).contains("own key");
  }

  @Test
  void anApprovalAskedForDaysBeforeTheDeploymentIsPartOfItsStory() throws Exception {
    // approvals stay valid up to seven days (a policy's valid_for_minutes): one asked for six days before the
    // deployment ran, voted five days before, is still found
    Instant deployed = Instant.now();
    String binding = "b".repeat(64);
    LedgerLocation location = new LedgerLocation();
    location.dataDir = data;
    try (LedgerAppender appender = new LedgerAppender(location, new java.io.PrintWriter(System.err, true))) {
      appender.append(LedgerEntry.of("approval.requested", deployed.minus(Duration.ofDays(6)), Map.of(
          "approval", "apr_old", "approval_kind", "deploy", "org", "prod", "actor", "alice-dev", "issuer", "demo",
          "summary", "deploy to prod", "required", 1, "binding_sha256", binding,
          "expires", LedgerEntry.formatTime(deployed.plus(Duration.ofDays(1))))));
      appender.append(LedgerEntry.of("approval.voted", deployed.minus(Duration.ofDays(5)), Map.of(
          "approval", "apr_old", "org", "prod", "actor", "carol", "issuer", "demo", "verdict", "approve",
          "outcome", "approved", "requester", "alice-dev", "binding_sha256", binding)));
      appender.append(LedgerEntry.of("approval.voted", deployed.minus(Duration.ofDays(5)), Map.of(
          "approval", "apr_other", "org", "prod", "actor", "mallory", "issuer", "demo", "verdict", "approve",
          "outcome", "approved", "requester", "alice-dev", "binding_sha256", binding)));
      appender.append(LedgerEntry.of("deploy.completed", deployed, Map.of("org", "prod", "actor", "alice-dev",
          "commit", COMMIT, "deployment_id", "dpl_9", "job", "deploy", "outcome", "succeeded", "approval", "apr_old",
          "approvers", List.of("carol"))));
    }

    MainTest.Run run = MainTest.run("deploy", "show", "dpl_9", "--json", "--data-dir", data.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    List<String> kinds = new ArrayList<>();
    json.get("approval_entries").forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("entry").path("actor")
        .asText()));
    assertThat(kinds).containsExactly("approval.requested alice-dev", "approval.voted carol");
  }

  @Test
  void theJsonProofChecksOutIndependently() throws Exception {
    MainTest.Run run = MainTest.run("deploy", "show", "dpl_7", "--json", "--data-dir", data.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("entries")).hasSize(2);
    JsonNode proof = json.get("proof");
    byte[] entry = Base64.getDecoder().decode(proof.get("entry").asText());
    assertThat(LedgerEntry.parse(entry).fields()).containsEntry("deployment_id", "dpl_7")
        .containsEntry("outcome", "succeeded");
    Hash leaf = MerkleHash.leaf(entry);
    assertThat(Hash.fromBase64(proof.get("leaf_hash").asText())).isEqualTo(leaf);
    Checkpoint checkpoint = Checkpoint.of(SignedNote.parse(proof.get("checkpoint").asText()
        .getBytes(StandardCharsets.UTF_8)));
    assertThat(checkpoint.size()).isEqualTo(proof.get("tree_size").asLong());
    List<Hash> hashes = new ArrayList<>();
    proof.get("inclusion_proof").forEach(h -> hashes.add(Hash.fromBase64(h.asText())));
    assertThatCode(() -> MerkleProofs.verifyInclusion(proof.get("index").asLong(), checkpoint.size(), leaf, hashes,
        Hash.of(checkpoint.rootHash()))).doesNotThrowAnyException();
  }

  @Test
  void aTamperedTileFailsTheProofAndAnUnknownIdIsExitOne() throws Exception {
    Path tile = data.resolve("ledger").resolve(TilePath.tile(0, 0, (int) latest().size()).format());
    byte[] bytes = Files.readAllBytes(tile);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(tile, bytes);
    MainTest.Run tampered = MainTest.run("deploy", "show", "dpl_7", "--data-dir", data.toString());
    assertThat(tampered.exitCode()).as(tampered.out() + tampered.err()).isEqualTo(3);
    assertThat(tampered.out()).doesNotContain("Deployment dpl_7");

    MainTest.Run unknown = MainTest.run("deploy", "show", "dpl_404", "--data-dir", data.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no entries of deployment dpl_404");
  }
}
