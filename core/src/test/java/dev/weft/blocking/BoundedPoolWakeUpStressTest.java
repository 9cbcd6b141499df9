package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.BoundedPool;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hunts lost wake-ups in the pool's idle stack, spinning/starting counters and park/retire
 * protocol, with {@link WakeUpBursts}. Idle workers park at once ({@code spinBeforePark(0)})
 * unless a test is about spinning.
 *
 * <p>Two kinds of pool, because a short keep-alive hides lost wake-ups: a call stranded by a
 * worker that parked without seeing it is rescued when that worker retires, since retiring looks
 * at the queue. So the parking tests keep workers for an hour, and the retiring tests use a 1 ms
 * keep-alive to race calls against retirement. Each test is bounded at {@link #BUDGET}.
 */
class BoundedPoolWakeUpStressTest {
  private static final Duration BUDGET = Duration.ofMillis(2_500);
  private static final Duration FOREVER = Duration.ofHours(1);
  private static final Duration RETIRE_QUICKLY = Duration.ofMillis(1);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-wake").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .bulkhead(pool("park", 3, Duration.ZERO, FOREVER))
        .bulkhead(pool("spin", 3, Duration.ofNanos(20_000), FOREVER))
        .bulkhead(pool("retire", 3, Duration.ZERO, RETIRE_QUICKLY))
        .bulkhead(pool("eager", 1, Duration.ZERO, FOREVER))
        .bulkhead(pool("eager-retire", 1, Duration.ZERO, RETIRE_QUICKLY))
        .bulkhead(pool("wide", 24, Duration.ZERO, FOREVER))
        .bulkhead(pool("wide-spin", 24, Duration.ofNanos(20_000), FOREVER))
        .build();
  }

  private static AdapterSpec pool(String name, int maxThreads, Duration spin, Duration keepAlive) {
    return Adapters.boundedPool(name).maxThreads(maxThreads).maxQueue(64).spinBeforePark(spin).keepAlive(keepAlive);
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void everyCallOfEveryBurstRunsWhenIdleWorkersParkAtOnce() throws Exception {
    assertThat(WakeUpBursts.run(runtime.adapter("park"), 20_000, BUDGET, 1_500)).as("rounds").isGreaterThan(20);
  }

  @Test
  void everyCallOfEveryBurstRunsWhenIdleWorkersSpinBeforeParking() throws Exception {
    assertThat(WakeUpBursts.run(runtime.adapter("spin"), 20_000, BUDGET, 1_500)).as("rounds").isGreaterThan(20);
  }

  @Test
  void everyCallOfEveryBurstRunsWhenIdleWorkersRetireWithinAMillisecond() throws Exception {
    assertThat(WakeUpBursts.run(runtime.adapter("retire"), 20_000, BUDGET, 1_500)).as("rounds").isGreaterThan(20);
  }

  @Test
  void everyCallOfEveryBurstRunsWhenBurstsStartOrWakeManyWorkers() throws Exception {
    // 24 threads for bursts of 24: submitters start threads side by side, then wake parked workers
    assertThat(WakeUpBursts.run(runtime.adapter("wide"), 20_000, BUDGET, 1_500)).as("rounds").isGreaterThan(20);
  }

  @Test
  void everyCallOfEveryBurstRunsWhenManyWorkersAreWokenWhileOneSpins() throws Exception {
    assertThat(WakeUpBursts.run(runtime.adapter("wide-spin"), 20_000, BUDGET, 1_500)).as("rounds")
        .isGreaterThan(20);
  }

  @Test
  void everyCallOfEveryBurstRunsOnOneCpuWhereNoWorkerSpins() throws Exception {
    BoundedPool oneCpu = BoundedPool.start(runtime, AdapterSettings.builder("one-cpu", AdapterKind.BOUNDED_POOL)
        .maxConcurrency(3).maxQueue(64).keepAlive(FOREVER).availableProcessors(1).build());
    assertThat(WakeUpBursts.run(oneCpu, 20_000, BUDGET, 1_500)).as("rounds").isGreaterThan(20);
    assertThat(oneCpu.spinPolicy().spins()).as("spins on one CPU").isZero();
  }

  @Test
  void aCallerCallingAgainTheMomentItsCallCompletesIsServedByTheWorkerGoingIdle() {
    assertThat(WakeUpBursts.runEager(runtime.adapter("eager"), 1_000_000, BUDGET, 20_000)).as("calls")
        .isGreaterThan(1_000);
  }

  @Test
  void aCallerCallingAgainAroundTheKeepAliveIsServedWhileTheWorkerRetires() {
    assertThat(WakeUpBursts.runEager(runtime.adapter("eager-retire"), 1_000_000, BUDGET, 1_200_000)).as("calls")
        .isGreaterThan(100);
  }
}
