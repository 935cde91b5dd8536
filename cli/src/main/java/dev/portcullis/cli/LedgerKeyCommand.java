package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the ledger's verifier key. */
@Command(name = "key", mixinStandardHelpOptions = true,
    description = "Print the ledger's verifier key (C2SP signed-note vkey: <origin>+<key id>+<base64(0x01 ‖ key)>).")
final class LedgerKeyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LedgerLocation location;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (LedgerLocation open = location) {
      String vkey = open.identityVkey();
      if (json) {
        ObjectNode out = LedgerCommand.object();
        out.put("vkey", vkey);
        out.put("origin", vkey.substring(0, vkey.indexOf('+')));
        LedgerCommand.print(spec.commandLine().getOut(), out);
      } else {
        spec.commandLine().getOut().println(vkey);
      }
      return ExitCode.OK.code();
    }
  }
}
