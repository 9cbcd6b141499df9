package dev.weft.internal.watchdog;

import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.loop.LoopImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;

/*
 * Overview: one daemon thread per runtime. Every interval it looks at each loop (LoopHealth.look):
 * judges the last ping and posts the next if none is outstanding, otherwise checks how long the
 * outstanding one has waited. It also sums how late it woke up itself (its stalls), which
 * LoopHealth subtracts from the loops' lag before calling a loop blocked.
 *
 * The loops pay for nothing but the ping itself. Since interval <= threshold (checked by the
 * builder), a loop stuck for threshold + interval is always seen while it is still stuck, so its
 * stack is captured; shorter blocks that end between two looks are still counted, from the lag
 * their ping measured, at the next look.
 *
 * Stopping: stop() sets `stopped` and unparks the thread, which checks the flag before each look
 * and each wait. It is not interrupted: an interrupt could land in the middle of a log write or a
 * JFR commit and break the appender's stream instead of stopping the thread.
 */

/** Watches a runtime's loops for lag and blocks. */
public final class LoopWatchdog {
  /** The watchdog's logger: a public name users configure, independent of where the class lives. */
  static final String LOGGER_NAME = "dev.weft.watchdog";
  private static final Logger LOG = WeftLoggers.get(LOGGER_NAME);

  private final List<LoopImpl> loops;
  private final long intervalNanos;
  private final long blockedThresholdNanos;
  private final LongConsumer slowCallCheck;
  private final Thread thread;
  private volatile boolean stopped;

  public LoopWatchdog(String threadName, List<LoopImpl> loops, Duration interval, Duration blockedThreshold,
      LongConsumer slowCallCheck) {
    this.slowCallCheck = slowCallCheck;
    this.loops = List.copyOf(loops);
    this.intervalNanos = interval.toNanos();
    this.blockedThresholdNanos = blockedThreshold.toNanos();
    this.thread = new Thread(this::watch, threadName);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Asks the watchdog thread to stop; returns at once. */
  public void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the watchdog thread to end.
   *
   * @param nanos the longest wait
   * @return {@code true} if the thread has ended
   */
  public boolean awaitStop(long nanos) {
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  private void watch() {
    long next = System.nanoTime();
    long stalledNanos = 0; // how late this thread woke, summed: time in which it did not get to run
    while (!stopped) {
      long wokeAt = System.nanoTime();
      if (wokeAt - next > 0) {
        stalledNanos += wokeAt - next;
      }
      for (LoopImpl loop : loops) {
        if (stopped) {
          return; // the loops are draining now: a late look would report the drain as a block
        }
        try {
          loop.health().look(this, System.nanoTime(), blockedThresholdNanos, stalledNanos);
        } catch (Throwable unexpected) {
          LOG.error("watchdog failed to look at loop {}", loop.name(), unexpected);
        }
      }
      try {
        slowCallCheck.accept(System.nanoTime());
      } catch (Throwable unexpected) {
        LOG.error("watchdog failed to check for slow blocking calls", unexpected);
      }
      next = wokeAt + intervalNanos;
      long wait;
      while (!stopped && (wait = next - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  /**
   * Reports that a loop is blocked now (a WARN with its stack); the incident stays open until its
   * end is reported. Counting is done by the caller.
   *
   * @param health the loop's record
   * @param blockedNanos how long the loop has been blocked so far
   * @param stack the loop thread's stack while blocked
   */
  void reportIncidentStart(LoopHealth health, long blockedNanos, StackTraceElement[] stack) {
    LOG.warn("loop {} is blocked: it has not run its tasks for {} (threshold {}); a task on it is blocking "
        + "the thread. Move blocking calls to a blocking adapter. The loop thread is at:{}",
        health.loop().name(), Throwables.formatNanos(blockedNanos), Throwables.formatNanos(blockedThresholdNanos),
        formatStack(stack));
  }

  /**
   * Reports a block that ended before the watchdog could take the loop's stack (a WARN); its end
   * follows at once.
   *
   * @param health the loop's record
   * @param blockedNanos how long the loop was blocked
   */
  void reportRecoveredIncident(LoopHealth health, long blockedNanos) {
    LOG.warn("loop {} was blocked for {} (threshold {}); it recovered before its stack could be taken. "
        + "Move blocking calls to a blocking adapter.", health.loop().name(), Throwables.formatNanos(blockedNanos),
        Throwables.formatNanos(blockedThresholdNanos));
  }

  /**
   * Reports the end of an incident with its whole duration: a JFR event, and a WARN if its start
   * was reported separately (a block seen while it lasted is reported when it starts and ends).
   *
   * @param health the loop's record
   * @param blockedNanos how long the loop was blocked in all
   * @param stack the stack taken while it was blocked, or empty
   * @param sawItsStart whether the start was reported while the loop was blocked
   */
  void reportIncidentEnd(LoopHealth health, long blockedNanos, StackTraceElement[] stack, boolean sawItsStart) {
    String loopName = health.loop().name();
    if (sawItsStart) {
      LOG.warn("loop {} runs again: it was blocked for {} in all (threshold {})", loopName,
          Throwables.formatNanos(blockedNanos), Throwables.formatNanos(blockedThresholdNanos));
    }
    BlockedLoopEvent event = new BlockedLoopEvent();
    if (event.shouldCommit()) {
      event.loop = loopName;
      event.blockedMillis = TimeUnit.NANOSECONDS.toMillis(blockedNanos);
      event.loopStack = formatStack(stack);
      event.commit();
    }
  }

  private static String formatStack(StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : stack) {
      text.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    return text.toString();
  }
}
