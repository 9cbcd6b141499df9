package dev.weft.benchmarks.report;

/**
 * One implementation's figures in one section of the table.
 *
 * @param key the implementation's key ({@code impl} parameter, {@code loop} parameter or method)
 * @param label its name for people
 * @param weft whether it is one of Weft's rows (else a peer)
 * @param score JMH's score, or NaN when the row has no result
 * @param error JMH's error (99.9% half-interval), NaN if it could not be computed
 * @param cpuNanosPerOp process CPU time per operation, NaN if not measured
 * @param cores average busy cores, NaN if not measured
 * @param bytesPerOp bytes allocated per operation, NaN if not measured
 * @param note why the row has no result, or a remark; empty if none
 */
public record Row(String key, String label, boolean weft, double score, double error, double cpuNanosPerOp,
    double cores, double bytesPerOp, String note) {

  /**
   * Whether the row has a score.
   *
   * @return true if measured
   */
  public boolean measured() {
    return !Double.isNaN(score);
  }
}
