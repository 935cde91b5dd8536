package dev.portcullis.certs.rotate;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.certs.inventory.Inventory;
import dev.portcullis.certs.inventory.InventoryException;
import dev.portcullis.certs.inventory.InventoryItem;
import dev.portcullis.certs.inventory.OrgCertificates;
import dev.portcullis.certs.Use;
import dev.portcullis.certs.issue.CertificateIssuer;
import dev.portcullis.certs.issue.CertificateSigningRequest;
import dev.portcullis.certs.issue.IssueException;
import dev.portcullis.certs.issue.IssueRequest;
import dev.portcullis.ledger.LedgerEntry;
import dev.portcullis.ledger.LedgerException;
import dev.portcullis.salesforce.metadata.FileProperties;
import dev.portcullis.salesforce.metadata.MetadataClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Rotates one of an org's certificates in stages, without downtime, resumably.
 *
 * <h2>Design note</h2>
 *
 * <p>The steps, in order: {@code request} the new certificate from the org (Metadata API deploy of a
 * CA-signed Certificate {@code NEW} with an empty {@code .crt}: Salesforce makes the key pair and the
 * retrieved {@code .crt} is its CSR; meta_certificate.htm, Usage), {@code issue} (the issuer signs
 * that CSR: the private CA, or an ACME CA finalizing an order with it), {@code upload} (deploy the
 * signed chain as {@code NEW}'s {@code .crt}, which installs it), {@code switch} each consumer to it
 * (one deploy per consumer: the SAML config's {@code requestSigningCertId}, a named or external
 * credential's certificate, a connected app's SAML certificate), {@code verify} (a fresh inventory of
 * the org: every consumer on the new certificate, none left on the old), and {@code retire} the old
 * record (destructive deploy). Old and new coexist until every consumer has moved, so nothing is ever
 * without a certificate. The new key never leaves the org: Portcullis makes and stores none (the
 * state file holds the CSR, the rotation's {@code ID.crt} the signed chain; both are public).
 *
 * <p>Invariants that make a rerun safe after a failure anywhere:
 *
 * <ul>
 *   <li>The state file is written (atomically) after each step's effect and before its ledger entry;
 *       a step is {@code pending}, {@code done} (effect made) or {@code recorded} (entry in the ledger).
 *       A rerun first appends the entries of {@code done} steps, then goes on with the first
 *       {@code pending} one. So every step has exactly one ledger entry.
 *   <li>Each step checks the org before acting, because a crash can fall between its effect and the
 *       state file: {@code request} finds {@code NEW} already holding a CSR and takes it; {@code
 *       issue} reuses a chain file already written for that CSR's key; {@code upload} finds {@code NEW}
 *       already holding the chain (anything else under that name than the CSR or the chain is {@code
 *       NAME_TAKEN}); {@code switch} leaves a consumer that names the new certificate already;
 *       {@code retire} skips a record already gone. So no effect is made twice.
 *   <li>Once the state exists, the rotation follows it, not a new inventory: a rerun after the
 *       retirement still knows what to finish.
 * </ul>
 */
public final class Rotation {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{8,64}");
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final MetadataClient client;
  private final OrgMetadata metadata;
  private final String org;
  private final CertificateIssuer issuer;
  private final RotationStateFiles files;
  private final RotationLedger ledger;
  private final Clock clock;
  private final Duration maxWait;
  private final Duration lifetime;
  private final String actor;
  private final StepHook hook;

  private Rotation(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.org = Objects.requireNonNull(b.org, "org");
    this.issuer = Objects.requireNonNull(b.issuer, "issuer");
    this.files = new RotationStateFiles(Objects.requireNonNull(b.stateDirectory, "stateDirectory"));
    this.ledger = Objects.requireNonNull(b.ledger, "ledger");
    this.clock = b.clock;
    this.maxWait = b.maxWait;
    this.lifetime = b.lifetime;
    this.actor = b.actor;
    this.hook = b.hook;
    this.metadata = new OrgMetadata(client, maxWait);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * How a run ended.
   *
   * @param id the rotation's id (its state file's name)
   * @param certificate the old Certificate's name
   * @param newCertificate the new one's
   * @param oldSha256 the old fingerprint
   * @param newSha256 the new fingerprint
   * @param notAfter the new certificate's expiry (ISO-8601)
   * @param resumed whether this run continued an earlier one
   * @param steps each step's label and what was done, in order
   */
  public record Result(String id, String certificate, String newCertificate, String oldSha256, String newSha256,
      String notAfter, boolean resumed, List<String> steps) {}

  /**
   * Rotates (or resumes rotating) the certificate whose fingerprint is, or starts with, {@code
   * fingerprint} (at least 8 hex digits).
   *
   * @throws RotationException with the code saying what stopped it; run again to resume
   */
  public Result rotate(String fingerprint) {
    String wanted = fingerprint.strip().toLowerCase(Locale.ROOT);
    if (!HEX.matcher(wanted).matches()) {
      throw new RotationException(RotationException.Code.NOT_FOUND, "'" + fingerprint
          + "' is not a certificate fingerprint (8 to 64 lower-case hex digits of its SHA-256)");
    }
    Optional<RotationState> existing = wanted.length() >= 16 ? files.load(id(wanted)) : Optional.empty();
    boolean resumed = existing.isPresent();
    RotationState state = existing.orElseGet(() -> begin(wanted));
    if (!resumed) {
      files.save(state);
    }
    state = recordDoneSteps(state);
    for (int i = 0; i < state.steps().size(); i++) {
      RotationState.Step step = state.steps().get(i);
      if (step.status() != RotationState.Status.pending) {
        continue;
      }
      hook.before(step.label());
      Done done = perform(state, step);
      state = done.state().withStep(i, new RotationState.Step(step.name(), step.consumer(), RotationState.Status.done,
          done.detail(), DATE_TIME.format(clock.instant())));
      files.save(state);
      state = record(state, i);
    }
    if (!state.rotatedRecorded()) {
      append(rotated(state));
      state = state.withRotatedRecorded();
      files.save(state);
    }
    return new Result(state.id(), state.certificate(), state.newCertificate(), state.oldSha256(), state.newSha256(),
        state.newNotAfter(), resumed, state.steps().stream().map(s -> s.label() + ": " + s.detail()).toList());
  }

  private String id(String fingerprint) {
    return org.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + fingerprint.substring(0, 16);
  }

  /** A new rotation: what to rotate and which consumers to switch, from a fresh inventory. */
  private RotationState begin(String wanted) {
    Inventory inventory = discover();
    List<InventoryItem> matches = inventory.items().stream().filter(i -> i.fingerprint().startsWith(wanted)).toList();
    if (matches.isEmpty()) {
      throw new RotationException(RotationException.Code.NOT_FOUND, "org " + org + " has no certificate whose fingerprint"
          + " starts with " + wanted + " (see `portcullis certs plan`)");
    }
    if (matches.size() > 1) {
      throw new RotationException(RotationException.Code.NOT_FOUND, wanted + " names " + matches.size()
          + " certificates of org " + org + "; give more of the fingerprint");
    }
    InventoryItem item = matches.getFirst();
    Optional<RotationState> earlier = files.load(id(item.fingerprint()));
    if (earlier.isPresent()) {
      return earlier.get();
    }
    RotationPlan.Candidate candidate = RotationPlanner.candidate(item, org, clock.instant());
    if (!candidate.rotatable()) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, candidate.certificate().isEmpty()
          ? item.subject() + ": " + candidate.blocker() : candidate.certificate() + ": " + candidate.blocker());
    }
    if (!candidate.issuer().equals(issuer.name())) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, candidate.certificate() + " is used for "
          + item.use().id() + ", which takes --issuer " + candidate.issuer() + ", not " + issuer.name());
    }
    String oldId = Optional.ofNullable(metadata.list("Certificate").get(candidate.certificate()))
        .map(FileProperties::id).orElse("");
    List<RotationState.Step> steps = new ArrayList<>();
    steps.add(pending("request", null));
    steps.add(pending("issue", null));
    steps.add(pending("upload", null));
    for (InventoryItem.Consumer c : item.consumers()) {
      steps.add(pending("switch", new RotationState.Consumer(c.type(), c.name(), c.field())));
    }
    steps.add(pending("verify", null));
    steps.add(pending("retire", null));
    X509Certificate old = item.certificate();
    int bits = old.getPublicKey() instanceof RSAPublicKey rsa && List.of(3072, 4096).contains(rsa.getModulus().bitLength())
        ? rsa.getModulus().bitLength() : 2048;
    return new RotationState(2, id(item.fingerprint()), org, candidate.certificate(), item.fingerprint(), oldId,
        item.use().id(), commonName(old, candidate.certificate()), dnsNames(old), bits, issuer.name(),
        candidate.newCertificate(), "", "", "", "", steps, false);
  }

  private static RotationState.Step pending(String name, RotationState.Consumer consumer) {
    return new RotationState.Step(name, consumer, RotationState.Status.pending, "", "");
  }

  private Inventory discover() {
    try {
      return new OrgCertificates(client, maxWait).discover(org);
    } catch (InventoryException e) {
      throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "cannot read org " + org + "'s certificates: "
          + e.code() + ": " + e.getMessage(), e);
    }
  }

  private record Done(RotationState state, String detail) {}

  private Done perform(RotationState state, RotationState.Step step) {
    return switch (step.name()) {
      case "request" -> request(state);
      case "issue" -> issue(state);
      case "upload" -> upload(state);
      case "switch" -> switchConsumer(state, step);
      case "verify" -> verify(state);
      case "retire" -> retire(state);
      default -> throw new RotationException(RotationException.Code.STATE_UNREADABLE, "unknown step " + step.name()
          + " in " + files.stateFile(state.id()));
    };
  }

  /** Deploys NEW as a CA-signed Certificate with no chain; the org makes its key pair; its .crt is then the CSR. */
  private Done request(RotationState state) {
    String name = state.newCertificate();
    String path = "certs/" + name + ".crt";
    String detail;
    if (metadata.list("Certificate").containsKey(name)) {
      detail = "Certificate " + name + " was requested already";
    } else {
      Map<String, byte[]> deploy = new LinkedHashMap<>();
      deploy.put(path, new byte[0]);
      deploy.put(path + "-meta.xml", certificateMeta(state));
      metadata.deploy("CA-signed Certificate " + name, deploy, Map.of("Certificate", List.of(name)), false);
      hook.performed("request");
      detail = "deployed CA-signed Certificate " + name + " (RSA " + state.rsaBits() + ", key made by the org)";
    }
    Map<String, byte[]> files = metadata.retrieve(Map.of("Certificate", List.of(name)));
    byte[] held = files.get(path);
    if (held == null || !new String(held, US_ASCII).contains("CERTIFICATE REQUEST-----")
        || !new String(files.getOrDefault(path + "-meta.xml", new byte[0]), UTF_8).contains("<caSigned>true</caSigned>")) {
      throw new RotationException(RotationException.Code.NAME_TAKEN, "org " + org + " has a Certificate " + name
          + " that is not a CA-signed certificate waiting for its chain (its .crt holds no CSR); retire it or rename,"
          + " then run again");
    }
    CertificateSigningRequest csr = csr(held, path);
    String id = Optional.ofNullable(metadata.list("Certificate").get(name)).map(FileProperties::id).orElse("");
    return new Done(state.withCsr(csr.pem()).withNewId(id), detail + "; its CSR: RSA " + csr.rsaBits() + ", CN "
        + csr.commonName() + ", sha256 " + csr.sha256().substring(0, 16));
  }

  /** Has the issuer sign the org's CSR; the chain goes to the rotation's ID.crt before anything else. */
  private Done issue(RotationState state) {
    CertificateSigningRequest csr = csr(state.csr().getBytes(US_ASCII), files.stateFile(state.id()).toString());
    Path chainFile = files.chainFile(state.id());
    if (Files.exists(chainFile)) {
      List<X509Certificate> chain = readChain(chainFile);
      if (csr.isFor(chain.getFirst().getPublicKey())) {
        X509Certificate leaf = chain.getFirst();
        return new Done(state.withNew(fingerprint(leaf), DATE_TIME.format(leaf.getNotAfter().toInstant())),
            "kept the chain an earlier run had signed (" + chainFile.getFileName() + ")");
      }
    }
    List<X509Certificate> chain;
    try {
      chain = issuer.sign(new IssueRequest(state.commonName(), state.dnsNames(), Use.parse(state.use()).orElseThrow(),
          csr.rsaBits(), lifetime), csr);
    } catch (IssueException e) {
      throw new RotationException(RotationException.Code.ISSUE_FAILED, "cannot have the org's CSR for "
          + state.newCertificate() + " signed: " + e.code() + ": " + e.getMessage(), e);
    }
    if (chain.isEmpty() || !csr.isFor(chain.getFirst().getPublicKey())) {
      throw new RotationException(RotationException.Code.ISSUE_FAILED, issuer.name() + " answered the CSR for "
          + state.newCertificate() + " with a certificate for another key; nothing was uploaded");
    }
    files.write(chainFile, pem(chain));
    hook.performed("issue");
    X509Certificate leaf = chain.getFirst();
    return new Done(state.withNew(fingerprint(leaf), DATE_TIME.format(leaf.getNotAfter().toInstant())),
        "signed by " + issuer.name() + " for the org's RSA " + csr.rsaBits() + " key, expires "
        + DATE_TIME.format(leaf.getNotAfter().toInstant()));
  }

  /** Deploys the signed chain as NEW's .crt: the org installs it for the key it holds. */
  private Done upload(RotationState state) {
    String name = state.newCertificate();
    String path = "certs/" + name + ".crt";
    if (!metadata.list("Certificate").containsKey(name)) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, "Certificate " + name + " is gone from org " + org
          + " since it was requested, and its key with it; delete " + files.stateFile(state.id()) + " and "
          + files.chainFile(state.id()).getFileName() + ", then run again to request a new one");
    }
    byte[] held = metadata.retrieve(Map.of("Certificate", List.of(name))).get(path);
    String text = held == null ? "" : new String(held, US_ASCII);
    String detail;
    if (text.contains("-----BEGIN CERTIFICATE-----")
        && fingerprint(parsePem(held, path).getFirst()).equals(state.newSha256())) {
      detail = "the org holds the signed chain already";
    } else if (text.contains("CERTIFICATE REQUEST-----")
        && csr(held, path).pem().equals(state.csr())) {
      List<X509Certificate> chain = readChain(files.chainFile(state.id()));
      Map<String, byte[]> deploy = new LinkedHashMap<>();
      deploy.put(path, pem(chain));
      deploy.put(path + "-meta.xml", certificateMeta(state));
      metadata.deploy("the signed chain of Certificate " + name, deploy, Map.of("Certificate", List.of(name)), false);
      hook.performed("upload");
      detail = "deployed the signed chain of Certificate " + name + " (" + chain.size() + " certificates)";
    } else {
      throw new RotationException(RotationException.Code.NAME_TAKEN, "org " + org + "'s Certificate " + name
          + " holds neither the CSR this rotation had signed nor its chain; it was changed by someone else: check it");
    }
    FileProperties properties = metadata.list("Certificate").get(name);
    if (properties == null) {
      throw new RotationException(RotationException.Code.VERIFY_FAILED, "the org accepted Certificate " + name
          + " but does not list it");
    }
    return new Done(state.withNewId(properties.id()), detail);
  }

  private static CertificateSigningRequest csr(byte[] pem, String where) {
    try {
      return CertificateSigningRequest.parsePem(pem, where);
    } catch (IssueException e) {
      throw new RotationException(RotationException.Code.ISSUE_FAILED, e.code() + ": " + e.getMessage(), e);
    }
  }

  private Done switchConsumer(RotationState state, RotationState.Step step) {
    RotationState.Consumer c = step.consumer();
    InventoryItem.Consumer consumer = new InventoryItem.Consumer(c.type(), c.name(), c.field(),
        Use.parse(state.use()).orElseThrow());
    String path = ConsumerEdit.path(consumer);
    byte[] xml = metadata.retrieve(Map.of(c.type(), List.of(c.name()))).get(path);
    if (xml == null) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, c.type() + " " + c.name() + " is gone from org "
          + org + " (the retrieve holds no " + path + ")");
    }
    boolean byId = ConsumerEdit.byId(consumer);
    if (byId && (state.oldId().isEmpty() || state.newId().isEmpty())) {
      throw new RotationException(RotationException.Code.NOT_ROTATABLE, c.type() + " " + c.name()
          + " names the certificate by record id, and the org listed no id for " + state.certificate() + " or "
          + state.newCertificate());
    }
    String from = byId ? state.oldId() : state.certificate();
    String to = byId ? state.newId().substring(0, 15) : state.newCertificate();
    ConsumerEdit.Result edit = ConsumerEdit.apply(consumer, xml, from, to);
    return switch (edit.outcome()) {
      case ALREADY_NEW -> new Done(state, c.field() + " names " + state.newCertificate() + " already");
      case NOT_FOUND -> throw new RotationException(RotationException.Code.NOT_ROTATABLE, c.type() + " " + c.name() + " "
          + c.field() + " names neither " + state.certificate() + " nor " + state.newCertificate()
          + "; it was changed by someone else: check it, then run again");
      case CHANGED -> {
        metadata.deploy(c.type() + " " + c.name(), Map.of(path, edit.xml()), Map.of(c.type(), List.of(c.name())), false);
        hook.performed(step.label());
        yield new Done(state, c.field() + ": " + from + " -> " + to);
      }
    };
  }

  private Done verify(RotationState state) {
    Inventory inventory = discover();
    Optional<InventoryItem> fresh = inventory.item(state.newSha256());
    if (fresh.isEmpty()) {
      throw new RotationException(RotationException.Code.VERIFY_FAILED, "org " + org + " does not hold the new certificate "
          + state.newCertificate() + " (" + state.newSha256() + ")");
    }
    List<String> missing = new ArrayList<>();
    for (RotationState.Step step : state.steps()) {
      if (step.consumer() == null) {
        continue;
      }
      RotationState.Consumer c = step.consumer();
      boolean moved = fresh.get().consumers().stream()
          .anyMatch(x -> x.type().equals(c.type()) && x.name().equals(c.name()) && x.field().equals(c.field()));
      if (!moved) {
        missing.add(c.type() + " " + c.name() + " (" + c.field() + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new RotationException(RotationException.Code.VERIFY_FAILED, "after the switch, these do not name "
          + state.newCertificate() + ": " + String.join(", ", missing));
    }
    Optional<InventoryItem> old = inventory.item(state.oldSha256());
    if (old.isPresent() && !old.get().consumers().isEmpty()) {
      throw new RotationException(RotationException.Code.VERIFY_FAILED, state.certificate() + " is still used by "
          + old.get().consumers() + "; switch them, then run again (the old certificate is kept)");
    }
    return new Done(state, fresh.get().consumers().size() + " consumers on " + state.newCertificate() + ", none on "
        + state.certificate());
  }

  private Done retire(RotationState state) {
    if (!metadata.list("Certificate").containsKey(state.certificate())) {
      return new Done(state, "Certificate " + state.certificate() + " is gone already");
    }
    metadata.deploy("the retirement of Certificate " + state.certificate(), Map.of(),
        Map.of("Certificate", List.of(state.certificate())), true);
    hook.performed("retire");
    return new Done(state, "deleted Certificate " + state.certificate());
  }

  /** Appends the entries of steps that are done but not yet recorded (a run that stopped in between). */
  private RotationState recordDoneSteps(RotationState state) {
    for (int i = 0; i < state.steps().size(); i++) {
      if (state.steps().get(i).status() == RotationState.Status.done) {
        state = record(state, i);
      }
    }
    return state;
  }

  private RotationState record(RotationState state, int index) {
    RotationState.Step step = state.steps().get(index);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rotation", state.id());
    fields.put("certificate", state.certificate());
    fields.put("step", step.name());
    fields.put("org", state.org());
    if (step.consumer() != null) {
      fields.put("consumer", step.consumer().type() + " " + step.consumer().name());
    }
    fields.put("old_sha256", state.oldSha256());
    if (!state.newSha256().isEmpty()) {
      fields.put("new_sha256", state.newSha256());
      fields.put("not_after", state.newNotAfter());
    }
    fields.put("new_certificate", state.newCertificate());
    if (!state.csr().isEmpty()) {
      fields.put("csr_sha256", csr(state.csr().getBytes(US_ASCII), files.stateFile(state.id()).toString()).sha256());
    }
    fields.put("issuer", state.issuer());
    if (!step.detail().isEmpty()) {
      fields.put("detail", step.detail());
    }
    if (actor != null) {
      fields.put("actor", actor);
    }
    append(LedgerEntry.of("cert.rotation.step", clock.instant(), fields));
    RotationState recorded = state.withStep(index, new RotationState.Step(step.name(), step.consumer(),
        RotationState.Status.recorded, step.detail(), step.at()));
    files.save(recorded);
    return recorded;
  }

  private LedgerEntry rotated(RotationState state) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("certificate", state.certificate());
    fields.put("old_sha256", state.oldSha256());
    fields.put("new_sha256", state.newSha256());
    fields.put("not_after", state.newNotAfter());
    fields.put("org", state.org());
    fields.put("rotation", state.id());
    fields.put("new_certificate", state.newCertificate());
    fields.put("issuer", state.issuer());
    if (actor != null) {
      fields.put("actor", actor);
    }
    return LedgerEntry.of("cert.rotated", clock.instant(), fields);
  }

  private void append(LedgerEntry entry) {
    try {
      ledger.append(entry);
    } catch (LedgerException | IllegalStateException | java.io.UncheckedIOException e) {
      throw new RotationException(RotationException.Code.NOT_RECORDED, "the ledger did not take the " + entry.kind()
          + " entry (" + e.getMessage() + "); the step is done: run again to record it and go on", e);
    }
  }

  /**
   * The new Certificate's {@code -meta.xml} (meta_certificate.htm: caSigned, encryptedWithPlatformEncryption,
   * expirationDate, keySize, masterLabel, privateKeyExportable). CA-signed, with the org keeping a key that
   * cannot be exported; no expirationDate (the org sets it from the chain). The masterLabel is the old
   * certificate's CN, which a CSR made through the Metadata API can only take from it.
   */
  private static byte[] certificateMeta(RotationState state) {
    return ("""
        <?xml version="1.0" encoding="UTF-8"?>
        <Certificate xmlns="http://soap.sforce.com/2006/04/metadata">
            <caSigned>true</caSigned>
            <encryptedWithPlatformEncryption>false</encryptedWithPlatformEncryption>
            <keySize>%d</keySize>
            <masterLabel>%s</masterLabel>
            <privateKeyExportable>false</privateKeyExportable>
        </Certificate>
        """).formatted(state.rsaBits(), ConsumerEdit.escape(state.commonName())).getBytes(UTF_8);
  }

  private List<X509Certificate> readChain(Path chainFile) {
    try {
      return parsePem(Files.readAllBytes(chainFile), chainFile.toString());
    } catch (IOException e) {
      throw new RotationException(RotationException.Code.STATE_UNREADABLE, "cannot read " + chainFile + ": "
          + e.getMessage(), e);
    }
  }

  static String fingerprint(X509Certificate certificate) {
    return Inventory.fingerprint(certificate);
  }

  static byte[] pem(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII));
    try {
      for (X509Certificate c : chain) {
        out.append("-----BEGIN CERTIFICATE-----\n").append(encoder.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return out.toString().getBytes(US_ASCII);
  }

  private static List<X509Certificate> parsePem(byte[] pem, String where) {
    try {
      Collection<? extends java.security.cert.Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      if (all.isEmpty()) {
        throw new RotationException(RotationException.Code.NAME_TAKEN, where + " holds no certificate");
      }
      return all.stream().map(X509Certificate.class::cast).toList();
    } catch (GeneralSecurityException e) {
      throw new RotationException(RotationException.Code.NAME_TAKEN, where + " does not hold certificates: " + e.getMessage(), e);
    }
  }

  private static String commonName(X509Certificate certificate, String fallback) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] cns = name.getRDNs(BCStyle.CN);
    String cn = cns.length == 0 ? fallback : IETFUtils.valueToString(cns[0].getFirst().getValue());
    return cn.length() > 64 ? cn.substring(0, 64) : cn;
  }

  private static List<String> dnsNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      return names.stream().filter(n -> Integer.valueOf(2).equals(n.get(0)))
          .map(n -> ((String) n.get(1)).toLowerCase(Locale.ROOT)).toList();
    } catch (GeneralSecurityException e) {
      return List.of();
    }
  }

  public static final class Builder {
    private MetadataClient client;
    private String org;
    private CertificateIssuer issuer;
    private Path stateDirectory;
    private RotationLedger ledger;
    private Clock clock = Clock.systemUTC();
    private Duration maxWait = Duration.ofMinutes(5);
    private Duration lifetime = Duration.ofDays(365);
    private String actor;
    private StepHook hook = StepHook.NONE;

    private Builder() {}

    /** A client of the org, with a session allowed to list, retrieve and deploy metadata. */
    public Builder client(MetadataClient value) {
      this.client = value;
      return this;
    }

    /** The org's alias: names the rotation and every ledger entry. */
    public Builder org(String value) {
      this.org = value;
      return this;
    }

    public Builder issuer(CertificateIssuer value) {
      this.issuer = value;
      return this;
    }

    /** Where state files and new keys live: {@code DATA_DIR/certs/rotations}. */
    public Builder stateDirectory(Path value) {
      this.stateDirectory = value;
      return this;
    }

    public Builder ledger(RotationLedger value) {
      this.ledger = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The longest wait for each retrieve and deploy. Default 5 minutes. */
    public Builder maxWait(Duration value) {
      this.maxWait = Objects.requireNonNull(value, "maxWait");
      return this;
    }

    /** The new certificate's lifetime asked of the private CA (which refuses more than its maximum); an ACME CA decides its own. Default 365 days. */
    public Builder lifetime(Duration value) {
      this.lifetime = Objects.requireNonNull(value, "lifetime");
      return this;
    }

    /** Who runs the rotation, for the ledger; optional. */
    public Builder actor(String value) {
      this.actor = value;
      return this;
    }

    Builder hook(StepHook value) {
      this.hook = Objects.requireNonNull(value, "hook");
      return this;
    }

    public Rotation build() {
      return new Rotation(this);
    }
  }
}
