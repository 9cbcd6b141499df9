package dev.weft.internal.blocking;

import dev.weft.blocking.AdapterStats;
import dev.weft.internal.metrics.TimingRecorder;
import dev.weft.metrics.Timing;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** An adapter's counters and latency recorders; all methods thread-safe, lock-free on the call path. */
final class AdapterMetrics {
  final LongAdder submitted = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder cancelled = new LongAdder();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger peakActive = new AtomicInteger();
  private final TimingRecorder queueWait = new TimingRecorder();
  private final TimingRecorder runTime = new TimingRecorder();

  void started(long queueWaitNanos, long startedAt) {
    queueWait.record(queueWaitNanos, startedAt);
    int now = active.incrementAndGet();
    int peak;
    while (now > (peak = peakActive.get()) && !peakActive.compareAndSet(peak, now)) {
      // another thread raised the peak meanwhile: read it again
    }
  }

  void finished(long runNanos, long now) {
    active.decrementAndGet();
    runTime.record(runNanos, now);
  }

  int active() {
    return active.get();
  }

  AdapterStats snapshot(AdapterSettings settings, int queued, int threads) {
    Timing waits = queueWait.snapshot();
    Timing runs = runTime.snapshot();
    return new AdapterStats(settings.name(), settings.kind().id(), settings.maxConcurrency(), settings.maxQueue(),
        submitted.sum(), completed.sum(), failed.sum(), rejected.sum(), timedOut.sum(), cancelled.sum(),
        active.get(), Math.max(0, queued), peakActive.get(), threads,
        waits.recentP50(), waits.recentP99(), runs.recentP50(), runs.recentP99(), runs.recentMax(), waits, runs);
  }
}
