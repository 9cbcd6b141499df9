package dev.weft.metrics;

import java.time.Duration;

/**
 * One timed quantity (a queue wait, a run time, a loop's lag), with two faces.
 *
 * <ul>
 *   <li><b>Since start</b>: {@code count} and {@code total} only grow. Export these (as a counter
 *       and a sum, like Prometheus' {@code _count} and {@code _sum}): rates and averages over any
 *       period, and across instances, come from their differences.
 *   <li><b>Recent</b>: {@code recentCount}, {@code recentP50}, {@code recentP90}, {@code recentP99} and
 *       {@code recentMax} cover only the recent window: the last minute, kept as four 15 s slices
 *       by the time each value was recorded (a snapshot covers 45 to 60 s of the past, however
 *       often snapshots are taken). They show the last minute, not the whole run, and drop to
 *       zero when nothing happens.
 * </ul>
 *
 * <p>Percentiles are exact to two significant digits (HdrHistogram); {@code total} is exact.
 *
 * @param count values recorded since start
 * @param total the values summed, since start
 * @param recentCount values recorded in the recent window
 * @param recentP50 median of the recent window (zero if it is empty)
 * @param recentP90 90th percentile of the recent window (zero if it is empty)
 * @param recentP99 99th percentile of the recent window (zero if it is empty)
 * @param recentMax the largest value of the recent window (zero if it is empty)
 */
public record Timing(long count, Duration total, long recentCount, Duration recentP50, Duration recentP90,
    Duration recentP99,
    Duration recentMax) {

  /** Nothing recorded. */
  public static final Timing EMPTY = new Timing(0, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
      Duration.ZERO);

  /**
   * The mean of every value since start.
   *
   * @return {@code total / count}, zero if nothing was recorded
   */
  public Duration mean() {
    return count == 0 ? Duration.ZERO : total.dividedBy(count);
  }
}
