package dev.portcullis.deploy.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.deploy.DeployErrorCode;
import dev.portcullis.deploy.DeployException;
import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Snapshots of what a deployment replaces, content-addressed under one directory.
 *
 * <p>Design note. Every file is stored once under {@code files/<sha256>}; a snapshot is a manifest JSON
 * ({@code manifests/<sha256>.json}, fixed key order, paths sorted, no whitespace) naming the org, the API version, each component the
 * org had with its files' paths and hashes, and the components it did not have. The snapshot's identity is the
 * manifest's SHA-256, so equal snapshots are one. Writes go to a temporary file in the same directory and are moved
 * into place atomically; an existing file is never overwritten (its name is its content). Reads check every hash,
 * so a file altered on disk is refused rather than redeployed. The rollback package is derived from the manifest,
 * entries sorted with fixed timestamps: the same snapshot gives the same bytes. Validated packages (check-only
 * deployments, for a later quick deploy) are kept under {@code packages/<package identity>.zip}.
 */
final class Snapshots {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final Path directory;

  Snapshots(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  /** A snapshot taken: its identity and the rollback package's identity. */
  record Taken(String sha256, String rollbackSha256) {}

  /**
   * Writes the snapshot of {@code members} as {@code orgSide} (the org's retrieve of them; null when nothing was
   * retrieved) holds them.
   */
  Taken take(String org, String apiVersion, MetadataPackage orgSide, List<Manifest.Member> members) {
    Map<String, MetadataPackage.Component> present = new LinkedHashMap<>();
    if (orgSide != null) {
      for (MetadataPackage.Component c : orgSide.components()) {
        present.put(c.type() + ":" + c.fullName(), c);
      }
    }
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("org", org);
    manifest.put("api_version", apiVersion == null ? "" : apiVersion);
    ArrayNode components = manifest.putArray("components");
    ArrayNode absent = manifest.putArray("absent");
    TreeSet<String> seen = new TreeSet<>();
    for (Manifest.Member m : members.stream().sorted((a, b) -> (a.type() + ":" + a.fullName())
        .compareTo(b.type() + ":" + b.fullName())).toList()) {
      String key = m.type() + ":" + m.fullName();
      if (!seen.add(key)) {
        continue;
      }
      MetadataPackage.Component c = present.get(key);
      if (c == null) {
        absent.addObject().put("type", m.type()).put("full_name", m.fullName());
        continue;
      }
      ObjectNode component = components.addObject().put("type", m.type()).put("full_name", m.fullName());
      ObjectNode files = component.putObject("files");
      for (String path : new TreeSet<>(c.files())) {
        byte[] data = orgSide.files().get(path);
        if (data == null) {
          throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "the org's retrieve names " + path
              + " for " + key + " but does not hold it");
        }
        String hash = sha256(data);
        write(directory.resolve("files").resolve(hash), data);
        files.put(path, hash);
      }
    }
    byte[] bytes = serialize(manifest);
    String sha256 = sha256(bytes);
    write(directory.resolve("manifests").resolve(sha256 + ".json"), bytes);
    return new Taken(sha256, rollback(sha256).sha256());
  }

  /** The rollback package of snapshot {@code sha256} (its deploymentId left empty for the caller to name). */
  RollbackPackage rollback(String sha256) {
    JsonNode manifest = read(sha256);
    String apiVersion = manifest.path("api_version").asText("");
    Optional<String> version = apiVersion.isEmpty() ? Optional.empty() : Optional.of(apiVersion);
    SortedMap<String, byte[]> entries = new TreeMap<>();
    List<Manifest.Member> restored = new ArrayList<>();
    for (JsonNode component : manifest.path("components")) {
      restored.add(new Manifest.Member(component.path("type").asText(), component.path("full_name").asText()));
      for (Map.Entry<String, JsonNode> file : component.path("files").properties()) {
        entries.put(file.getKey(), readFile(file.getValue().asText()));
      }
    }
    List<Manifest.Member> added = new ArrayList<>();
    for (JsonNode component : manifest.path("absent")) {
      added.add(new Manifest.Member(component.path("type").asText(), component.path("full_name").asText()));
    }
    entries.put(MetadataPackage.PACKAGE_XML, Manifest.of(version, restored).toXml());
    if (!added.isEmpty()) {
      entries.put(MetadataPackage.DestructivePhase.DEFAULT.fileName(), Manifest.of(version, added).toXml());
    }
    byte[] zip = MetadataPackage.zip(entries);
    String identity = MetadataPackage.fromZip(new ByteArrayInputStream(zip), "the rollback package of snapshot "
        + sha256).sha256();
    return new RollbackPackage(zip, identity, "");
  }

  /** Keeps a validated package for its quick deploy; a package already kept stays as it is. */
  void keepPackage(String packageSha256, byte[] zip) {
    write(directory.resolve("packages").resolve(packageSha256 + ".zip"), zip);
  }

  /** The validated package kept with that identity. */
  Optional<byte[]> keptPackage(String packageSha256) {
    if (!packageSha256.matches("[0-9a-f]{64}")) {
      return Optional.empty();
    }
    Path file = directory.resolve("packages").resolve(packageSha256 + ".zip");
    try {
      return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "reading the validated package " + file + ": "
          + e.getMessage(), e);
    }
  }

  private JsonNode read(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "a snapshot's name is a SHA-256, not " + sha256);
    }
    Path file = directory.resolve("manifests").resolve(sha256 + ".json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "snapshot " + sha256 + " cannot be read from "
          + file + ": " + e.getMessage(), e);
    }
    if (!sha256(bytes).equals(sha256)) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "snapshot manifest " + file
          + " does not hash to its name: it was altered");
    }
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "snapshot manifest " + file + " is not JSON", e);
    }
  }

  private byte[] readFile(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "a snapshot file's name is a SHA-256, not "
          + sha256);
    }
    Path file = directory.resolve("files").resolve(sha256);
    try {
      byte[] data = Files.readAllBytes(file);
      if (!sha256(data).equals(sha256)) {
        throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "snapshot file " + file
            + " does not hash to its name: it was altered");
      }
      return data;
    } catch (IOException e) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "snapshot file " + file + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** Writes {@code data} to {@code target} through a temporary file and an atomic move; never overwrites. */
  private static void write(Path target, byte[] data) {
    if (Files.exists(target)) {
      return;
    }
    Path temporary = null;
    try {
      Files.createDirectories(target.getParent());
      temporary = Files.createTempFile(target.getParent(), ".tmp-", "");
      Files.write(temporary, data);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target);
      }
      temporary = null;
    } catch (FileAlreadyExistsException e) {
      // written meanwhile by another deployment: same name, same content
    } catch (IOException e) {
      throw new DeployException(DeployErrorCode.SNAPSHOT_FAILED, "writing " + target + ": " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // a stray temporary file is harmless; the target is what counts
        }
      }
    }
  }

  private static byte[] serialize(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("serializing a snapshot manifest", e);
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
