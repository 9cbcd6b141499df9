package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * The virtual-thread adapter's permits and wait queue under {@link WakeUpBursts} (every waiting
 * call gets a thread: permit release vs. queueing) and {@link ChaosWorkload} (outcomes counted once,
 * quiet at the end). Each test is bounded at a few seconds.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadStressTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-vt-stress").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .bulkhead(Adapters.virtualThreads("bursts").maxConcurrency(3).maxQueue(64))
        .bulkhead(Adapters.virtualThreads("eager").maxConcurrency(1).maxQueue(4))
        .bulkhead(Adapters.virtualThreads("chaos").maxConcurrency(4).maxQueue(16))
        .bulkhead(Adapters.virtualThreads("full").maxConcurrency(1).maxQueue(1))
        .build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void everyWaitingCallOfEveryBurstGetsAVirtualThread() throws Exception {
    assertThat(WakeUpBursts.run(runtime.adapter("bursts"), 20_000, Duration.ofMillis(2_500), 1_500))
        .as("rounds").isGreaterThan(20);
  }

  @Test
  void aCallerCallingAgainTheMomentItsCallCompletesIsAlwaysServed() {
    assertThat(WakeUpBursts.runEager(runtime.adapter("eager"), 1_000_000, Duration.ofMillis(2_500), 20_000))
        .as("calls").isGreaterThan(1_000);
  }

  @Test
  void asManyEagerCallersAsTheBoundAreNeverRefused() throws Exception {
    assertThat(WakeUpBursts.runEagerCallers(runtime.adapter("full"), 2, Duration.ofMillis(2_500)))
        .as("calls").isGreaterThan(1_000);
  }

  @Test
  void manyCallersWithRandomCancelsAndTimeoutsLeaveTheAdapterQuietWithEveryFutureSettledAndCounted()
      throws Exception {
    long calls = new ChaosWorkload(runtime.adapter("chaos"), 6, 20_000, Duration.ofSeconds(4)).runAndCheck();
    assertThat(calls).as("accepted calls within the budget").isGreaterThan(200);
  }
}
