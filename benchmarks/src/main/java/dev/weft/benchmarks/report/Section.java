package dev.weft.benchmarks.report;

import java.util.List;
import java.util.Optional;

/**
 * One question of one run: a benchmark class with fixed parameters, and a row per implementation.
 *
 * @param id a stable identifier, e.g. {@code AdapterRoundTripBenchmark work=noop}
 * @param benchmark the benchmark class's simple name
 * @param title the question, for people
 * @param unit what the score counts, e.g. {@code µs per call}
 * @param higherIsBetter true for throughput, false for time
 * @param pinned whether the run was pinned to one CPU
 * @param rows the rows, Weft's first
 */
public record Section(String id, String benchmark, String title, String unit, boolean higherIsBetter, boolean pinned,
    List<Row> rows) {

  /**
   * The fastest measured peer (non-Weft row).
   *
   * @return the row, or empty if no peer was measured
   */
  public Optional<Row> fastestPeer() {
    Row best = null;
    for (Row row : rows) {
      if (!row.weft() && row.measured() && (best == null || faster(row, best))) {
        best = row;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The row of {@code key}.
   *
   * @param key the implementation's key
   * @return the row, or empty
   */
  public Optional<Row> row(String key) {
    return rows.stream().filter(row -> row.key().equals(key)).findFirst();
  }

  /**
   * How much faster {@code row} is than {@code baseline}: above 1 is faster, below slower, for
   * time and throughput alike.
   *
   * @param row the row
   * @param baseline the row it is compared with
   * @return the speed ratio, NaN if either has no score
   */
  public double speedup(Row row, Row baseline) {
    if (!row.measured() || !baseline.measured()) {
      return Double.NaN;
    }
    return higherIsBetter ? row.score() / baseline.score() : baseline.score() / row.score();
  }

  private boolean faster(Row a, Row b) {
    return higherIsBetter ? a.score() > b.score() : a.score() < b.score();
  }
}
