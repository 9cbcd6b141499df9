package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many callers, random cancels and timeouts, a pool small enough to saturate and idle enough to
 * shrink. See {@link ChaosWorkload} for the invariants; bounded at 6 s and 20 000 calls per caller.
 */
class BoundedPoolChaosStressTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-chaos").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .bulkhead(Adapters.boundedPool("chaos").maxThreads(4).maxQueue(16)
            .spinBeforePark(Duration.ZERO).keepAlive(Duration.ofMillis(2)))
        .build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void manyCallersWithRandomCancelsAndTimeoutsLeaveThePoolQuietWithEveryFutureSettledAndCounted()
      throws Exception {
    long calls = new ChaosWorkload(runtime.adapter("chaos"), 6, 20_000, Duration.ofSeconds(6)).runAndCheck();
    assertThat(calls).as("accepted calls within the budget").isGreaterThan(200);
  }
}
