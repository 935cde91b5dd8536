package dev.portcullis.orgsim;

import dev.portcullis.salesforce.OrgEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deploy engine of one org, shared by the SOAP calls ({@code deploy}, {@code
 * checkDeployStatus}, {@code cancelDeploy}, {@code deployRecentValidation}) and the REST {@code
 * deployRequest} resource (Metadata API Developer Guide, meta_deploy.htm,
 * meta_checkdeploystatus.htm, meta_canceldeploy.htm, meta_deployRecentValidation.htm,
 * meta_rest_deploy.htm).
 *
 * <p>Design note: a deploy moves Pending → InProgress → a final status. It advances one step per
 * status check, or one step per {@link #STEP} of the simulator's clock since it was queued,
 * whichever is further, so tests drive it by polling or by moving their clock and never sleep.
 * The zip is read when the deploy is queued; the outcome is decided, and the org changed, at the
 * step that completes it: component problems fail it (with {@code rollbackOnError}, the default
 * for Salesforce's clients, nothing is saved; without, the good components are saved and the
 * status is SucceededPartial), then the Apex tests the test level asks for run ({@link
 * ApexTests}) against the org as it would be, and a failing test fails the deploy with nothing
 * saved. What a saved deploy changed is written to Setup Audit Trail as the deploying user
 * ({@link SetupAuditTrail}). {@code checkOnly} decides the same way and saves nothing; a check-only deploy that
 * succeeded with tests run may be quick-deployed within 10 days. A cancel of a queued deploy
 * ends it at once; of a running one, it is Canceling until the next step, then Canceled. All
 * state is guarded by this object's monitor.
 */
final class Deployments {
  /** How much simulated time one lifecycle step takes. */
  static final Duration STEP = Duration.ofSeconds(1);
  /** How long a validation may be quick-deployed (meta_deployRecentValidation.htm: 10 days). */
  static final Duration VALIDATION_LIFETIME = Duration.ofDays(10);

  /** DeployStatus (Metadata API WSDL; meta_deployresult.htm). */
  enum Status {
    Pending, InProgress, Succeeded, SucceededPartial, Failed, Canceling, Canceled;

    boolean done() {
      return this == Succeeded || this == SucceededPartial || this == Failed || this == Canceled;
    }
  }

  /**
   * DeployOptions (meta_deploy.htm#deployoptions): the booleans default to false except
   * rollbackOnError; {@code testLevel} is null when not given.
   */
  record Options(boolean allowMissingFiles, boolean autoUpdatePackage, boolean checkOnly, boolean ignoreWarnings,
      boolean performRetrieve, boolean purgeOnDelete, boolean rollbackOnError, List<String> runTests,
      boolean singlePackage, String testLevel) {
    Options {
      runTests = List.copyOf(runTests);
    }
  }

  /** A refused call: the Metadata API's fault code and message. */
  static final class DeployException extends RuntimeException {
    final String code;
    /** The id names no request (REST answers 404 for it). */
    final boolean unknownId;

    DeployException(String code, String message) {
      this(code, message, false);
    }

    DeployException(String code, String message, boolean unknownId) {
      super(message, null, false, false);
      this.code = code;
      this.unknownId = unknownId;
    }
  }

  /** A component line of a result (DeployMessage, meta_deployresult.htm#deploymessage). */
  record Message(boolean changed, String componentType, boolean created, Instant createdDate, boolean deleted,
      String fileName, String fullName, String id, boolean success, String problem, String problemType,
      int lineNumber, int columnNumber) {}

  /** One deploy request and where it is. */
  static final class Request {
    final String id;
    final Options options;
    final String createdBy;
    final Instant createdDate;
    final MetadataPackage.Contents contents;
    final String zipError;
    final String validatedDeployRequestId;
    Status status = Status.Pending;
    int polls;
    Instant startDate;
    Instant completedDate;
    Instant lastModifiedDate;
    String canceledBy;
    String errorMessage;
    String errorStatusCode;
    boolean runTestsEnabled;
    final List<Message> successes = new ArrayList<>();
    final List<Message> failures = new ArrayList<>();
    ApexTests.Run tests = new ApexTests.Run(List.of());
    int componentsTotal;

    Request(String id, Options options, String createdBy, Instant createdDate, MetadataPackage.Contents contents,
        String zipError, String validatedDeployRequestId) {
      this.id = id;
      this.options = options;
      this.createdBy = createdBy;
      this.createdDate = createdDate;
      this.lastModifiedDate = createdDate;
      this.contents = contents;
      this.zipError = zipError;
      this.validatedDeployRequestId = validatedDeployRequestId;
      this.componentsTotal = contents == null ? 0 : contents.components().size() + contents.deletions().size();
    }

    int componentsDeployed() {
      return status.done() && status != Status.Failed && status != Status.Canceled
          ? (int) successes.stream().filter(m -> !m.componentType().isEmpty()).count() : 0; // package.xml is no component
    }
  }

  private final OrgState org;
  private final Map<String, Request> requests = new LinkedHashMap<>();

  Deployments(OrgState org) {
    this.org = org;
  }

  /** Queues a deploy of {@code zip} ({@code deploy()} / POST deployRequest); answers its id. */
  synchronized Request deploy(byte[] zip, Options options, String userId) {
    if ("NoTestRun".equals(options.testLevel()) && org.spec.environment() == OrgEnvironment.PRODUCTION) {
      throw new DeployException("INVALID_OPERATION", "testLevel of NoTestRun cannot be used in production organizations");
    }
    if ("RunSpecifiedTests".equals(options.testLevel()) && options.runTests().isEmpty()) {
      throw new DeployException("INVALID_OPERATION", "runTests must name at least one test class when testLevel is"
          + " RunSpecifiedTests");
    }
    MetadataPackage.Contents contents = null;
    String zipError = null;
    try {
      contents = MetadataPackage.read(MetadataZip.read(zip, MetadataZip.Limits.ORGSIM), options.singlePackage());
    } catch (MetadataZip.UnsafeZipException e) {
      zipError = e.getMessage();
    }
    Request request = new Request(org.newId("0Af"), options, userId, org.clock.instant(), contents, zipError, null);
    requests.put(request.id, request);
    return request;
  }

  /** Queues a quick deploy of a validation ({@code deployRecentValidation()}, POST deployRequest/&lt;id&gt;). */
  synchronized Request deployRecentValidation(String validationId, String userId) {
    Request validation = find(validationId);
    advance(validation);
    boolean eligible = validation.options.checkOnly() && validation.status == Status.Succeeded
        && validation.runTestsEnabled
        && org.clock.instant().isBefore(validation.completedDate.plus(VALIDATION_LIFETIME));
    if (!eligible) {
      throw new DeployException("INVALID_ID_FIELD", "The validation " + validationId + " can't be quick deployed: it must"
          + " be a successful check-only deploy, with Apex tests run, from the last 10 days");
    }
    Options options = new Options(false, false, false, validation.options.ignoreWarnings(), false,
        validation.options.purgeOnDelete(), true, List.of(), validation.options.singlePackage(), "NoTestRun");
    Request request = new Request(org.newId("0Af"), options, userId, org.clock.instant(), validation.contents, null,
        validation.id);
    requests.put(request.id, request);
    return request;
  }

  /** The request, advanced to where polls and the clock have brought it ({@code checkDeployStatus()}). */
  synchronized Request check(String id) {
    Request request = find(id);
    request.polls++;
    advance(request);
    return request;
  }

  /**
   * Cancels a deploy ({@code cancelDeploy()}, PATCH deployRequest): done at once when it was
   * still queued.
   */
  synchronized Request cancel(String id, String userId) {
    Request request = find(id);
    advance(request);
    if (request.status.done()) {
      throw new DeployException("INVALID_ID_FIELD", "Deployment already completed");
    }
    request.canceledBy = userId;
    request.lastModifiedDate = org.clock.instant();
    if (request.status == Status.Pending) {
      request.status = Status.Canceled;
      request.completedDate = org.clock.instant();
    } else {
      request.status = Status.Canceling;
    }
    return request;
  }

  private Request find(String id) {
    Request request = id == null ? null : requests.get(id.length() == 15 ? dev.portcullis.salesforce.SalesforceId.to18(id) : id);
    if (request == null) {
      throw new DeployException("INVALID_ID_FIELD", "Invalid deploy ID: " + id, true);
    }
    return request;
  }

  private void advance(Request request) {
    if (request.status.done()) {
      return;
    }
    long byClock = Duration.between(request.createdDate, org.clock.instant()).toMillis() / STEP.toMillis();
    int stage = (int) Math.min(2, Math.max(request.polls, byClock));
    Instant now = org.clock.instant();
    if (request.status == Status.Canceling) {
      if (stage >= 2 || request.polls > 0) {
        request.status = Status.Canceled;
        request.completedDate = now;
        request.lastModifiedDate = now;
      }
      return;
    }
    if (stage >= 1 && request.status == Status.Pending) {
      request.status = Status.InProgress;
      request.startDate = now;
      request.lastModifiedDate = now;
    }
    if (stage >= 2) {
      complete(request, now);
    }
  }

  private void complete(Request request, Instant now) {
    request.completedDate = now;
    request.lastModifiedDate = now;
    if (request.zipError != null) {
      request.failures.add(message(request, "", "", "", false, false, false, request.zipError, 0, 0, null));
      request.errorStatusCode = "INVALID_CROSS_REFERENCE_KEY";
      request.errorMessage = request.zipError;
      request.status = Status.Failed;
      return;
    }
    MetadataPackage.Contents contents = request.contents;
    for (MetadataPackage.Problem p : contents.problems()) {
      request.failures.add(message(request, p.componentType(), p.fileName(), p.fullName(), false, false, false, p.problem(),
          p.line(), p.column(), "Error"));
    }
    // What each component would do to the org.
    Map<String, MetadataComponent> after = new LinkedHashMap<>();
    for (MetadataComponent c : org.metadata.all()) {
      after.put(c.key(), c);
    }
    List<MetadataComponent> toSave = new ArrayList<>();
    List<SetupAuditActions.Change> audited = new ArrayList<>();
    List<Message> saved = new ArrayList<>();
    for (MetadataPackage.Candidate deployed : contents.components()) {
      Optional<MetadataComponent> existing = org.metadata.get(deployed.type().xmlName(), deployed.fullName());
      MetadataPackage.Candidate c = asTheOrgStoresIt(request, deployed, existing);
      if (c == null) {
        continue;
      }
      boolean created = existing.isEmpty();
      boolean changed = created || !existing.get().sameFilesAs(c.files());
      String id = existing.map(MetadataComponent::id)
          .orElseGet(() -> c.type().keyPrefix().isEmpty() ? "" : org.newId(c.type().keyPrefix()));
      MetadataComponent component = new MetadataComponent(c.type(), c.fullName(), c.files(), id,
          existing.map(MetadataComponent::createdDate).orElse(now),
          existing.map(MetadataComponent::createdById).orElse(request.createdBy),
          changed ? now : existing.get().lastModifiedDate(),
          changed ? request.createdBy : existing.get().lastModifiedById());
      toSave.add(component);
      if (changed) {
        audited.add(new SetupAuditActions.Change(c.type(), c.fullName(), existing.map(MetadataComponent::files),
            Optional.of(c.files())));
      }
      after.put(component.key(), component);
      saved.add(new Message(changed, c.type().xmlName(), created, component.createdDate(), false, c.fileName(),
          c.fullName(), id, true, null, null, 0, 0));
    }
    List<MetadataPackage.Deletion> toDelete = new ArrayList<>();
    for (MetadataPackage.Deletion d : contents.deletions()) {
      Optional<MetadataComponent> existing = org.metadata.get(d.type().xmlName(), d.fullName());
      if (existing.isEmpty()) {
        Message warning = message(request, d.type().xmlName(), d.fileName(), d.fullName(), false, false, false,
            "No " + d.type().xmlName() + " named: " + d.fullName() + " found", 0, 0, "Warning");
        if (request.options.ignoreWarnings()) {
          saved.add(warning);
        } else {
          request.failures.add(warning);
        }
        continue;
      }
      toDelete.add(d);
      audited.add(new SetupAuditActions.Change(d.type(), existing.get().fullName(),
          Optional.of(existing.get().files()), Optional.empty()));
      after.remove(existing.get().key());
      saved.add(new Message(true, d.type().xmlName(), false, existing.get().createdDate(), true, d.fileName(),
          d.fullName(), existing.get().id(), true, null, null, 0, 0));
    }
    boolean componentErrors = !request.failures.isEmpty();
    if (componentErrors && (request.options.rollbackOnError() || saved.isEmpty())) {
      request.status = Status.Failed;
      request.errorStatusCode = null;
      return;
    }
    String level = testLevel(request.options, contents);
    request.runTestsEnabled = !level.equals("NoTestRun");
    if (request.runTestsEnabled) {
      List<MetadataComponent> classes = new ArrayList<>();
      for (MetadataComponent c : after.values()) {
        boolean named = request.options.runTests().stream().anyMatch(t -> t.equalsIgnoreCase(c.fullName()));
        if (c.type().xmlName().equals("ApexClass") && (!level.equals("RunSpecifiedTests") || named)) {
          classes.add(c);
        }
      }
      request.tests = ApexTests.run(classes);
      if (!request.tests.failures().isEmpty()) {
        request.status = Status.Failed;
        request.errorStatusCode = null;
        return;
      }
    }
    for (String manifest : contents.packageFiles()) {
      saved.add(new Message(true, "", false, now, false, manifest, manifest, "", true,
          null, null, 0, 0));
    }
    request.successes.addAll(saved);
    request.status = componentErrors ? Status.SucceededPartial : Status.Succeeded;
    if (!request.options.checkOnly()) {
      toSave.forEach(org.metadata::put);
      toDelete.forEach(d -> org.metadata.remove(d.type().xmlName(), d.fullName()));
      org.setupAuditTrail.recordDeploy(audited, request.createdBy, now);
    }
  }

  /**
   * The component as the org would store it: a CA-signed Certificate gets its key pair and CSR, or
   * its signed chain checked ({@link CaSignedCertificates}); null, with a component failure added,
   * when the org refuses it.
   */
  private static MetadataPackage.Candidate asTheOrgStoresIt(Request request, MetadataPackage.Candidate c,
      Optional<MetadataComponent> existing) {
    if (!c.type().xmlName().equals("Certificate")) {
      return c;
    }
    return switch (CaSignedCertificates.deploy(c.fullName(), c.files(), existing)) {
      case CaSignedCertificates.Outcome.Refuse refuse -> {
        String root = c.fileName().substring(0, c.fileName().length() - c.type().mainFile(c.fullName()).length());
        request.failures.add(message(request, "Certificate", root + refuse.fileName(), c.fullName(), false, false, false,
            refuse.problem(), 0, 0, "Error"));
        yield null;
      }
      case CaSignedCertificates.Outcome.Store store ->
          new MetadataPackage.Candidate(c.type(), c.fullName(), store.files(), c.fileName());
    };
  }

  /**
   * The test level in force: the one asked for, else Salesforce's default (meta_deploy_running_tests.htm):
   * in production, local tests when the package holds Apex classes or triggers; elsewhere none.
   */
  private String testLevel(Options options, MetadataPackage.Contents contents) {
    if (options.testLevel() != null && !options.testLevel().isEmpty()) {
      return options.testLevel();
    }
    return org.spec.environment() == OrgEnvironment.PRODUCTION && contents.hasApex() ? "RunLocalTests" : "NoTestRun";
  }

  private static Message message(Request request, String type, String fileName, String fullName, boolean changed,
      boolean created, boolean deleted, String problem, int line, int column, String problemType) {
    return new Message(changed, type, created, request.createdDate, deleted, fileName, fullName, null, false, problem,
        problemType == null ? "Error" : problemType, line, column);
  }
}
