package dev.portcullis.ledger;

import java.util.List;

/** The README.md of an evidence bundle written by {@link LedgerExport}. */
final class ExportReadme {
  private ExportReadme() {
  }

  static String text(Checkpoint checkpoint, long entries, List<NoteVerifier> keys) {
    String root = Hash.of(checkpoint.rootHash()).hex();
    return """
        # Portcullis ledger evidence

        This directory is a complete, self-contained copy of a Portcullis ledger, a tamper-evident
        transparency log, as of one signed checkpoint, with %d selected entries and their proofs.

        | | |
        |---|---|
        | log origin | `%s` |
        | tree size | %d entries |
        | root hash (hex) | `%s` |
        | log key(s) | see `vkey` (`%s`) |

        ## What is here

        - `checkpoint`: the signed checkpoint (C2SP tlog-checkpoint inside a C2SP signed note, Ed25519).
        - `checkpoint-history`: every checkpoint the log published up to this one, oldest first; each record is
          a 4-byte big-endian length followed by the signed note.
        - `tile/<L>/<N>[.p/<W>]`: hash tiles; `tile/entries/<N>[.p/<W>]`: entry bundles, each entry as a
          2-byte big-endian length followed by its bytes (C2SP tlog-tiles, tile height 8).
        - `vkey`: the log's verifier key(s) (C2SP signed-note verifier key format), one per line.
        - `entries.jsonl`: one JSON object per selected entry: `index`, `tree_size`, `leaf_hash` (hex),
          `inclusion_proof` (hex hashes, RFC 9162 §2.1.3 order), `entry` (base64 of the exact bytes) and, when the
          entry is UTF-8 text, `entry_text`.

        ## How to verify

        1. **With Portcullis** (checks everything below in one go):

               portcullis ledger verify . --vkey "$(head -n 1 vkey)"

        2. **With any C2SP tlog-tiles client** (for example the transparency-dev Go clients): serve this
           directory over HTTP, e.g. `python3 -m http.server 8000`, and point the client at
           `http://localhost:8000/` with origin `%s` and the key in `vkey`. It will check the checkpoint
           signature, fetch the tiles and verify inclusion and consistency proofs against them.

        3. **By hand**, to convince yourself of one entry without trusting any of our tools:
           - the leaf hash is SHA-256 of a zero byte followed by the entry's bytes:
             `(printf '\\000'; printf '%%s' "<entry base64>" | base64 -d) | sha256sum` must print `leaf_hash`;
           - folding `leaf_hash` with `inclusion_proof` as RFC 9162 §2.1.3.2 describes (node = SHA-256 of
             0x01 ‖ left ‖ right) must give the root hash above;
           - the root hash must be the third line of `checkpoint` (base64) and the checkpoint's signature line
             must verify with the key in `vkey` (C2SP signed-note: Ed25519 over the note text).

        A full verification recomputes every leaf hash from the entry bundles, compares every stored tile byte for
        byte, checks that the recomputed root equals the signed one, and that every checkpoint in
        `checkpoint-history` is consistent with the latest: any change to any entry, tile or checkpoint is detected.
        """.formatted(entries, checkpoint.origin(), checkpoint.size(), root,
        keys.getFirst().name(), checkpoint.origin());
  }
}
