package dev.weft.internal.group;

import dev.weft.Context;
import dev.weft.internal.context.ContextStorage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/*
 * Overview: a blocking child's call, wrapped so the group knows when the call has really stopped.
 * NOT_STARTED -> STARTED (the worker, entering) -> STOPPED (the worker, leaving), or
 * NOT_STARTED -> SKIPPED (the group, cancelling before the worker entered). The CAS from
 * NOT_STARTED decides who wins, so a skipped call never runs and a started one is always waited
 * for (or abandoned).
 *
 * A child whose future completes before its call started (cancelled while queued, or refused at
 * shutdown) is skipped then: NOT_STARTED -> SKIPPED, so a late worker cannot start it.
 *
 * Telling the group: usually the call stops before its future completes (the adapter completes
 * the future after call() returns), so the future's completion, on the home loop, finds STOPPED
 * and the worker needs to send nothing. Only when the future completed first (a cancel while the
 * call runs) does the group wait for the stop: on the home loop it moves STARTED -> AWAITED, and
 * the worker, whose leaving swap then returns AWAITED, hands blockingWorkStopped to the home loop.
 * One of the two swaps sees the other, so the stop is never missed, and never sent twice.
 */

/** A blocking child's call, which tells its group when it stops. */
final class BlockingWork<T> implements Callable<T> {
  private static final int NOT_STARTED = 0;
  private static final int STARTED = 1;
  private static final int STOPPED = 2;
  private static final int SKIPPED = 3;
  private static final int AWAITED = 4; // started, and the group waits to hear that it stopped
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BlockingWork.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final DefaultTaskGroup<?> group;
  private final Callable<T> call;
  private final Context context;
  private volatile int state; // NOT_STARTED, STARTED, AWAITED, STOPPED or SKIPPED
  private volatile Thread thread; // the worker running the call
  DefaultTaskGroup.Child child; // set on the home loop, in the task that submitted the call

  BlockingWork(DefaultTaskGroup<?> group, Callable<T> call, Context context) {
    this.group = group;
    this.call = call;
    this.context = context;
  }

  @Override
  public T call() throws Exception {
    if (!STATE.compareAndSet(this, NOT_STARTED, STARTED)) {
      throw new CancellationException("the task group was cancelled before this call started");
    }
    thread = Thread.currentThread();
    Context previous = ContextStorage.attach(context);
    try {
      return call.call();
    } finally {
      ContextStorage.restore(previous);
      thread = null;
      if ((int) STATE.getAndSet(this, STOPPED) == AWAITED) {
        // read `child` on the home loop: it is set there right after the call was submitted
        group.homeDispatch(() -> group.blockingWorkStopped(child));
      }
    }
  }

  /** The group cancels: true if the call had not started and now never will. */
  boolean skipIfNotStarted() {
    return STATE.compareAndSet(this, NOT_STARTED, SKIPPED) || state == SKIPPED;
  }

  boolean hasStopped() {
    int current = state;
    return current == STOPPED || current == SKIPPED;
  }

  /**
   * Called on the home loop when the child's future has completed: true if the call has stopped,
   * or had not started (it never will now: nobody can receive its result); false if it runs, and
   * then the worker reports its stop through blockingWorkStopped.
   */
  boolean stoppedOrAwaited() {
    for (;;) {
      int current = state;
      if (current == STOPPED || current == SKIPPED) {
        return true;
      }
      if (current == AWAITED) {
        return false;
      }
      int next = current == NOT_STARTED ? SKIPPED : AWAITED;
      if (STATE.compareAndSet(this, current, next)) {
        return next == SKIPPED;
      }
    }
  }

  Thread thread() {
    return thread;
  }
}
