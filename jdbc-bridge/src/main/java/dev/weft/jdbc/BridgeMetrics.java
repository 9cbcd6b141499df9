package dev.weft.jdbc;

import dev.weft.internal.metrics.TimingRecorder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bridge's counters and recorders, apart from what the gate counts under its lock; all methods
 * thread-safe and lock-free: they run on workers, on a statement's path.
 */
final class BridgeMetrics {
  final TimingRecorder connectionWait = new TimingRecorder();
  final TimingRecorder statementTime = new TimingRecorder();
  final LongAdder failed = new LongAdder();
  final LongAdder timedOut = new LongAdder();

  /** A statement ran for {@code nanos}; {@code failure} is its failure, or null. */
  void statementEnded(long nanos, Throwable failure) {
    statementTime.record(nanos);
    if (failure != null && !StatementWork.isCancellation(failure)) {
      failed.increment();
    }
  }
}
