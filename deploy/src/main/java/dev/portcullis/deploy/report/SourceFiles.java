package dev.portcullis.deploy.report;

import java.util.Map;
import java.util.Objects;

/**
 * Where in the project a deployed file came from, so that a deploy failure points at the file a
 * developer edits: the Metadata API reports paths inside the deployed zip ({@code classes/Foo.cls}),
 * which for an SFDX project live elsewhere ({@code force-app/main/default/classes/Foo.cls}).
 */
@FunctionalInterface
public interface SourceFiles {

  /**
   * The project-relative path of the file that became {@code packagePath} in the deployed package,
   * or {@code ""} when unknown.
   */
  String forPackagePath(String packagePath);

  /**
   * The project-relative path of an Apex class's or trigger's source, or {@code ""} when unknown. By
   * default, the file that became its Metadata API path ({@code classes/Name.cls}, {@code
   * triggers/Name.trigger}; Metadata API Developer Guide, "ApexClass" and "ApexTrigger").
   */
  default String forApex(String type, String name) {
    return switch (type) {
      case "ApexClass" -> forPackagePath("classes/" + name + ".cls");
      case "ApexTrigger" -> forPackagePath("triggers/" + name + ".trigger");
      default -> "";
    };
  }

  /** Package paths as they are: the package is a Metadata API directory at the project root. */
  static SourceFiles packageRoot() {
    return packagePath -> packagePath;
  }

  /** Package paths below {@code directory}: a Metadata API directory inside the project. */
  static SourceFiles metadataDirectory(String directory) {
    String prefix = directory.isEmpty() || directory.endsWith("/") ? directory : directory + "/";
    return packagePath -> packagePath.isEmpty() ? "" : prefix + packagePath;
  }

  /**
   * Package paths mapped to project files by {@code sourceOf} (as source-format conversion records
   * them); a path not in the map is unknown.
   */
  static SourceFiles mapped(Map<String, String> sourceOf) {
    Map<String, String> copy = Map.copyOf(Objects.requireNonNull(sourceOf, "sourceOf"));
    return packagePath -> copy.getOrDefault(packagePath, "");
  }
}
