package dev.portcullis.salesforce.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to {@code retrieve()}: an unpackaged manifest of types and members, as in a {@code
 * package.xml} (Metadata API Developer Guide, "retrieve()", section "RetrieveRequest",
 * meta_retrieve_request.htm; "Package" and "PackageTypeMembers" in meta_manifest.htm).
 *
 * @param apiVersion the version of the files' format, e.g. {@code 66.0}; also the manifest's {@code version}
 * @param singlePackage true: the zip has {@code package.xml} at its root; false: under {@code unpackaged/}
 * @param types the manifest, in order; a member may be {@code *} for all of its type
 */
public record RetrieveRequest(String apiVersion, boolean singlePackage, List<PackageTypeMembers> types) {
  private static final Pattern API_VERSION = Pattern.compile("[1-9][0-9]{1,2}\\.0");

  /** One {@code <types>} of the manifest: a metadata type and members of it. */
  public record PackageTypeMembers(String name, List<String> members) {
    public PackageTypeMembers {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a metadata type name must not be blank");
      }
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("type " + name + " names no members");
      }
      for (String member : members) {
        if (member.isBlank()) {
          throw new IllegalArgumentException("type " + name + " has a blank member");
        }
      }
    }
  }

  public RetrieveRequest {
    if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
      throw new IllegalArgumentException("API version '" + apiVersion + "' is not of the form 66.0");
    }
    types = List.copyOf(types);
    if (types.isEmpty()) {
      throw new IllegalArgumentException("a retrieve must name at least one type");
    }
  }

  /** A request from type name to members, in the map's order. */
  public static RetrieveRequest of(String apiVersion, boolean singlePackage, Map<String, List<String>> types) {
    List<PackageTypeMembers> list = new ArrayList<>();
    new LinkedHashMap<>(types).forEach((name, members) -> list.add(new PackageTypeMembers(name, members)));
    return new RetrieveRequest(apiVersion, singlePackage, list);
  }
}
