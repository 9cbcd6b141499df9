package dev.weft.blocking;

import dev.weft.future.Future;
import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs blocking calls away from the loops and delivers their results as {@link Future}s.
 *
 * <h2>Threads</h2>
 * The call runs on one of the adapter's threads (or, for the direct adapter, the caller's). The
 * returned future is homed on the caller's loop; called off any loop, on one of the runtime's
 * loops. Its callbacks therefore never run on the adapter's threads. Everything the call did
 * happens-before those callbacks.
 *
 * <h2>Bounds and failures</h2>
 * Every adapter has a bound on concurrent calls and on waiting calls. A call that finds both full,
 * or an adapter that is closed, returns a future already failed with
 * {@link dev.weft.RejectedException} naming the adapter and its numbers — load shedding, never an
 * unbounded queue. Nothing is thrown for it: a refusal reaches the caller by the same path as the
 * call's own failures ({@code onFailure}, {@code recover}, {@code join}), and, like any failure,
 * is reported to the unhandled-failure handler if nobody observes it. The call's exception fails
 * the future as it is (no wrapping); the adapter's threads survive it. If the JVM cannot start a
 * thread for the adapter (out of native threads: a container's pids limit), a call that a running
 * thread will take still runs, and one that no thread will run fails with a
 * {@code RejectedException} whose cause is the {@code OutOfMemoryError}.
 *
 * <h2>Cancellation and timeouts</h2>
 * Cancelling the future (or its timeout expiring) drops a call that is still waiting, and
 * interrupts one that is running (unless the adapter was built not to); the future fails with
 * {@code CancellationException} or {@code java.util.concurrent.TimeoutException}. A worker's
 * interrupt flag is cleared before its next call.
 */
public interface BlockingAdapter extends AutoCloseable {

  /**
   * Runs {@code task} on the adapter.
   *
   * @param task the blocking call
   * @param <T> its result type
   * @return the call's future, homed on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the adapter is saturated or closed
   */
  <T> Future<T> call(Callable<T> task);

  /**
   * Runs {@code task} with a deadline: if it has not completed within {@code timeout} (waiting
   * included), the future fails with {@code TimeoutException} and the call is dropped or
   * interrupted.
   *
   * @param task the blocking call
   * @param timeout the longest time the caller waits, {@code > 0}
   * @param <T> its result type
   * @return the call's future, homed on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the adapter is saturated or closed
   */
  <T> Future<T> call(Callable<T> task, Duration timeout);

  /**
   * Runs an action without a result; see {@link #call(Callable)}.
   *
   * @param task the blocking action
   * @return a future of {@code null}, homed on the caller's loop
   */
  default Future<Void> run(ThrowingRunnable task) {
    return call(() -> {
      task.run();
      return null;
    });
  }

  /**
   * Runs an action without a result, with a deadline; see {@link #call(Callable, Duration)}.
   *
   * @param task the blocking action
   * @param timeout the longest time the caller waits, {@code > 0}
   * @return a future of {@code null}, homed on the caller's loop
   */
  default Future<Void> run(ThrowingRunnable task, Duration timeout) {
    return call(() -> {
      task.run();
      return null;
    }, timeout);
  }

  /**
   * The adapter's name, unique within its runtime.
   *
   * @return the name
   */
  String name();

  /**
   * A snapshot of the adapter's counters, gauges and latency percentiles.
   *
   * @return a new snapshot
   */
  AdapterStats stats();

  /**
   * The adaptive limit's numbers, for an adapter built with one
   * ({@link BoundedPoolBuilder#adaptiveLimit}): the limit now, its floor and ceiling, the measured
   * no-load latency, its changes and why it is where it is.
   *
   * @return the limit's stats, or empty for an adapter whose limit is fixed
   */
  default Optional<LimitStats> limitStats() {
    return Optional.empty();
  }

  /**
   * Stops accepting calls (they are rejected) and lets the calls already accepted finish; idle
   * threads stop. Idempotent. The runtime closes its adapters when it shuts down.
   */
  @Override
  void close();
}
