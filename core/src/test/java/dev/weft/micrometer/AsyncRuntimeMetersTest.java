package dev.weft.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import dev.weft.testing.Polling;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Micrometer binding reads Weft's own counters: values match the runtime's snapshot. */
class AsyncRuntimeMetersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final AsyncRuntime runtime = AsyncRuntime.builder().name("meters").loops(1)
      .bulkhead(Adapters.boundedPool("dao").maxThreads(2).maxQueue(4))
      .unhandledFailureHandler((description, failure) -> { })
      .build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void adapterCallsByOutcomeAndTheirTimingsAreBound() throws Exception {
    new AsyncRuntimeMeters(runtime).bindTo(registry);
    BlockingAdapter dao = runtime.adapter("dao");
    for (int i = 0; i < 4; i++) {
      dao.call(() -> "row").join(TIMEOUT);
    }
    assertThatThrownBy(() -> dao.call(() -> {
      throw new IllegalStateException("expected by the test");
    }).join(TIMEOUT)).isInstanceOf(IllegalStateException.class);
    // An outcome is counted just after its future completes, and the snapshot is cached for 100 ms:
    // wait until all five are counted, then check each figure.
    Polling.await("all five outcomes counted", TIMEOUT, () -> counter("completed") + counter("failed") == 5,
        () -> "completed " + counter("completed") + ", failed " + counter("failed"));

    assertThat(counter("completed")).as("completed calls").isEqualTo(4);
    assertThat(counter("failed")).as("failed calls").isEqualTo(1);
    assertThat(counter("rejected")).as("rejected calls").isZero();
    FunctionTimer runTime = registry.get("weft.adapter.run.time").tags("adapter", "dao").functionTimer();
    assertThat(runTime.count()).as("run-time count").isEqualTo(5);
    // Micrometer stores the sum in its base unit (seconds) and converts back: a double round trip
    // that may be off by a fraction of a nanosecond, never by more.
    assertThat(runTime.totalTime(TimeUnit.NANOSECONDS)).as("run-time sum, nanoseconds")
        .isCloseTo((double) runtime.adapter("dao").stats().runTime().total().toNanos(), within(1.0));
    assertThat(registry.get("weft.adapter.run.time.recent").tags("adapter", "dao", "stat", "max").gauge().value())
        .as("recent max, seconds").isPositive().isLessThan(TIMEOUT.toSeconds());
    assertThat(registry.get("weft.adapter.max.concurrency").tags("adapter", "dao").gauge().value()).isEqualTo(2);
  }

  @Test
  void unhandledFailuresAndLoopsAreBound() {
    new AsyncRuntimeMeters(runtime).bindTo(registry);
    runtime.loops().get(0).execute(() -> {
      throw new IllegalStateException("expected by the test");
    });

    Polling.await("the unhandled failure is counted", TIMEOUT,
        () -> registry.get("weft.unhandled.failures").tags("runtime", "meters").functionCounter().count() == 1);
    Polling.await("the loop's lag is timed", TIMEOUT,
        () -> registry.get("weft.loop.lag").tags("loop", "meters-loop-0").functionTimer().count() > 0);
    assertThat(registry.get("weft.loop.tasks").tags("loop", "meters-loop-0").functionCounter().count())
        .as("tasks run").isPositive();
  }

  @Test
  void anAdapterWithAnAdaptiveLimitShowsTheLimitAndAFixedOneDoesNot() {
    try (AsyncRuntime limited = AsyncRuntime.builder().name("limited").loops(1)
        .bulkhead(Adapters.boundedPool("legacy").maxThreads(16).maxQueue(4)
            .adaptiveLimit(AdaptiveLimit.vegas().floor(2)))
        .bulkhead(Adapters.boundedPool("fixed").maxThreads(2))
        .build()) {
      new AsyncRuntimeMeters(limited).bindTo(registry);
      LimitStats stats = limited.adapter("legacy").limitStats().orElseThrow();

      assertThat(registry.get("weft.limit.current").tags("adapter", "legacy").gauge().value())
          .as("the limit now").isEqualTo(stats.limit());
      assertThat(registry.get("weft.limit.floor").tags("adapter", "legacy").gauge().value()).isEqualTo(2);
      assertThat(registry.get("weft.limit.ceiling").tags("adapter", "legacy").gauge().value())
          .as("the ceiling is maxThreads").isEqualTo(16);
      assertThat(registry.get("weft.limit.changes").tags("adapter", "legacy", "direction", "increase")
          .functionCounter().count()).isEqualTo(stats.increases());
      assertThat(registry.find("weft.limit.current").tags("adapter", "fixed").gauge())
          .as("a fixed bulkhead has no limit meters").isNull();
    }
  }

  @Test
  void theMetersKeepReadingTheRuntimeAfterTheBinderIsCollected() throws Exception {
    new AsyncRuntimeMeters(runtime).bindTo(registry); // bound and dropped, as users do
    WeakReference<Object> collected = new WeakReference<>(new Object());
    Polling.awaitWithGc("a collection", TIMEOUT, () -> collected.get() == null);
    System.gc(); // Micrometer holds a meter's state weakly: it must not have been the binder's only reference

    runtime.adapter("dao").call(() -> "row").join(TIMEOUT);

    Polling.await("the counter reads the runtime still", TIMEOUT, () -> counter("completed") == 1);
    assertThat(registry.get("weft.adapter.max.concurrency").tags("adapter", "dao").gauge().value())
        .as("a gauge, not NaN").isEqualTo(2);
  }

  private double counter(String outcome) {
    return registry.get("weft.adapter.calls").tags("adapter", "dao", "outcome", outcome).functionCounter().count();
  }
}
