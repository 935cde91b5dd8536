package dev.portcullis.certs.path;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** Reads PEM text (RFC 7468) into the DER of each block of the given label. */
public final class Pem {
  private Pem() {}

  /** The DER of every block labelled {@code label} (e.g. {@code CERTIFICATE}, {@code X509 CRL}), in order. */
  public static List<byte[]> decode(String text, String label) {
    List<byte[]> blocks = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(text))) {
      for (PemObject object = reader.readPemObject(); object != null; object = reader.readPemObject()) {
        if (object.getType().equals(label)) {
          blocks.add(object.getContent());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PEM text does not decode: " + e.getMessage(), e);
    }
    return blocks;
  }

  /** Exactly one certificate. */
  public static byte[] certificate(String text) {
    List<byte[]> blocks = decode(text, "CERTIFICATE");
    if (blocks.size() != 1) {
      throw new IllegalArgumentException("expected one CERTIFICATE block, found " + blocks.size());
    }
    return blocks.get(0);
  }
}
