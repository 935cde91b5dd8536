package dev.portcullis.certs.inventory;

import dev.portcullis.certs.Use;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Discovers certificates in an SFDX project (source format) or a Metadata API format directory:
 * {@code certs/NAME.crt} with {@code NAME.crt-meta.xml}, and the same consumers an org has
 * ({@code samlssoconfigs/}, {@code connectedApps/}, {@code namedCredentials/}, …), wherever they
 * sit under the directory (SFDX: {@code force-app/main/default/certs/…}). Source format appends
 * {@code -meta.xml} to XML-only files ({@code Okta.samlssoconfig-meta.xml}); both spellings are
 * read. Classification is {@link MetadataCertificates}'s; files carry no owner, and Certificate ids
 * (what {@code SamlSsoConfig.requestSigningCertId} names) are not in source files, so that link is
 * noted as not found.
 */
public final class SourceDirectoryCertificates {
  private static final int MAX_FILES = 200_000;
  private static final long MAX_FILE_BYTES = 16L << 20;

  private SourceDirectoryCertificates() {}

  /**
   * The certificates under {@code directory}.
   *
   * @throws InventoryException {@code SOURCE_UNREADABLE} when the directory cannot be read, {@code
   *     MALFORMED_METADATA} for a file that does not parse
   */
  public static Inventory discover(Path directory) {
    String origin = "dir:" + directory;
    if (!Files.isDirectory(directory)) {
      throw new InventoryException(InventoryException.Code.SOURCE_UNREADABLE, directory + " is not a directory");
    }
    List<MetadataCertificates.Component> components = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> files = walk.filter(Files::isRegularFile).limit(MAX_FILES + 1L).sorted().toList();
      if (files.size() > MAX_FILES) {
        throw new InventoryException(InventoryException.Code.SOURCE_UNREADABLE,
            directory + " holds more than " + MAX_FILES + " files");
      }
      for (Path file : files) {
        component(directory, file).ifPresent(components::add);
      }
    } catch (NoSuchFileException e) {
      throw new InventoryException(InventoryException.Code.SOURCE_UNREADABLE, "no such directory: " + directory, e);
    } catch (IOException e) {
      throw new InventoryException(InventoryException.Code.SOURCE_UNREADABLE, "cannot read " + directory + ": " + e.getMessage(), e);
    }
    Inventory.Builder builder = Inventory.builder();
    MetadataCertificates classified = new MetadataCertificates(origin, builder);
    classified.classify(components);
    try {
      pipelines(origin, PipelineLogins.find(directory), classified.jwtClients(), builder);
    } catch (IOException e) {
      builder.note("the CI files beside " + directory + " could not be read: " + e.getMessage());
    }
    return builder.build();
  }

  /**
   * Each CI pipeline that logs in with the JWT bearer flow is a consumer of the certificate of the app whose consumer
   * key it names ({@code Pipeline .github/workflows/deploy.yml:12}); a login whose client id the file does not spell
   * out, or names an app the project does not hold, is a note.
   */
  static void pipelines(String origin, List<PipelineLogins.Login> logins,
      java.util.Map<String, MetadataCertificates.JwtClient> clients, Inventory.Builder builder) {
    for (PipelineLogins.Login login : logins) {
      if (login.clientId().isEmpty()) {
        builder.note("pipeline " + login.where() + " logs in with the JWT bearer flow"
            + (login.clientIdAsWritten().isEmpty() ? " without a --client-id" : " with the client id "
                + login.clientIdAsWritten())
            + ": which app's certificate it signs for cannot be read from the file");
        continue;
      }
      MetadataCertificates.JwtClient client = clients.get(login.clientId().get());
      if (client == null) {
        builder.note("pipeline " + login.where() + " logs in with the JWT bearer flow to the app with consumer key "
            + login.clientId().get() + ", which is not among this source's connected apps and external client apps");
        continue;
      }
      builder.add(client.leaf(), client.chain(), Use.INBOUND_SSO, new InventoryItem.Consumer("Pipeline", login.where(),
          "JWT bearer login to " + client.type() + " " + client.app() + login.username().map(u -> " as " + u).orElse(""),
          Use.INBOUND_SSO), null, new InventoryItem.Source(origin, login.where()));
    }
  }

  /** The component whose main XML file is {@code file}, if it is one of a certificate-bearing type. */
  private static Optional<MetadataCertificates.Component> component(Path root, Path file) throws IOException {
    Path parent = file.getParent();
    if (parent == null) {
      return Optional.empty();
    }
    Optional<OrgCertificates.ComponentFiles> layout = OrgCertificates.ComponentFiles.inDirectory(parent.getFileName().toString());
    if (layout.isEmpty()) {
      return Optional.empty();
    }
    String name = file.getFileName().toString();
    String suffix = "." + layout.get().suffix();
    String location = root.relativize(file).toString().replace('\\', '/');
    if (layout.get().content()) {
      if (!name.endsWith(suffix + "-meta.xml")) {
        return Optional.empty();
      }
      String fullName = name.substring(0, name.length() - (suffix + "-meta.xml").length());
      Path content = parent.resolve(fullName + suffix);
      byte[] contentBytes = Files.exists(content) ? read(content) : null;
      return Optional.of(new MetadataCertificates.Component(layout.get().type(), fullName, contentBytes, read(file),
          location.substring(0, location.length() - "-meta.xml".length()), "", InventoryItem.Owner.UNKNOWN));
    }
    String fullName;
    if (name.endsWith(suffix + "-meta.xml")) {
      fullName = name.substring(0, name.length() - (suffix + "-meta.xml").length());
    } else if (name.endsWith(suffix)) {
      fullName = name.substring(0, name.length() - suffix.length());
    } else {
      return Optional.empty();
    }
    return Optional.of(new MetadataCertificates.Component(layout.get().type(), fullName, null, read(file), location, "",
        InventoryItem.Owner.UNKNOWN));
  }

  private static byte[] read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new InventoryException(InventoryException.Code.SOURCE_UNREADABLE,
          file + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }
    return Files.readAllBytes(file);
  }
}
