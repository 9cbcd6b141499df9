package dev.weft.internal.blocking;

import java.util.concurrent.atomic.LongAdder;

/*
 * Overview
 *
 * Whether an idle worker of a bounded pool spins (polls its queue with Thread.onSpinWait) before
 * it parks, and for how long. A spin pays only if two things hold, and both are measured here
 * rather than assumed:
 *
 * - A core to spin on. The spinner competes with the thread that will submit the next call (often
 *   a loop): on one CPU it takes the very core that call needs, so the hand-off gets slower, not
 *   faster (measured: a no-op round trip of 38 us pinned to one CPU with a 50 us spin, 9 us
 *   without). So `maxSpinners` is 0 with one available CPU (Runtime.availableProcessors(), which
 *   follows the affinity mask, cgroup quotas and -XX:ActiveProcessorCount), and half the CPUs
 *   otherwise; the pool counts its spinners against it.
 * - A call that comes soon. `window` is how long a spin lasts now, between 0 and the configured
 *   spinBeforePark (`maxWindow`). A spin that finds a call restores the full window; a spin that
 *   ends empty halves it, and below 1/8 of maxWindow it drops to 0: idle workers then park at once
 *   and burn nothing. A parked worker woken within maxWindow of going idle shows that a spin would
 *   have paid, and restores the full window. So a pool whose calls come back to back spins, and
 *   one whose calls come rarely stops after a few empty spins. (HotSpot's adaptive spinning on
 *   contended monitors moves its spin duration the same way: success lengthens it, failure
 *   shortens it.)
 * - No core to spare after all. On a machine busy with other work, a spinner is preempted: two
 *   successive clock reads of its spin loop lie more than PREEMPTED_NANOS apart, which no iteration
 *   of the loop takes by itself. The spinner's core was wanted by another thread (the loop, or
 *   another process), so the spin closes the window at once, whether or not it found a call; a
 *   quick wake-up reopens it, and the next preempted spin closes it again, so on an oversubscribed
 *   machine workers mostly park.
 *
 * Races: `window` is a volatile written without CAS. Concurrent outcomes may overwrite each other;
 * every value written is one of the last outcomes' verdicts, so the policy lags by a spin at most.
 * Correctness of the pool never depends on the window: a worker that does not spin parks, and the
 * pool's wake-up protocol covers parked workers (see BoundedPool's Overview).
 */

/**
 * When a bounded pool's idle workers spin before parking: never with one available CPU, at most
 * half the CPUs at once otherwise, and only while recent spins (or quick wake-ups) show that calls
 * come within the spin. Thread-safe. Public only so that tests can see its counters.
 */
public final class SpinPolicy {
  /** A gap between two clock reads of a spin loop longer than this means the spinner was preempted. */
  static final long PREEMPTED_NANOS = 20_000;

  private final long maxWindow; // spinBeforePark, nanoseconds; 0: never spin
  private final int maxSpinners; // 0 with one CPU
  private volatile long window; // how long a spin lasts now; 0: park at once
  private final LongAdder spins = new LongAdder(); // spins begun
  private final LongAdder spinsThatFoundWork = new LongAdder();
  private final LongAdder spinsPreempted = new LongAdder();

  /**
   * A policy for one pool.
   *
   * @param maxWindow the longest spin, nanoseconds (the pool's spinBeforePark); 0 never spins
   * @param availableProcessors the CPUs this JVM may use
   */
  public SpinPolicy(long maxWindow, int availableProcessors) {
    if (maxWindow < 0 || availableProcessors < 1) {
      throw new IllegalArgumentException("maxWindow must be >= 0 (was " + maxWindow
          + ") and availableProcessors >= 1 (was " + availableProcessors + ")");
    }
    this.maxSpinners = availableProcessors == 1 ? 0 : availableProcessors / 2;
    this.maxWindow = maxSpinners == 0 ? 0 : maxWindow;
    this.window = this.maxWindow;
  }

  /**
   * How many workers may spin at once.
   *
   * @return 0 with one available CPU, else half the CPUs
   */
  public int maxSpinners() {
    return maxSpinners;
  }

  /**
   * How long an idle worker spins now.
   *
   * @return nanoseconds; 0 means park at once
   */
  public long window() {
    return window;
  }

  /** A worker begins a spin (the pool has counted it against {@link #maxSpinners()}). */
  void spinBegins() {
    spins.increment();
  }

  /** A spin found a call: calls come within the window, keep spinning the full window. */
  void spinFoundWork() {
    spinsThatFoundWork.increment();
    if (window != maxWindow) {
      window = maxWindow;
    }
  }

  /** A spin ended empty: halve the window, and stop spinning once it is below an eighth. */
  void spinFoundNothing() {
    long halved = window / 2;
    window = halved < maxWindow / 8 ? 0 : halved;
  }

  /** A spin was preempted: the CPUs are wanted by other threads, so stop spinning for now. */
  void spinPreempted() {
    spinsPreempted.increment();
    window = 0;
  }

  /**
   * A parked worker was woken for a call.
   *
   * @param idleNanos how long it had been idle, spin included
   */
  void wokenAfter(long idleNanos) {
    if (idleNanos <= maxWindow && window != maxWindow) {
      window = maxWindow; // a spin would have caught this call
    }
  }

  /**
   * Spins begun since the pool started.
   *
   * @return the count
   */
  public long spins() {
    return spins.sum();
  }

  /**
   * Spins that found a call.
   *
   * @return the count
   */
  public long spinsThatFoundWork() {
    return spinsThatFoundWork.sum();
  }

  /**
   * Spins during which the spinner was preempted.
   *
   * @return the count
   */
  public long spinsPreempted() {
    return spinsPreempted.sum();
  }
}
