package dev.weft.internal.blocking;

import dev.weft.blocking.AdapterStats;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/** An adapter's counters and latency histograms; all methods thread-safe. */
final class AdapterMetrics {
  private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

  final LongAdder submitted = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder cancelled = new LongAdder();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger peakActive = new AtomicInteger();
  private final AtomicHistogram queueWait = new AtomicHistogram(HIGHEST_NANOS, 2);
  private final AtomicHistogram runTime = new AtomicHistogram(HIGHEST_NANOS, 2);

  void started(long queueWaitNanos) {
    queueWait.recordValue(clamp(queueWaitNanos));
    int now = active.incrementAndGet();
    int peak;
    while (now > (peak = peakActive.get()) && !peakActive.compareAndSet(peak, now)) {
      // another thread raised the peak meanwhile: read it again
    }
  }

  void finished(long runNanos) {
    active.decrementAndGet();
    runTime.recordValue(clamp(runNanos));
  }

  int active() {
    return active.get();
  }

  AdapterStats snapshot(AdapterSettings settings, int queued, int threads) {
    Histogram waits = queueWait.copy();
    Histogram runs = runTime.copy();
    return new AdapterStats(settings.name(), settings.kind().id(), settings.maxConcurrency(), settings.maxQueue(),
        submitted.sum(), completed.sum(), failed.sum(), rejected.sum(), timedOut.sum(), cancelled.sum(),
        active.get(), Math.max(0, queued), peakActive.get(), threads,
        percentile(waits, 50), percentile(waits, 99), percentile(runs, 50), percentile(runs, 99),
        Duration.ofNanos(runs.getTotalCount() == 0 ? 0 : runs.getMaxValue()));
  }

  private static Duration percentile(Histogram histogram, double percentile) {
    return Duration.ofNanos(histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile));
  }

  private static long clamp(long nanos) {
    return Math.max(0, Math.min(nanos, HIGHEST_NANOS));
  }
}
