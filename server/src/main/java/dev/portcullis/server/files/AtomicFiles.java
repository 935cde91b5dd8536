package dev.portcullis.server.files;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader sees the old content or the new, never half of one: the bytes go to
 * a temporary file in the same directory, which is then renamed over the target. Files holding
 * secrets are created 0600 (and their directory 0700) before a byte is written, on POSIX systems.
 */
public final class AtomicFiles {
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code target} atomically; {@code ownerOnly} makes it 0600. */
  public static void write(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
    FileAttribute<?>[] attributes = posix && ownerOnly
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", attributes);
    try {
      Files.write(temporary, bytes);
      if (posix && !ownerOnly) {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Creates {@code directory} (0700 on POSIX when it is new). */
  public static Path createPrivateDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return directory;
    }
    Files.createDirectories(directory.toAbsolutePath().getParent());
    try {
      if (Files.getFileStore(directory.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
        return Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
      }
      return Files.createDirectory(directory);
    } catch (FileAlreadyExistsException e) {
      return directory;
    }
  }
}
