package dev.weft.internal.metrics;

import dev.weft.internal.ForWeftModules;
import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/*
 * Overview: time is cut into 15 s periods; a ring of SLICES + 1 slots holds one AtomicHistogram
 * each, tagged with the period it holds. A writer (any thread, often a loop or a worker on a
 * call's path) adds to two LongAdders, finds the slot of the current period (period mod ring
 * size), and records into its histogram: one volatile read and two atomic increments, no lock.
 * The first writer to reach a slot whose tag is an older period claims it: CAS of the tag to
 * CLEARING, reset of the histogram, then the tag set to the new period. The recent window is the
 * union of the slots tagged with one of the last SLICES periods (the current one included), so a
 * snapshot covers 45 to 60 s of the past. The ring has one slot more than the window, so a slot is
 * reused only a whole period after it left the window.
 *
 * The one imprecision, accepted for a lock-free path: values recorded by other writers while a
 * slot is being claimed (a reset of a few microseconds, once per 15 s) are left out of the window;
 * they are not waited for. Counts and sums (the LongAdders) are exact.
 *
 * Why not HdrHistogram's Recorder: its writer-reader phaser costs two contended atomic increments
 * per value on top of the histogram's own (ConcurrentHistogram's phaser too); measured at about
 * 3x the cost of an AtomicHistogram per value (TimingRecorderBenchmark).
 */

/** Counts, sums and a recent-window histogram of one timed quantity; see {@link Timing}. */
@ForWeftModules
public final class TimingRecorder {
  /** How long one slice of the recent window lasts. */
  public static final Duration SLICE = Duration.ofSeconds(15);
  /** Slices in the recent window. */
  public static final int SLICES = 4;
  private static final int RING = SLICES + 1;
  private static final long SLICE_NANOS = SLICE.toNanos();
  private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
  private static final int DIGITS = 2;
  private static final long CLEARING = Long.MIN_VALUE; // a slot's tag while its claimer resets it

  private final LongAdder count = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final LongSupplier nanoClock;
  private final AtomicHistogram[] slots = new AtomicHistogram[RING];
  private final AtomicLong[] slotPeriods = new AtomicLong[RING]; // the period each slot holds
  private final Histogram window = new Histogram(HIGHEST_NANOS, DIGITS); // guarded by this: scratch

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
    long now = period(nanoClock.getAsLong());
    for (int i = 0; i < RING; i++) {
      slots[i] = new AtomicHistogram(HIGHEST_NANOS, DIGITS);
      slotPeriods[i] = new AtomicLong(now - RING); // out of the window
    }
    slotPeriods[(int) Math.floorMod(now, (long) RING)].set(now); // empty already: no claim needed

  }

  /**
   * Records one value now. Any thread; lock-free; negative values count as zero, values above an
   * hour as an hour in the histogram (the total keeps them whole).
   *
   * @param nanos the value
   */
  public void record(long nanos) {
    record(nanos, nanoClock.getAsLong());
  }

  /**
   * Records one value, at a time the caller read from the recorder's clock
   * ({@link System#nanoTime()} unless a test gave another), saving a clock read on a hot path.
   *
   * @param nanos the value
   * @param now the clock's time, e.g. the end of the call whose duration {@code nanos} is
   */
  public void record(long nanos, long now) {
    long value = Math.max(0, nanos);
    count.increment();
    totalNanos.add(value);
    AtomicHistogram slot = slotFor(period(now));
    if (slot != null) {
      slot.recordValue(Math.min(value, HIGHEST_NANOS));
    }
  }

  private static long period(long nanoTime) {
    return Math.floorDiv(nanoTime, SLICE_NANOS);
  }

  /**
   * The slot of {@code period}, claimed and cleared if it still holds an older one; null while
   * another thread clears it (see Overview).
   */
  private AtomicHistogram slotFor(long period) {
    int index = (int) Math.floorMod(period, (long) RING);
    AtomicLong tag = slotPeriods[index];
    long held = tag.get();
    if (held == period) {
      return slots[index];
    }
    if (held == CLEARING || held > period || !tag.compareAndSet(held, CLEARING)) {
      return null; // being cleared, or this writer's period has passed: left out of the window
    }
    slots[index].reset();
    tag.set(period);
    return slots[index];
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
    long period = period(nanoClock.getAsLong());
    window.reset();
    for (int i = 0; i < RING; i++) {
      long held = slotPeriods[i].get();
      if (held != CLEARING && held <= period && period - held < SLICES) {
        window.add(slots[i]);
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
