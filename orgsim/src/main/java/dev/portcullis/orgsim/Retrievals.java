package dev.portcullis.orgsim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The retrieve engine of one org ({@code retrieve()} and {@code checkRetrieveStatus()}; Metadata
 * API Developer Guide, meta_retrieve.htm, meta_checkretrievestatus.htm, "RetrieveRequest",
 * meta_retrieve_request.htm, "RetrieveResult", meta_retrieveresult.htm).
 *
 * <p>A retrieve names its components in {@code unpackaged} (a package.xml: types with members,
 * {@code *} for all of a type). It moves Pending → InProgress → Succeeded like a deploy ({@link
 * Deployments#STEP}, one step per status check or per step of the clock) and reads the org at
 * the step that completes it. The zip holds {@code package.xml} and the components' files under
 * {@code unpackaged/}, or at the root when {@code singlePackage} is true. A member that does not
 * exist, or a type the simulator does not know, is reported in {@code messages} and the retrieve
 * still succeeds, as Salesforce does. {@code packageNames} and {@code specificFiles} are refused
 * at the call (the simulator holds no installed packages). Guarded by this object's monitor.
 */
final class Retrievals {
  /** RetrieveStatus (meta_retrieveresult.htm). */
  enum Status {
    Pending, InProgress, Succeeded, Failed
  }

  /** The parts of a RetrieveRequest the simulator reads. */
  record Query(String apiVersion, boolean singlePackage, Map<String, List<String>> types, String packageVersion) {}

  /** A FileProperties line (meta_fileproperties.htm). */
  record FileProperties(String createdById, Instant createdDate, String fileName, String fullName, String id,
      String lastModifiedById, Instant lastModifiedDate, String type) {}

  /** A RetrieveMessage (meta_retrieveresult.htm#retrievemessage). */
  record Problem(String fileName, String problem) {}

  /** One retrieve request. */
  static final class Request {
    final String id;
    final Query query;
    final Instant createdDate;
    Status status = Status.Pending;
    int polls;
    byte[] zip;
    final List<FileProperties> files = new ArrayList<>();
    final List<Problem> messages = new ArrayList<>();

    Request(String id, Query query, Instant createdDate) {
      this.id = id;
      this.query = query;
      this.createdDate = createdDate;
    }

    boolean done() {
      return status == Status.Succeeded || status == Status.Failed;
    }
  }

  private final OrgState org;
  private final Map<String, Request> requests = new LinkedHashMap<>();

  Retrievals(OrgState org) {
    this.org = org;
  }

  synchronized Request retrieve(Query query) {
    Request request = new Request(org.newId("09S"), query, org.clock.instant());
    requests.put(request.id, request);
    return request;
  }

  synchronized Request check(String id) {
    Request request = id == null ? null : requests.get(id.length() == 15 ? dev.portcullis.salesforce.SalesforceId.to18(id) : id);
    if (request == null) {
      throw new Deployments.DeployException("INVALID_ID_FIELD", "Invalid retrieve ID: " + id, true);
    }
    request.polls++;
    long byClock = Duration.between(request.createdDate, org.clock.instant()).toMillis() / Deployments.STEP.toMillis();
    long stage = Math.max(request.polls, byClock);
    if (!request.done() && stage >= 1) {
      request.status = Status.InProgress;
    }
    if (!request.done() && stage >= 2) {
      complete(request);
    }
    return request;
  }

  private void complete(Request request) {
    String root = request.query.singlePackage() ? "" : "unpackaged/";
    List<MetadataZip.Entry> entries = new ArrayList<>();
    StringBuilder manifest = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\""
        + MetadataXml.METADATA_NS + "\">\n");
    Instant now = org.clock.instant();
    for (Map.Entry<String, List<String>> types : request.query.types().entrySet()) {
      Optional<MetadataType> type = MetadataType.named(types.getKey());
      if (type.isEmpty()) {
        request.messages.add(new Problem(root + "package.xml", "Entity type: '" + types.getKey() + "' is unknown"));
        continue;
      }
      List<MetadataComponent> found = new ArrayList<>();
      for (String member : types.getValue()) {
        if (member.equals("*")) {
          found.addAll(org.metadata.ofType(type.get().xmlName()));
          continue;
        }
        Optional<MetadataComponent> component = org.metadata.get(type.get().xmlName(), member);
        if (component.isPresent()) {
          found.add(component.get());
        } else {
          request.messages.add(new Problem(root + "package.xml", "Entity of type '" + type.get().xmlName() + "' named '"
              + member + "' cannot be found"));
        }
      }
      List<String> names = found.stream().map(MetadataComponent::fullName).distinct().sorted(String.CASE_INSENSITIVE_ORDER)
          .toList();
      if (names.isEmpty()) {
        continue;
      }
      manifest.append("    <types>\n");
      names.forEach(n -> manifest.append("        <members>").append(MetadataXml.escape(n)).append("</members>\n"));
      manifest.append("        <name>").append(type.get().xmlName()).append("</name>\n    </types>\n");
      java.util.Set<String> added = new java.util.HashSet<>();
      for (MetadataComponent c : found) {
        if (!added.add(c.key())) {
          continue;
        }
        c.files().forEach((path, content) -> entries.add(new MetadataZip.Entry(root + path, content)));
        request.files.add(new FileProperties(c.createdById(), c.createdDate(), root + c.type().mainFile(c.fullName()),
            c.fullName(), c.id(), c.lastModifiedById(), c.lastModifiedDate(), c.type().xmlName()));
      }
    }
    String version = request.query.packageVersion() != null ? request.query.packageVersion() : request.query.apiVersion();
    manifest.append("    <version>").append(MetadataXml.escape(version == null ? "" : version)).append("</version>\n</Package>\n");
    entries.add(new MetadataZip.Entry(root + "package.xml", manifest.toString().getBytes(StandardCharsets.UTF_8)));
    String firstUser = org.metadata.all().stream().map(MetadataComponent::createdById).findFirst().orElse("");
    request.files.add(new FileProperties(firstUser, now, root + "package.xml", root + "package.xml", "", firstUser, now,
        "Package"));
    request.zip = MetadataZip.write(entries);
    request.status = Status.Succeeded;
  }
}
