package dev.weft.internal.limit;

/**
 * A backend of capacity C and service time S, as a fluid model driving a {@link LimitAlgorithm}
 * with scripted time: with L calls in flight it answers each in S x max(1, L / C) (calls beyond C
 * queue), and completes L calls per answer time. Deterministic: no threads, no clock.
 */
final class SimulatedBackend {
  private final LimitAlgorithm algorithm;
  long capacity;
  long serviceNanos;
  long now;
  int lowestLimit = Integer.MAX_VALUE;
  int highestLimit;

  SimulatedBackend(LimitAlgorithm algorithm, long capacity, long serviceNanos) {
    this.algorithm = algorithm;
    this.capacity = capacity;
    this.serviceNanos = serviceNanos;
  }

  /** Runs the backend at the algorithm's limit (offered load above it) for {@code nanos}. */
  void runFor(long nanos) {
    runFor(nanos, Outcome.SUCCESS);
  }

  /** As {@link #runFor(long)}, every call ending with {@code outcome}. */
  void runFor(long nanos, Outcome outcome) {
    long end = now + nanos;
    while (now < end) {
      int limit = algorithm.limit();
      long rtt = (long) (serviceNanos * Math.max(1.0, (double) limit / capacity));
      now += Math.max(1, rtt / limit);
      int next = algorithm.onSample(now - rtt, rtt, limit, outcome);
      lowestLimit = Math.min(lowestLimit, next);
      highestLimit = Math.max(highestLimit, next);
    }
  }

  /** Resets the lowest and highest limit seen. */
  void resetExtremes() {
    lowestLimit = Integer.MAX_VALUE;
    highestLimit = 0;
  }
}
