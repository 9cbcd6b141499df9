package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An adapter's counters, gauges and latencies, checked against a workload whose outcome is known. */
class AdapterStatsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-stats").loops(2).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void aNewAdapterHasOnlyZeros() {
    AdapterStats stats = Adapters.boundedPool("fresh").maxThreads(3).maxQueue(7).build(runtime).stats();
    assertThat(stats).as("stats of a new pool").isEqualTo(new AdapterStats("fresh", "bounded-pool", 3, 7,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Timing.EMPTY, Timing.EMPTY));
  }

  @Test
  void countersAreExactAfterAKnownWorkload() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("workload").maxThreads(2).maxQueue(2).build(runtime);
    for (int i = 0; i < 5; i++) {
      pool.call(() -> "ok").join(WAIT); // 5 completed
    }
    for (int i = 0; i < 3; i++) {
      Future<String> failing = pool.call(() -> {
        throw new IllegalStateException("legacy failure");
      });
      assertThatThrownBy(() -> failing.join(WAIT)).isInstanceOf(IllegalStateException.class); // 3 failed
    }
    Gate gate = new Gate();
    List<Future<String>> held = new ArrayList<>();
    held.add(pool.call(gate.call("running")));
    held.add(pool.call(gate.call("running")));
    gate.awaitEntered(2);
    for (int i = 0; i < 2; i++) {
      Future<String> waiting = pool.call(() -> "never", Duration.ofMillis(20));
      assertThatThrownBy(() -> waiting.join(WAIT)).isInstanceOf(TimeoutException.class); // 2 timed out
    }
    for (int i = 0; i < 2; i++) {
      assertThat(pool.call(() -> "never").cancel()).as("cancel a waiting call").isTrue(); // 2 cancelled
    }
    held.add(pool.call(() -> "waited")); // these two fill the queue, then complete
    held.add(pool.call(() -> "waited"));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> pool.call(() -> "refused").join(Duration.ZERO)).isInstanceOf(RejectedException.class); // 3 rejected
    }
    AdapterStats saturated = pool.stats();
    assertThat(saturated.active()).as("active while saturated").isEqualTo(2);
    assertThat(saturated.queued()).as("queued while saturated").isEqualTo(2);
    assertThat(saturated.threads()).as("threads while saturated").isEqualTo(2);
    gate.open();
    for (Future<String> call : held) {
      call.join(WAIT);
    }

    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.submitted()).as("submitted").isEqualTo(16);
    assertThat(stats.completed()).as("completed").isEqualTo(9);
    assertThat(stats.failed()).as("failed").isEqualTo(3);
    assertThat(stats.timedOut()).as("timed out").isEqualTo(2);
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(2);
    assertThat(stats.rejected()).as("rejected").isEqualTo(3);
    assertThat(stats.peakActive()).as("peak active").isEqualTo(2);
    assertThat(stats.submitted()).as("submitted == completed + failed + timedOut + cancelled")
        .isEqualTo(stats.completed() + stats.failed() + stats.timedOut() + stats.cancelled());
    assertThat(runtime.metrics().adapters()).as("the runtime's metrics list the same numbers").contains(stats);
  }

  @Test
  void latencyPercentilesMeasureWaitingAndRunning() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("latency").maxThreads(1).maxQueue(1).build(runtime);
    Gate gate = new Gate();
    Future<Void> slow = pool.run(() -> {
      gate.call(null).call();
      Thread.sleep(40); // the workload: 40 ms of blocking once the other call is queued behind it
    });
    gate.awaitEntered(1);
    Future<String> waiting = pool.call(() -> "waited");
    gate.open();
    slow.join(WAIT);
    waiting.join(WAIT);

    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.runTimeMax()).as("longest run time").isGreaterThanOrEqualTo(Duration.ofMillis(39));
    assertThat(stats.runTimeP99()).as("p99 run time").isGreaterThanOrEqualTo(Duration.ofMillis(39));
    assertThat(stats.runTimeP50()).as("median run time").isLessThanOrEqualTo(stats.runTimeP99());
    assertThat(stats.queueWaitP99()).as("p99 queue wait: behind a call that ran 40 ms after it was queued")
        .isGreaterThanOrEqualTo(Duration.ofMillis(39));
    assertThat(stats.queueWaitP50()).as("median queue wait").isLessThanOrEqualTo(stats.queueWaitP99());
  }
}
