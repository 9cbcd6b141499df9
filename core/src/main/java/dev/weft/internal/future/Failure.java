package dev.weft.internal.future;

import dev.weft.internal.loop.LoopImpl;
import java.lang.ref.Cleaner;
import java.util.concurrent.CancellationException;

/**
 * A failed result, boxed, and its "nobody observed me" watch.
 *
 * <p>The box is the cleaner's action for its promise: it holds the failure and the reporter but
 * never the promise, so the promise can become unreachable while the box waits. When the promise
 * is collected and {@link #observed} is still false, the failure is reported once.
 */
final class Failure implements Runnable {
  private static final Cleaner CLEANER = Cleaner.create(task -> {
    Thread thread = new Thread(task, "dev.weft.unobserved-failure-reporter");
    thread.setDaemon(true);
    return thread;
  });

  final Throwable cause;
  final boolean byCancel; // made by cancel(): the promise's cancel hooks apply, unlike a fail(CancellationException)
  private volatile boolean observed; // some code received the failure; never reported then
  private volatile Cleaner.Cleanable watch; // non-null while the promise is watched
  private volatile LoopImpl reporter; // where to report, set with the watch

  Failure(Throwable cause) {
    this(cause, false);
  }

  private Failure(Throwable cause, boolean byCancel) {
    this.cause = cause;
    this.byCancel = byCancel;
  }

  /** The result of {@code cancel()}. */
  static Failure cancellation() {
    return new Failure(new CancellationException("cancelled"), true);
  }

  boolean isCancellation() {
    return cause instanceof CancellationException;
  }

  /** Reports the failure when {@code promise} is collected, unless it is observed first. */
  void watch(DefaultPromise<?> promise, LoopImpl home) {
    reporter = home;
    watch = CLEANER.register(promise, this);
  }

  void markObserved() {
    if (!observed) {
      observed = true;
      Cleaner.Cleanable pending = watch;
      if (pending != null) {
        pending.clean(); // runs run() now, which finds it observed: deregisters early
      }
    }
  }

  /** The cleaner's action: the promise is gone or was observed. */
  @Override
  public void run() {
    LoopImpl home = reporter;
    if (!observed && home != null) {
      home.reportUnhandled("a future failed and nobody observed the failure (no callback, join, group or "
          + "derived future received it before the future was garbage-collected)", cause);
    }
  }
}
