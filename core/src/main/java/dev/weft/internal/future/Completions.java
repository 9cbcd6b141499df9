package dev.weft.internal.future;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The kinds of callback a promise runs besides derived promises (which are their own callbacks:
 * see DefaultPromise); each fires on the source's home loop.
 */
final class Completions {
  private Completions() {}

  static boolean isFailure(Object raw) {
    return raw instanceof Failure;
  }

  static Throwable cause(Object raw) {
    return ((Failure) raw).cause;
  }

  @SuppressWarnings("unchecked")
  static <T> T value(Object raw) {
    return raw == DefaultPromise.NULL_RESULT ? null : (T) raw;
  }

  /** Copies the source's result into another promise. */
  static final class Relay extends Completion {
    private final DefaultPromise<?> target;

    Relay(DefaultPromise<?> target) {
      this.target = target;
    }

    @Override
    void fire(Object raw) {
      target.completeWithResultOf(raw);
    }
  }

  /**
   * Like {@link Relay}, and stops the timeout's timer. Once the timer has expired it stands aside:
   * the timer settles the target itself, failed after cancelling the source, or with the source's
   * result if a completion beat the cancel (see {@code DefaultPromise.orTimeout}).
   */
  static final class TimeoutRelay extends Completion {
    private final DefaultPromise<?> target;
    /** Set before the relay is published; null if the loop no longer takes timers. */
    ScheduledFuture<?> timer;
    /**
     * Written by the timer on the home loop; read where the relay fires (the home loop too, or the
     * completing thread once the loop has terminated, hence volatile).
     */
    volatile boolean expired;

    TimeoutRelay(DefaultPromise<?> target) {
      this.target = target;
    }

    @Override
    void fire(Object raw) {
      if (expired) {
        return;
      }
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      target.completeWithResultOf(raw);
    }
  }

  static final class OnComplete<T> extends Completion {
    private final BiConsumer<? super T, ? super Throwable> callback;

    OnComplete(BiConsumer<? super T, ? super Throwable> callback) {
      this.callback = callback;
    }

    @Override
    void fire(Object raw) {
      if (isFailure(raw)) {
        callback.accept(null, cause(raw));
      } else {
        callback.accept(value(raw), null);
      }
    }
  }

  static final class OnSuccess<T> extends Completion {
    private final Consumer<? super T> callback;

    OnSuccess(Consumer<? super T> callback) {
      this.callback = callback;
    }

    @Override
    void fire(Object raw) {
      if (!isFailure(raw)) {
        callback.accept(value(raw));
      }
    }
  }

  static final class OnFailure extends Completion {
    private final Consumer<? super Throwable> callback;

    OnFailure(Consumer<? super Throwable> callback) {
      this.callback = callback;
    }

    @Override
    void fire(Object raw) {
      if (isFailure(raw)) {
        callback.accept(cause(raw));
      }
    }
  }

  /** Wakes a thread blocked in {@code join}; the only node that may fire off the home loop. */
  static final class Waiter extends Completion {
    private final Thread thread;

    Waiter(Thread thread) {
      this.thread = thread;
    }

    @Override
    void fire(Object raw) {
      LockSupport.unpark(thread);
    }
  }
}
