package dev.weft.internal.blocking;

import dev.weft.RejectedException;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.internal.Throwables;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every adapter does the same way: homing the call's promise, timeouts, cancellation,
 * rejection messages and events, slow-call reports. Subclasses decide where calls run.
 */
abstract class AdapterBase implements BlockingAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(BlockingAdapter.class);

  final DefaultAsyncRuntime runtime;
  final AdapterSettings settings;
  final AdapterMetrics metrics = new AdapterMetrics();
  volatile boolean closed;
  private volatile boolean saturationLogged; // one WARN per saturation episode

  AdapterBase(DefaultAsyncRuntime runtime, AdapterSettings settings) {
    this.runtime = runtime;
    this.settings = settings;
  }

  @Override
  public final <T> Future<T> call(Callable<T> task) {
    return submit(task, 0);
  }

  @Override
  public final <T> Future<T> call(Callable<T> task, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 (was " + timeout + ")");
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE / 2;
    }
    return submit(task, nanos);
  }

  private <T> Future<T> submit(Callable<T> callable, long timeoutNanos) {
    Objects.requireNonNull(callable, "task");
    LoopImpl home = LoopThread.currentLoop();
    if (home == null) {
      home = runtime.nextLoop();
    }
    DefaultPromise<T> promise = new DefaultPromise<>(home);
    CallTask<T> task = new CallTask<>(this, callable, promise);
    admit(task);
    metrics.submitted.increment();
    // Hooks come after admission, so a call can only be dropped once its adapter counts it.
    // Nobody can cancel before this method returns; only the timer could have fired early.
    promise.onCancel(task);
    if (timeoutNanos > 0) {
      task.timer = home.scheduleInternal(() -> task.timeoutExpired(timeoutNanos), timeoutNanos);
      if (promise.isDone() && task.timer != null) {
        task.timer.cancel(false); // the call finished before its timer was set
      }
    }
    if (saturationLogged) {
      saturationLogged = false;
    }
    return promise;
  }

  /**
   * Accepts the call (it will run) or throws {@link RejectedException} via {@link #reject}.
   *
   * @param task the call
   */
  abstract void admit(CallTask<?> task);

  /** A call dropped while it waited (cancel or timeout): free its slot. */
  abstract void dropped(CallTask<?> task);

  /** Calls waiting now. */
  abstract int queued();

  /** Live threads of the adapter. */
  abstract int threads();

  /**
   * Reports calls running past the slow-call threshold; called by the watchdog.
   *
   * @param now the watchdog's clock
   */
  abstract void checkSlowCalls(long now);

  /**
   * Waits until the adapter's threads have stopped, after {@link #close()}.
   *
   * @param nanos the longest wait
   * @return true if they all stopped
   */
  abstract boolean awaitTermination(long nanos) throws InterruptedException;

  RejectedException reject() {
    metrics.rejected.increment();
    int running = metrics.active();
    int waiting = queued();
    RejectedException rejected = closed
        ? new RejectedException(describe() + " is closed: it accepts no more calls")
        : new RejectedException(describe() + " is saturated (" + running + "/" + settings.maxConcurrency()
            + " running, " + waiting + "/" + settings.maxQueue() + " queued); raise "
            + (settings.kind().equals("bounded-pool") ? "maxThreads" : "maxConcurrency")
            + " or maxQueue if the system behind it can take more, or shed load upstream");
    if (!closed && !saturationLogged) {
      saturationLogged = true;
      LOG.warn("{} (logged once until it accepts a call again)", rejected.getMessage());
    }
    RejectedCallEvent event = new RejectedCallEvent();
    if (event.shouldCommit()) {
      event.adapter = settings.name();
      event.running = running;
      event.queued = waiting;
      event.commit();
    }
    return rejected;
  }

  void reportSlowCall(CallTask<?> task, Thread thread, long now) {
    task.slowReported = true;
    long runningFor = now - task.startedAt;
    StackTraceElement[] stack = thread.getStackTrace();
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : stack) {
      text.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    LOG.warn("a call on {} has been running for {} (slowCallThreshold {}) on thread {}; it is at:{}", describe(),
        Throwables.formatNanos(runningFor), Throwables.formatNanos(settings.slowCallNanos()), thread.getName(), text);
    SlowCallEvent event = new SlowCallEvent();
    if (event.shouldCommit()) {
      event.adapter = settings.name();
      event.thread = thread.getName();
      event.runningMillis = runningFor / 1_000_000L;
      event.stack = text.toString();
      event.commit();
    }
  }

  void reportUncaught(Thread thread, Throwable failure) {
    runtime.reportUnhandled("thread " + thread.getName() + " of " + describe() + " died", failure);
  }

  String describe() {
    return settings.kind().replace('-', ' ') + " '" + settings.name() + "'";
  }

  String threadNamePrefix() {
    return runtime.name() + "-" + settings.name() + "-";
  }

  @Override
  public final String name() {
    return settings.name();
  }

  @Override
  public final AdapterStats stats() {
    return metrics.snapshot(settings, queued(), threads());
  }

  @Override
  public String toString() {
    return describe();
  }
}
