package dev.weft.future;

import dev.weft.Loop;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.future.Combinators;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The result of asynchronous work, delivered on the future's home loop.
 *
 * <h2>Threads</h2>
 * Every callback ({@link #onComplete}, {@link #onSuccess}, {@link #onFailure}) and every function
 * given to a combinator ({@link #map}, {@link #flatMap}, {@link #recover}) runs on the
 * {@linkplain #home() home loop}'s thread, never on the thread that completed the future (a
 * blocking worker, say): completions from other threads are handed to the home loop with one
 * task. A callback added to a completed future on the home loop runs at once (unless callbacks
 * added earlier are still waiting for the loop: then after them; or, deep in a chain of
 * callbacks, as the loop's next task, so long chains never overflow the stack); added from
 * another thread, it runs as a task on the home loop. Callbacks added before completion run in
 * the order they were added; so do all the callbacks that one thread other than the home loop
 * adds, before or after completion. Everything the completing thread did before completing
 * happens-before every callback.
 *
 * <h2>Failures</h2>
 * A failure is delivered as the exception the work threw, never wrapped in
 * {@code CompletionException} or {@code ExecutionException}. A failure is <em>observed</em> when
 * some code receives it: {@code onComplete}, {@code onFailure}, {@code map}, {@code flatMap},
 * {@code recover}, {@code recoverWith}, {@code handle}, {@code transform}, {@code orTimeout} (the derived future takes over), {@code join},
 * {@link #failureNow()}, {@code toCompletableFuture}, {@code all}/{@code any}. A future that fails
 * and is never observed is reported to the runtime's
 * {@linkplain dev.weft.UnhandledFailureHandler unhandled-failure handler} once, at the latest when
 * it is garbage-collected. Cancellations are never reported. An exception thrown by a callback
 * is reported to the same handler.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel()} fails the future with {@link CancellationException} and cancels what produces
 * it: a derived future ({@code map}, {@code flatMap}, {@code recover}, {@code orTimeout}) cancels
 * its source, a promise runs its {@linkplain Promise#onCancel cancel hooks} (which remove a queued
 * blocking call or interrupt a running one). All of that happens on the calling thread before
 * {@code cancel()} returns, in constant stack depth however long the chain. Once a derived future
 * is cancelled, its function ({@code map}, {@code flatMap}, {@code recover}) is no longer called.
 *
 * @param <T> the result type; {@code null} is a valid result
 */
public interface Future<T> {

  /**
   * A future that has already succeeded, homed on the current loop (or, off any loop, on a loop
   * of the oldest open runtime).
   *
   * @param value the result, may be {@code null}
   * @param <T> the result type
   * @return a completed future
   * @throws IllegalStateException if called off any loop while no runtime is open
   */
  static <T> Future<T> succeeded(T value) {
    return DefaultPromise.succeededHere(value);
  }

  /**
   * A future that has already failed with {@code failure}, homed as {@link #succeeded}. Like any
   * failed future, it is reported as unhandled if nobody observes it.
   *
   * @param failure the failure, not {@code null}
   * @param <T> the result type
   * @return a failed future
   * @throws IllegalStateException if called off any loop while no runtime is open
   */
  static <T> Future<T> failed(Throwable failure) {
    DefaultPromise<T> promise = DefaultPromise.homedHere();
    promise.fail(failure);
    return promise;
  }

  /**
   * Adapts a {@link CompletionStage} (a {@link CompletableFuture}, say): the returned future,
   * homed as {@link #succeeded}, completes with the stage's result, its failure unwrapped from
   * {@code CompletionException}. Cancelling the returned future cancels the stage when it is a
   * {@code CompletableFuture}.
   *
   * @param stage the stage, not {@code null}
   * @param <T> the result type
   * @return a future that follows the stage
   * @throws IllegalStateException if called off any loop while no runtime is open
   */
  static <T> Future<T> from(CompletionStage<T> stage) {
    return Combinators.from(stage);
  }

  /**
   * A future of all results, in the order of {@code futures}. It fails as soon as one input
   * fails, with that input's exception; failures of other inputs that arrive later are attached to
   * it as suppressed exceptions. The other inputs are not cancelled by a failure (use a task group
   * for that); cancelling the returned future cancels every input.
   *
   * @param futures the inputs, not {@code null}, no {@code null} elements; may be empty
   * @param <T> the result type
   * @return a future homed on the current loop, or off any loop on the first input's home loop
   */
  static <T> Future<List<T>> all(List<? extends Future<? extends T>> futures) {
    return Combinators.all(futures);
  }

  /**
   * A future of the first input to succeed; once one succeeds, the others are cancelled. If all
   * fail, it fails with the first failure, the others attached as suppressed exceptions.
   *
   * @param futures the inputs, not {@code null}, not empty, no {@code null} elements
   * @param <T> the result type
   * @return a future homed on the current loop, or off any loop on the first input's home loop
   * @throws IllegalArgumentException if {@code futures} is empty
   */
  static <T> Future<T> any(List<? extends Future<? extends T>> futures) {
    return Combinators.any(futures);
  }

  /**
   * The loop on which this future's callbacks run.
   *
   * @return the home loop
   */
  Loop home();

  /**
   * A future of {@code fn} applied to this future's result. A failure of this future, or an
   * exception thrown by {@code fn}, fails the returned future with that same exception.
   *
   * @param fn runs on the home loop; must not block
   * @param <U> the new result type
   * @return a future homed on the same loop
   */
  <U> Future<U> map(Function<? super T, ? extends U> fn);

  /**
   * A future of the future that {@code fn} returns for this future's result: the asynchronous
   * {@code map}. Chains of any length run in constant stack depth. Cancelling the returned future
   * cancels this future, or once {@code fn} has run, the future {@code fn} returned.
   *
   * @param fn runs on the home loop; must not block; returning {@code null} fails the result
   *     with {@link NullPointerException}
   * @param <U> the new result type
   * @return a future homed on the same loop
   */
  <U> Future<U> flatMap(Function<? super T, ? extends Future<U>> fn);

  /**
   * A future that succeeds with this future's result, or with {@code fn} of its failure. A
   * cancellation is recovered like any failure.
   *
   * @param fn runs on the home loop with the original exception; what it throws, checked
   *     exceptions included, fails the result unwrapped (rethrow to keep a failure you do not handle)
   * @return a future homed on the same loop
   */
  Future<T> recover(FailureHandler<? extends T> fn);

  /**
   * A future that follows this one if it succeeds, or the future {@code fn} makes of its failure
   * (a fallback call, a retry). A cancellation is recovered like any failure. Cancelling the
   * result cancels this future, or the fallback once it runs.
   *
   * @param fn runs on the home loop with the original exception; what it throws fails the result;
   *     returning {@code null} fails it with {@link NullPointerException}
   * @return a future homed on the same loop
   */
  Future<T> recoverWith(FailureHandler<? extends Future<T>> fn);

  /**
   * A future with what {@code fn} makes of this future's outcome, success or failure alike (as
   * {@code CompletableFuture.handle}). The failure counts as observed.
   *
   * @param fn runs on the home loop with (value, null) or (null, failure); what it throws fails
   *     the result
   * @param <U> the new result type
   * @return a future homed on the same loop
   */
  <U> Future<U> handle(OutcomeHandler<? super T, ? extends U> fn);

  /**
   * A future that follows the future {@code fn} makes of this future's outcome, success or failure
   * alike: {@link #handle} for asynchronous work.
   *
   * @param fn runs on the home loop with (value, null) or (null, failure); what it throws fails
   *     the result; returning {@code null} fails it with {@link NullPointerException}
   * @param <U> the new result type
   * @return a future homed on the same loop
   */
  <U> Future<U> transform(OutcomeHandler<? super T, ? extends Future<U>> fn);

  /**
   * A future that follows this one, but fails with {@link TimeoutException} if this one has not
   * completed within {@code timeout}. This future is cancelled first, so the work stops: whoever
   * sees the {@code TimeoutException} also sees this future cancelled.
   *
   * @param timeout how long to wait, {@code > 0}
   * @return a future homed on the same loop
   */
  Future<T> orTimeout(Duration timeout);

  /**
   * Calls {@code callback} with the result and {@code null}, or {@code null} and the failure.
   *
   * @param callback runs on the home loop; what it throws is reported as unhandled
   * @return this future
   */
  Future<T> onComplete(BiConsumer<? super T, ? super Throwable> callback);

  /**
   * Calls {@code callback} with the result if this future succeeds. Does not observe a failure:
   * a failure nobody else observes is still reported as unhandled.
   *
   * @param callback runs on the home loop; what it throws is reported as unhandled
   * @return this future
   */
  Future<T> onSuccess(Consumer<? super T> callback);

  /**
   * Calls {@code callback} with the failure if this future fails (cancellation included).
   *
   * @param callback runs on the home loop; what it throws is reported as unhandled
   * @return this future
   */
  Future<T> onFailure(Consumer<? super Throwable> callback);

  /**
   * Cancels this future and the work that produces it, if it has not completed yet.
   *
   * @return {@code true} if this call cancelled it, {@code false} if it had already completed
   */
  boolean cancel();

  /**
   * Waits for the result. Blocks the calling thread, so it is for {@code main} methods, tests and
   * code outside Weft; never call it on a loop thread.
   *
   * <p>A failure is thrown as the original exception, not wrapped, even when it is a checked
   * exception that this method does not declare; catch {@code Exception} if you need to handle
   * it. If the waiting thread is interrupted, its interrupt flag is kept and a
   * {@link CancellationException} is thrown (the future itself is not cancelled). A failure counts
   * as observed when {@code join} throws it; a join that is interrupted (or, with a timeout, gives
   * up) has observed nothing.
   *
   * @return the result
   * @throws IllegalStateException if called on a loop thread, where waiting would stop the very
   *     loop that has to complete the future
   */
  T join();

  /**
   * Waits at most {@code timeout} for the result; otherwise as {@link #join()}. A timeout does not
   * cancel the future.
   *
   * @param timeout how long to wait, {@code >= 0}
   * @return the result
   * @throws TimeoutException if the future has not completed within {@code timeout}
   * @throws IllegalStateException if called on a loop thread
   */
  T join(Duration timeout) throws TimeoutException;

  /**
   * Whether the future has completed: succeeded, failed or cancelled.
   *
   * @return {@code true} once completed
   */
  boolean isDone();

  /**
   * Whether the future has failed (cancellation included).
   *
   * @return {@code true} if failed
   */
  boolean isFailed();

  /**
   * Whether the future was cancelled: it failed with a {@link CancellationException}, by
   * {@link #cancel()} or from a cancelled source.
   *
   * @return {@code true} if cancelled
   */
  boolean isCancelled();

  /**
   * The result of a future that has succeeded, without waiting.
   *
   * @return the result
   * @throws IllegalStateException if the future has not completed, or has failed (the failure is
   *     its cause)
   */
  T resultNow();

  /**
   * The failure of a future that has failed, without waiting. Observes the failure.
   *
   * @return the original exception
   * @throws IllegalStateException if the future has not completed, or has succeeded
   */
  Throwable failureNow();

  /**
   * A {@link CompletableFuture} that completes with this future's result or failure (on the home
   * loop). Cancelling the {@code CompletableFuture} cancels this future.
   *
   * <p>Like {@link #join()}, its blocking waits — {@code get()}, {@code get(timeout, unit)},
   * {@code join()}, on it and on every stage derived from it — throw
   * {@link IllegalStateException} at once when called on a loop thread before the result is there:
   * waiting there would stall the loop, and deadlock it when the loop is the one that completes
   * the future. Code handed the {@code CompletableFuture} should compose ({@code thenApply},
   * {@code whenComplete}) instead; waits on a completed future return as usual.
   *
   * @return a new {@code CompletableFuture}
   */
  CompletableFuture<T> toCompletableFuture();
}
