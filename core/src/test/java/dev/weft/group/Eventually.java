package dev.weft.group;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: how these tests wait for things that have no latch or future. */
final class Eventually {
  private Eventually() {}

  /**
   * Polls {@code condition} every millisecond until it holds; fails the test naming
   * {@code description} if it still does not hold after {@code timeout}.
   */
  static void until(String description, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("still not true after %s: %s", timeout, description);
      }
      LockSupport.parkNanos(1_000_000L);
    }
  }
}
