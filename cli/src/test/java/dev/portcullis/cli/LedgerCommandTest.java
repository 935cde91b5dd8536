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
import dev.portcullis.ledger.NoteSigner;
import dev.portcullis.ledger.NoteVerifier;
import dev.portcullis.ledger.ProofException;
import dev.portcullis.ledger.SignedNote;
import dev.portcullis.ledger.TilePath;
import dev.portcullis.server.PortcullisServer;
import dev.portcullis.server.SigningKey;
import dev.portcullis.server.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis ledger} end to end: a real server on a temporary data directory creates its key and ledger
 * (appending {@code server.started}), the CLI appends three notes, and every test works on its own copy of that
 * data directory, offline with {@code --data-dir} and, where the command supports it, online with {@code --url}.
 * Proofs are re-checked here independently of the CLI, from the printed checkpoint note and the log's vkey.
 */
class LedgerCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      server:
        admin: { host: 127.0.0.1, port: 0 }
      """;

  @TempDir static Path pristineRoot;
  private static Path pristine;

  @TempDir Path dir;
  private Path data;

  /** One server start and one append for the whole class: size 1 after the start, 4 after the append. */
  @BeforeAll
  static void createLedger() throws Exception {
    pristine = pristineRoot.resolve("data");
    Files.createDirectories(pristine);
    Files.writeString(pristine.resolve("portcullis.yaml"), CONFIG);
    startServer(pristine).close();
    MainTest.Run append = runWithStdin(notes("alice", "bob", "alice"),
        "ledger", "append", "--kind", "admin.note", "--data-dir", pristine.toString());
    assertThat(append.exitCode()).as(append.err()).isZero();
  }

  @BeforeEach
  void copyLedger() throws IOException {
    data = dir.resolve("data");
    copy(pristine, data);
  }

  // ---------------------------------------------------------------- key

  @Test
  void keyIsTheVkeyOfTheLogOfflineOnlineAndOverHttp() throws Exception {
    MainTest.Run key = ledger("key");
    assertThat(key.exitCode()).as(key.err()).isZero();
    String vkey = key.out().strip();
    assertThat(vkey).matches("[^+\\s]+\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]+=*");
    NoteVerifier verifier = NoteVerifier.parse(vkey);
    assertThat(vkey).startsWith(latestCheckpoint().origin() + "+");
    assertThat(verifier.name()).isEqualTo(latestCheckpoint().origin());

    JsonNode json = json(ledger("key", "--json"));
    assertThat(json.get("vkey").asText()).isEqualTo(vkey);
    assertThat(json.get("origin").asText()).isEqualTo(latestCheckpoint().origin());

    try (PortcullisServer server = startServer(data)) {
      assertThat(httpGet(server, "/ledger/vkey").strip()).isEqualTo(vkey);
      MainTest.Run online = MainTest.run("ledger", "key", "--url", server.adminUrl().toString());
      assertThat(online.exitCode()).as(online.err()).isZero();
      assertThat(online.out().strip()).isEqualTo(vkey);
    }
  }

  // ---------------------------------------------------------------- append

  @Test
  void appendPrintsDenseIndicesOnePerLine() throws Exception {
    MainTest.Run run = appendNotes("carol", "dave", "erin");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().map(this::readTree).map(n -> n.get("index").asLong()).toList())
        .containsExactly(4L, 5L, 6L);
    assertThat(latestCheckpoint().size()).isEqualTo(7);
    LedgerEntry last = LedgerEntry.parse(Base64.getDecoder().decode(json(ledger("proof", "--index", "6"))
        .get("entry").asText()));
    assertThat(last.kind()).isEqualTo("admin.note");
    assertThat(last.fields()).containsEntry("actor", "erin");
  }

  @Test
  void appendStopsAtTheFirstBadLineNamingItAndKeepsTheLinesBefore() throws Exception {
    record Bad(String line, String message) {}
    List<Bad> bad = List.of(
        new Bad("not json", "not JSON"),
        new Bad("[1, 2]", "not a JSON object"),
        new Bad("{\"actor\":\"x\",\"note\":\"n\",\"time\":\"2026-01-01T00:00:00.000Z\"}", "'time'"),
        new Bad("{\"actor\":\"x\",\"note\":\"n\",\"password\":\"hunter2\"}", "password"),
        new Bad("{\"actor\":\"x\",\"note\":\"n\",\"colour\":\"red\"}", "colour"));
    long size = latestCheckpoint().size();
    for (Bad line : bad) {
      MainTest.Run run = runWithStdin(note("frank") + "\n" + line.line() + "\n" + note("never") + "\n",
          "ledger", "append", "--kind", "admin.note", "--data-dir", data.toString());
      assertThat(run.exitCode()).as(line.line() + ": " + run.err()).isEqualTo(2);
      assertThat(run.err()).contains("stdin line 2").contains(line.message());
      assertThat(run.out().strip()).isEqualTo("{\"index\":" + size + "}");
      size++;
      assertThat(latestCheckpoint().size()).isEqualTo(size);
    }
    assertThat(ledger("verify").exitCode()).isZero();
  }

  @Test
  void appendRefusesAMalformedKindAndAcceptsAWellFormedUnknownOne() throws Exception {
    MainTest.Run malformed = runWithStdin(note("x"), "ledger", "append", "--kind", "Not A Kind",
        "--data-dir", data.toString());
    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).contains("--kind Not A Kind").contains("admin.note");
    assertThat(latestCheckpoint().size()).isEqualTo(4);

    MainTest.Run own = runWithStdin("{\"ticket\":\"OPS-1\"}\n", "ledger", "append", "--kind", "acme.audit",
        "--data-dir", data.toString());
    assertThat(own.exitCode()).as(own.err()).isZero();
    assertThat(own.out().strip()).isEqualTo("{\"index\":4}");
  }

  @Test
  void appendHandsTheEntriesToTheServerThatHoldsTheLedgerAndIsRefusedWithUrl() throws Exception {
    try (PortcullisServer server = startServer(data)) {
      MainTest.Run held = appendNotes("zoe", "yann");
      assertThat(held.exitCode()).as(held.err()).isZero();
      List<Long> indices = held.out().lines().map(this::readTree).map(n -> n.get("index").asLong()).toList();
      assertThat(indices).hasSize(2);
      long before = indices.get(0);
      assertThat(indices.get(1)).isEqualTo(before + 1);
      // the server sequenced them: they are the last entries of its ledger, and in its search index
      assertThat(server.ledger().orElseThrow().size()).isEqualTo(before + 2);
      LedgerEntry last = LedgerEntry.parse(Base64.getDecoder().decode(json(ledger("proof", "--index",
          String.valueOf(before + 1), "--url", server.adminUrl().toString())).get("entry").asText()));
      assertThat(last.kind()).isEqualTo("admin.note");
      assertThat(last.fields()).containsEntry("actor", "yann");

      // a bad line is refused by this tool before it reaches the server, and the lines before it stay
      MainTest.Run bad = runWithStdin(note("xavier") + "\n{\"actor\":\"w\",\"password\":\"hunter2\"}\n",
          "ledger", "append", "--kind", "admin.note", "--data-dir", data.toString());
      assertThat(bad.exitCode()).isEqualTo(2);
      assertThat(bad.err()).contains("stdin line 2").doesNotContain("hunter2");
      assertThat(server.ledger().orElseThrow().size()).isEqualTo(before + 3);

      MainTest.Run online = runWithStdin(note("zoe"), "ledger", "append", "--kind", "admin.note",
          "--url", server.adminUrl().toString());
      assertThat(online.exitCode()).isEqualTo(2);
      assertThat(online.err()).contains("--url");
    }
  }

  @Test
  void theServersLedgerRouteTakesOnlyACanonicalValidEntryWithTheAdminToken() throws Exception {
    try (PortcullisServer server = startServer(data)) {
      String token = Files.readString(data.resolve("admin-token")).strip();
      byte[] entry = LedgerEntry.of("admin.note", Instant.parse("2026-11-30T01:00:00Z"),
          Map.of("actor", "ops", "note", "by the admin API")).toCanonicalJson();

      HttpResponse<String> first = post(server, token, entry);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      long before = readTree(first.body()).get("index").asLong() + 1;
      assertThat(server.ledger().orElseThrow().size()).isEqualTo(before);

      assertThat(post(server, null, entry).statusCode()).isEqualTo(401);
      assertThat(post(server, "not-the-token", entry).statusCode()).isEqualTo(401);
      String spaced = new String(entry, StandardCharsets.UTF_8).replace(",", ", ");
      HttpResponse<String> notCanonical = post(server, token, spaced.getBytes(StandardCharsets.UTF_8));
      assertThat(notCanonical.statusCode()).isEqualTo(400);
      assertThat(notCanonical.body()).contains("ENTRY_NOT_CANONICAL");
      byte[] secret = LedgerEntry.of("acme.audit", Instant.parse("2026-11-30T01:00:00Z"), Map.of("ticket", "OPS-1"))
          .toCanonicalJson();
      String withSecret = new String(secret, StandardCharsets.UTF_8).replace("\"kind\"", "\"api_token\":\"s3cr3t\",\"kind\"");
      HttpResponse<String> refused = post(server, token, withSecret.getBytes(StandardCharsets.UTF_8));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("api_token").doesNotContain("s3cr3t");
      HttpResponse<String> tooLarge = post(server, token, new byte[LedgerEntry.MAX_SIZE + 1]);
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(server.ledger().orElseThrow().size()).as("nothing refused was appended").isEqualTo(before);

      HttpResponse<String> accepted = post(server, token, entry);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(readTree(accepted.body()).get("index").asLong()).isEqualTo(before);
      assertThat(server.ledger().orElseThrow().size()).isEqualTo(before + 1);
    }
  }

  private static HttpResponse<String> post(PortcullisServer server, String token, byte[] body) throws Exception {
    URI uri = URI.create(server.adminUrl().toString().replaceAll("/$", "") + "/admin/ledger/entries");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  // ---------------------------------------------------------------- checkpoint

  @Test
  void checkpointPrintsTheSignedNoteAndItsFields() throws Exception {
    String note = Files.readString(data.resolve("ledger/checkpoint"));
    MainTest.Run raw = ledger("checkpoint");
    assertThat(raw.exitCode()).as(raw.err()).isZero();
    assertThat(raw.out()).isEqualTo(note);
    Checkpoint.verify(SignedNote.parse(raw.out()), latestCheckpoint().origin(), List.of(vkey()));

    JsonNode json = json(ledger("checkpoint", "--json"));
    assertThat(json.get("origin").asText()).isEqualTo(latestCheckpoint().origin());
    assertThat(json.get("size").asLong()).isEqualTo(4);
    assertThat(Base64.getDecoder().decode(json.get("root_hash").asText())).isEqualTo(latestCheckpoint().rootHash());
    assertThat(json.get("note").asText()).isEqualTo(note);

    JsonNode first = json(ledger("checkpoint", "--json", "--tree-size", "1"));
    assertThat(first.get("size").asLong()).isEqualTo(1);
  }

  @Test
  void checkpointThatDoesNotVerifyWithTheGivenKeyExitsThree() {
    String other = NoteSigner.Ed25519.generate(latestCheckpoint().origin()).verifier().vkey();
    MainTest.Run run = ledger("checkpoint", "--vkey", other);
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("does not verify");
  }

  // ---------------------------------------------------------------- proof and consistency

  @Test
  void proofHasExactlyTheIssueFieldsAndVerifiesIndependently() {
    for (long index = 0; index < 4; index++) {
      JsonNode proof = json(ledger("proof", "--index", Long.toString(index)));
      assertInclusionHolds(proof, index, 4);
    }
  }

  @Test
  void proofForAnEarlierPublishedSizeUsesThatCheckpoint() {
    JsonNode proof = json(ledger("proof", "--index", "0", "--tree-size", "1"));
    assertInclusionHolds(proof, 0, 1);
    assertThat(proof.get("inclusion_proof")).isEmpty();
  }

  @Test
  void proofRefusesAnUnpublishedSizeAndAnIndexOutOfRange() throws Exception {
    long unpublished = unpublishedSize();
    MainTest.Run never = ledger("proof", "--index", "0", "--tree-size", Long.toString(unpublished));
    assertThat(never.exitCode()).as(never.err()).isEqualTo(2);
    assertThat(never.err()).contains("no checkpoint of size " + unpublished);

    MainTest.Run outOfRange = ledger("proof", "--index", "4");
    assertThat(outOfRange.exitCode()).isEqualTo(2);
    assertThat(outOfRange.err()).contains("entry 4");
    MainTest.Run beyondItsTree = ledger("proof", "--index", "3", "--tree-size", "1");
    assertThat(beyondItsTree.exitCode()).isEqualTo(2);
  }

  @Test
  void consistencyProofVerifiesIndependently() {
    JsonNode proof = json(ledger("consistency", "--from", "1"));
    assertThat(fieldNames(proof)).containsExactly("old_checkpoint", "new_checkpoint", "consistency_proof");
    assertConsistencyHolds(proof, 1, 4);

    JsonNode explicit = json(ledger("consistency", "--from", "1", "--to", "4"));
    assertThat(explicit).isEqualTo(proof);

    MainTest.Run backwards = ledger("consistency", "--from", "4", "--to", "1");
    assertThat(backwards.exitCode()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- search and reindex

  @Test
  void searchFindsEntriesByKindActorAndTimeAndAgainAfterReindex() {
    List<Long> notes = indices(json(ledger("search", "--kind", "admin.note", "--json")));
    assertThat(notes).containsExactly(1L, 2L, 3L);
    assertThat(indices(json(ledger("search", "--actor", "alice", "--json")))).containsExactly(1L, 3L);
    assertThat(indices(json(ledger("search", "--kind", "server.started", "--json")))).containsExactly(0L);

    JsonNode all = json(ledger("search", "--json"));
    assertThat(indices(all)).containsExactly(0L, 1L, 2L, 3L);
    String secondNoteTime = all.get("entries").get(2).get("time").asText();
    assertThat(indices(json(ledger("search", "--since", secondNoteTime, "--json"))))
        .isEqualTo(indicesBetween(all, secondNoteTime, null)).contains(2L, 3L).doesNotContain(0L);
    JsonNode entry = all.get("entries").get(1);
    assertThat(entry.get("kind").asText()).isEqualTo("admin.note");
    assertThat(entry.get("entry").get("actor").asText()).isEqualTo("alice");

    MainTest.Run text = ledger("search", "--actor", "bob");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out().lines()).singleElement().asString().startsWith("2\t").contains("admin.note");

    MainTest.Run nothing = ledger("search", "--actor", "mallory");
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.out()).isEmpty();

    MainTest.Run reindex = ledger("reindex", "--json");
    assertThat(reindex.exitCode()).as(reindex.err()).isZero();
    assertThat(json(reindex).get("indexed").asLong()).isEqualTo(4);
    assertThat(json(ledger("search", "--json"))).isEqualTo(all);
  }

  @Test
  void searchRefusesABadTimeOrLimitAndUrl() {
    MainTest.Run since = ledger("search", "--since", "yesterday");
    assertThat(since.exitCode()).isEqualTo(2);
    assertThat(since.err()).contains("--since yesterday");
    assertThat(ledger("search", "--limit", "0").exitCode()).isEqualTo(2);
    assertThat(MainTest.run("ledger", "search", "--url", "http://127.0.0.1:1").exitCode()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- verify

  @Test
  void verifyAcceptsTheLedgerAsWrittenWithTheIndependentlyObtainedKey() {
    MainTest.Run run = ledger("verify", "--vkey", vkey().vkey());
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).startsWith("OK: 4 entries");

    JsonNode json = json(ledger("verify", "--json"));
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("size").asLong()).isEqualTo(4);
    assertThat(json.get("entries_checked").asLong()).isEqualTo(4);
    assertThat(json.get("problems")).isEmpty();
    assertThat(Base64.getDecoder().decode(json.get("root_hash").asText())).isEqualTo(latestCheckpoint().rootHash());

    MainTest.Run directory = MainTest.run("ledger", "verify", data.resolve("ledger").toString(),
        "--vkey", vkey().vkey(), "--data-dir", dir.resolve("nowhere").toString());
    assertThat(directory.exitCode()).as(directory.out() + directory.err()).isZero();
  }

  @Test
  void verifyReportsAFlippedByteInATileWithItsPath() throws Exception {
    String tile = TilePath.tile(0, 0, 4).format();
    flipLastByte(data.resolve("ledger").resolve(tile));
    MainTest.Run run = ledger("verify");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("FAILED").contains(tile);

    JsonNode json = json(ledger("verify", "--json"), 3);
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("problems")).isNotEmpty();
    JsonNode problem = json.get("problems").get(0);
    assertThat(fieldNames(problem)).containsExactly("code", "path", "index", "expected", "found", "message");
    assertThat(json.get("problems").findValuesAsText("path")).contains(tile);
  }

  @Test
  void verifyReportsAFlippedByteInAnEntryBundleWithItsPath() throws Exception {
    String bundle = TilePath.entryBundle(0, 4).format();
    flipLastByte(data.resolve("ledger").resolve(bundle));
    MainTest.Run run = ledger("verify");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains(bundle);
    JsonNode problems = json(ledger("verify", "--json"), 3).get("problems");
    assertThat(problems.findValuesAsText("code")).contains("TILE_MISMATCH");
    assertThat(problems.findValuesAsText("index")).contains("3");
    assertThat(problems.findValuesAsText("message")).anySatisfy(message -> assertThat(message).contains(bundle));
  }

  @Test
  void verifyWithAnotherKeyFails() {
    String other = NoteSigner.Ed25519.generate(latestCheckpoint().origin()).verifier().vkey();
    MainTest.Run run = ledger("verify", "--vkey", other);
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("checkpoint");
  }

  @Test
  void verifyChecksConsistencyWithATrustedCheckpoint() throws Exception {
    Path earlier = dir.resolve("earlier.checkpoint");
    Files.writeString(earlier, json(ledger("checkpoint", "--json", "--tree-size", "1")).get("note").asText());
    MainTest.Run trusted = ledger("verify", "--trusted-checkpoint", earlier.toString());
    assertThat(trusted.exitCode()).as(trusted.out() + trusted.err()).isZero();

    String origin = latestCheckpoint().origin();
    Path forked = dir.resolve("forked.checkpoint");
    NoteSigner logSigner = SigningKey.load(data).ledgerIdentity(Optional.of(origin)).signer();
    Files.writeString(forked, new Checkpoint(origin, 2, new byte[32]).sign(logSigner).format());
    MainTest.Run fork = ledger("verify", "--trusted-checkpoint", forked.toString());
    assertThat(fork.exitCode()).as(fork.out() + fork.err()).isEqualTo(3);
    assertThat(fork.out()).contains("FAILED");

    Path forged = dir.resolve("forged.checkpoint");
    NoteSigner stranger = NoteSigner.Ed25519.generate(origin);
    Files.writeString(forged, new Checkpoint(origin, 1, latestCheckpointOfSize(1).rootHash()).sign(stranger).format());
    MainTest.Run forgery = ledger("verify", "--trusted-checkpoint", forged.toString());
    assertThat(forgery.exitCode()).as(forgery.out() + forgery.err()).isEqualTo(3);
  }

  @Test
  void verifyRequiresTheWitnessQuorum() {
    String witness = MainTest.run("witness", "key", "--key", dir.resolve("w.key").toString(),
        "--name", "witness.example/w1").out().strip();
    MainTest.Run run = ledger("verify", "--witness", witness, "--min-witnesses", "1");
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.out()).contains("witness");

    assertThat(ledger("verify", "--min-witnesses", "1").exitCode()).isEqualTo(2);
    assertThat(ledger("verify", "--witness", witness, "--min-witnesses", "2").exitCode()).isEqualTo(2);
    assertThat(ledger("verify", "--witness", "not-a-key").exitCode()).isEqualTo(2);
  }

  @Test
  void verifyOfAMissingLedgerIsUnavailable() {
    MainTest.Run run = MainTest.run("ledger", "verify", "--data-dir", dir.resolve("empty").toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("no ledger in");
  }

  // ---------------------------------------------------------------- export

  @Test
  void exportWritesABundleThatVerifiesOfflineWithTheVkey() throws Exception {
    Path bundle = dir.resolve("bundle");
    MainTest.Run run = ledger("export", bundle.toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = json(run);
    assertThat(summary.get("size").asLong()).isEqualTo(4);
    assertThat(summary.get("entries_exported").asLong()).isEqualTo(4);
    assertThat(Files.readAllLines(bundle.resolve("entries.jsonl"))).hasSize(4);

    MainTest.Run verify = MainTest.run("ledger", "verify", bundle.toString(), "--vkey", vkey().vkey(),
        "--data-dir", dir.resolve("nowhere").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();

    MainTest.Run again = ledger("export", bundle.toString());
    assertThat(again.exitCode()).as(again.err()).isEqualTo(2);
    assertThat(again.err()).contains(bundle.toString());
  }

  @Test
  void exportSelectsEntriesByTime() throws Exception {
    JsonNode all = json(ledger("search", "--json"));
    String firstNote = all.get("entries").get(1).get("time").asText();
    String lastNote = all.get("entries").get(3).get("time").asText();
    assertThat(json(ledger("export", dir.resolve("since").toString(), "--since", firstNote, "--json"))
        .get("entries_exported").asLong()).isEqualTo(3);
    assertThat(Files.readAllLines(dir.resolve("since/entries.jsonl"))).hasSize(3);
    ledger("export", dir.resolve("until").toString(), "--until", firstNote);
    assertThat(Files.readAllLines(dir.resolve("until/entries.jsonl"))).hasSize(1);
    ledger("export", dir.resolve("window").toString(), "--since", firstNote, "--until", lastNote);
    assertThat(Files.readAllLines(dir.resolve("window/entries.jsonl")))
        .hasSize(indicesBetween(all, firstNote, lastNote).size())
        .noneSatisfy(line -> assertThat(readTree(line).get("index").asLong()).isEqualTo(3));
    assertThat(ledger("export", dir.resolve("bad").toString(), "--since", "soon").exitCode()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- online

  @Test
  void onlineCommandsAgreeWithOfflineOnes() throws Exception {
    String vkey = vkey().vkey();
    try (PortcullisServer server = startServer(data)) {
      String url = server.adminUrl().toString();
      long size = waitForCheckpointAtLeast(5);

      MainTest.Run checkpoint = MainTest.run("ledger", "checkpoint", "--url", url, "--vkey", vkey);
      assertThat(checkpoint.exitCode()).as(checkpoint.err()).isZero();
      assertThat(Checkpoint.of(SignedNote.parse(checkpoint.out())).size()).isGreaterThanOrEqualTo(size);

      MainTest.Run proof = MainTest.run("ledger", "proof", "--url", url, "--index", "2", "--tree-size", "4",
          "--vkey", vkey);
      assertThat(proof.exitCode()).as(proof.err()).isZero();
      assertInclusionHolds(json(proof), 2, 4);

      MainTest.Run consistency = MainTest.run("ledger", "consistency", "--url", url, "--from", "1", "--to", "4",
          "--vkey", vkey);
      assertThat(consistency.exitCode()).as(consistency.err()).isZero();
      assertConsistencyHolds(json(consistency), 1, 4);

      MainTest.Run verify = MainTest.run("ledger", "verify", "--url", url, "--vkey", vkey);
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).startsWith("OK: ");

      // search --url asks the server's /ledger-search; once its index has caught up it answers as the store does.
      server.ledger().orElseThrow().awaitIndexed(java.time.Duration.ofSeconds(30));
      MainTest.Run remoteSearch = MainTest.run("ledger", "search", "--url", url, "--kind", "admin.note", "--json");
      assertThat(remoteSearch.exitCode()).as(remoteSearch.err()).isZero();
      assertThat(indices(json(remoteSearch))).containsExactly(1L, 2L, 3L);
      assertThat(MainTest.run("ledger", "search", "--url", url, "--kind", "nothing.here").exitCode()).isEqualTo(1);

      MainTest.Run wrongKey = MainTest.run("ledger", "verify", "--url", url, "--vkey",
          NoteSigner.Ed25519.generate(latestCheckpoint().origin()).verifier().vkey());
      assertThat(wrongKey.exitCode()).isEqualTo(3);
    }
    MainTest.Run gone = MainTest.run("ledger", "checkpoint", "--url", "http://127.0.0.1:1", "--vkey", vkey);
    assertThat(gone.exitCode()).as(gone.err()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- helpers

  private void assertInclusionHolds(JsonNode proof, long index, long size) {
    assertThat(fieldNames(proof))
        .containsExactly("index", "tree_size", "leaf_hash", "entry", "inclusion_proof", "checkpoint");
    assertThat(proof.get("index").asLong()).isEqualTo(index);
    assertThat(proof.get("tree_size").asLong()).isEqualTo(size);
    Checkpoint checkpoint = verifiedCheckpoint(proof.get("checkpoint").asText());
    assertThat(checkpoint.size()).isEqualTo(size);
    byte[] entry = Base64.getDecoder().decode(proof.get("entry").asText());
    Hash leaf = MerkleHash.leaf(entry);
    assertThat(Hash.fromBase64(proof.get("leaf_hash").asText())).isEqualTo(leaf);
    assertThatCode(() -> MerkleProofs.verifyInclusion(index, size, leaf, hashes(proof.get("inclusion_proof")),
        Hash.of(checkpoint.rootHash()))).doesNotThrowAnyException();
    List<Hash> tampered = new ArrayList<>(hashes(proof.get("inclusion_proof")));
    if (!tampered.isEmpty()) {
      tampered.set(0, MerkleHash.leaf(new byte[] {1}));
      assertThatCode(() -> MerkleProofs.verifyInclusion(index, size, leaf, tampered, Hash.of(checkpoint.rootHash())))
          .isInstanceOf(ProofException.class);
    }
  }

  private void assertConsistencyHolds(JsonNode proof, long from, long to) {
    Checkpoint old = verifiedCheckpoint(proof.get("old_checkpoint").asText());
    Checkpoint current = verifiedCheckpoint(proof.get("new_checkpoint").asText());
    assertThat(old.size()).isEqualTo(from);
    assertThat(current.size()).isEqualTo(to);
    List<Hash> hashes = hashes(proof.get("consistency_proof"));
    assertThat(hashes).isNotEmpty();
    assertThatCode(() -> MerkleProofs.verifyConsistency(from, to, hashes, Hash.of(old.rootHash()),
        Hash.of(current.rootHash()))).doesNotThrowAnyException();
    assertThatCode(() -> MerkleProofs.verifyConsistency(from, to, hashes, Hash.of(current.rootHash()),
        Hash.of(current.rootHash()))).isInstanceOf(ProofException.class);
  }

  private Checkpoint verifiedCheckpoint(String note) {
    return Checkpoint.verify(SignedNote.parse(note), latestCheckpoint().origin(), List.of(vkey()));
  }

  private static List<Hash> hashes(JsonNode array) {
    List<Hash> hashes = new ArrayList<>();
    array.forEach(node -> hashes.add(Hash.fromBase64(node.asText())));
    return hashes;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<Long> indices(JsonNode search) {
    List<Long> indices = new ArrayList<>();
    search.get("entries").forEach(entry -> indices.add(entry.get("index").asLong()));
    return indices;
  }

  /** The indices of the searched entries whose time is in [since, until) . */
  private static List<Long> indicesBetween(JsonNode search, String since, String until) {
    List<Long> indices = new ArrayList<>();
    search.get("entries").forEach(entry -> {
      Instant time = Instant.parse(entry.get("time").asText());
      if ((since == null || !time.isBefore(Instant.parse(since)))
          && (until == null || time.isBefore(Instant.parse(until)))) {
        indices.add(entry.get("index").asLong());
      }
    });
    return indices;
  }

  /** The vkey derived from the data directory's key, independently of the CLI. */
  private NoteVerifier vkey() {
    try {
      return NoteVerifier.parse(SigningKey.load(data).ledgerIdentity(Optional.of(latestCheckpoint().origin())).vkey());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Checkpoint latestCheckpoint() {
    try {
      return Checkpoint.of(SignedNote.parse(Files.readAllBytes(data.resolve("ledger/checkpoint"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Checkpoint latestCheckpointOfSize(long size) {
    return Checkpoint.of(SignedNote.parse(json(ledger("checkpoint", "--json", "--tree-size",
        Long.toString(size))).get("note").asText()));
  }

  /** The published sizes, from checkpoint-history (uint32 length ‖ note per record); the first size never published. */
  private long unpublishedSize() throws IOException {
    byte[] history = Files.readAllBytes(data.resolve("ledger/checkpoint-history"));
    List<Long> published = new ArrayList<>();
    for (int at = 0; at + 4 <= history.length; ) {
      int length = ((history[at] & 0xff) << 24) | ((history[at + 1] & 0xff) << 16) | ((history[at + 2] & 0xff) << 8)
          | (history[at + 3] & 0xff);
      published.add(Checkpoint.of(SignedNote.parse(new String(history, at + 4, length, StandardCharsets.UTF_8))).size());
      at += 4 + length;
    }
    assertThat(published).contains(1L, 4L);
    long size = 1;
    while (published.contains(size)) {
      size++;
    }
    return size;
  }

  private long waitForCheckpointAtLeast(long size) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (latestCheckpoint().size() < size) {
      assertThat(System.nanoTime()).as("a checkpoint of size %d within 10 s", size).isLessThan(deadline);
      LockSupport.parkNanos(20_000_000L);
    }
    return latestCheckpoint().size();
  }

  private MainTest.Run ledger(String command, String... args) {
    List<String> all = new ArrayList<>(List.of("ledger", command));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", data.toString()));
    return MainTest.run(all.toArray(String[]::new));
  }

  private MainTest.Run appendNotes(String... actors) {
    return runWithStdin(notes(actors), "ledger", "append", "--kind", "admin.note", "--data-dir", data.toString());
  }

  private static String notes(String... actors) {
    StringBuilder lines = new StringBuilder();
    for (String actor : actors) {
      lines.append(note(actor)).append('\n');
    }
    return lines.toString();
  }

  private static String note(String actor) {
    return "{\"actor\":\"" + actor + "\",\"note\":\"checked the vault\"}";
  }

  /** Runs with {@code stdin} as standard input (the tests of this module run one at a time). */
  private static MainTest.Run runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return MainTest.run(args);
    } finally {
      System.setIn(saved);
    }
  }

  private JsonNode json(MainTest.Run run) {
    return json(run, 0);
  }

  private JsonNode json(MainTest.Run run, int exitCode) {
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(exitCode);
    return readTree(run.out());
  }

  private JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static void flipLastByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 2] ^= 0x01;
    Files.write(file, bytes);
  }

  private static PortcullisServer startServer(Path dataDir) throws Exception {
    return PortcullisServer.start(ConfigLoader.load(dataDir.resolve("portcullis.yaml"), Map.of()), dataDir);
  }

  private static String httpGet(PortcullisServer server, String path) throws Exception {
    URI uri = URI.create(server.adminUrl().toString().replaceAll("/$", "") + path);
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        Path source = it.next();
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
