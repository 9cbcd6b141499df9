package dev.weft.benchmarks.report;

import java.util.List;
import java.util.Locale;

/** Number formats and a padded Markdown table, shared by the report's parts. */
final class Numbers {
  private Numbers() {}

  /** A score with about three significant digits. */
  static String score(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** A duration given in nanoseconds, in ns or µs. */
  static String duration(double nanos) {
    if (Double.isNaN(nanos)) {
      return "";
    }
    return nanos >= 1000 ? score(nanos / 1000) + " µs" : score(nanos) + " ns";
  }

  /**
   * Appends {@code rows} (the first is the header) as a Markdown table with padded columns: the
   * first column and a last column headed {@code note} are text, aligned left; the rest are
   * figures, aligned right.
   */
  static void appendMarkdownTable(StringBuilder out, List<String[]> rows) {
    int columns = rows.get(0).length;
    boolean[] text = new boolean[columns];
    text[0] = true;
    text[columns - 1] = rows.get(0)[columns - 1].equals("note");
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(Math.max(widths[i], row[i].length()), 3);
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      appendRow(out, rows.get(r), widths, text);
      if (r == 0) {
        String[] rule = new String[columns];
        for (int i = 0; i < columns; i++) {
          rule[i] = text[i] ? "-".repeat(widths[i]) : "-".repeat(widths[i] - 1) + ":";
        }
        appendRow(out, rule, widths, text);
      }
    }
  }

  private static void appendRow(StringBuilder out, String[] cells, int[] widths, boolean[] text) {
    out.append('|');
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i];
      String padding = " ".repeat(widths[i] - cell.length());
      out.append(' ').append(text[i] ? cell + padding : padding + cell).append(" |");
    }
    out.append('\n');
  }
}
