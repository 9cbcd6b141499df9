package dev.weft.internal.watchdog;

import dev.weft.internal.Throwables;
import dev.weft.internal.loop.LoopImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Overview: one daemon thread per runtime. Every interval it looks at each loop (LoopHealth.look):
 * posts a ping if none is outstanding, otherwise checks how long the outstanding one has waited.
 * The loops pay for nothing but the ping itself. Since interval <= threshold (checked by the
 * builder), a loop stuck for threshold + interval is always seen while it is still stuck, so its
 * stack is captured; shorter blocks that end between two looks are still counted, by the ping.
 */

/** Watches a runtime's loops for lag and blocks. */
public final class LoopWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(LoopWatchdog.class);

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
    for (LoopImpl loop : this.loops) {
      loop.health().watchedBy(this);
    }
  }

  public void start() {
    thread.start();
  }

  /** Asks the watchdog thread to stop; returns at once. */
  public void stop() {
    stopped = true;
    thread.interrupt();
  }

  /**
   * Waits for the watchdog thread to end.
   *
   * @param nanos the longest wait
   */
  public void awaitStop(long nanos) {
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long blockedThresholdNanos() {
    return blockedThresholdNanos;
  }

  private void watch() {
    long next = System.nanoTime();
    while (!stopped) {
      for (LoopImpl loop : loops) {
        try {
          loop.health().look(System.nanoTime(), blockedThresholdNanos);
        } catch (Throwable unexpected) {
          LOG.error("watchdog failed to look at loop {}", loop.name(), unexpected);
        }
      }
      try {
        slowCallCheck.accept(System.nanoTime());
      } catch (Throwable unexpected) {
        LOG.error("watchdog failed to check for slow blocking calls", unexpected);
      }
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep <= 0) {
        next = System.nanoTime(); // fell behind (a stalled JVM); do not try to catch up
        continue;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(sleep);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Reports one blocked-loop incident: a WARN log, a JFR event. Counting is done by the caller.
   *
   * @param health the loop's record
   * @param blockedNanos how long the loop has been blocked so far
   * @param stack the loop thread's stack while blocked, or {@code null} if the loop recovered first
   */
  void reportIncident(LoopHealth health, long blockedNanos, StackTraceElement[] stack) {
    String loopName = health.loop().name();
    String blockedFor = Throwables.formatNanos(blockedNanos);
    String stackText = stack == null ? "" : formatStack(stack);
    if (stack != null) {
      LOG.warn("loop {} is blocked: it has not run its tasks for {} (threshold {}); a task on it is blocking "
          + "the thread. Move blocking calls to a blocking adapter. The loop thread is at:{}",
          loopName, blockedFor, Throwables.formatNanos(blockedThresholdNanos), stackText);
    } else {
      LOG.warn("loop {} was blocked for {} (threshold {}); it recovered before its stack could be taken. "
          + "Move blocking calls to a blocking adapter.", loopName, blockedFor,
          Throwables.formatNanos(blockedThresholdNanos));
    }
    BlockedLoopEvent event = new BlockedLoopEvent();
    if (event.shouldCommit()) {
      event.loop = loopName;
      event.blockedMillis = TimeUnit.NANOSECONDS.toMillis(blockedNanos);
      event.loopStack = stackText;
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
