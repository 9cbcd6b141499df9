package dev.weft.internal.future;

import dev.weft.future.Future;
import java.util.function.BiConsumer;

/** Internal listeners for other Weft packages (task groups) that need more than the public API. */
public final class Listeners {
  private Listeners() {}

  /**
   * Calls {@code callback} on {@code future}'s home loop once it settles, optionally without
   * counting as an observer of its failure (so an ignored failure is still reported).
   *
   * @param future the future
   * @param callback receives the value and null, or null and the failure
   * @param observesFailure whether this listener takes responsibility for a failure
   * @param <T> the value type
   */
  public static <T> void whenSettled(Future<T> future, BiConsumer<? super T, ? super Throwable> callback,
      boolean observesFailure) {
    if (future instanceof DefaultPromise) {
      DefaultPromise<T> promise = (DefaultPromise<T>) future;
      if (!promise.completeHere(callback, observesFailure)) {
        promise.addCompletion(new Completions.OnComplete<>(callback), observesFailure);
      }
    } else {
      future.onComplete(callback);
    }
  }

  /**
   * Reports {@code future}'s failure to its runtime's unhandled-failure handler now, unless some
   * consumer observed it; either way it is not reported again when the future is collected.
   *
   * @param future a failed future
   * @param description what the failure escaped from
   * @return true if it was reported now
   */
  public static boolean reportIfUnobserved(Future<?> future, String description) {
    if (!(future instanceof DefaultPromise) || !future.isFailed()) {
      return false;
    }
    DefaultPromise<?> promise = (DefaultPromise<?>) future;
    boolean unobserved = !promise.isObserved();
    Throwable failure = promise.failureNow(); // observes it: no second report at collection
    if (unobserved) {
      promise.homeLoop().reportUnhandled(description, failure);
    }
    return unobserved;
  }
}
