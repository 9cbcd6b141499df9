package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import dev.weft.testing.LimitUnderLoad;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A bounded pool with an adaptive limit, against a simulated backend and at its edges. */
class AdaptiveLimitAdapterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("alt");

  /** A legacy backend of capacity {@code capacity}: a fixed service time behind a semaphore. */
  private static String backend(Semaphore capacity, long serviceMillis) throws InterruptedException {
    capacity.acquire();
    try {
      Thread.sleep(serviceMillis);
      return "ok";
    } finally {
      capacity.release();
    }
  }

  @Test
  void theLimitSettlesNearTheBackendsCapacity() throws Exception {
    AsyncRuntime runtime = weft.runtime();
    BlockingAdapter adapter = Adapters.boundedPool("settles").maxThreads(32).maxQueue(64)
        .adaptiveLimit(AdaptiveLimit.vegas().window(Duration.ofMillis(50))).build(runtime);
    Semaphore capacity = new Semaphore(4);
    // 16 callers in a closed loop: offered load 4x the capacity
    LimitUnderLoad.Result run = LimitUnderLoad.run("alt", 16,
        () -> adapter.call(() -> backend(capacity, 20)).join(WAIT), adapter::limitStats);
    LimitStats during = run.during();
    assertThat(run.failures()).as("calls that failed").isEmpty();
    assertThat(run.served()).as("calls served").isGreaterThan(100);
    assertThat(run.medianLimit()).as("median limit over 2 s of 4 against capacity 4; now %s", during)
        .isBetween(3, 10);
    assertThat(during.noLoadLatency()).as("no-load latency of a 20 ms backend: %s", during)
        .isBetween(Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(during.ceiling()).isEqualTo(32);
    assertThat(during.decreases()).as("the limit came down at least once: %s", during).isPositive();
    Polling.await("every permit back", WAIT, () -> adapter.limitStats().orElseThrow().inFlight() == 0,
        adapter::limitStats);
    adapter.close();
  }

  @Test
  void callsBeyondTheLimitWaitAndAreRefusedBeyondTheQueueWithTheLimitNamed() throws Exception {
    BlockingAdapter adapter = Adapters.boundedPool("refuses").maxThreads(16).maxQueue(1)
        .adaptiveLimit(AdaptiveLimit.vegas()).build(weft.runtime());
    Gate gate = new Gate();
    List<Future<String>> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // the starting limit
      held.add(adapter.call(gate.call("held")));
    }
    gate.awaitEntered(4);
    Future<String> waiting = adapter.call(() -> "waited");
    assertThat(adapter.stats().queued()).as("waiting in the limit's queue").isEqualTo(1);
    assertThat(adapter.call(() -> "refused").failureNow()).as("a refusal is a failed future")
        .isInstanceOf(RejectedException.class)
        .hasMessageStartingWith("bounded pool 'refuses' is saturated (4/4 running, 1/1 queued) at its adaptive limit "
            + "(limit 4 of ceiling 16, adaptive: starting at 4")
        .hasMessageEndingWith("raise maxQueue, or the adaptive limit's floor if the system behind it can take more, "
            + "or shed load upstream");
    gate.open();
    assertThat(waiting.join(WAIT)).isEqualTo("waited");
    for (Future<String> call : held) {
      call.join(WAIT);
    }
    AdapterStats stats = adapter.stats();
    assertThat(stats.rejected()).isEqualTo(1);
    assertThat(stats.maxQueue()).as("the user's maxQueue").isEqualTo(1);
    Polling.await("counts settle", WAIT, () -> adapter.stats().completed() == 5, adapter::stats);
    assertThat(adapter.stats().submitted()).as("submitted, each call once").isEqualTo(5);
    adapter.close();
  }

  @Test
  void aCallWaitingForAPermitTimesOutOrIsCancelledWithoutTakingOne() throws Exception {
    BlockingAdapter adapter = Adapters.boundedPool("waits").maxThreads(8).maxQueue(10)
        .adaptiveLimit(AdaptiveLimit.vegas().ceiling(2)).build(weft.runtime());
    Gate gate = new Gate();
    Future<String> first = adapter.call(gate.call("a"));
    Future<String> second = adapter.call(gate.call("b"));
    gate.awaitEntered(2);
    Future<String> timesOut = adapter.call(() -> "late", Duration.ofMillis(50));
    Future<String> cancelled = adapter.call(() -> "never");
    assertThatThrownBy(() -> timesOut.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("waiting for a permit under its adaptive limit (limit 2 of ceiling 2");
    assertThat(cancelled.cancel()).isTrue();
    assertThat(adapter.limitStats().orElseThrow().waiting()).isZero();
    gate.open();
    assertThat(first.join(WAIT) + second.join(WAIT)).isEqualTo("ab");
    assertThat(adapter.call(() -> "after").join(WAIT)).isEqualTo("after");
    assertThatThrownBy(() -> cancelled.join(WAIT)).isInstanceOf(CancellationException.class);
    Polling.await("counts settle", WAIT, () -> adapter.stats().completed() == 3, adapter::stats);
    AdapterStats stats = adapter.stats();
    assertThat(stats.timedOut()).isEqualTo(1);
    assertThat(stats.cancelled()).isEqualTo(1);
    assertThat(stats.submitted()).isEqualTo(5);
    Polling.await("every permit back", WAIT, () -> adapter.limitStats().orElseThrow().inFlight() == 0,
        adapter::limitStats);
    adapter.close();
  }

  @Test
  void closeLetsWaitingCallsRun() throws Exception {
    BlockingAdapter adapter = Adapters.boundedPool("closes").maxThreads(8).maxQueue(10)
        .adaptiveLimit(AdaptiveLimit.vegas().ceiling(1)).build(weft.runtime());
    Gate gate = new Gate();
    Future<String> running = adapter.call(gate.call("running"));
    gate.awaitEntered(1);
    Future<String> waiting = adapter.call(() -> "waiting");
    adapter.close();
    assertThat(adapter.call(() -> "late").failureNow()).isInstanceOf(RejectedException.class)
        .hasMessageContaining("is closed");
    gate.open();
    assertThat(running.join(WAIT)).isEqualTo("running");
    assertThat(waiting.join(WAIT)).isEqualTo("waiting");
  }

  @Test
  void theRuntimeHandsOutTheLimitedAdapterByNameAndSettlesItsWaitersAtShutdown() throws Exception {
    AsyncRuntime runtime = AsyncRuntime.builder().name("alt-shutdown").loops(1)
        .shutdownGracePeriod(Duration.ofMillis(500))
        .bulkhead(Adapters.boundedPool("named").maxThreads(4).adaptiveLimit(AdaptiveLimit.vegas().ceiling(1)))
        .build();
    BlockingAdapter adapter = runtime.adapter("named");
    assertThat(adapter.limitStats()).as("the gated adapter, not the pool behind it").isPresent();
    assertThat(runtime.blocking().limitStats()).as("a fixed adapter").isEmpty();
    Gate gate = new Gate();
    Future<String> running = adapter.call(gate.call("running"));
    gate.awaitEntered(1);
    Future<String> waiting = adapter.call(() -> "waiting");
    // The running call ends within the grace period, but only once shutdown has settled the
    // waiting one: opened any sooner, the gate would let the waiter run, and the test see "waiting".
    Thread opener = new Thread(() -> {
      Polling.await("shutdown settles the waiting call", WAIT, waiting::isDone);
      gate.open();
    });
    opener.start();
    runtime.shutdown(Duration.ofSeconds(5));
    opener.join();
    assertThat(running.join(WAIT)).isEqualTo("running");
    assertThatThrownBy(() -> waiting.join(WAIT)).isInstanceOf(CancellationException.class)
        .hasMessageContaining("never ran");
    assertThat(runtime.metrics().adapters()).filteredOn(stats -> stats.name().equals("named")).hasSize(1);
  }

  @Test
  void aCeilingAboveMaxThreadsIsRefusedAtBuild() {
    assertThatThrownBy(() -> Adapters.boundedPool("too-high").maxThreads(8)
        .adaptiveLimit(AdaptiveLimit.vegas().ceiling(9)).build(weft.runtime()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the adaptive limit's ceiling (9) must not exceed maxThreads (8); raise maxThreads or lower "
            + "the ceiling");
  }
}
