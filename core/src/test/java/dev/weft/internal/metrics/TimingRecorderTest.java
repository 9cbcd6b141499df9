package dev.weft.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A timing's two faces: totals since start, and percentiles of the last minute only. */
class TimingRecorderTest {
  private final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(5));
  private final TimingRecorder recorder = new TimingRecorder(clock::get);

  @Test
  void countsAndSumsAreExactAndPercentilesWithinTwoDigits() {
    for (int millis = 1; millis <= 100; millis++) {
      recorder.record(TimeUnit.MILLISECONDS.toNanos(millis));
    }
    Timing timing = recorder.snapshot();

    assertThat(timing.count()).as("count").isEqualTo(100);
    assertThat(timing.total()).as("sum of 1..100 ms").isEqualTo(Duration.ofMillis(5050));
    assertThat(timing.recentCount()).as("recent count").isEqualTo(100);
    assertThat(timing.recentP50().toNanos()).as("p50").isBetween(49_500_000L, 50_500_000L);
    assertThat(timing.recentP99().toNanos()).as("p99").isBetween(98_500_000L, 99_500_000L);
    assertThat(timing.recentMax().toNanos()).as("max").isBetween(99_500_000L, 100_500_000L);
    assertThat(timing.mean()).as("mean").isEqualTo(Duration.ofNanos(50_500_000));
  }

  @Test
  void valuesOlderThanTheWindowLeaveThePercentilesButNotTheTotals() {
    recorder.record(TimeUnit.SECONDS.toNanos(3)); // a slow call, a while ago
    recorder.snapshot();
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    recorder.record(TimeUnit.MILLISECONDS.toNanos(2));
    Timing timing = recorder.snapshot();

    assertThat(timing.recentCount()).as("values in the last minute").isEqualTo(1);
    assertThat(timing.recentMax().toNanos()).as("the recent max is the recent call's")
        .isBetween(1_990_000L, 2_010_000L);
    assertThat(timing.count()).as("count since start").isEqualTo(2);
    assertThat(timing.total()).as("sum since start").isEqualTo(Duration.ofMillis(3002));
  }

  @Test
  void aNewPeriodStartsItsSliceEmptyAndKeepsEveryValue() {
    for (int period = 0; period < 12; period++) { // the ring of slots goes round twice
      clock.addAndGet(TimeUnit.SECONDS.toNanos(15));
      for (int i = 0; i < 10; i++) {
        recorder.record(TimeUnit.MILLISECONDS.toNanos(1 + period));
      }
    }
    Timing timing = recorder.snapshot();

    assertThat(timing.recentCount()).as("values of the last 4 periods").isEqualTo(40);
    assertThat(timing.recentP50().toNanos()).as("median of the last 4 periods (9..12 ms)")
        .isBetween(9_900_000L, 11_100_000L);
    assertThat(timing.count()).as("count since start").isEqualTo(120);
  }

  @Test
  void theWindowKeepsItsSlicesForAMinute() {
    recorder.record(TimeUnit.MILLISECONDS.toNanos(7));
    recorder.snapshot();
    for (int step = 0; step < 3; step++) { // 45 s later, still in the window
      clock.addAndGet(TimeUnit.SECONDS.toNanos(15));
      assertThat(recorder.snapshot().recentCount()).as("after %d slices", step + 1).isEqualTo(1);
    }
    clock.addAndGet(TimeUnit.SECONDS.toNanos(15)); // 60 s: its slice is out
    Timing quiet = recorder.snapshot();

    assertThat(quiet.recentCount()).as("recent count after a quiet minute").isZero();
    assertThat(quiet.recentP99()).as("p99 of an empty window").isZero();
    assertThat(quiet.count()).as("count since start").isEqualTo(1);
  }

  /**
   * Invariant: with writers on 4 threads and a reader taking snapshots meanwhile, no value is lost
   * within a period (the clock stands still: only a slot's claim at a period's start may leave
   * values out of the window, see TimingRecorder's Overview).
   */
  @Test
  void concurrentWritersLoseNothing() throws Exception {
    TimingRecorder shared = new TimingRecorder(clock::get);
    int threads = 4;
    int perThread = 50_000;
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread writer = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          shared.record(1000 + i % 1000);
        }
        done.countDown();
      });
      writers.add(writer);
      writer.start();
    }
    long recentSeen = 0;
    while (!done.await(1, TimeUnit.MILLISECONDS)) {
      recentSeen = Math.max(recentSeen, shared.snapshot().recentCount());
    }
    Timing timing = shared.snapshot();

    assertThat(timing.count()).as("count").isEqualTo((long) threads * perThread);
    assertThat(timing.recentCount()).as("recent count (all within the minute)").isEqualTo((long) threads * perThread);
    assertThat(recentSeen).as("snapshots taken meanwhile never saw more").isLessThanOrEqualTo(timing.recentCount());
    for (Thread writer : writers) {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
