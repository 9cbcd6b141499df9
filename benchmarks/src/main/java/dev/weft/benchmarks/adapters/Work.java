package dev.weft.benchmarks.adapters;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** The blocking calls the adapters run: a no-op, or a 100 µs sleep. */
final class Work {
  /** What every call returns: a constant, so no call allocates a result of its own. */
  static final Object RESULT = new Object();

  /** {@code @Param} value of the no-op call. */
  static final String NOOP = "noop";

  /** {@code @Param} value of the sleeping call. */
  static final String PARK_100_US = "park100us";

  private static final long SLEEP_NANOS = 100_000L;

  private Work() {}

  /**
   * The call named by a {@code work} parameter.
   *
   * @param name {@link #NOOP} or {@link #PARK_100_US}
   * @return the call
   */
  static Supplier<Object> named(String name) {
    switch (name) {
      case NOOP:
        return () -> RESULT;
      case PARK_100_US:
        return Work::park100us;
      default:
        throw new IllegalArgumentException("work must be '" + NOOP + "' or '" + PARK_100_US + "' (was '" + name + "')");
    }
  }

  /*
   * Thread.sleep(0, 100_000) rounds up to a whole millisecond on JDK 17, so the sleep parks until
   * its deadline instead. parkNanos may return early (spuriously, or on interrupt), hence the loop.
   * A virtual thread parking here unmounts from its carrier, as it would in Thread.sleep.
   */
  private static Object park100us() {
    long deadline = System.nanoTime() + SLEEP_NANOS;
    for (long left = SLEEP_NANOS; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return RESULT;
  }
}
