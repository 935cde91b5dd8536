package dev.portcullis.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a child JVM that appends to a ledger and prints {@code ack <index> <leaf hash hex>} per acknowledged entry,
 * reads acknowledgements until it has seen {@code acks} of them, then kills it with SIGKILL
 * ({@link Process#destroyForcibly()}). Shared by the crash tests of both storage backends (published in the
 * ledger test-jar).
 */
public final class KilledAppender {
  private KilledAppender() {
  }

  /**
   * The child's side: appends from {@code threads} threads forever, printing {@code ack <index> <leaf hash hex>},
   * one flushed line per acknowledged entry, so the parent knows exactly what was acknowledged before the kill.
   */
  public static void appendForever(Sequencer sequencer, int threads) {
    System.out.println("ready " + sequencer.size());
    System.out.flush();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread.ofPlatform().start(() -> {
        for (long i = 0; ; i++) {
          byte[] entry = ("pid " + ProcessHandle.current().pid() + " thread " + thread + " entry " + i + " "
              + "z".repeat(java.util.concurrent.ThreadLocalRandom.current().nextInt(40)))
              .getBytes(StandardCharsets.UTF_8);
          long index = sequencer.append(entry).join();
          String line = "ack " + index + " " + MerkleHash.leaf(entry).hex();
          synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
          }
        }
      });
    }
  }

  /**
   * @return the acknowledged entries, index to leaf hash hex, in the order they were printed
   * @throws IllegalStateException if the child died before acknowledging {@code acks} entries (with its stderr)
   */
  public static Map<Long, String> run(Class<?> child, List<String> args, int acks, Path stderr)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-XX:-UsePerfData", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), child.getName()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    Map<Long, String> acknowledged = new LinkedHashMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < acks && (line = out.readLine()) != null) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ack") && acknowledged.put(Long.parseLong(parts[1]), parts[2]) != null) {
          throw new IllegalStateException("index " + parts[1] + " acknowledged twice");
        }
      }
    } finally {
      process.destroyForcibly();
      process.waitFor();
    }
    if (acknowledged.size() < acks) {
      throw new IllegalStateException("the child acknowledged " + acknowledged.size() + " of " + acks
          + " entries before dying: " + Files.readString(stderr));
    }
    return acknowledged;
  }
}
