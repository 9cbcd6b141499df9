package dev.weft.internal.watchdog;

import dev.weft.internal.loop.LoopImpl;
import dev.weft.metrics.LoopMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/*
 * Overview: one ping at a time per loop. The watchdog thread posts the ping and writes
 * `pingPostedAt` before posting (the task hand-off publishes it to the loop); the ping, on the
 * loop thread, records the lag and then clears `pingPostedAt`, which tells the watchdog it may post
 * the next one. Each ping has one incident slot, `incident`, claimed by CAS from NONE to REPORTED
 * by whichever side sees the lag past the threshold first: the watchdog while the loop is still
 * stuck (it has the stack), or the ping itself if the block ended between two looks. So every
 * block counts exactly once.
 */

/** The watchdog's record of one loop: its lag histogram and blocked incidents. */
public final class LoopHealth implements Runnable {
  static final int NONE = 0;
  static final int REPORTED = 1;
  private static final long HIGHEST_LAG_NANOS = Duration.ofHours(1).toNanos();

  private final LoopImpl loop;
  private final AtomicHistogram lag = new AtomicHistogram(HIGHEST_LAG_NANOS, 2); // ns; loop writes, anyone reads
  private final AtomicLong incidents = new AtomicLong();
  private final AtomicInteger incident = new AtomicInteger(NONE); // incident slot of the current ping
  private volatile long pingPostedAt; // nanoTime when the outstanding ping was posted; 0: none
  private volatile LoopWatchdog watchdog; // set when the watchdog starts

  public LoopHealth(LoopImpl loop) {
    this.loop = loop;
  }

  void watchedBy(LoopWatchdog watchdog) {
    this.watchdog = watchdog;
  }

  LoopImpl loop() {
    return loop;
  }

  /** Runs on the loop thread: the ping. */
  @Override
  public void run() {
    long postedAt = pingPostedAt;
    if (postedAt == 0) {
      return;
    }
    long lagNanos = Math.max(0, System.nanoTime() - postedAt);
    lag.recordValue(Math.min(lagNanos, HIGHEST_LAG_NANOS));
    LoopWatchdog owner = watchdog;
    if (owner != null && lagNanos > owner.blockedThresholdNanos() && claimIncident()) {
      owner.reportIncident(this, lagNanos, null);
    }
    pingPostedAt = 0;
  }

  /**
   * Called by the watchdog thread at each look.
   *
   * @param now the watchdog's clock
   * @param thresholdNanos the blocked threshold
   */
  void look(long now, long thresholdNanos) {
    long postedAt = pingPostedAt;
    if (postedAt == 0) {
      incident.set(NONE);
      pingPostedAt = now == 0 ? 1 : now;
      loop.dispatch(this);
    } else if (now - postedAt > thresholdNanos && incident.get() == NONE) {
      Thread thread = loop.thread();
      StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
      // the ping may have run meanwhile: then the stack shows an idle loop, and the ping decides
      if (pingPostedAt == postedAt && claimIncident()) {
        watchdog.reportIncident(this, now - postedAt, stack);
      }
    }
  }

  private boolean claimIncident() {
    if (incident.compareAndSet(NONE, REPORTED)) {
      incidents.incrementAndGet();
      return true;
    }
    return false;
  }

  /**
   * A snapshot of the loop's numbers.
   *
   * @param name the loop's name
   * @param tasksRun the loop's task count
   * @return the snapshot
   */
  public LoopMetrics snapshot(String name, long tasksRun) {
    Histogram copy = lag.copy();
    long samples = copy.getTotalCount();
    return new LoopMetrics(
        name,
        tasksRun,
        samples,
        Duration.ofNanos(samples == 0 ? 0 : copy.getValueAtPercentile(50)),
        Duration.ofNanos(samples == 0 ? 0 : copy.getValueAtPercentile(99)),
        Duration.ofNanos(samples == 0 ? 0 : copy.getMaxValue()),
        incidents.get());
  }
}
