package dev.weft.internal.group;

import dev.weft.Context;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Overview: a blocking child's call, wrapped so the group knows when the call has really stopped.
 * NOT_STARTED -> STARTED (the worker, entering) -> STOPPED (the worker, leaving), or
 * NOT_STARTED -> SKIPPED (the group, cancelling before the worker entered). The CAS from
 * NOT_STARTED decides who wins, so a skipped call never runs and a started one is always waited
 * for (or abandoned).
 */

/** A blocking child's call, which tells its group when it stops. */
final class BlockingWork<T> implements Callable<T> {
  private static final int NOT_STARTED = 0;
  private static final int STARTED = 1;
  private static final int STOPPED = 2;
  private static final int SKIPPED = 3;

  private final DefaultTaskGroup<?> group;
  private final Callable<T> call;
  private final Context context;
  private final AtomicInteger state = new AtomicInteger(NOT_STARTED);
  private volatile Thread thread; // the worker running the call
  DefaultTaskGroup.Child child; // set on the home loop, in the task that submitted the call

  BlockingWork(DefaultTaskGroup<?> group, Callable<T> call, Context context) {
    this.group = group;
    this.call = call;
    this.context = context;
  }

  @Override
  public T call() throws Exception {
    if (!state.compareAndSet(NOT_STARTED, STARTED)) {
      throw new CancellationException("the task group was cancelled before this call started");
    }
    thread = Thread.currentThread();
    try {
      return context.call(call);
    } finally {
      state.set(STOPPED);
      thread = null;
      // read `child` on the home loop: it is set there right after the call was submitted
      group.homeDispatch(() -> group.blockingWorkStopped(child));
    }
  }

  /** The group cancels: true if the call had not started and now never will. */
  boolean skipIfNotStarted() {
    return state.compareAndSet(NOT_STARTED, SKIPPED) || state.get() == SKIPPED;
  }

  boolean hasStopped() {
    int current = state.get();
    return current == STOPPED || current == SKIPPED;
  }

  Thread thread() {
    return thread;
  }
}
