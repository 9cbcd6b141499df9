package dev.weft.internal.watchdog;

import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.metrics.TimingRecorder;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.Timing;
import java.time.Duration;

/*
 * Overview: one ping at a time per loop, and one decider.
 *
 * The watchdog thread writes `pingPostedAt` and then posts the ping (the task hand-off publishes
 * it to the loop). The ping, on the loop thread, records its lag in the histogram, stores it in
 * `lastLagNanos`, then clears `pingPostedAt`; that volatile write publishes the lag and tells the
 * watchdog that the ping has run and the next one may be posted.
 *
 * Only the watchdog thread decides incidents, so the incident state (`posted`, `reported`,
 * `stalledAtPost`) is confined to it and needs no synchronization. At each look:
 * - ping outstanding and later than the threshold: take the loop thread's stack (the block is on
 *   it now), check that the ping is still outstanding, and report with the stack;
 * - ping has run, late, and nobody reported it (the block ended between two looks): report it
 *   without a stack.
 * A ping is reported at most once, and a block holds back exactly one ping (the next is posted
 * only after that one ran), so one block is one incident. An incident reported while the ping was
 * outstanding is still open: the look that finds its ping has run closes it with the ping's lag,
 * the block's whole duration (a second report: log, JFR event, histogram). An incident found only
 * after the ping ran is opened and closed by the same look.
 *
 * Stalls: lateness is judged net of the watchdog's own stalls since the ping was posted. A GC
 * pause, a descheduled VM or CPU throttling stops the watchdog as it stops the loops; the loop
 * was not blocked by its own work then, and a warning naming whatever code it happened to be
 * running would send its reader the wrong way. The lag histogram keeps the gross lag: that delay
 * did happen.
 *
 * Logging and JFR happen on the watchdog thread, never on the loop.
 */

/** The watchdog's record of one loop: its lag histogram and blocked incidents. */
public final class LoopHealth implements Runnable {
  private final LoopImpl loop;
  private final TimingRecorder lag = new TimingRecorder(); // ns; loop writes, anyone reads
  private volatile long pingPostedAt; // nanoTime when the outstanding ping was posted; 0: none outstanding
  private volatile long lastLagNanos; // lag of the last ping that ran; written before pingPostedAt is cleared
  private final TimingRecorder blocked = new TimingRecorder(); // ns per closed incident; watchdog writes
  private volatile long longestBlockNanos; // written only by the watchdog thread
  private volatile long incidents; // written only by the watchdog thread
  private boolean posted; // watchdog thread only: a ping was posted and has not been judged after running
  private boolean reported; // watchdog thread only: the current ping was reported as an incident
  private long stalledAtPost; // watchdog thread only: the watchdog's stall total when the ping was posted
  private StackTraceElement[] openIncidentStack; // watchdog thread only: non-null while an incident is open

  public LoopHealth(LoopImpl loop) {
    this.loop = loop;
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
    long now = System.nanoTime();
    long lagNanos = Math.max(0, now - postedAt);
    lag.record(lagNanos, now);
    lastLagNanos = lagNanos;
    pingPostedAt = 0;
  }

  /**
   * Called by the watchdog thread at each look.
   *
   * @param watchdog the caller, which reports incidents
   * @param now the watchdog's clock
   * @param thresholdNanos the blocked threshold
   * @param stalledNanos how long the watchdog itself has been stalled in total, so far
   */
  void look(LoopWatchdog watchdog, long now, long thresholdNanos, long stalledNanos) {
    long postedAt = pingPostedAt;
    long stalledSincePost = stalledNanos - stalledAtPost;
    if (postedAt != 0) {
      if (!reported && now - postedAt - stalledSincePost > thresholdNanos) {
        Thread thread = loop.thread();
        StackTraceElement[] stack = thread == null ? new StackTraceElement[0] : thread.getStackTrace();
        // the ping may have run meanwhile: then the stack shows a loop that moved on, and the next
        // look judges the ping by the lag it measured
        if (pingPostedAt == postedAt) {
          reported = true;
          incidents = incidents + 1; // single writer: this watchdog thread
          openIncidentStack = stack;
          watchdog.reportIncidentStart(this, now - postedAt, stack);
        }
      }
      return;
    }
    if (posted && reported && openIncidentStack != null) {
      closeIncident(watchdog, lastLagNanos, openIncidentStack);
    } else if (posted && !reported && lastLagNanos - stalledSincePost > thresholdNanos) {
      reported = true;
      incidents = incidents + 1; // single writer: this watchdog thread
      watchdog.reportRecoveredIncident(this, lastLagNanos);
      closeIncident(watchdog, lastLagNanos, new StackTraceElement[0]);
    }
    if (loop.thread() == null) {
      return; // not started yet: its first ping would time the thread's start-up, not the loop
    }
    posted = true;
    reported = false;
    stalledAtPost = stalledNanos;
    pingPostedAt = now == 0 ? 1 : now;
    loop.dispatch(this);
  }

  private void closeIncident(LoopWatchdog watchdog, long blockedNanos, StackTraceElement[] stack) {
    boolean sawItsStart = openIncidentStack != null;
    openIncidentStack = null;
    blocked.record(blockedNanos);
    if (blockedNanos > longestBlockNanos) {
      longestBlockNanos = blockedNanos; // single writer: this watchdog thread
    }
    watchdog.reportIncidentEnd(this, blockedNanos, stack, sawItsStart);
  }

  /**
   * A snapshot of the loop's numbers.
   *
   * @param name the loop's name
   * @param tasksRun the loop's task count
   * @return the snapshot
   */
  public LoopMetrics snapshot(String name, long tasksRun) {
    Timing lagTiming = lag.snapshot();
    Timing blockedTiming = blocked.snapshot();
    return new LoopMetrics(
        name,
        tasksRun,
        lagTiming.count(),
        lagTiming.recentP50(),
        lagTiming.recentP99(),
        lagTiming.recentMax(),
        incidents,
        Duration.ofNanos(longestBlockNanos),
        blockedTiming.total(),
        lagTiming,
        blockedTiming);
  }
}
