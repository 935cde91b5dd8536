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
 * state is small and read only by the next run of the same rotation, and it sits beside the chain the
 * same run had signed; the ledger, not this file, is the record others read.
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

  /** Where the rotation keeps the chain the CA signed for the org's CSR (PEM, leaf first; nothing secret). */
  Path chainFile(String id) {
    return directory.resolve(id + ".crt");
  }

  /** Where a rotation of format 1 kept the key it made (PKCS#12); named in the message that refuses such a state. */
  Path formerKeyFile(String id) {
    return directory.resolve(id + ".p12");
  }

  Optional<RotationState> load(String id) {
    Path file = stateFile(id);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      if (JSON.readTree(file.toFile()).path("version").asInt() == 1) {
        throw new RotationException(RotationException.Code.STATE_UNREADABLE, file + " is a rotation of format 1, which"
            + " made the new key in Portcullis (" + formerKeyFile(id).getFileName() + "); a real org cannot take that key"
            + " through the API. Retire what it uploaded if anything, delete both files, and run again: the rotation then"
            + " uses the org's own CSR");
      }
      RotationState state = JSON.readValue(file.toFile(), RotationState.class);
      if (state.version() != 2 || !state.id().equals(id)) {
        throw new RotationException(RotationException.Code.STATE_UNREADABLE, file + ": not the state of rotation " + id
            + " in format 2");
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
    try {
      write(stateFile(state.id()), JSON.writeValueAsBytes(state));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a rotation state as JSON", e);
    }
  }

  /** Replaces {@code file} with {@code content} atomically (temporary file, fsync, rename). */
  void write(Path file, byte[] content) {
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
      try {
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
          channel.write(java.nio.ByteBuffer.wrap(content));
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
