package dev.weft.future;

import dev.weft.Loop;
import dev.weft.internal.future.DefaultPromise;

/**
 * The writable side of a {@link Future}: whoever produces a result completes the promise, from
 * any thread; callbacks still run on the promise's home loop.
 *
 * <p>A promise completes once; later attempts return {@code false} and change nothing.
 *
 * @param <T> the result type
 */
public interface Promise<T> extends Future<T> {

  /**
   * A new promise homed on the current loop, or off any loop on a loop of the oldest open
   * runtime. Use {@link Loop#newPromise()} to choose the loop.
   *
   * @param <T> the result type
   * @return a new incomplete promise
   * @throws IllegalStateException if called off any loop while no runtime is open
   */
  static <T> Promise<T> create() {
    return DefaultPromise.homedHere();
  }

  /**
   * Completes with {@code value}.
   *
   * @param value the result, may be {@code null}
   * @return {@code true} if this call completed the promise
   */
  boolean complete(T value);

  /**
   * Completes with {@code failure}.
   *
   * @param failure the failure, not {@code null}
   * @return {@code true} if this call completed the promise
   */
  boolean fail(Throwable failure);

  /**
   * Registers work to do if this promise is cancelled: remove a queued task, interrupt a running
   * one, cancel a downstream request. The hook runs on the thread that cancels, at once, so it
   * must be quick, thread-safe and non-blocking; if the promise is already cancelled it runs now,
   * on the calling thread, and if the promise completes otherwise it is dropped. Each registration
   * runs at most once. Only {@link #cancel()} (called on this promise, or reaching it from a
   * future derived from it) runs hooks: {@link #fail} with a {@link
   * java.util.concurrent.CancellationException} is the producer's own report that it gave up, and
   * runs none. What a hook throws is reported as unhandled.
   *
   * @param hook the cancellation action, not {@code null}
   * @return this promise
   */
  Promise<T> onCancel(Runnable hook);
}
