package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.internal.blocking.AdapterKind;
import dev.weft.internal.blocking.AdapterSettings;
import dev.weft.internal.blocking.ScriptedThreadStarts;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adapters whose thread starts fail one time in two, as when a container is at its pids limit:
 * under the chaos workload ({@link ChaosWorkload}: random cancels, timeouts, failures, saturation)
 * and under bursts onto a pool whose threads have all retired (where a failed start can leave no
 * worker at all), every future still settles - run, or refused for want of a thread - every
 * outcome is counted once, and the whole bound is free at the end. Each bounded at about 4 s.
 */
class ThreadStartFailureStressTest {
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("tsf-stress").loops(2).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  /** While on, fails every other start, the first included (so every run has failures); counts them. */
  private static final class FlakyStarts {
    volatile boolean on = true;
    final AtomicInteger tried = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    boolean failsNow() {
      if (on && tried.getAndIncrement() % 2 == 0) {
        failed.incrementAndGet();
        return true;
      }
      return false;
    }

    /** Fails, when it is this start's turn, as the JVM does when it has no thread to give. */
    void failIfDue() {
      if (failsNow()) {
        throw new OutOfMemoryError("unable to create native thread");
      }
    }

    /** The pool's thread starter. */
    void start(Thread thread) {
      failIfDue();
      thread.start();
    }
  }

  @Test
  void aPoolWhoseThreadStartsFailSettlesEveryCallAndEndsWithItsWholeBoundFree() throws Exception {
    FlakyStarts starts = new FlakyStarts();
    // keepAlive of 2 ms: workers retire between bursts, so threads start (and fail) all the time
    AdapterSettings settings = AdapterSettings.builder("flaky-pool", AdapterKind.BOUNDED_POOL).maxConcurrency(4)
        .maxQueue(16).spinBeforePark(Duration.ZERO).keepAlive(Duration.ofMillis(2)).build();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, settings, starts::start);

    long calls = new ChaosWorkload(adapter, 3, 20_000, Duration.ofSeconds(4))
        .withFailingThreadStarts(() -> starts.on = false).runAndCheck();

    assertThat(calls).as("accepted calls within the budget").isGreaterThan(200);
    assertThat(starts.failed.get()).as("thread starts that failed").isGreaterThan(0);
  }

  @Test
  void burstsOntoAPoolWithNoThreadLeftAreRunOrRefusedNeverStranded() throws Exception {
    FlakyStarts starts = new FlakyStarts();
    AdapterSettings settings = AdapterSettings.builder("flaky-bursts", AdapterKind.BOUNDED_POOL).maxConcurrency(4)
        .maxQueue(8).spinBeforePark(Duration.ZERO).keepAlive(Duration.ofMillis(1)).build();
    BlockingAdapter adapter = ScriptedThreadStarts.boundedPool(runtime, settings, starts::start);
    int submitters = 3;
    int callsEach = 4; // 12 calls: the bound, so only a failed start refuses one
    ExecutorService pool = Executors.newFixedThreadPool(submitters);
    long ran = 0;
    long refused = 0;
    int rounds = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() - deadline < 0 && rounds < 1_000) {
        rounds++;
        Polling.await("the pool's threads have retired", Duration.ofSeconds(5), () -> adapter.stats().threads() == 0,
            adapter::stats);
        CyclicBarrier together = new CyclicBarrier(submitters);
        List<java.util.concurrent.Future<List<Future<Integer>>>> burst = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
          burst.add(pool.submit(() -> {
            together.await(5, TimeUnit.SECONDS);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int c = 0; c < callsEach; c++) {
              int micros = ThreadLocalRandom.current().nextInt(200);
              calls.add(adapter.call(() -> {
                TimeUnit.MICROSECONDS.sleep(micros);
                return micros;
              }));
            }
            return calls;
          }));
        }
        for (java.util.concurrent.Future<List<Future<Integer>>> submitted : burst) {
          for (Future<Integer> call : submitted.get(10, TimeUnit.SECONDS)) {
            try {
              call.join(Duration.ofSeconds(10)); // a stranded call times out here
              ran++;
            } catch (RejectedException refusal) {
              assertThat(refusal).as("refused only for want of a thread").hasCauseInstanceOf(OutOfMemoryError.class);
              refused++;
            }
          }
        }
      }
    } finally {
      pool.shutdownNow();
      starts.on = false;
    }

    assertThat(starts.failed.get()).as("thread starts that failed").isGreaterThan(0);
    assertThat(refused).as("calls refused for want of a thread, over %d rounds", rounds).isGreaterThan(0);
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.completed()).as("completed").isEqualTo(ran);
    assertThat(stats.rejected() + stats.cancelled()).as("refused, as submitted or after").isEqualTo(refused);
    WholeBound.assertFree(adapter);
  }

  @Test
  void aVirtualThreadAdapterWhoseThreadStartsFailSettlesEveryCallAndEndsWithItsWholeBoundFree() throws Exception {
    FlakyStarts starts = new FlakyStarts();
    AdapterSettings settings = AdapterSettings.builder("flaky-vt", AdapterKind.VIRTUAL_THREADS).maxConcurrency(4)
        .maxQueue(16).build();
    BlockingAdapter adapter = ScriptedThreadStarts.virtualThreads(runtime, settings, starts::failIfDue);

    long calls = new ChaosWorkload(adapter, 3, 20_000, Duration.ofSeconds(4))
        .withFailingThreadStarts(() -> starts.on = false).runAndCheck();

    assertThat(calls).as("accepted calls within the budget").isGreaterThan(200);
    assertThat(starts.failed.get()).as("thread starts that failed").isGreaterThan(0);
  }
}
