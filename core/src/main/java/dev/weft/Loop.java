package dev.weft;

import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.internal.loop.LoopThread;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * One event loop: a single thread that runs tasks, timers and network I/O (it is a Netty
 * {@code IoEventLoop}, so channels of the HTTP module run on the same thread as the futures that
 * serve them).
 *
 * <p>Rules: tasks given to a loop run one at a time, in the order they were given, on the loop's
 * thread; they must not block (the runtime's watchdog reports a loop that stays busy past its
 * threshold). A task that throws does not stop the loop: the exception goes to the runtime's
 * {@link UnhandledFailureHandler}. Once the runtime is shutting down, new work is refused with
 * {@link RejectedException}; work already accepted still runs within the grace period.
 */
public interface Loop {

  /**
   * The loop whose thread is calling, or {@code null} when called from any other thread.
   *
   * @return the current loop, or {@code null}
   */
  static Loop current() {
    return LoopThread.currentLoop();
  }

  /**
   * Whether the calling thread is this loop's thread.
   *
   * @return {@code true} on this loop's thread
   */
  boolean inLoop();

  /**
   * Runs a task on this loop, after the tasks given before it. Never runs it inline, even when
   * called on the loop itself. Safe from any thread.
   *
   * @param task the task; what it throws goes to the unhandled-failure handler
   * @throws RejectedException if the runtime is shutting down
   */
  void execute(Runnable task);

  /**
   * Runs {@code task} on this loop after {@code delay}. Cancelling the returned future before the
   * delay has passed removes the timer, so the task never runs. If the runtime shuts down before
   * the delay has passed, the future is cancelled.
   *
   * @param delay how long to wait, {@code >= 0}
   * @param task the task; its result or exception completes the returned future
   * @param <T> the result type
   * @return a future homed on this loop
   * @throws RejectedException if the runtime is shutting down
   */
  <T> Future<T> schedule(Duration delay, Callable<T> task);

  /**
   * A future that succeeds with {@code null} on this loop after {@code delay}: the non-blocking
   * sleep. Cancelling it removes the timer; a shutdown of the runtime cancels it.
   *
   * @param delay how long to wait, {@code >= 0}
   * @return a future homed on this loop
   * @throws RejectedException if the runtime is shutting down
   */
  Future<Void> delay(Duration delay);

  /**
   * Starts asynchronous work on this loop: calls {@code task} on the loop's thread and relays the
   * future it returns. A task that throws, or returns {@code null}, fails the returned future.
   * Cancelling the returned future cancels the task's future.
   *
   * @param task supplies the work's future; runs on this loop
   * @param <T> the result type
   * @return a future homed on this loop
   * @throws RejectedException if the runtime is shutting down
   */
  <T> Future<T> submit(Supplier<? extends Future<T>> task);

  /**
   * A new, incomplete promise homed on this loop: its callbacks run on this loop's thread.
   *
   * @param <T> the value type
   * @return a new promise
   */
  <T> Promise<T> newPromise();

  /**
   * The loop's thread name, e.g. {@code weft-loop-0}, stable for the loop's life.
   *
   * @return the name
   */
  String name();

  /**
   * The runtime this loop belongs to.
   *
   * @return the runtime
   */
  AsyncRuntime runtime();
}
