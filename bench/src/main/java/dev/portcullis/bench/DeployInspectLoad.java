package dev.portcullis.bench;

import dev.portcullis.deploy.DeployInspection;
import dev.portcullis.deploy.pkg.MetadataPackage;
import dev.portcullis.policy.DecisionInput;
import dev.portcullis.policy.DeployInput;
import dev.portcullis.policy.PolicyBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Issue 7, "Speed": inspect + diff + policy of a large project (made by {@code bench/deploy-convert-project.py}), end
 * to end in one process: the package read from its SFDX source and hashed, the org's copy of the same components
 * read from a Metadata API retrieve zip (the bytes a retrieve returns, prepared before the clock starts), every
 * component diffed semantically, and the default pack's deploy decision for production. The package differs from
 * the org in a realistic way: 50 permission sets gain ModifyAllData and 50 Apex classes become {@code without
 * sharing}. Prints each round's wall time and the heap in use after a GC.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.portcullis.bench.DeployInspectLoad PROJECT_DIR [ROUNDS]}
 */
public final class DeployInspectLoad {
  private DeployInspectLoad() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DeployInspectLoad PROJECT_DIR [ROUNDS] [--touch-all]");
      System.exit(2);
    }
    Path project = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean touchAll = args.length > 2 && args[2].equals("--touch-all");
    // the org: the project as it is; its retrieve zip, as the Metadata API would return it
    MetadataPackage org = MetadataPackage.fromProject(project);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    org.writeZip(zip);
    byte[] orgZip = zip.toByteArray();
    Path changed = Files.createTempDirectory("portcullis-inspect-load");
    copy(project, changed);
    int[] edits = change(changed);
    int touched = touchAll ? touchAll(changed) : 0;
    PolicyBundle bundle = PolicyBundle.loadDefault();
    System.out.printf("deploy inspect load: %d components, org retrieve zip %,d bytes; package differs in %d"
        + " permission sets and %d Apex classes%s; %d cores, max heap %d MiB%n", org.components().size(),
        orgZip.length, edits[0], edits[1],
        touchAll ? " (and " + touched + " more files differ by a comment: every component is parsed and compared)" : "",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<Long> times = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      MetadataPackage pkg = MetadataPackage.fromProject(changed);
      String sha = pkg.sha256();
      long read = System.nanoTime();
      DeployInspection.Result result = DeployInspection.inspect(pkg,
          (members, version) -> MetadataPackage.fromZip(new ByteArrayInputStream(orgZip), "retrieve"), bundle,
          context());
      long end = System.nanoTime();
      System.gc();
      long heap = memory.getHeapMemoryUsage().getUsed() >> 20;
      times.add(end - start);
      System.out.printf("round %d: %,d ms (read + hash %,d ms, retrieve parse + diff + policy %,d ms); %d changes,"
          + " decision %s, approvals %d; package %s…; heap after GC %d MiB%n", round, (end - start) / 1_000_000,
          (read - start) / 1_000_000, (end - read) / 1_000_000, result.changes().size(),
          result.decision().effect().word(), result.approvalsRequired(), sha.substring(0, 12), heap);
    }
    times.sort(null);
    System.out.printf("median %,d ms, best %,d ms over %d rounds%n", times.get(times.size() / 2) / 1_000_000,
        times.getFirst() / 1_000_000, rounds);
  }

  private static DeployInspection.Context context() {
    DeployInput.Builder input = DeployInput.builder()
        .principal(new DecisionInput.Principal("github", "https://token.actions.githubusercontent.com",
            "repo:acme/sf:ref:refs/heads/main", Map.of("repository", "acme/sf")))
        .org(new DecisionInput.Org("prod", "production", ""))
        .git(new DeployInput.Git("acme/sf", "0123456789abcdef0123456789abcdef01234567", "main", "alice", true))
        .now(Instant.now());
    return new DeployInspection.Context(input, "RunLocalTests", List.of(), false, false);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * The worst case of the comparison: every XML file gains a comment and every Apex source a comment line, so no
   * component is byte-for-byte the org's and each one is parsed and diffed (the comments make no semantic change).
   */
  private static int touchAll(Path project) throws IOException {
    int touched = 0;
    try (Stream<Path> files = Files.walk(project)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.endsWith("-meta.xml") || name.endsWith(".labels-meta.xml")) {
          Files.writeString(f, Files.readString(f) + "<!-- touched -->\n");
          touched++;
        } else if (name.endsWith(".cls") || name.endsWith(".trigger")) {
          Files.writeString(f, Files.readString(f) + "\n// touched\n");
          touched++;
        }
      }
    }
    return touched;
  }

  /** Grants ModifyAllData in 50 permission sets and declares 50 classes without sharing; returns the counts. */
  private static int[] change(Path project) throws IOException {
    int sets = 0;
    int classes = 0;
    try (Stream<Path> files = Files.walk(project)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (sets < 50 && name.endsWith(".permissionset-meta.xml")) {
          String xml = Files.readString(f);
          Files.writeString(f, xml.replace("</PermissionSet>", "    <userPermissions>\n        <enabled>true</enabled>\n"
              + "        <name>ModifyAllData</name>\n    </userPermissions>\n</PermissionSet>"));
          sets++;
        } else if (classes < 50 && name.endsWith(".cls")) {
          String code = Files.readString(f);
          String changed = code.replaceFirst("(?m)^public (with sharing |inherited sharing )?class", "public without sharing class");
          if (!changed.equals(code)) {
            Files.writeString(f, changed);
            classes++;
          }
        }
      }
    }
    return new int[] {sets, classes};
  }
}
