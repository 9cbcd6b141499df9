package dev.weft.internal.future;

import dev.weft.future.FailureHandler;
import dev.weft.future.Future;
import dev.weft.future.OutcomeHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/** The kinds of callback a promise runs; each fires on the source's home loop. */
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

  /** Like {@link Relay}, and stops the timeout's timer. */
  static final class TimeoutRelay extends Completion {
    private final DefaultPromise<?> target;
    private final ScheduledFuture<?> timer; // null if the loop no longer takes timers

    TimeoutRelay(DefaultPromise<?> target, ScheduledFuture<?> timer) {
      this.target = target;
      this.timer = timer;
    }

    @Override
    void fire(Object raw) {
      if (timer != null) {
        timer.cancel(false);
      }
      target.completeWithResultOf(raw);
    }
  }

  static final class Map<T, U> extends Completion {
    private final DefaultPromise<U> target;
    private final Function<? super T, ? extends U> fn;

    Map(DefaultPromise<U> target, Function<? super T, ? extends U> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (isFailure(raw)) {
        target.fail(cause(raw));
        return;
      }
      if (target.isDone()) {
        return; // cancelled meanwhile: nobody can receive what fn would make
      }
      U mapped;
      try {
        mapped = fn.apply(value(raw));
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      target.complete(mapped);
    }
  }

  static final class FlatMap<T, U> extends Completion {
    private final DefaultPromise<U> target;
    private final Function<? super T, ? extends Future<U>> fn;

    FlatMap(DefaultPromise<U> target, Function<? super T, ? extends Future<U>> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (isFailure(raw)) {
        target.fail(cause(raw));
        return;
      }
      if (target.isDone()) {
        return; // cancelled meanwhile: starting the inner work now would only waste it
      }
      Future<U> inner;
      try {
        inner = fn.apply(value(raw));
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      follow(target, inner, "flatMap");
    }
  }

  static final class Recover<T> extends Completion {
    private final DefaultPromise<T> target;
    private final FailureHandler<? extends T> fn;

    Recover(DefaultPromise<T> target, FailureHandler<? extends T> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (!isFailure(raw)) {
        target.completeWithResultOf(raw);
        return;
      }
      if (target.isDone()) {
        return; // cancelled meanwhile: nobody can receive what fn would make
      }
      T recovered;
      try {
        recovered = fn.apply(cause(raw));
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      target.complete(recovered);
    }
  }

  static final class RecoverWith<T> extends Completion {
    private final DefaultPromise<T> target;
    private final FailureHandler<? extends Future<T>> fn;

    RecoverWith(DefaultPromise<T> target, FailureHandler<? extends Future<T>> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (!isFailure(raw)) {
        target.completeWithResultOf(raw);
        return;
      }
      if (target.isDone()) {
        return; // cancelled meanwhile: starting the fallback now would only waste it
      }
      Future<T> fallback;
      try {
        fallback = fn.apply(cause(raw));
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      follow(target, fallback, "recoverWith");
    }
  }

  static final class Handle<T, U> extends Completion {
    private final DefaultPromise<U> target;
    private final OutcomeHandler<? super T, ? extends U> fn;

    Handle(DefaultPromise<U> target, OutcomeHandler<? super T, ? extends U> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (target.isDone()) {
        return; // cancelled meanwhile: nobody can receive what fn would make
      }
      U handled;
      try {
        handled = isFailure(raw) ? fn.apply(null, cause(raw)) : fn.apply(value(raw), null);
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      target.complete(handled);
    }
  }

  static final class Transform<T, U> extends Completion {
    private final DefaultPromise<U> target;
    private final OutcomeHandler<? super T, ? extends Future<U>> fn;

    Transform(DefaultPromise<U> target, OutcomeHandler<? super T, ? extends Future<U>> fn) {
      this.target = target;
      this.fn = fn;
    }

    @Override
    void fire(Object raw) {
      if (target.isDone()) {
        return; // cancelled meanwhile: starting the next work now would only waste it
      }
      Future<U> next;
      try {
        next = isFailure(raw) ? fn.apply(null, cause(raw)) : fn.apply(value(raw), null);
      } catch (Throwable failure) {
        target.fail(failure);
        return;
      }
      follow(target, next, "transform");
    }
  }

  /** {@code target} follows {@code next}, or fails naming {@code method} if the function returned null. */
  private static <U> void follow(DefaultPromise<U> target, Future<U> next, String method) {
    if (next == null) {
      target.fail(new NullPointerException("the function given to " + method + " returned null instead of a Future"));
    } else {
      target.follow(next);
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
