package dev.portcullis.certs.rotate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A rotation's progress, as its state file holds it (JSON, {@code DATA_DIR/certs/rotations/ID.json}).
 * Immutable: each change makes a new state, which {@link RotationStateFiles} writes atomically before
 * the next step begins. Holds no secret: the new key never leaves the org.
 *
 * @param version the file format, 2 (1 was the format of rotations that made the key in Portcullis)
 * @param id the rotation's id: {@code ORG-FINGERPRINT16}
 * @param org the org's alias
 * @param certificate the old Certificate's name
 * @param oldSha256 the old certificate's fingerprint
 * @param oldId the old Certificate's record id (what SAML configs name), empty if unknown
 * @param use the use the new certificate is issued for
 * @param commonName the new certificate's subject CN (the old one's)
 * @param dnsNames the new certificate's DNS names (the old one's)
 * @param rsaBits the size of the key the org is asked to make (2048, 3072 or 4096)
 * @param issuer {@code private-ca} or {@code acme}
 * @param newCertificate the new Certificate's name
 * @param csr the PEM CSR the org made for the new Certificate, empty until requested
 * @param newSha256 the new certificate's fingerprint, empty until issued
 * @param newNotAfter when the new one expires (ISO-8601), empty until issued
 * @param newId the new Certificate's record id, empty until uploaded
 * @param steps every step in order, with its status
 * @param rotatedRecorded whether the closing {@code cert.rotated} entry is in the ledger
 */
@JsonIgnoreProperties(ignoreUnknown = false)
record RotationState(int version, String id, String org, String certificate, String oldSha256, String oldId, String use,
    String commonName, List<String> dnsNames, int rsaBits, String issuer, String newCertificate, String csr, String newSha256, String newNotAfter, String newId, List<Step> steps,
    boolean rotatedRecorded) {

  RotationState {
    Objects.requireNonNull(id, "id");
    steps = List.copyOf(steps);
    dnsNames = List.copyOf(dnsNames);
  }

  /** Where a step is: not begun ({@code pending}), done but not yet in the ledger, done and recorded. */
  enum Status { pending, done, recorded }

  /**
   * One step.
   *
   * @param name {@code request}, {@code issue}, {@code upload}, {@code switch}, {@code verify} or {@code retire}
   * @param consumer for a switch: the consumer ({@code type}, {@code name}, {@code field}); else null
   * @param detail what was done or why it was skipped, once done
   * @param at when it was done (ISO-8601), empty before
   */
  record Step(String name, Consumer consumer, Status status, String detail, String at) {
    String label() {
      return consumer == null ? name : name + " " + consumer.type() + " " + consumer.name();
    }
  }

  /** A consumer to switch, as the inventory named it. */
  record Consumer(String type, String name, String field) {}

  boolean complete() {
    return rotatedRecorded && steps.stream().allMatch(s -> s.status() == Status.recorded);
  }

  RotationState withStep(int index, Step step) {
    List<Step> copy = new ArrayList<>(steps);
    copy.set(index, step);
    return new RotationState(version, id, org, certificate, oldSha256, oldId, use, commonName, dnsNames, rsaBits, issuer, newCertificate, csr, newSha256,
        newNotAfter, newId, copy, rotatedRecorded);
  }

  RotationState withNew(String sha256, String notAfter) {
    return new RotationState(version, id, org, certificate, oldSha256, oldId, use, commonName, dnsNames, rsaBits, issuer, newCertificate, csr, sha256, notAfter,
        newId, steps, rotatedRecorded);
  }

  RotationState withCsr(String pem) {
    return new RotationState(version, id, org, certificate, oldSha256, oldId, use, commonName, dnsNames, rsaBits, issuer, newCertificate, pem, newSha256,
        newNotAfter, newId, steps, rotatedRecorded);
  }

  RotationState withNewId(String recordId) {
    return new RotationState(version, id, org, certificate, oldSha256, oldId, use, commonName, dnsNames, rsaBits, issuer, newCertificate, csr, newSha256,
        newNotAfter, recordId, steps, rotatedRecorded);
  }

  RotationState withRotatedRecorded() {
    return new RotationState(version, id, org, certificate, oldSha256, oldId, use, commonName, dnsNames, rsaBits, issuer, newCertificate, csr, newSha256,
        newNotAfter, newId, steps, true);
  }
}
