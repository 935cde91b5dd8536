package dev.portcullis.salesforce.oauth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.salesforce.SalesforceErrorCode;
import dev.portcullis.salesforce.SalesforceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateKeysTest {
  @TempDir Path dir;

  private final KeyPair rsa = TestKeys.rsa2048();

  @Test
  void readsPkcs8RsaKey() throws IOException {
    Path file = write("key.pem", TestKeys.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));

    RSAPrivateKey key = PrivateKeys.readPkcs8Pem(file);

    assertThat(key.getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
  }

  @Test
  void findsThePrivateKeyAfterACertificateInTheSameFile() throws IOException {
    Path file = write("both.pem",
        TestKeys.pem("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})
            + TestKeys.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));

    assertThat(PrivateKeys.readPkcs8Pem(file).getModulus()).isEqualTo(((RSAPrivateKey) rsa.getPrivate()).getModulus());
  }

  @Test
  void acceptsWindowsLineEndings() throws IOException {
    Path file = write("crlf.pem", TestKeys.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()).replace("\n", "\r\n"));

    assertThat(PrivateKeys.readPkcs8Pem(file).getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("nope.pem");

    SalesforceException e = fails(file);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.KEY_FILE_MISSING);
    assertThat(e.getMessage()).isEqualTo("private key file " + file + " does not exist");
  }

  @Test
  void directoryInsteadOfFile() {
    SalesforceException e = fails(dir);

    assertThat(e.code()).isEqualTo(SalesforceErrorCode.KEY_FILE_MISSING);
    assertThat(e.getMessage()).startsWith("cannot read private key file " + dir);
  }

  @Test
  void emptyFile() throws IOException {
    assertInvalid(write("empty.pem", ""), "is empty; expected -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void notPem() throws IOException {
    assertInvalid(write("key.txt", "consumer key: 3MVG9...\n"), "is not a PEM file; expected -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void binaryDerSaysHowToConvert() throws IOException {
    Path file = dir.resolve("key.der");
    Files.write(file, rsa.getPrivate().getEncoded());

    assertInvalid(file, "is not a PEM file (binary, perhaps DER); convert it with openssl pkcs8 -topk8 -nocrypt -inform DER");
  }

  @Test
  void truncatedPem() throws IOException {
    String pem = TestKeys.pem("PRIVATE KEY", rsa.getPrivate().getEncoded());
    assertInvalid(write("cut.pem", pem.substring(0, pem.indexOf("-----END"))),
        "is not a complete PEM file (a -----BEGIN line without a matching -----END line)");
  }

  @Test
  void certificate() throws IOException {
    assertInvalid(write("cert.pem", TestKeys.pem("CERTIFICATE", new byte[] {0x30, 0x00})),
        "contains a CERTIFICATE, not a private key; expected -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void publicKey() throws IOException {
    assertInvalid(write("pub.pem", TestKeys.pem("PUBLIC KEY", rsa.getPublic().getEncoded())),
        "contains a PUBLIC KEY, not a private key; expected -----BEGIN PRIVATE KEY-----");
  }

  @Test
  void encryptedPkcs8() throws IOException {
    assertInvalid(write("enc.pem", TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00})),
        "contains an encrypted private key; Portcullis needs it unencrypted (protect the file instead): openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void pkcs1SaysHowToConvert() throws IOException {
    assertInvalid(write("rsa.pem", TestKeys.pem("RSA PRIVATE KEY", pkcs1(rsa.getPrivate().getEncoded()))),
        "contains a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8.pem");
  }

  @Test
  void encryptedPkcs1() throws IOException {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
        + Base64.getMimeEncoder().encodeToString(new byte[48]) + "\n-----END RSA PRIVATE KEY-----\n";
    assertInvalid(write("rsa-enc.pem", pem), "contains an encrypted PKCS#1 RSA key (BEGIN RSA PRIVATE KEY); convert it to unencrypted PKCS#8");
  }

  @Test
  void ecKeyInPkcs8() throws IOException {
    KeyPair ec = TestKeys.generate("EC", 256);
    assertInvalid(write("ec.pem", TestKeys.pem("PRIVATE KEY", ec.getPrivate().getEncoded())),
        "holds a private key of type EC, not RSA; Salesforce's JWT bearer flow needs an RSA key (RS256)");
  }

  @Test
  void ed25519KeyInPkcs8() throws IOException {
    KeyPair ed = TestKeys.generate("Ed25519", 0);
    assertInvalid(write("ed.pem", TestKeys.pem("PRIVATE KEY", ed.getPrivate().getEncoded())),
        "holds a private key of type Ed25519, not RSA");
  }

  @Test
  void sec1EcKey() throws IOException {
    assertInvalid(write("ec1.pem", TestKeys.pem("EC PRIVATE KEY", new byte[] {0x30, 0x00})),
        "contains an EC private key; Salesforce's JWT bearer flow needs an RSA key (RS256)");
  }

  @Test
  void shortRsaKey() throws IOException {
    KeyPair weak = TestKeys.generate("RSA", 1024);
    assertInvalid(write("weak.pem", TestKeys.pem("PRIVATE KEY", weak.getPrivate().getEncoded())),
        "holds a 1024-bit RSA key; at least 2048 bits are required");
  }

  @Test
  void badBase64() throws IOException {
    assertInvalid(write("b64.pem", "-----BEGIN PRIVATE KEY-----\nMIIE$$$not*base64\n-----END PRIVATE KEY-----\n"),
        "has a PRIVATE KEY block whose body is not valid Base64");
  }

  @Test
  void garbageDer() throws IOException {
    assertInvalid(write("junk.pem", TestKeys.pem("PRIVATE KEY", "not a key at all".getBytes(US_ASCII))),
        "has a PRIVATE KEY block that is not a valid PKCS#8 RSA key");
  }

  @Test
  void messagesNeverContainKeyMaterial() throws IOException {
    KeyPair weak = TestKeys.generate("RSA", 1024);
    String body = Base64.getEncoder().encodeToString(weak.getPrivate().getEncoded());
    Path file = write("weak.pem", TestKeys.pem("PRIVATE KEY", weak.getPrivate().getEncoded()));

    SalesforceException e = fails(file);

    assertThat(e.getMessage()).doesNotContain(body.substring(40, 80));
  }

  private void assertInvalid(Path file, String expectedProblem) {
    SalesforceException e = fails(file);
    assertThat(e.code()).isEqualTo(SalesforceErrorCode.KEY_INVALID);
    assertThat(e.getMessage()).startsWith("private key file " + file + " " + expectedProblem);
    assertThat(e.httpStatus()).isEmpty();
  }

  private static SalesforceException fails(Path file) {
    SalesforceException e = catchThrowableOfType(SalesforceException.class, () -> PrivateKeys.readPkcs8Pem(file));
    assertThat(e).as("readPkcs8Pem(%s) should fail", file).isNotNull();
    return e;
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, US_ASCII);
    return file;
  }

  /**
   * The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (RFC 5208 §5): the content of the
   * OCTET STRING that follows the version and the AlgorithmIdentifier.
   */
  private static byte[] pkcs1(byte[] pkcs8) {
    int[] pos = {0};
    header(pkcs8, pos); // PrivateKeyInfo SEQUENCE
    skip(pkcs8, pos); // version INTEGER
    skip(pkcs8, pos); // AlgorithmIdentifier SEQUENCE
    int length = header(pkcs8, pos); // privateKey OCTET STRING
    return java.util.Arrays.copyOfRange(pkcs8, pos[0], pos[0] + length);
  }

  private static int header(byte[] der, int[] pos) {
    pos[0]++; // tag
    int first = der[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[pos[0]++] & 0xff);
    }
    return length;
  }

  private static void skip(byte[] der, int[] pos) {
    int length = header(der, pos);
    pos[0] += length;
  }

  @Test
  void pkcs1HelperExtractsAnRsaPrivateKeySequence() {
    assertThat(pkcs1(rsa.getPrivate().getEncoded())[0]).isEqualTo((byte) 0x30);
    assertThatThrownBy(() -> PrivateKeys.parsePkcs8Pem(TestKeys.pem("PRIVATE KEY", pkcs1(rsa.getPrivate().getEncoded())), "x"))
        .isInstanceOf(SalesforceException.class);
  }
}
