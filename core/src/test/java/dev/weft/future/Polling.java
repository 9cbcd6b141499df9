package dev.weft.future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for a condition the way the style guide asks: polling against a deadline, no fixed sleeps. */
final class Polling {
  private Polling() {}

  /**
   * Polls {@code condition} until it holds, failing the test with {@code what} after {@code timeout}.
   *
   * @param what the awaited condition, in words, for the failure message
   */
  static void await(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * Runs a full GC cycle repeatedly until {@code condition} holds (a cleaner has run, a weak
   * reference was cleared), failing after {@code timeout}.
   */
  static void awaitWithGc(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " of System.gc() waiting until " + what);
      }
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
