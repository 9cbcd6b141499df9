package dev.weft.internal.metrics;

import dev.weft.internal.ForWeftModules;
import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/*
 * Overview: writers (any thread, often a loop or a worker on a call's path) add to two LongAdders
 * and to an HdrHistogram Recorder: no lock, no allocation once the Recorder's histograms have
 * grown to the values seen. Readers (snapshot(), synchronized among themselves only) swap the
 * Recorder's interval histogram out (Recorder's writer-reader phaser: writers never wait) and add
 * it to the slice of the current 15 s period; a slice whose period is more than SLICES periods old
 * is cleared before it is reused. The recent window is the union of the slices still current.
 *
 * What is recorded between two snapshots lands in the slice of the second one: with snapshots at
 * least every 15 s (a scrape, the JFR event, the watchdog) the window is exact to a slice; with
 * rarer ones it stretches back to the previous snapshot. Timing's javadoc says so.
 *
 * Memory: the histograms resize to the largest value seen (about 20 KB each for values up to a
 * second at two significant digits); seven per recorder.
 */

/** Counts, sums and a recent-window histogram of one timed quantity; see {@link Timing}. */
@ForWeftModules
public final class TimingRecorder {
  /** How long one slice of the recent window lasts. */
  public static final Duration SLICE = Duration.ofSeconds(15);
  /** Slices in the recent window. */
  public static final int SLICES = 4;
  private static final long SLICE_NANOS = SLICE.toNanos();
  private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
  private static final int DIGITS = 2;

  private final LongAdder count = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final Recorder recorder = new Recorder(DIGITS); // auto-resizing
  private final LongSupplier nanoClock;
  private final Histogram[] slices = new Histogram[SLICES]; // guarded by this
  private final long[] slicePeriods = new long[SLICES]; // guarded by this: the period each slice holds
  private final Histogram window = new Histogram(DIGITS); // guarded by this: scratch for the union
  private Histogram interval; // guarded by this: recycled by the Recorder

  /** A recorder on {@link System#nanoTime()}. */
  public TimingRecorder() {
    this(System::nanoTime);
  }

  /**
   * A recorder on a clock of the caller's, for tests of the window.
   *
   * @param nanoClock a monotonic clock in nanoseconds
   */
  public TimingRecorder(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    for (int i = 0; i < SLICES; i++) {
      slices[i] = new Histogram(DIGITS);
      slicePeriods[i] = Long.MIN_VALUE;
    }
  }

  /**
   * Records one value. Any thread; lock-free; negative values count as zero, values above an hour
   * as an hour in the histogram (the total keeps them whole).
   *
   * @param nanos the value
   */
  public void record(long nanos) {
    long value = Math.max(0, nanos);
    count.increment();
    totalNanos.add(value);
    recorder.recordValue(Math.min(value, HIGHEST_NANOS));
  }

  /**
   * Values recorded since start.
   *
   * @return the count
   */
  public long count() {
    return count.sum();
  }

  /**
   * The values recorded since start, summed.
   *
   * @return the total in nanoseconds
   */
  public long totalNanos() {
    return totalNanos.sum();
  }

  /**
   * A snapshot: the totals since start and the recent window's percentiles. Any thread; readers
   * take turns, writers are never held up.
   *
   * @return the snapshot
   */
  public synchronized Timing snapshot() {
    long total = totalNanos.sum();
    long all = count.sum();
    long period = Math.floorDiv(nanoClock.getAsLong(), SLICE_NANOS);
    interval = recorder.getIntervalHistogram(interval);
    int index = (int) Math.floorMod(period, (long) SLICES);
    if (slicePeriods[index] != period) {
      slices[index].reset();
      slicePeriods[index] = period;
    }
    slices[index].add(interval);
    window.reset();
    for (int i = 0; i < SLICES; i++) {
      if (slicePeriods[i] != Long.MIN_VALUE && period - slicePeriods[i] < SLICES) {
        window.add(slices[i]);
      }
    }
    long recent = window.getTotalCount();
    return new Timing(all, Duration.ofNanos(total), recent,
        Duration.ofNanos(recent == 0 ? 0 : window.getValueAtPercentile(50)),
        Duration.ofNanos(recent == 0 ? 0 : window.getValueAtPercentile(90)),
        Duration.ofNanos(recent == 0 ? 0 : window.getValueAtPercentile(99)),
        Duration.ofNanos(recent == 0 ? 0 : window.getMaxValue()));
  }
}
