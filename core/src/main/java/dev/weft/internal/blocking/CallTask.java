package dev.weft.internal.blocking;

import dev.weft.Context;
import dev.weft.RejectedException;
import dev.weft.internal.Throwables;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.LoopImpl;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/*
 * Overview: one blocking call and its promise. State machine, moved by CAS:
 *
 *   QUEUED --runner begins--> RUNNING --call returns--> DONE
 *   QUEUED --cancel hook--> DROPPED               (the adapter frees its slot; never runs)
 *   QUEUED --timeout, shutdown, or no thread to run it--> DROPPING --slot freed--> DROPPED
 *   RUNNING --cancel/timeout--> INTERRUPTING --interrupt sent--> INTERRUPTED --call returns--> DONE
 *
 * The interrupt handshake: a canceller interrupts the runner only inside INTERRUPTING, and the
 * runner, once its call returns, waits for INTERRUPTING to end before clearing its interrupt flag
 * and taking its next call. So an interrupt meant for this call never hits the runner's next one.
 * `runner` is written before the CAS to RUNNING, so a canceller that sees RUNNING sees the runner.
 * Only the canceller's interrupt is cleared here: a pool's or virtual thread's loop clears any
 * other before its next call, while the direct adapter's caller keeps interrupts that are its own.
 *
 * Slot before promise: a call's slot is free before its caller can learn that the call ended. The
 * runner frees it (owner.released) before it completes the promise; a timeout drops a waiting call
 * before it fails the promise; a cancel drops it in the cancel hook, which runs before callbacks
 * and before cancel() returns. So a caller that calls again as soon as its future completes finds
 * room, and stats read then no longer count the call as running or queued. The timer drops in two
 * steps (DROPPING, then DROPPED once the slot is free) because its drop and its fail() are apart:
 * a cancel() that wins the promise in between finds DROPPING and waits for DROPPED (the timer is a
 * few instructions from it) before its callbacks run; with one step it found DROPPED, ran them and
 * returned while the slot was still taken (found by CallTaskModelCheckTest). A shutdown or a
 * refusal for want of a thread drops the same way (withdraw) and settles the promise itself, so a
 * timer that finds the call DROPPING or DROPPED leaves it alone: failing the promise first would
 * run its callbacks with the slot still taken (found by the same check; a timer that waited out
 * DROPPING instead spun forever under the model checker on JDK 25, which parks the dropper).
 *
 * Timer: set by the submitter after admission (or by the direct adapter just before the call
 * runs). The submitter writes `timer` then reads the result; the runner completes the promise then
 * reads `timer`; both volatile, so one of them sees the other and cancels the timer.
 *
 * Shutdown: a closed adapter settles its calls instead of running them. A waiting call is
 * dropped (QUEUED -> DROPPED by CAS, so it never begins) and its promise failed; a running call
 * whose grace period ended has its promise failed at once and its runner interrupted through the
 * same INTERRUPTING handshake, whatever interruptOnCancel says: the runtime is going away.
 *
 * Outcomes: the promise decides. Whoever completes it first (runner: completed/failed; timer:
 * timed out; the cancel hook, which runs only if cancel won) counts the outcome, so each accepted
 * call is counted exactly once. The count follows the completion, so a caller that saw its future
 * complete may read stats a moment before the outcome is counted.
 */

/** A blocking call travelling through an adapter; also its promise's cancel hook. */
final class CallTask<T> implements Runnable {
  static final int QUEUED = 0;
  static final int RUNNING = 1;
  static final int INTERRUPTING = 2;
  static final int INTERRUPTED = 3;
  static final int DONE = 4;
  static final int DROPPED = 5;
  static final int DROPPING = 6;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CallTask.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AdapterBase owner;
  private final Context context; // the submitter's context (null: root), current while the call runs
  private final Callable<T> callable;
  final DefaultPromise<T> promise;
  private final LoopImpl home; // the promise's home, which runs the timer
  private final long timeoutNanos; // 0: no timeout
  final long enqueuedAt; // System.nanoTime() at submission
  volatile int state; // see Overview
  private volatile Thread runner; // set before RUNNING
  volatile long startedAt; // System.nanoTime() when the call began
  volatile boolean slowReported; // the watchdog reported this call as slow
  private volatile ScheduledFuture<?> timer; // the timeout's timer, or null; see Overview
  private boolean timerStarted; // read and written by the submitting thread only

  CallTask(AdapterBase owner, Callable<T> callable, DefaultPromise<T> promise, LoopImpl home, long timeoutNanos) {
    this.owner = owner;
    this.callable = callable;
    this.promise = promise;
    this.home = home;
    this.timeoutNanos = timeoutNanos;
    this.enqueuedAt = System.nanoTime();
    this.context = ContextStorage.capture();
  }

  /**
   * Starts the timeout's clock, if the call has a timeout and it is not started yet. Called by the
   * submitting thread once the call is admitted, or earlier by an adapter that runs the call inside
   * admission (the direct adapter), since otherwise its clock would start after the call ended.
   */
  void startTimer() {
    if (timeoutNanos == 0 || timerStarted) {
      return;
    }
    timerStarted = true;
    ScheduledFuture<?> scheduled = home.scheduleInternal(this::timeoutExpired, timeoutNanos);
    timer = scheduled;
    if (scheduled != null && promise.isDone()) {
      scheduled.cancel(false); // the call finished before its timer was set
    }
  }

  /** The promise's cancel hook: runs on the cancelling thread, only if the cancel won. */
  @Override
  public void run() {
    owner.metrics.cancelled.increment();
    stopWork();
  }

  private void timeoutExpired() {
    // A waiting call is dropped before its future fails, so its slot is free when its caller learns
    // of the timeout (as a returning call frees its slot first). Dropping cannot wrongly pre-empt a
    // completion: while QUEUED, only a cancel can complete the promise, and a cancel drops it too.
    boolean dropped = STATE.compareAndSet(this, QUEUED, DROPPING);
    if (dropped) {
      try {
        owner.dropped(this);
      } finally {
        state = DROPPED; // a cancel() waiting in stopWork() may go on
      }
    } else {
      int current = state;
      if (current == DROPPING || current == DROPPED) {
        // Another party dropped the call: a cancel, which settled the future already, or a shutdown
        // or a refusal (withdraw), which settles it once the slot is free. Failing it here could win
        // before that, and run our callbacks with the slot still taken (found by CallTaskModelCheckTest).
        return;
      }
    }
    TimeoutException timeout = new TimeoutException("blocking call on " + owner.describe() + " did not complete within "
        + Throwables.formatNanos(timeoutNanos) + "; it was "
        + (dropped ? "dropped from the queue" : owner.settings.interruptOnCancel() ? "interrupted" : "abandoned"));
    if (promise.fail(timeout)) {
      owner.metrics.timedOut.increment();
      if (!dropped) {
        stopWork();
      }
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
      } else if (current == DROPPING) {
        Thread.onSpinWait(); // the timer is between its drop and freeing the slot: a few instructions
      } else if (current == RUNNING) {
        if (owner.settings.interruptOnCancel()) {
          interruptRunner();
        }
        return;
      } else {
        return;
      }
    }
  }

  /** Interrupts the runner of a RUNNING call, through the handshake (see Overview). */
  private void interruptRunner() {
    while (state == RUNNING) {
      Thread thread = runner;
      if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
        thread.interrupt();
        state = INTERRUPTED;
        return;
      }
    }
  }

  /**
   * Shutdown: settles a call that has not begun, which then never will.
   *
   * @param message why, for the {@link CancellationException} its future fails with
   * @return false if the call had begun (or was dropped) already
   */
  boolean abortBeforeStart(String message) {
    if (!withdraw()) {
      return false;
    }
    if (promise.fail(new CancellationException(message))) {
      owner.metrics.cancelled.increment();
    }
    return true;
  }

  /**
   * A waiting call that no thread will run (its adapter could not start one): settles it as
   * refused, if it has not begun; it then never will. It was accepted, so it is counted as
   * cancelled - settled by its adapter before it started, as at shutdown - which keeps every
   * accepted call in exactly one outcome; its future fails with {@code refusal}.
   *
   * @param refusal what its future fails with
   * @return false if the call had begun (or was dropped) already
   */
  boolean refuseBeforeStart(RejectedException refusal) {
    if (!withdraw()) {
      return false;
    }
    if (promise.fail(refusal)) {
      owner.metrics.cancelled.increment();
    }
    return true;
  }

  /**
   * Takes back a call that has not begun, freeing its slot, without settling its future: it will
   * never run. The adapter uses it during admission, where the refusal is the caller's to see.
   *
   * @return false if the call had begun (or was dropped) already
   */
  boolean withdraw() {
    if (!STATE.compareAndSet(this, QUEUED, DROPPING)) {
      return false;
    }
    try {
      owner.dropped(this);
    } finally {
      state = DROPPED; // as the timer drops: a cancel() racing a settling fail() waits for the free slot
    }
    return true;
  }

  /**
   * Shutdown after the grace period: fails the future of a running call at once and interrupts
   * its thread, whatever interruptOnCancel says. The call's own result, if it comes, is dropped.
   *
   * @param message why, for the {@link CancellationException} its future fails with
   */
  void abortRunning(String message) {
    if (promise.fail(new CancellationException(message))) {
      owner.metrics.cancelled.increment();
    }
    interruptRunner();
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
    owner.metrics.started(startedAt - enqueuedAt, startedAt);
    return true;
  }

  /** Runs the call on the thread that began it, then settles the promise. */
  void execute() {
    T value = null;
    Throwable failure = null;
    Context previous = ContextStorage.attach(context); // the caller's deadline and values, not the last call's
    try {
      value = callable.call();
    } catch (Throwable thrown) {
      failure = thrown;
    } finally {
      ContextStorage.restore(previous);
    }
    if (!STATE.compareAndSet(this, RUNNING, DONE)) {
      while (state == INTERRUPTING) {
        Thread.onSpinWait(); // the canceller is between CAS and interrupt(): a few instructions
      }
      state = DONE;
      Thread.interrupted(); // the canceller's interrupt for this call must not reach the next one
    }
    long finishedAt = System.nanoTime();
    owner.metrics.finished(finishedAt - startedAt, finishedAt);
    owner.released(this); // before the promise: see Overview
    if (failure == null) {
      if (promise.complete(value)) {
        owner.metrics.completed.increment();
      }
    } else if (promise.fail(failure)) {
      owner.metrics.failed.increment();
    }
    ScheduledFuture<?> pendingTimer = timer; // after completing: see Overview
    if (pendingTimer != null) {
      pendingTimer.cancel(false);
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
