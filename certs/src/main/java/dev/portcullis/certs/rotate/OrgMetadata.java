package dev.portcullis.certs.rotate;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.DeployMessage;
import dev.portcullis.salesforce.metadata.DeployOptions;
import dev.portcullis.salesforce.metadata.DeployResult;
import dev.portcullis.salesforce.metadata.FileProperties;
import dev.portcullis.salesforce.metadata.ListMetadataQuery;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RetrieveRequest;
import dev.portcullis.salesforce.metadata.RetrieveResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The few Metadata API calls a rotation makes (meta_listmetadata.htm, meta_retrieve.htm,
 * meta_deploy.htm): list one type, retrieve some components, deploy a small package of files (or a
 * {@code destructiveChanges.xml}), each waited for and every failure a {@link RotationException}
 * naming the call and what Salesforce said.
 */
final class OrgMetadata {
  private static final long MAX_ENTRY_BYTES = 16L << 20;
  private static final int MAX_ENTRIES = 1000;

  private final MetadataClient client;
  private final Duration maxWait;

  OrgMetadata(MetadataClient client, Duration maxWait) {
    this.client = client;
    this.maxWait = maxWait;
  }

  /** The components of {@code type}, by full name. */
  Map<String, FileProperties> list(String type) {
    try {
      Map<String, FileProperties> out = new LinkedHashMap<>();
      for (FileProperties p : client.listMetadata(List.of(ListMetadataQuery.of(type)))) {
        if (p.type().equals(type)) {
          out.put(p.fullName(), p);
        }
      }
      return out;
    } catch (SalesforceException e) {
      throw unavailable("listMetadata " + type, e);
    }
  }

  /** Retrieves {@code members} (singlePackage): the zip's files by path ({@code certs/X.crt}). */
  Map<String, byte[]> retrieve(Map<String, List<String>> members) {
    RetrieveResult result;
    try {
      String id = client.retrieve(RetrieveRequest.of(client.apiVersion(), true, members)).id();
      result = client.awaitRetrieve(id, maxWait);
    } catch (SalesforceException e) {
      throw unavailable("retrieve " + members, e);
    }
    if (!result.done()) {
      throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the retrieve " + result.id()
          + " did not finish within " + maxWait);
    }
    if (result.status() != RetrieveResult.Status.Succeeded || result.zipFile().isEmpty()) {
      throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the retrieve " + result.id() + " ended "
          + result.status() + (result.errorMessage().isEmpty() ? "" : ": " + result.errorMessage()));
    }
    return unzip(result.zipFile().get());
  }

  /** Deploys {@code files} (paths as in a singlePackage zip) with a package.xml listing {@code members}; waits for it. */
  void deploy(String what, Map<String, byte[]> files, Map<String, List<String>> members, boolean destructive) {
    Map<String, byte[]> zip = new LinkedHashMap<>(files);
    String manifest = manifest(members);
    if (destructive) {
      zip.put("package.xml", manifest(Map.of()).getBytes(UTF_8));
      zip.put("destructiveChanges.xml", manifest.getBytes(UTF_8));
    } else {
      zip.put("package.xml", manifest.getBytes(UTF_8));
    }
    DeployResult result;
    try {
      DeployOptions options = DeployOptions.builder().singlePackage(true).rollbackOnError(true).build();
      String id = client.deploy(zip(zip), options).id();
      result = client.awaitDeploy(id, maxWait, p -> { });
    } catch (SalesforceException e) {
      throw unavailable("deploy of " + what, e);
    }
    if (!result.done()) {
      throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the deploy " + result.id() + " of " + what
          + " did not finish within " + maxWait + "; run the rotation again to resume");
    }
    if (result.status() != DeployResult.Status.Succeeded) {
      String failures = result.componentFailures().stream().map(DeployMessage::describe).collect(Collectors.joining("; "));
      throw new RotationException(RotationException.Code.DEPLOY_FAILED, "the org refused the deploy " + result.id() + " of "
          + what + " (" + result.status() + ")" + (failures.isEmpty() ? "" : ": " + failures)
          + (result.errorMessage().isEmpty() ? "" : ": " + result.errorMessage()));
    }
  }

  String apiVersion() {
    return client.apiVersion();
  }

  private String manifest(Map<String, List<String>> members) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n");
    members.forEach((type, names) -> {
      xml.append("    <types>\n");
      names.forEach(n -> xml.append("        <members>").append(ConsumerEdit.escape(n)).append("</members>\n"));
      xml.append("        <name>").append(type).append("</name>\n    </types>\n");
    });
    return xml.append("    <version>").append(client.apiVersion()).append("</version>\n</Package>\n").toString();
  }

  private static byte[] zip(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        out.putNextEntry(new ZipEntry(file.getKey()));
        out.write(file.getValue());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot zip in memory", e);
    }
    return bytes.toByteArray();
  }

  private static Map<String, byte[]> unzip(byte[] zip) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (files.size() >= MAX_ENTRIES) {
          throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the retrieved zip has more than "
              + MAX_ENTRIES + " entries");
        }
        if (entry.isDirectory()) {
          continue;
        }
        byte[] content = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
        if (content.length > MAX_ENTRY_BYTES) {
          throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the retrieved zip's entry "
              + entry.getName() + " inflates past " + (MAX_ENTRY_BYTES >> 20) + " MiB");
        }
        String name = entry.getName().startsWith("unpackaged/") ? entry.getName().substring("unpackaged/".length())
            : entry.getName();
        files.put(name, content);
      }
    } catch (IOException e) {
      throw new RotationException(RotationException.Code.ORG_UNAVAILABLE, "the retrieved zip does not read: "
          + e.getMessage(), e);
    }
    return files;
  }

  private static RotationException unavailable(String call, SalesforceException e) {
    return new RotationException(RotationException.Code.ORG_UNAVAILABLE, call + " failed: " + e.code() + ": "
        + e.getMessage() + "; run the rotation again to resume", e);
  }
}
