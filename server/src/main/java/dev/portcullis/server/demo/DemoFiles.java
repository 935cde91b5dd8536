package dev.portcullis.server.demo;

import dev.portcullis.server.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;

/** The demo's PEM files under {@code DATA_DIR/demo/}; keys are written 0600. */
record DemoFiles(Path directory) {
  static DemoFiles in(Path dataDir) {
    return new DemoFiles(dataDir.resolve(DemoBootstrap.DIRECTORY));
  }

  Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  Path caKey() {
    return directory.resolve("ca-key.pem");
  }

  Path serverCertificate() {
    return directory.resolve("server.pem");
  }

  Path serverKey() {
    return directory.resolve("server-key.pem");
  }

  Path orgCertificatePath(String alias) {
    return directory.resolve(alias + ".pem");
  }

  Path orgKey(String alias) {
    return directory.resolve(alias + "-key.pem");
  }

  X509Certificate orgCertificate(String alias) throws IOException {
    try {
      return DemoCertificates.readCertificate(orgCertificatePath(alias));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read " + orgCertificatePath(alias) + ": " + e.getMessage(), e);
    }
  }

  /** Generates each certificate/key pair whose files are missing; keeps the rest. */
  void generateMissing(Instant now) throws IOException, GeneralSecurityException {
    AtomicFiles.createPrivateDirectory(directory);
    boolean newCa = !(Files.exists(caCertificate()) && Files.exists(caKey()));
    DemoCertificates.Issued ca = null;
    if (newCa) {
      ca = DemoCertificates.certificateAuthority(now);
      write(ca, caCertificate(), caKey());
    }
    if (newCa || !(Files.exists(serverCertificate()) && Files.exists(serverKey()))) {
      if (ca == null) {
        throw new IOException("the demo CA exists but the server certificate is missing; delete "
            + directory + " to regenerate the demo's keys and certificates");
      }
      write(DemoCertificates.tlsServer(ca, now), serverCertificate(), serverKey());
    }
    for (String alias : DemoBootstrap.ORGS) {
      if (!(Files.exists(orgCertificatePath(alias)) && Files.exists(orgKey(alias)))) {
        write(DemoCertificates.connectedApp(alias, now), orgCertificatePath(alias), orgKey(alias));
      }
    }
  }

  private static void write(DemoCertificates.Issued issued, Path certificate, Path key)
      throws IOException, GeneralSecurityException {
    AtomicFiles.write(key, DemoCertificates.pemBytes("PRIVATE KEY", issued.keys().getPrivate().getEncoded()), true);
    AtomicFiles.write(certificate, DemoCertificates.pemBytes("CERTIFICATE", issued.certificate().getEncoded()), false);
  }
}
