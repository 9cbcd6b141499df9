package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.metrics.LoopMetrics;
import dev.weft.metrics.RuntimeMetrics;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics snapshot: task counts, loop lag from the watchdog's pings, and loop names. */
class MetricsTest {
  private final CountDownLatch unhandledSeen = new CountDownLatch(3);
  private AsyncRuntime runtime;

  @BeforeEach
  void start() {
    runtime = AsyncRuntime.builder()
        .name(RuntimeTestSupport.uniqueName("metrics"))
        .loops(2)
        .watchdogInterval(Duration.ofMillis(5))
        .blockedThreshold(Duration.ofSeconds(10)) // lag is measured; nothing here is an incident
        .unhandledFailureHandler((description, failure) -> unhandledSeen.countDown())
        .build();
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void tasksRunGrowsByAtLeastTheNumberOfTasksExecuted() throws Exception {
    Loop loop = runtime.loops().get(0);
    long before = loopMetrics(0).tasksRun();
    int tasks = 500;
    CountDownLatch ran = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      loop.execute(ran::countDown);
    }
    assertThat(ran.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("all tasks ran").isTrue();

    assertThat(loopMetrics(0).tasksRun() - before).as("growth of tasksRun after %d tasks", tasks)
        .isGreaterThanOrEqualTo(tasks);
  }

  @Test
  void lagSamplesGrowWhileTheWatchdogRuns() {
    long before = loopMetrics(1).lagSamples();

    Polling.await("5 more lag samples on loop 1", TIMEOUT, () -> loopMetrics(1).lagSamples() >= before + 5);
  }

  @Test
  void lagPercentilesAreOrderedP50P99Max() {
    Polling.await("20 lag samples on loop 0", TIMEOUT, () -> loopMetrics(0).lagSamples() >= 20);

    LoopMetrics metrics = loopMetrics(0);
    assertThat(metrics.lagP50()).as("lagP50 of %s", metrics).isGreaterThanOrEqualTo(Duration.ZERO);
    assertThat(metrics.lagP50()).as("lagP50 vs lagP99 of %s", metrics).isLessThanOrEqualTo(metrics.lagP99());
    assertThat(metrics.lagP99()).as("lagP99 vs lagMax of %s", metrics).isLessThanOrEqualTo(metrics.lagMax());
    assertThat(metrics.lagMax()).as("lagMax of %s", metrics).isPositive();
  }

  @Test
  void perLoopEntriesCarryTheLoopNamesInLoopOrder() {
    RuntimeMetrics metrics = runtime.metrics();

    assertThat(metrics.runtimeName()).as("runtimeName of the snapshot").isEqualTo(runtime.name());
    assertThat(metrics.loops().stream().map(LoopMetrics::name).collect(Collectors.toList()))
        .as("names of the per-loop entries")
        .containsExactlyElementsOf(runtime.loops().stream().map(Loop::name).collect(Collectors.toList()));
  }

  @Test
  void unhandledFailuresAreCounted() throws Exception {
    for (int i = 0; i < 3; i++) {
      runtime.loops().get(0).execute(() -> {
        throw new IllegalStateException("escapes a task");
      });
    }
    assertThat(unhandledSeen.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler saw 3").isTrue();

    assertThat(runtime.metrics().unhandledFailures()).as("unhandled failures counted").isEqualTo(3);
  }

  @Test
  void lagTimingCountsEveryPingAndSumsTheirDelays() {
    Polling.await("20 lag samples on loop 0", TIMEOUT, () -> loopMetrics(0).lagSamples() >= 20);

    LoopMetrics metrics = loopMetrics(0);
    assertThat(metrics.lag().count()).as("lag count vs lagSamples of %s", metrics).isEqualTo(metrics.lagSamples());
    assertThat(metrics.lag().total()).as("summed lag of %s", metrics).isPositive()
        .isGreaterThanOrEqualTo(metrics.lag().recentMax());
    assertThat(metrics.lag().recentCount()).as("pings of the last minute").isPositive()
        .isLessThanOrEqualTo(metrics.lag().count());
  }

  private LoopMetrics loopMetrics(int index) {
    return runtime.metrics().loops().get(index);
  }
}
