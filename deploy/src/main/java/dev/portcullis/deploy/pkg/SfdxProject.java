package dev.portcullis.deploy.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of {@code sfdx-project.json} conversion needs: {@code packageDirectories[].path} and
 * {@code sourceApiVersion} (Salesforce DX Developer Guide, "Salesforce DX Project Configuration"),
 * {@code sourceBehaviorOptions} (and its older name {@code registryPresets}: opt-in source layouts such as
 * {@code decomposeCustomLabelsBeta2}), and the project's {@code .forceignore} beside it.
 */
record SfdxProject(Path root, List<Path> packageDirectories, Optional<String> sourceApiVersion, ForceIgnore ignore,
    Set<String> sourceBehaviorOptions) {
  static final String FILE_NAME = "sfdx-project.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  static SfdxProject read(Path root) {
    Path file = root.resolve(FILE_NAME);
    JsonNode node;
    try {
      node = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new PackageException(PackageErrorCode.PROJECT_INVALID, file + ": cannot be read as JSON: " + e.getMessage(), e);
    }
    List<Path> directories = new ArrayList<>();
    for (JsonNode directory : node.path("packageDirectories")) {
      String path = directory.path("path").asText("");
      if (path.isEmpty()) {
        throw new PackageException(PackageErrorCode.PROJECT_INVALID, file + ": a packageDirectories entry without a path");
      }
      Path resolved = root.resolve(path).normalize();
      if (!resolved.startsWith(root.normalize())) {
        throw new PackageException(PackageErrorCode.UNSAFE_PATH, file + ": package directory " + path + " is outside the project");
      }
      directories.add(resolved);
    }
    if (directories.isEmpty()) {
      throw new PackageException(PackageErrorCode.PROJECT_INVALID, file + ": packageDirectories lists no directory");
    }
    Optional<String> version = Optional.ofNullable(node.get("sourceApiVersion")).map(JsonNode::asText);
    Set<String> behaviors = new TreeSet<>();
    for (String field : List.of("sourceBehaviorOptions", "registryPresets")) {
      node.path(field).forEach(option -> behaviors.add(option.asText()));
    }
    return new SfdxProject(root, directories, version, ForceIgnore.read(root), behaviors);
  }

  /** The project that holds {@code directory}: the nearest ancestor with an {@code sfdx-project.json}. */
  static Optional<SfdxProject> enclosing(Path directory) {
    for (Path p = directory.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(FILE_NAME))) {
        return Optional.of(read(p));
      }
    }
    return Optional.empty();
  }
}
