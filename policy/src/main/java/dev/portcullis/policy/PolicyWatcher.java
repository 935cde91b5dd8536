package dev.portcullis.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the bundle of a directory in force and reloads it when the directory changes.
 *
 * <p>Design: the bundle in force is one volatile reference, swapped only after a complete, error-free
 * load, so readers never see a half-loaded bundle and a bad edit never replaces a good bundle (the
 * problems are kept and reported instead). Reloads are serialised. A background thread wakes on
 * {@link WatchService} events for the directory and, as a fallback for file systems without
 * notifications (network mounts, some containers), every {@code pollInterval}; each wake-up simply
 * calls {@link #reloadNow}, which compares the new bundle's hash with the one in force, so spurious
 * wake-ups cost a load and change nothing. The listener hears of every change of the bundle in force.
 */
public final class PolicyWatcher implements AutoCloseable {
  /** Hears about the bundle in force. Called on the thread that reloaded; keep it short. */
  public interface Listener {
    /** A new bundle is in force ({@code bundle.hash()} names it); also called once for the first bundle. */
    void bundleChanged(PolicyBundle bundle);

    /** A reload failed; the previous bundle stays in force. */
    default void reloadFailed(List<PolicyProblem> problems) {}
  }

  private final Path directory;
  private final Listener listener;
  private volatile PolicyBundle current;
  private volatile List<PolicyProblem> problems = List.of();
  /** SHA-256 over the names and contents of the files last compiled (good or bad); guarded by this. */
  private String lastFingerprint;
  private Thread thread;
  private WatchService watchService;

  private PolicyWatcher(Path directory, Listener listener, PolicyBundle first) {
    this.directory = directory;
    this.listener = listener;
    this.current = first;
  }

  /**
   * Loads the bundle in {@code directory} and puts it in force (telling {@code listener}); does not
   * watch yet, see {@link #start}.
   *
   * @throws PolicyException when the first load fails: there is no good bundle to fall back on
   */
  public static PolicyWatcher open(Path directory, Listener listener) throws PolicyException {
    Objects.requireNonNull(listener, "listener");
    java.util.SortedMap<String, byte[]> files = PolicyBundle.readFiles(directory);
    PolicyWatcher watcher = new PolicyWatcher(directory, listener, PolicyBundle.fromFiles(directory.toString(), files));
    watcher.lastFingerprint = fingerprint(files);
    listener.bundleChanged(watcher.current);
    return watcher;
  }

  /** The bundle in force. */
  public PolicyBundle current() {
    return current;
  }

  /** The problems of the last reload if it failed; empty when the last reload succeeded. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  /**
   * Loads the directory again. A good bundle with a different hash goes into force and the listener
   * hears of it; a bad one leaves the bundle in force and reports its problems.
   *
   * @return whether the bundle in force changed
   */
  public synchronized boolean reloadNow() {
    PolicyBundle next;
    try {
      java.util.SortedMap<String, byte[]> files = PolicyBundle.readFiles(directory);
      String fingerprint = fingerprint(files);
      if (fingerprint.equals(lastFingerprint)) {
        return false; // the same files as last time: nothing to compile, nothing to report again
      }
      lastFingerprint = fingerprint;
      next = PolicyBundle.fromFiles(directory.toString(), files);
    } catch (PolicyException e) {
      problems = e.problems();
      listener.reloadFailed(e.problems());
      return false;
    }
    problems = List.of();
    if (next.hash().equals(current.hash())) {
      return false;
    }
    current = next;
    listener.bundleChanged(next);
    return true;
  }

  private static String fingerprint(java.util.SortedMap<String, byte[]> files) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      for (var entry : files.entrySet()) {
        byte[] name = entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        digest.update(java.nio.ByteBuffer.allocate(8).putInt(name.length).putInt(entry.getValue().length).array());
        digest.update(name);
        digest.update(entry.getValue());
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts watching the directory: reloads on change notifications and at least every {@code pollInterval}. */
  public synchronized PolicyWatcher start(Duration pollInterval) throws IOException {
    if (thread != null) {
      throw new IllegalStateException("already watching " + directory);
    }
    long pollMillis = Math.max(1, pollInterval.toMillis());
    WatchService service = FileSystems.getDefault().newWatchService();
    directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    watchService = service;
    thread = Thread.ofPlatform().daemon().name("policy-watcher").start(() -> watch(service, pollMillis));
    return this;
  }

  private void watch(WatchService service, long pollMillis) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = service.poll(pollMillis, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
        reloadNow();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops watching; the bundle in force stays readable. */
  @Override
  public synchronized void close() throws IOException {
    if (thread != null) {
      thread.interrupt();
      watchService.close();
      thread = null;
    }
  }
}
