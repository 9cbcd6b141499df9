package dev.weft.blocking;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spinning worker that takes the first of two calls offered back to back must wake another
 * worker for the second: if the second waited for the first to finish, a first call that waits on
 * the second (or is just long) would strand it. Found by a CI run of AsyncProxyTest, where it took
 * the second call's full wait to show; here each round makes the race likely: a worker has just
 * finished a call and spins (10 ms) when both calls arrive.
 */
class BoundedPoolSpinnerHandOffTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aSpinnerTakingOneOfTwoCallsWakesAWorkerForTheOther() throws Exception {
    try (AsyncRuntime runtime = AsyncRuntime.builder().name("bt-handoff").loops(1)
        .bulkhead(Adapters.boundedPool("pair").maxThreads(2).maxQueue(0).spinBeforePark(Duration.ofMillis(10)))
        .build()) {
      BlockingAdapter pool = runtime.adapter("pair");
      for (int round = 0; round < 300; round++) {
        int warmUp = round;
        pool.call(() -> warmUp).join(); // a worker ends this call and spins
        Gate gate = new Gate();
        Future<String> first = pool.call(gate.call("first"));
        Future<String> second = pool.call(gate.call("second"));
        gate.awaitEntered(2); // both must run at once: the pool has two threads for them
        gate.open();
        first.join(Duration.ofSeconds(5));
        second.join(Duration.ofSeconds(5));
      }
    }
  }
}
