package dev.portcullis.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerEntryTest {

  static final Instant T = Instant.parse("2026-11-28T12:00:00.123456789Z");
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  static Map<String, Object> deployFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("org", "acme-prod");
    fields.put("actor", "github:octo-cat");
    fields.put("commit", COMMIT);
    fields.put("deployment_id", "dep-42");
    fields.put("job", "https://github.com/acme/sf/actions/runs/1");
    return fields;
  }

  @Test
  void anEntryIsItsCanonicalJsonWithEnvelopeAndFields() {
    LedgerEntry entry = LedgerEntry.of("deploy.approved", T, deployFields());

    assertThat(entry.toString())
        .isEqualTo(
            "{\"actor\":\"github:octo-cat\",\"commit\":\"" + COMMIT + "\","
                + "\"deployment_id\":\"dep-42\",\"job\":\"https://github.com/acme/sf/actions/runs/1\","
                + "\"kind\":\"deploy.approved\",\"org\":\"acme-prod\","
                + "\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1}");
    assertThat(entry.v()).isEqualTo(1);
    assertThat(entry.time()).isEqualTo(Instant.parse("2026-11-28T12:00:00.123Z"));
    assertThat(entry.timeText()).isEqualTo("2026-11-28T12:00:00.123Z");
    assertThat(LedgerEntry.parse(entry.toCanonicalJson())).isEqualTo(entry);
  }

  @Test
  void timesAlwaysHaveThreeFractionalDigits() {
    LedgerEntry whole = LedgerEntry.of("admin.note", Instant.parse("2026-01-02T03:04:05Z"), note());
    LedgerEntry early = LedgerEntry.of("admin.note", Instant.parse("0001-01-01T00:00:00.5Z"), note());

    assertThat(whole.toString()).contains("\"time\":\"2026-01-02T03:04:05.000Z\"");
    assertThat(early.toString()).contains("\"time\":\"0001-01-01T00:00:00.500Z\"");
    assertThat(LedgerEntry.parse(early.toCanonicalJson()).time()).isEqualTo(early.time());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-28T12:00:00Z",
        "2026-11-28T12:00:00.1Z",
        "2026-11-28T12:00:00.1234Z",
        "2026-11-28T12:00:00.123+00:00",
        "2026-11-28T12:00:00.123z",
        "2026-11-28t12:00:00.123Z",
        "2026-11-28 12:00:00.123Z",
        "2026-02-30T12:00:00.123Z",
        "2026-11-28T24:00:00.123Z",
        "2026-12-31T23:59:60.000Z",
        "+12026-11-28T12:00:00.123Z",
      })
  void onlyTheExactTimeFormatIsRead(String time) {
    byte[] json =
        ("{\"actor\":\"a\",\"kind\":\"admin.note\",\"note\":\"n\",\"time\":\"" + time + "\",\"v\":1}")
            .getBytes(StandardCharsets.UTF_8);

    assertRefused(() -> LedgerEntry.parse(json), LedgerErrorCode.INVALID_ENTRY_FIELD, "'/time'");
  }

  @Test
  void nonCanonicalBytesAreRefusedNamingTheByte() {
    String canonical = LedgerEntry.of("admin.note", T, note()).toString();

    assertRefused(
        () -> LedgerEntry.parse((canonical.replace(",", ", ")).getBytes(StandardCharsets.UTF_8)),
        LedgerErrorCode.ENTRY_NOT_CANONICAL,
        "byte 13");
    assertRefused(
        () ->
            LedgerEntry.parse(
                "{\"v\":1,\"actor\":\"a\",\"kind\":\"admin.note\",\"note\":\"n\",\"time\":\"2026-11-28T12:00:00.123Z\"}"
                    .getBytes(StandardCharsets.UTF_8)),
        LedgerErrorCode.ENTRY_NOT_CANONICAL,
        "byte 2");
    assertRefused(
        () -> LedgerEntry.parse((canonical + "\n").getBytes(StandardCharsets.UTF_8)),
        LedgerErrorCode.ENTRY_NOT_CANONICAL,
        "byte " + canonical.length());
    assertRefused(
        () -> LedgerEntry.parse(canonical.replace("\"n\"", "\"\\u006e\"").getBytes(StandardCharsets.UTF_8)),
        LedgerErrorCode.ENTRY_NOT_CANONICAL,
        "canonical");
  }

  @Test
  void theEnvelopeIsChecked() {
    assertRefused(() -> parse("[1]"), LedgerErrorCode.INVALID_ENTRY_FIELD, "not a JSON object");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\"}"),
        LedgerErrorCode.UNSUPPORTED_ENTRY_VERSION, "has no 'v'");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":2}"),
        LedgerErrorCode.UNSUPPORTED_ENTRY_VERSION, "has v 2; this build reads version 1 only");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":\"1\"}"),
        LedgerErrorCode.UNSUPPORTED_ENTRY_VERSION, "has v 1");
    assertRefused(() -> parse("{\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1}"),
        LedgerErrorCode.INVALID_ENTRY_KIND, "no 'kind'");
    assertRefused(() -> parse("{\"kind\":\"Deploy\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1}"),
        LedgerErrorCode.INVALID_ENTRY_KIND, "'Deploy' is not lower-case dotted words");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"v\":1}"),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/time' is missing");
    assertRefused(() -> parse("{\"Bad\":1,\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1}"),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/Bad' is not a field name");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1,\"x\":null}"),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/x' is null");
    assertRefused(() -> parse("{\"kind\":\"a.b\",\"time\":\"2026-11-28T12:00:00.123Z\",\"v\":1,"),
        LedgerErrorCode.MALFORMED_JSON, "JSON offset");
  }

  @Test
  void unknownKindsAreFreeFormButWellNamed() {
    LedgerEntry custom =
        LedgerEntry.of("acme.change_window.opened", T, Map.of("ticket", "CHG-1", "minutes", 90));

    assertThat(custom.fields()).containsEntry("minutes", 90L);
    assertThat(LedgerEntry.parse(custom.toCanonicalJson())).isEqualTo(custom);
    for (String bad : List.of("deploy", "Deploy.x", "a..b", "a.b.", ".a", "a.1b", "a-b.c", "")) {
      assertRefused(() -> LedgerEntry.of(bad, T, Map.of()), LedgerErrorCode.INVALID_ENTRY_KIND, "kind");
    }
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("kind", "x")),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/kind' is reserved");
  }

  @Test
  void knownKindsRequireTheirFieldsWithTheirTypes() {
    Map<String, Object> missing = deployFields();
    missing.remove("deployment_id");
    assertRefused(() -> LedgerEntry.of("deploy.requested", T, missing),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "required field 'deployment_id' is missing");
    Map<String, Object> noCommit = deployFields();
    noCommit.remove("commit");
    noCommit.remove("job");
    assertThat(LedgerEntry.of("deploy.requested", T, noCommit).fields()).as("people deploy without a commit")
        .doesNotContainKey("commit");

    Map<String, Object> extra = deployFields();
    extra.put("deployment", "x");
    assertRefused(() -> LedgerEntry.of("deploy.requested", T, extra),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "field 'deployment' is not one of its fields");

    Map<String, Object> shortCommit = deployFields();
    shortCommit.put("commit", "abc123");
    assertRefused(() -> LedgerEntry.of("deploy.requested", T, shortCommit),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/commit' must be a git commit ID");

    Map<String, Object> outcome = deployFields();
    outcome.put("outcome", "exploded");
    assertRefused(() -> LedgerEntry.of("deploy.completed", T, outcome),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/outcome' must be one of succeeded, failed, canceled");

    Map<String, Object> expires = new LinkedHashMap<>();
    expires.putAll(Map.of("org", "o", "actor", "a", "issuer", "https://issuer.example", "session", "s",
        "scopes", List.of("api"), "integration_user", "u@acme.com", "decision", "dec_1",
        "bundle_sha256", "0".repeat(64)));
    expires.put("expires", "2026-11-28T12:15:00Z");
    assertRefused(() -> LedgerEntry.of("session.created", T, expires),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/expires' must be a time");
    expires.put("expires", "2026-11-28T12:15:00.000Z");
    assertThat(LedgerEntry.of("session.created", T, expires).fields()).containsKey("expires");
  }

  @Test
  void secretNamesAreRefusedUnlessHashed() {
    String token = "header.payload.signature";
    for (String name :
        List.of("token", "access_token", "password", "db_password",
            "client_secret", "private_key", "assertion", "authorization", "cookie",
            "session_token", "api_key", "credentials", "accesstoken")) {
      assertRefused(() -> LedgerEntry.of("a.b", T, Map.of(name, "x")),
          LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/" + name + "' is named like a secret");
    }
    for (String nested : List.of("refreshToken", "id-token", "X-Api-Key", "Set-Cookie", "privateKey")) {
      assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("headers", Map.of(nested, "x"))),
          LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/headers/" + nested + "' is named like a secret");
    }
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("details", Map.of("oauth", Map.of("refresh_token", token)))),
        LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/details/oauth/refresh_token'");
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("token_sha256", token)),
        LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/token_sha256' is named as a SHA-256");
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("token_sha256", LedgerEntry.sha256(token).toUpperCase())),
        LedgerErrorCode.ENTRY_HOLDS_SECRET, "64 lower-case hex");

    LedgerEntry hashed =
        LedgerEntry.of(
            "a.b", T, Map.of("token_sha256", LedgerEntry.sha256(token), "session", "s-1", "session_id", "s-1"));
    assertThat(hashed.fields()).containsKeys("token_sha256", "session", "session_id");
  }

  @Test
  void credentialShapedValuesAreRefusedWhateverTheFieldIsCalled() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvY3RvIn0.c2lnbmF0dXJl";
    String salesforce = "00D5g000004HG8G!AQ0AQH9cN_9b8x7pQrStUvWxYz.0123456789";
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----";
    Map<String, String> cases =
        Map.of(
            jwt, "a JWT",
            "see " + jwt + " attached", "a JWT",
            salesforce, "a Salesforce access token",
            pem, "a PEM private key",
            "-----BEGIN PRIVATE KEY-----", "a PEM private key",
            "Bearer abc.def", "an HTTP Bearer credential",
            "Authorization: Basic dXNlcjpwYXNz", "an HTTP Authorization header");
    cases.forEach(
        (value, what) -> {
          assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("note", value)),
              LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/note' holds what looks like " + what);
          assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("list", List.of("ok", Map.of("x", value)))),
              LedgerErrorCode.ENTRY_HOLDS_SECRET, "'/list/1/x'");
        });
    // The refusal never repeats the secret.
    assertThatThrownBy(() -> LedgerEntry.of("a.b", T, Map.of("note", salesforce)))
        .hasMessageNotContaining("AQ0AQ");
    // An org ID alone, a certificate, and prose about tokens are fine.
    LedgerEntry fine =
        LedgerEntry.of(
            "a.b",
            T,
            Map.of(
                "org_id", "00D5g000004HG8GEAW",
                "note", "rotated the bearer certificate; -----BEGIN CERTIFICATE----- kept",
                "issued", 3));
    assertThat(fine.fields()).containsKeys("org_id", "note", "issued");
  }

  @Test
  void sha256IsLowerCaseHex() {
    // FIPS 180-2 test vector: SHA-256("abc").
    assertThat(LedgerEntry.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void entriesAreLimitedTo65535Bytes() {
    LedgerEntry probe = LedgerEntry.of("admin.note", T, note());
    int overhead = probe.toCanonicalJson().length - 1; // the note "n" is one byte
    String fits = "x".repeat(LedgerEntry.MAX_SIZE - overhead);

    assertThat(LedgerEntry.of("admin.note", T, Map.of("actor", "a", "note", fits)).toCanonicalJson())
        .hasSize(LedgerEntry.MAX_SIZE);
    assertRefused(() -> LedgerEntry.of("admin.note", T, Map.of("actor", "a", "note", fits + "x")),
        LedgerErrorCode.ENTRY_TOO_LARGE, "65536 bytes");
    byte[] big = new byte[LedgerEntry.MAX_SIZE + 1];
    assertRefused(() -> LedgerEntry.parse(big), LedgerErrorCode.ENTRY_TOO_LARGE, "65536 bytes");
  }

  @Test
  void fieldsAreNormalizedAndUnmodifiable() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("z", 1);
    nested.put("a", 2.0f);
    LedgerEntry entry = LedgerEntry.of("a.b", T, Map.of("n", nested, "r", 0.5, "l", List.of(1, "x")));

    assertThat(entry.fields()).containsEntry("n", Map.of("a", 2L, "z", 1L));
    assertThat(entry.fields()).containsEntry("l", List.of(1L, "x"));
    assertThat(entry.toString()).startsWith("{\"kind\":\"a.b\",\"l\":[1,\"x\"],\"n\":{\"a\":2,\"z\":1},\"r\":0.5,");
    assertThatThrownBy(() -> entry.fields().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("n", Double.NaN)),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "'/n' is NaN");
    assertRefused(() -> LedgerEntry.of("a.b", T, Map.of("n", Long.MIN_VALUE)),
        LedgerErrorCode.INVALID_ENTRY_FIELD, "2^53");
  }

  @Test
  void indexFieldsComeFromWellKnownFields() {
    LedgerEntry deploy = LedgerEntry.of("deploy.completed", T, withOutcome());
    LedgerEntry note = LedgerEntry.of("admin.note", T, Map.of("actor", "alice", "note", "hi"));

    assertThat(EntryIndexFields.of(deploy))
        .isEqualTo(new EntryIndexFields("deploy.completed", "acme-prod", "github:octo-cat", null,
            COMMIT, "dep-42", Instant.parse("2026-11-28T12:00:00.123Z")));
    assertThat(EntryIndexFields.of(note))
        .isEqualTo(new EntryIndexFields("admin.note", null, "alice", null, null, null,
            Instant.parse("2026-11-28T12:00:00.123Z")));
    assertThat(EntryIndexFields.of(LedgerEntry.of("a.b", T, Map.of("org", 7))).org()).isNull();
  }

  @Test
  void theDocumentationListsEveryKindWithItsFields() throws IOException {
    String docs = Files.readString(Path.of("../docs/LEDGER.md"));
    String entries = docs.substring(docs.indexOf("## Entries"), docs.indexOf("## Witnesses"));

    for (EntryKind kind : EntryKind.known()) {
      int at = entries.indexOf("`" + kind.name() + "`");
      assertThat(at).as("docs/LEDGER.md ## Entries mentions " + kind.name()).isNotNegative();
      String line = entries.substring(at, entries.indexOf('\n', at));
      for (String field : kind.required().keySet()) {
        assertThat(line).as(kind.name() + " documents required " + field).contains("`" + field + "`");
      }
      for (String field : kind.optional().keySet()) {
        assertThat(line).as(kind.name() + " documents optional " + field).contains("`" + field + "`?");
      }
    }
  }

  private static Map<String, Object> withOutcome() {
    Map<String, Object> fields = deployFields();
    fields.put("outcome", "succeeded");
    return fields;
  }

  private static Map<String, Object> note() {
    return Map.of("actor", "a", "note", "n");
  }

  private static LedgerEntry parse(String json) {
    return LedgerEntry.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static void assertRefused(ThrowingCallable call, LedgerErrorCode code, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }
}
