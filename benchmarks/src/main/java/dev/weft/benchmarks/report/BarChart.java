package dev.weft.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG of horizontal bar charts, one panel per section: the adapter round trip and
 * throughput per adapter. Weft's bars are blue, the peers' grey; a black whisker shows JMH's
 * error, clipped at the panel's edge (bars scale to the scores, not to the error bars). No charting library: the benchmarks module adds no dependency for this.
 */
public final class BarChart {
  private static final int WIDTH = 960;
  private static final int LABEL_WIDTH = 290;
  private static final int VALUE_WIDTH = 110;
  private static final int BAR_HEIGHT = 18;
  private static final int BAR_GAP = 6;
  private static final int PANEL_HEADER = 46;
  private static final int PANEL_GAP = 24;
  private static final String WEFT = "#2b6cb0";
  private static final String PEER = "#a0aec0";

  private BarChart() {}

  /**
   * Draws {@code sections} one under the other.
   *
   * @param title the chart's title
   * @param subtitle a line under it: machine, JDK, profile
   * @param sections the panels
   * @return the SVG document
   */
  public static String svg(String title, String subtitle, List<Section> sections) {
    StringBuilder body = new StringBuilder();
    int y = 70;
    for (Section section : sections) {
      y = panel(body, section, y) + PANEL_GAP;
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">%n", WIDTH, y, WIDTH, y));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, y));
    svg.append(text(20, 30, 18, "bold", "start", title));
    svg.append(text(20, 52, 12, "normal", "start", subtitle));
    svg.append(body);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static int panel(StringBuilder out, Section section, int top) {
    String described = Catalog.describeParameters(section.id());
    String heading = section.title() + (described.isEmpty() ? "" : " — " + described)
        + (section.pinned() ? " (pinned to 1 CPU)" : "");
    out.append(text(20, top + 18, 14, "bold", "start", heading));
    out.append(text(20, top + 36, 12, "normal", "start",
        section.unit() + " (" + (section.higherIsBetter() ? "higher" : "lower") + " is better)"));
    List<Row> rows = new ArrayList<>();
    double max = 0;
    for (Row row : section.rows()) {
      if (row.measured()) {
        rows.add(row);
        max = Math.max(max, row.score()); // bars scale to the scores; whiskers are clipped

      }
    }
    int barArea = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
    int y = top + PANEL_HEADER;
    for (Row row : rows) {
      double length = max <= 0 ? 0 : barArea * row.score() / max;
      out.append(text(LABEL_WIDTH - 8, y + 13, 12, row.weft() ? "bold" : "normal", "end", row.label()));
      out.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s %s</title></rect>%n",
          LABEL_WIDTH, y, Math.max(length, 1), BAR_HEIGHT, row.weft() ? WEFT : PEER, escape(row.label()),
          Numbers.score(row.score()), escape(section.unit())));
      if (!Double.isNaN(row.error()) && max > 0) {
        double low = LABEL_WIDTH + barArea * Math.max(0, row.score() - row.error()) / max;
        double high = Math.min(LABEL_WIDTH + barArea * (row.score() + row.error()) / max, LABEL_WIDTH + barArea + 4.0);
        double middle = y + BAR_HEIGHT / 2.0;
        out.append(String.format(Locale.ROOT,
            "<path d=\"M%.1f %.1f H%.1f M%.1f %.1f V%.1f M%.1f %.1f V%.1f\" stroke=\"black\" stroke-width=\"1\"/>%n",
            low, middle, high, low, middle - 4, middle + 4, high, middle - 4, middle + 4));
      }
      String value = Numbers.score(row.score()) + (Double.isNaN(row.error()) ? "" : " ± " + Numbers.score(row.error()));
      out.append(text(WIDTH - VALUE_WIDTH - 10, y + 13, 12, "normal", "start", value));
      y += BAR_HEIGHT + BAR_GAP;
    }
    if (rows.isEmpty()) {
      out.append(text(LABEL_WIDTH, y + 13, 12, "normal", "start", "no results"));
      y += BAR_HEIGHT + BAR_GAP;
    }
    return y;
  }

  private static String text(int x, int y, int size, String weight, String anchor, String content) {
    return String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\">%s</text>%n", x, y, size,
        weight, anchor, escape(content));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
