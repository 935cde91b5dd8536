package dev.portcullis.certs.rotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The rotations' state files: one JSON file per rotation under a directory
 * ({@code DATA_DIR/certs/rotations/}), replaced atomically (write a temporary file, fsync, rename)
 * so that a crash leaves either the old state or the new one, never half of one.
 *
 * <p>Why files and not a store migration: a rotation is driven by one CLI process for one org, the
 * state is small and read only by the next run of the same rotation, and it must sit beside the new
 * key's PKCS#12 file that the same run wrote; the ledger, not this file, is the record others read.
 */
final class RotationStateFiles {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final Path directory;

  RotationStateFiles(Path directory) {
    this.directory = directory;
  }

  Path stateFile(String id) {
    return directory.resolve(id + ".json");
  }

  /** Where the rotation keeps the new certificate's key and chain (PKCS#12). */
  Path keyFile(String id) {
    return directory.resolve(id + ".p12");
  }

  Optional<RotationState> load(String id) {
    Path file = stateFile(id);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      RotationState state = JSON.readValue(file.toFile(), RotationState.class);
      if (state.version() != 1 || !state.id().equals(id)) {
        throw new RotationException(RotationException.Code.STATE_UNREADABLE, file + ": not the state of rotation " + id
            + " in format 1");
      }
      return Optional.of(state);
    } catch (JsonProcessingException e) {
      throw new RotationException(RotationException.Code.STATE_UNREADABLE, file + ": not a rotation state: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new RotationException(RotationException.Code.STATE_UNREADABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  void save(RotationState state) {
    Path file = stateFile(state.id());
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, state.id(), ".tmp");
      try {
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
          channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(state)));
          channel.force(true);
        }
        try {
          Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new RotationException(RotationException.Code.STATE_UNREADABLE, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
