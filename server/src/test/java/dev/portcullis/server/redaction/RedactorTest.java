package dev.portcullis.server.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
  private static final String ACCESS_TOKEN =
      "00D5g000004FgHx!AQ4AQLm0pVZpQ3zgz7s_K0f8eW.kY2X9rV1b8nH3xZ7tQW2e5VgLr0Pj1E2hbQy";
  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHOSIsInN1YiI6InVAYS5jb20ifQ.c2lnbmF0dXJl-_x";

  @Test
  void masksSalesforceAccessTokens() {
    String line = Redactor.redact("got token " + ACCESS_TOKEN + " for prod");
    assertThat(line).isEqualTo("got token 00D*** for prod");
  }

  @Test
  void masksJwts() {
    assertThat(Redactor.redact("assertion built: " + JWT)).isEqualTo("assertion built: eyJ***");
  }

  @Test
  void masksPemPrivateKeyBlocksAndKeepsTheRest() {
    String pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";
    String line = Redactor.redact("loaded " + pem + " from disk");
    assertThat(line).isEqualTo("loaded -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY----- from disk");
    assertThat(Redactor.redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADAN")).doesNotContain("MIIEvQ");
    assertThat(Redactor.redact("-----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIIFH\\n-----END ENCRYPTED PRIVATE KEY-----"))
        .doesNotContain("MIIFH");
  }

  @Test
  void masksSecretParameters() {
    assertThat(Redactor.redact("POST grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=abc.def.ghi&x=1"))
        .isEqualTo("POST grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=***&x=1");
    assertThat(Redactor.redact("postgresql://db/p?user=u&password=hunter2")).isEqualTo("postgresql://db/p?user=u&password=***");
    assertThat(Redactor.redact("{\"access_token\":\"opaque-value\",\"instance_url\":\"https://x\"}"))
        .isEqualTo("{\"access_token\":\"***\",\"instance_url\":\"https://x\"}");
    assertThat(Redactor.redact("{\\\"access_token\\\":\\\"opaque\\\"}")).isEqualTo("{\\\"access_token\\\":\\\"***\\\"}");
    assertThat(Redactor.redact("db_password: hunter2")).isEqualTo("db_password: ***");
    assertThat(Redactor.redact("Authorization: Bearer abc.def")).isEqualTo("Authorization: Bearer ***");
  }

  @Test
  void leavesOrdinaryTextAlone() {
    String text = "org prod (00D5g000004FgHxEAK) ready at https://acme.my.salesforce.com; 3 sessions";
    assertThat(Redactor.redact(text)).isEqualTo(text);
    assertThat(Redactor.redact("")).isEmpty();
    assertThat(Redactor.redact(null)).isNull();
  }
}
