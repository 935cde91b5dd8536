package dev.portcullis.deploy;

import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.deploy.pkg.PackageException;
import dev.portcullis.salesforce.SalesforceException;
import dev.portcullis.salesforce.metadata.AsyncResult;
import dev.portcullis.salesforce.metadata.MetadataClient;
import dev.portcullis.salesforce.metadata.RetrieveRequest;
import dev.portcullis.salesforce.metadata.RetrieveResult;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The target org's side of an inspection, read through the Metadata API: one {@code retrieve} of exactly the
 * package's components (meta_retrieve.htm, unpackaged manifest, {@code singlePackage}), awaited, its zip read
 * with the same limits as a package's.
 */
public final class MetadataApiOrg implements DeployInspection.OrgMetadata {
  private final MetadataClient client;
  private final Duration maxWait;

  public MetadataApiOrg(MetadataClient client, Duration maxWait) {
    this.client = Objects.requireNonNull(client, "client");
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  @Override
  public MetadataPackage retrieve(List<Manifest.Member> members, String apiVersion) {
    Map<String, List<String>> types = new TreeMap<>();
    for (Manifest.Member m : members) {
      types.computeIfAbsent(m.type(), t -> new ArrayList<>()).add(m.fullName());
    }
    String version = apiVersion == null || apiVersion.isEmpty() ? client.apiVersion() : apiVersion;
    try {
      AsyncResult started = client.retrieve(RetrieveRequest.of(version, true, types));
      RetrieveResult result = client.awaitRetrieve(started.id(), maxWait);
      if (!result.done()) {
        throw new DeployException(DeployErrorCode.RETRIEVE_FAILED, "the org's retrieve " + started.id()
            + " did not finish within " + maxWait);
      }
      if (!result.success() || result.zipFile().isEmpty()) {
        throw new DeployException(DeployErrorCode.RETRIEVE_FAILED, "the org's retrieve " + started.id() + " failed: "
            + (result.errorStatusCode() == null ? "" : result.errorStatusCode() + ": ") + result.errorMessage());
      }
      return MetadataPackage.fromZip(new ByteArrayInputStream(result.zipFile().get()), "retrieve " + started.id());
    } catch (SalesforceException e) {
      throw new DeployException(DeployErrorCode.RETRIEVE_FAILED, "retrieving the package's components from the org"
          + " failed: " + e.getMessage(), e);
    } catch (PackageException e) {
      throw new DeployException(DeployErrorCode.RETRIEVE_FAILED, "the org's retrieve zip was refused: "
          + e.getMessage(), e);
    }
  }
}
