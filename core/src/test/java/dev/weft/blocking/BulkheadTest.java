package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Named adapters are bulkheads: each has its own bounds, so one saturated cannot starve another. */
class BulkheadTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-bulk").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .bulkhead(Adapters.boundedPool("slow").maxThreads(2).maxQueue(2))
        .bulkhead(Adapters.boundedPool("fast").maxThreads(2).maxQueue(2))
        .build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void aSaturatedBulkheadDoesNotStarveAnother() throws Exception {
    BlockingAdapter slow = runtime.adapter("slow");
    BlockingAdapter fast = runtime.adapter("fast");
    Gate gate = new Gate();
    List<Future<String>> stuck = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stuck.add(slow.call(gate.call("slow")));
    }
    gate.awaitEntered(2);
    assertThatThrownBy(() -> slow.call(() -> "one more").join(Duration.ZERO)).as("the slow bulkhead is saturated")
        .isInstanceOf(RejectedException.class).hasMessageContaining("'slow'");

    for (int i = 0; i < 10; i++) {
      assertThat(fast.call(() -> Thread.currentThread().getName()).join(WAIT))
          .as("fast answers on its own threads while slow is saturated").startsWith("bt-bulk-fast-");
    }
    gate.open();
    for (Future<String> call : stuck) {
      call.join(WAIT);
    }
  }

  @Test
  void eachBulkheadHasItsOwnBounds() {
    AdapterStats slow = runtime.adapter("slow").stats();
    assertThat(slow.name()).as("name").isEqualTo("slow");
    assertThat(slow.kind()).as("kind").isEqualTo("bounded-pool");
    assertThat(slow.maxConcurrency()).as("maxConcurrency").isEqualTo(2);
    assertThat(slow.maxQueue()).as("maxQueue").isEqualTo(2);
  }

  @Test
  void theDefaultAdapterIsABoundedPoolNamedBlocking() {
    AdapterStats blocking = runtime.blocking().stats();
    assertThat(blocking.name()).as("name").isEqualTo("blocking");
    assertThat(blocking.kind()).as("kind").isEqualTo("bounded-pool");
    assertThat(blocking.maxConcurrency()).as("default maxThreads").isEqualTo(64);
    assertThat(blocking.maxQueue()).as("default maxQueue").isEqualTo(1_000);
    assertThat(runtime.adapter("blocking")).as("found by name").isSameAs(runtime.blocking());
  }

  @Test
  void theRuntimeListsItsAdaptersInItsMetricsDefaultFirst() {
    List<String> names = runtime.metrics().adapters().stream().map(AdapterStats::name).collect(Collectors.toList());
    assertThat(names).as("adapters in the runtime's metrics").startsWith("blocking", "slow", "fast");
  }

  @Test
  void anUnknownNameFailsListingTheNamesThereAre() {
    assertThatThrownBy(() -> runtime.adapter("payments")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no adapter named 'payments'")
        .hasMessageContaining("[blocking, slow, fast");
  }

  @Test
  void anAdapterBuiltOnTheRuntimeBecomesABulkheadOfIt() throws Exception {
    BlockingAdapter late = Adapters.boundedPool("late").maxThreads(1).build(runtime);
    assertThat(runtime.adapter("late")).as("found by name").isSameAs(late);
    assertThat(late.call(() -> Thread.currentThread().getName()).join(WAIT)).startsWith("bt-bulk-late-");
    assertThatThrownBy(() -> Adapters.boundedPool("late").build(runtime)).as("a second adapter named 'late'")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has an adapter named 'late'");
  }

  @Test
  void bulkheadNamesMustBeUnique() {
    assertThatThrownBy(() -> AsyncRuntime.builder().bulkhead(Adapters.boundedPool("db"))
        .bulkhead(Adapters.boundedPool("db")).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'db' is used twice");
  }

  @Test
  void theBuilderCanReplaceTheDefaultAdapter() throws Exception {
    try (AsyncRuntime custom = AsyncRuntime.builder().name("bt-bulk-default").loops(1)
        .blockingAdapter(Adapters.boundedPool("io").maxThreads(3)).build()) {
      assertThat(custom.blocking().name()).as("default adapter").isEqualTo("io");
      assertThat(custom.blocking().stats().maxConcurrency()).as("its maxThreads").isEqualTo(3);
      assertThat(custom.blocking().call(() -> "ok").join(WAIT)).isEqualTo("ok");
    }
  }
}
