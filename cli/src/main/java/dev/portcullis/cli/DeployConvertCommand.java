package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.deploy.pkg.Manifest;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.deploy.pkg.PackageErrorCode;
import dev.portcullis.deploy.pkg.PackageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis deploy convert}: SFDX source format to Metadata API format, the same output as
 * {@code sf project convert source}, plus the package identity and the files of unknown types.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert SFDX source format to Metadata API format (what `sf project convert source` writes).",
    footer = {"", "Examples:",
        "  portcullis deploy convert --source-dir force-app --output-dir mdapi",
        "  portcullis deploy convert --manifest manifest/package.xml --output-dir mdapi",
        "  portcullis deploy convert --output-dir mdapi      (every packageDirectory of ./sfdx-project.json)",
        "", "Files of metadata types Portcullis does not convert are copied through untouched and listed.",
        "Exit 0 when converted, 2 for bad input (unsafe paths, DOCTYPEs, malformed XML, a non-empty output",
        "directory), 4 when a file cannot be read or written."})
final class DeployConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"--source-dir", "-d"}, arity = "1..*", paramLabel = "DIR",
      description = "Source-format directories (repeatable). Default: the packageDirectories of sfdx-project.json.")
  List<Path> sourceDirs = List.of();

  @Option(names = {"--manifest", "-x"}, paramLabel = "FILE",
      description = "A package.xml selecting the components to convert (from --source-dir, else the project's"
          + " packageDirectories); it becomes the output's package.xml and its <version> the API version.")
  Path manifest;

  @Option(names = {"--output-dir", "-r"}, required = true, paramLabel = "DIR",
      description = "Where to write the Metadata API form (created; must be empty if it exists).")
  Path outputDir;

  @Option(names = "--project", paramLabel = "DIR", description = "The SFDX project without --source-dir (default: .).")
  Path project;

  @Option(names = "--api-version", paramLabel = "VERSION",
      description = "The package.xml <version> (default: the manifest's, then sourceApiVersion).")
  String apiVersion;

  @Option(names = "--json", description = "Print JSON: {output_dir, api_version, components, files, sha256, unknown}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    MetadataPackage pkg;
    String sha256;
    try {
      refuseNonEmpty(outputDir);
      Optional<Manifest> selection = Optional.ofNullable(manifest).map(DeployConvertCommand::readManifest);
      if (sourceDirs.isEmpty()) {
        if (apiVersion != null) {
          throw new CliException(ExitCode.USAGE, "--api-version needs --source-dir");
        }
        pkg = MetadataPackage.fromProject(project == null ? Path.of(".") : project, selection);
      } else {
        pkg = MetadataPackage.fromSource(sourceDirs, selection, Optional.ofNullable(apiVersion));
      }
      // The identity parses every metadata XML file (DTDs refused): done before anything is written.
      sha256 = pkg.sha256();
      pkg.writeTo(outputDir);
    } catch (PackageException e) {
      throw refused(e);
    }
    if (json) {
      ObjectNode node = LedgerCommand.object();
      node.put("output_dir", outputDir.toString());
      node.put("api_version", pkg.apiVersion());
      node.put("components", pkg.components().size());
      node.put("files", pkg.files().size());
      node.put("sha256", sha256);
      pkg.unknownFiles().forEach(f -> node.withArray("unknown").addObject().put("path", f.path()).put("source", f.source()));
      if (pkg.unknownFiles().isEmpty()) {
        node.putArray("unknown");
      }
      LedgerCommand.print(out, node);
      return ExitCode.OK.code();
    }
    for (MetadataPackage.PackageFile file : pkg.unknownFiles()) {
      out.println("passed through (type not converted): " + file.source() + " -> " + file.path());
    }
    out.println("Converted " + pkg.components().size() + " components (" + pkg.files().size() + " files, API "
        + pkg.apiVersion() + ") to " + outputDir + "; package sha256 " + sha256
        + (pkg.unknownFiles().isEmpty() ? "" : "; " + pkg.unknownFiles().size() + " files of unknown types passed through"));
    out.flush();
    return ExitCode.OK.code();
  }

  /** Reads a {@code --manifest} file (a usage error when it cannot be read). */
  static Manifest readManifest(Path file) {
    try {
      return Manifest.parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** A package the reader refused: exit 4 when a file could not be read, else 2 (bad input), the code and file named. */
  static CliException refused(PackageException e) {
    return new CliException(e.code() == PackageErrorCode.FILE_UNREADABLE ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
        e.code() + ": " + e.getMessage(), e);
  }

  private static void refuseNonEmpty(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    if (!Files.isDirectory(directory)) {
      throw new CliException(ExitCode.USAGE, "--output-dir " + directory + " exists and is not a directory");
    }
    try (Stream<Path> children = Files.list(directory)) {
      if (children.findAny().isPresent()) {
        throw new CliException(ExitCode.USAGE, "--output-dir " + directory
            + " is not empty (converting into it could mix stale files into the package)");
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.UNAVAILABLE, "cannot list " + directory + ": " + e.getMessage(), e);
    }
  }
}
