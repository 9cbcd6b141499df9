package dev.weft.internal.blocking;

import dev.weft.internal.Throwables;
import dev.weft.internal.future.DefaultPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/*
 * Overview: one blocking call and its promise. State machine, moved by CAS:
 *
 *   QUEUED --runner begins--> RUNNING --call returns--> DONE
 *   QUEUED --cancel/timeout--> DROPPED            (the adapter frees its slot; never runs)
 *   RUNNING --cancel/timeout--> INTERRUPTING --interrupt sent--> INTERRUPTED --call returns--> DONE
 *
 * The interrupt handshake: a canceller interrupts the runner only inside INTERRUPTING, and the
 * runner, once its call returns, waits for INTERRUPTING to end before clearing its interrupt flag
 * and taking its next call. So an interrupt meant for this call never hits the runner's next one.
 * `runner` is written before the CAS to RUNNING, so a canceller that sees RUNNING sees the runner.
 *
 * Outcomes: the promise decides. Whoever completes it first (runner: completed/failed; timer:
 * timed out; the cancel hook, which runs only if cancel won) counts the outcome, so each accepted
 * call is counted exactly once.
 */

/** A blocking call travelling through an adapter; also its promise's cancel hook. */
final class CallTask<T> implements Runnable {
  static final int QUEUED = 0;
  static final int RUNNING = 1;
  static final int INTERRUPTING = 2;
  static final int INTERRUPTED = 3;
  static final int DONE = 4;
  static final int DROPPED = 5;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CallTask.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AdapterBase owner;
  private final Callable<T> callable;
  final DefaultPromise<T> promise;
  final long enqueuedAt; // System.nanoTime() at submission
  volatile int state; // see Overview
  private volatile Thread runner; // set before RUNNING
  volatile long startedAt; // System.nanoTime() when the call began
  volatile boolean slowReported; // the watchdog reported this call as slow
  volatile ScheduledFuture<?> timer; // the timeout's timer, or null; set just after admission
  boolean waited; // it went through a wait queue (virtual threads); set before it is queued

  CallTask(AdapterBase owner, Callable<T> callable, DefaultPromise<T> promise) {
    this.owner = owner;
    this.callable = callable;
    this.promise = promise;
    this.enqueuedAt = System.nanoTime();
  }

  /** The promise's cancel hook: runs on the cancelling thread, only if the cancel won. */
  @Override
  public void run() {
    owner.metrics.cancelled.increment();
    stopWork();
  }

  void timeoutExpired(long timeoutNanos) {
    TimeoutException timeout = new TimeoutException("blocking call on " + owner.describe() + " did not complete within "
        + Throwables.formatNanos(timeoutNanos) + "; it was "
        + (state == QUEUED ? "dropped from the queue" : owner.settings.interruptOnCancel() ? "interrupted" : "abandoned"));
    if (promise.fail(timeout)) {
      owner.metrics.timedOut.increment();
      stopWork();
    }
  }

  /** Drops the call if it waits, interrupts it if it runs (when the adapter interrupts). */
  private void stopWork() {
    for (;;) {
      int current = state;
      if (current == QUEUED) {
        if (STATE.compareAndSet(this, QUEUED, DROPPED)) {
          owner.dropped(this);
          return;
        }
      } else if (current == RUNNING) {
        if (!owner.settings.interruptOnCancel()) {
          return;
        }
        Thread thread = runner;
        if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
          thread.interrupt();
          state = INTERRUPTED;
          return;
        }
      } else {
        return;
      }
    }
  }

  /**
   * Claims the call for {@code thread}.
   *
   * @return false if it was dropped meanwhile: skip it
   */
  boolean begin(Thread thread) {
    runner = thread;
    if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
      return false;
    }
    startedAt = System.nanoTime();
    owner.metrics.started(startedAt - enqueuedAt);
    return true;
  }

  /** Runs the call on the thread that began it, then settles the promise. */
  void execute() {
    T value = null;
    Throwable failure = null;
    try {
      value = callable.call();
    } catch (Throwable thrown) {
      failure = thrown;
    }
    if (!STATE.compareAndSet(this, RUNNING, DONE)) {
      while (state == INTERRUPTING) {
        Thread.onSpinWait(); // the canceller is between CAS and interrupt(): a few instructions
      }
      state = DONE;
    }
    Thread.interrupted(); // an interrupt for this call must not reach the next one
    owner.metrics.finished(System.nanoTime() - startedAt);
    ScheduledFuture<?> pendingTimer = timer;
    if (pendingTimer != null) {
      pendingTimer.cancel(false);
    }
    if (failure == null) {
      if (promise.complete(value)) {
        owner.metrics.completed.increment();
      }
    } else if (promise.fail(failure)) {
      owner.metrics.failed.increment();
    }
  }

  Thread runner() {
    return runner;
  }

  boolean isRunning() {
    int current = state;
    return current == RUNNING || current == INTERRUPTING || current == INTERRUPTED;
  }
}
