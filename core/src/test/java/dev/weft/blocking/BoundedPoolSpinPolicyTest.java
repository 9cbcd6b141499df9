package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.BoundedPool;
import dev.weft.internal.blocking.SpinPolicy;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spin only where it pays (issue 13): with one available CPU no idle worker spins, whatever
 * spinBeforePark says; with two, one spins while calls come within the spin, and idle workers stop
 * spinning once spins keep ending empty. The CPU count is given to the pool, so these run the same
 * on any machine.
 */
class BoundedPoolSpinPolicyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration LONG_SPIN = Duration.ofMillis(5); // any spin would surely be seen

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("bt-spin");

  private static BoundedPool pool(String name, int cpus, Duration spin) {
    return BoundedPool.start(weft.runtime(), AdapterSettings.builder(name, AdapterKind.BOUNDED_POOL)
        .maxConcurrency(4).maxQueue(64).spinBeforePark(spin).availableProcessors(cpus).build());
  }

  /** Round trips from a loop, each call submitted as soon as the last completed, then a few bursts. */
  private static int handOffs(BlockingAdapter pool) throws Exception {
    CompletableFuture<Integer> chained = new CompletableFuture<>();
    weft.loop(0).execute(() -> chain(pool, 500, chained));
    int calls = chained.get(30, TimeUnit.SECONDS);
    for (int burst = 0; burst < 20; burst++) {
      List<dev.weft.future.Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int value = i;
        futures.add(pool.call(() -> value));
      }
      for (dev.weft.future.Future<Integer> future : futures) {
        future.join(WAIT);
        calls++;
      }
    }
    return calls;
  }

  private static void chain(BlockingAdapter pool, int left, CompletableFuture<Integer> done) {
    if (left == 0) {
      done.complete(500);
      return;
    }
    pool.call(() -> left).onComplete((value, failure) -> {
      if (failure != null) {
        done.completeExceptionally(failure);
      } else {
        chain(pool, left - 1, done);
      }
    });
  }

  @Test
  void withOneAvailableCpuNoWorkerSpins() throws Exception {
    BoundedPool pool = pool("one-cpu", 1, LONG_SPIN);
    assertThat(pool.spinPolicy().maxSpinners()).as("spinners allowed on one CPU").isZero();
    assertThat(pool.spinPolicy().window()).as("spin window on one CPU").isZero();

    assertThat(handOffs(pool)).as("calls").isEqualTo(660);
    assertThat(pool.spinPolicy().spins()).as("spins on one CPU, with spinBeforePark(%s)", LONG_SPIN).isZero();
  }

  @Test
  void withTwoCpusAnIdleWorkerSpins() throws Exception {
    // The counterpart of the test above, so that it cannot pass for want of counting: the same
    // calls on two CPUs do spin. (How often depends on the machine: a spinner preempted by other
    // work closes the window, by design; but the window is open at start, so the first idle worker
    // spins.)
    BoundedPool pool = pool("two-cpus", 2, LONG_SPIN);
    assertThat(pool.spinPolicy().maxSpinners()).as("spinners allowed on two CPUs").isEqualTo(1);

    handOffs(pool);
    assertThat(pool.spinPolicy().spins()).as("spins while a loop calls back to back").isPositive();
  }

  @Test
  void spinsThatKeepEndingEmptyStopTheSpinningAndBackToBackCallsResumeIt() throws Exception {
    BoundedPool pool = pool("adaptive", 2, LONG_SPIN);
    SpinPolicy policy = pool.spinPolicy();
    assertThat(policy.window()).as("the window at start: spinBeforePark").isEqualTo(LONG_SPIN.toNanos());

    // Calls that come well after a spin would have given up: each spin ends empty and halves the
    // window; below an eighth of spinBeforePark it closes (5 ms, 2.5, 1.25, 0.625, then 0). A spin
    // preempted on a busy machine closes it at once, even one that caught the next call: the wait
    // below ends when the worker's spin has begun (the count grows as it begins) or the window is
    // closed, since a closed window means no spin comes.
    for (int call = 0; call < 4 && policy.window() > 0; call++) {
      long emptyBefore = emptySpins(policy);
      pool.call(() -> 1).join(WAIT);
      Polling.await("the spin after call " + call + " begins, or the window closes", WAIT,
          () -> emptySpins(policy) > emptyBefore || policy.window() == 0, () -> "window " + policy.window() + " ns, "
              + policy.spins() + " spins, " + policy.spinsThatFoundWork() + " found work, " + policy.spinsPreempted()
              + " preempted");
      callLaterThanASpinWouldWait();
    }
    assertThat(policy.window()).as("window after 4 spins that found nothing (%d preempted)", policy.spinsPreempted())
        .isZero();
    long spinsWhenClosed = policy.spins();
    for (int call = 0; call < 5; call++) {
      pool.call(() -> 1).join(WAIT);
      // From the moment the workers park: a worker preempted between completing the call and going
      // idle would otherwise be woken less than spinBeforePark after, which rightly reopens the window.
      awaitWorkersParked("bt-spin-adaptive-");
      callLaterThanASpinWouldWait();
    }
    assertThat(policy.spins()).as("spins while calls keep coming later than a spin would wait")
        .isEqualTo(spinsWhenClosed);

    // A parked worker woken within spinBeforePark of going idle shows that a spin would have caught
    // its call: calls from a loop, back to back, open the window again.
    handOffs(pool);
    assertThat(policy.spins()).as("spins once calls come back to back").isGreaterThan(spinsWhenClosed);
  }

  /** Waits until each of the pool's workers (threads named with this prefix) is parked. */
  private static void awaitWorkersParked(String threadNamePrefix) {
    Polling.await("the pool's workers park", WAIT, () -> {
      List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> thread.getName().startsWith(threadNamePrefix)).toList();
      return !workers.isEmpty() && workers.stream().allMatch(worker -> worker.getState() == Thread.State.TIMED_WAITING);
    });
  }

  private static long emptySpins(SpinPolicy policy) {
    return policy.spins() - policy.spinsThatFoundWork();
  }

  /**
   * Lets twice spinBeforePark pass before the next call: the input of the test (calls that come
   * rarely), not a wait for an outcome.
   */
  private static void callLaterThanASpinWouldWait() {
    long until = System.nanoTime() + 2 * LONG_SPIN.toNanos();
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }
}
