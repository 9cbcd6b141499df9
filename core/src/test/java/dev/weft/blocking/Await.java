package dev.weft.blocking;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling with a deadline, for states that no latch or future announces (gauges, thread counts). */
final class Await {
  private static final long POLL_NANOS = 200_000;

  private Await() {}

  /**
   * Polls {@code condition} until it holds, failing after {@code timeout}.
   *
   * @param what what is awaited, for the failure message
   * @param timeout the longest wait
   * @param condition the condition
   */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /**
   * As {@link #until(String, Duration, BooleanSupplier)}, with the last observed state in the message.
   *
   * @param what what is awaited
   * @param timeout the longest wait
   * @param condition the condition
   * @param state describes the current state when the wait fails
   */
  static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("waited " + timeout.toMillis() + " ms until " + what + ", in vain; last state: " + state.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * Waits until the adapter is quiet: nothing running, nothing waiting, every accepted call counted
   * in exactly one outcome. Outcomes are counted just after a future completes, so a caller that
   * has seen every future complete may still see the last count a moment late.
   *
   * @param adapter the adapter
   * @return its stats once quiet
   */
  static AdapterStats quiet(BlockingAdapter adapter) {
    until(adapter.name() + " is quiet (0 active, 0 queued, every call counted once)", Duration.ofSeconds(10),
        () -> isQuiet(adapter.stats()), adapter::stats);
    return adapter.stats();
  }

  static boolean isQuiet(AdapterStats stats) {
    return stats.active() == 0 && stats.queued() == 0
        && stats.submitted() == stats.completed() + stats.failed() + stats.timedOut() + stats.cancelled();
  }
}
