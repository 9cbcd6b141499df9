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
      ((DefaultPromise<T>) future).addCompletion(new Completions.OnComplete<>(callback), observesFailure);
    } else {
      future.onComplete(callback);
    }
  }
}
