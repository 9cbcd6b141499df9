package dev.weft.benchmarks.jdbc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one row of the PostgreSQL scenario records while it is measured: each completed unit of
 * work's latency, and the failures. Thread-safe; recording is one array store, so the clients'
 * threads do not contend on it beyond an index increment.
 */
final class PgLoad {
  private final long[] latencies; // nanoseconds, the first `count` are filled
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean measuring;
  private volatile Throwable firstFailure;

  PgLoad(int capacity) {
    this.latencies = new long[capacity];
  }

  void measuring(boolean on) {
    measuring = on;
  }

  /** Whether work started now belongs to the measured window. */
  boolean isMeasuring() {
    return measuring;
  }

  void completed(long startedNanos) {
    if (measuring) {
      int index = count.getAndIncrement();
      if (index < latencies.length) {
        latencies[index] = System.nanoTime() - startedNanos;
      }
    }
  }

  void failed(Throwable failure) {
    failures.incrementAndGet();
    if (firstFailure == null) {
      firstFailure = failure;
    }
  }

  int completedCount() {
    return Math.min(count.get(), latencies.length);
  }

  long failures() {
    return failures.get();
  }

  Throwable firstFailure() {
    return firstFailure;
  }

  /** The mean latency in microseconds, of the measured window. */
  double meanMicros() {
    int n = completedCount();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += latencies[i];
    }
    return n == 0 ? Double.NaN : sum / n / 1_000.0;
  }

  /** The latency at {@code quantile} (0..1) in microseconds, of the measured window. */
  double quantileMicros(double quantile) {
    int n = completedCount();
    if (n == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    int index = (int) Math.min(n - 1, Math.round(quantile * (n - 1)));
    return sorted[index] / 1_000.0;
  }
}
