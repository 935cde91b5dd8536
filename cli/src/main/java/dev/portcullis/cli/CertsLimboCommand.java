package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.certs.limbo.Limbo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs the C2SP x509-limbo suite through our path validator and reports agreement. Agreement is a
 * report, not a verdict: the command exits 0 whenever it ran, 2 when the file is unusable.
 */
@Command(name = "limbo", mixinStandardHelpOptions = true,
    description = "Run the x509-limbo test vectors (limbo.json) through Portcullis's path validator and report "
        + "agreement with the expected results, overall and per category, listing every disagreement.",
    footer = {"", "Examples:", "  portcullis certs limbo ../shared/x509-limbo/limbo.json",
        "  portcullis certs limbo limbo.json --json", "",
        "Each case's validation runs under a 1 s cap; a case past it counts as a disagreement (TIMEOUT).",
        "Exit 0 when the suite ran (whatever the score), 2 when FILE cannot be read."})
final class CertsLimboCommand implements Callable<Integer> {
  static final Duration PER_CASE = Duration.ofSeconds(1);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "An x509-limbo limbo.json file.")
  Path file;

  @Option(names = "--json", description = "Print JSON: {total, agreed, categories, disagreements, elapsed_ms, slowest}.")
  boolean json;

  @Override
  public Integer call() {
    Limbo limbo;
    try {
      limbo = Limbo.load(file);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, "no such file: " + file);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
    }
    Limbo.Report report = limbo.run(PER_CASE, Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      PolicyCommand.print(out, toJson(report));
    } else {
      printText(out, report);
    }
    return ExitCode.OK.code();
  }

  private static ObjectNode toJson(Limbo.Report report) {
    ObjectNode node = LedgerCommand.object();
    node.put("total", report.total());
    node.put("agreed", report.agreed());
    ObjectNode categories = node.putObject("categories");
    report.categories().forEach((name, tally) -> categories.putObject(name)
        .put("total", tally.total()).put("agreed", tally.agreed()));
    ArrayNode disagreements = node.putArray("disagreements");
    for (Limbo.Outcome outcome : report.disagreements()) {
      disagreements.addObject().put("id", outcome.id()).put("expected", outcome.expected())
          .put("ours", outcome.ours()).put("reason", outcome.reason()).put("ms", outcome.took().toMillis());
    }
    node.put("elapsed_ms", report.elapsed().toMillis());
    Limbo.Outcome slowest = report.slowest();
    if (slowest != null) {
      node.putObject("slowest").put("id", slowest.id()).put("ms", slowest.took().toMillis());
    }
    return node;
  }

  private static void printText(PrintWriter out, Limbo.Report report) {
    out.println("x509-limbo: agreed on " + report.agreed() + " of " + report.total() + " cases ("
        + percent(report.agreed(), report.total()) + ") in " + report.elapsed().toMillis() + " ms");
    report.categories().forEach((name, tally) -> out.println(String.format(Locale.ROOT, "  %-14s %4d / %-4d %s",
        name, tally.agreed(), tally.total(), percent(tally.agreed(), tally.total()))));
    var disagreements = report.disagreements();
    out.println(disagreements.size() + (disagreements.size() == 1 ? " disagreement" : " disagreements")
        + (disagreements.isEmpty() ? "" : ":"));
    for (Limbo.Outcome outcome : disagreements) {
      out.println("  " + outcome.id() + ": expected " + outcome.expected() + ", ours " + outcome.ours()
          + (outcome.reason().isEmpty() ? "" : ": " + outcome.reason()));
    }
    Limbo.Outcome slowest = report.slowest();
    if (slowest != null) {
      out.println("slowest case: " + slowest.id() + " (" + slowest.took().toMillis() + " ms)");
    }
    out.flush();
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }
}
