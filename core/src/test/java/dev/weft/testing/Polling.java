package dev.weft.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition that no latch or future announces (a gauge, a thread count, a log line):
 * polling against a deadline, never a fixed sleep. Every Weft module's tests wait this way.
 */
public final class Polling {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private Polling() {}

  /**
   * Polls {@code condition} until it holds; fails the test after {@code timeout}.
   *
   * @param what the awaited condition in words, for the failure message
   * @param timeout the longest wait
   * @param condition the condition
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, condition, () -> "(not recorded)");
  }

  /**
   * As {@link #await(String, Duration, BooleanSupplier)}, with the last observed state in the
   * failure message.
   *
   * @param what the awaited condition in words
   * @param timeout the longest wait
   * @param condition the condition
   * @param state describes the current state when the wait fails
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + timeout.toMillis() + " ms until " + what + ", in vain; last state: "
            + state.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * Runs a full GC repeatedly until {@code condition} holds (a cleaner has run, a weak reference
   * was cleared); fails the test after {@code timeout}.
   *
   * @param what the awaited condition in words
   * @param timeout the longest wait
   * @param condition the condition
   */
  public static void awaitWithGc(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + timeout.toMillis() + " ms of System.gc() until " + what + ", in vain");
      }
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
