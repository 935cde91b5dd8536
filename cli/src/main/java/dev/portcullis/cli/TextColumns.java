package dev.portcullis.cli;

import java.util.List;

/** Rows of cells laid out for people: each column padded to its widest cell, two spaces between columns. */
final class TextColumns {
  private TextColumns() {}

  /** The rows as lines, the first being the header; trailing spaces are dropped. */
  static String render(List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == 0 ? "" : "  ").append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length()));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
