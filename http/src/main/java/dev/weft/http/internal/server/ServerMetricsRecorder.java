package dev.weft.http.internal.server;

import dev.weft.http.server.HttpServerMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/** A server's counters and latency histogram; all methods thread-safe. */
final class ServerMetricsRecorder {
  private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

  private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()}; // 2xx..5xx
  private final LongAdder aborted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder sendTimedOut = new LongAdder();
  private final LongAdder refusedConnections = new LongAdder();
  private final AtomicHistogram latency = new AtomicHistogram(HIGHEST_NANOS, 2);

  void responded(int status, long nanos) {
    int statusClass = status / 100 - 2;
    if (statusClass >= 0 && statusClass < byClass.length) {
      byClass[statusClass].increment();
    }
    latency.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  void aborted() {
    aborted.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void timedOut() {
    timedOut.increment();
  }

  void sendTimedOut() {
    sendTimedOut.increment();
  }

  void connectionRefused() {
    refusedConnections.increment();
  }

  HttpServerMetrics snapshot(int inFlight, int openConnections) {
    Histogram copy = latency.copy();
    return new HttpServerMetrics(byClass[0].sum(), byClass[1].sum(), byClass[2].sum(), byClass[3].sum(),
        aborted.sum(), rejected.sum(), timedOut.sum(), sendTimedOut.sum(), refusedConnections.sum(), inFlight,
        openConnections,
        percentile(copy, 50), percentile(copy, 90), percentile(copy, 99),
        Duration.ofNanos(copy.getTotalCount() == 0 ? 0 : copy.getMaxValue()));
  }

  private static Duration percentile(Histogram histogram, double percentile) {
    return Duration.ofNanos(histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile));
  }
}
