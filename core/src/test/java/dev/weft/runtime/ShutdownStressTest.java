package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.TIMEOUT;
import static dev.weft.runtime.RuntimeTestSupport.liveThreadsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Invariant: while one thread closes the runtime and others keep giving work to all its loops,
 * every call either is accepted and its work runs, or throws {@link RejectedException}; close()
 * returns, every accepted future completes (a timer still pending when the loops stop is
 * cancelled), and no thread of the runtime is left. Bounded: at most {@link #ROUNDS} runtimes
 * within {@link #BUDGET}, every wait bounded by the tests' timeout.
 */
class ShutdownStressTest {
  private static final int ROUNDS = 200;
  private static final Duration BUDGET = Duration.ofSeconds(6);
  private static final int SUBMITTERS = 6;
  private static final int WARM_UP_CALLS = 100; // per submitter, before close() begins
  private static final int REJECTIONS_PER_SUBMITTER = 20; // each keeps calling until refused this often

  @Test
  void everyCallRacingWithCloseIsEitherRunOrRejected() throws Exception {
    long deadline = System.nanoTime() + BUDGET.toNanos();
    int rounds = 0;
    while (rounds < ROUNDS && System.nanoTime() < deadline) {
      // mostly no grace period, where the loops stop fastest and the race is tightest
      new Round(rounds % 4 == 3 ? Duration.ofMillis(50) : Duration.ZERO).run();
      rounds++;
    }
    assertThat(rounds).as("rounds run within %s", BUDGET).isPositive();
  }

  /** One runtime, closed while {@link #SUBMITTERS} threads execute, submit and schedule on it. */
  private static final class Round {
    private final Duration gracePeriod;
    private final String name = RuntimeTestSupport.uniqueName("stress");
    private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final AsyncRuntime runtime;
    private final AtomicLong accepted = new AtomicLong(); // execute() and submit() calls that returned
    private final AtomicLong ran = new AtomicLong(); // their tasks that ran
    private final ConcurrentLinkedQueue<Future<Long>> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Future<Long>> scheduled = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ready = new CountDownLatch(SUBMITTERS);
    private final CountDownLatch closing = new CountDownLatch(1);

    Round(Duration gracePeriod) {
      this.gracePeriod = gracePeriod;
      this.runtime = AsyncRuntime.builder()
          .name(name)
          .loops(3)
          .shutdownGracePeriod(gracePeriod)
          .blockedThreshold(Duration.ofMinutes(1)) // flooded loops lag on purpose
          .unhandledFailureHandler((description, failure) -> unexpected.add(failure))
          .build();
    }

    void run() throws Exception {
      List<Thread> submitters = new ArrayList<>();
      for (int s = 0; s < SUBMITTERS; s++) {
        int first = s;
        Thread submitter = new Thread(() -> submit(first), "stress-submitter-" + s);
        submitters.add(submitter);
        submitter.start();
      }
      assertThat(ready.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("submitters under way").isTrue();
      Thread closer = new Thread(() -> {
        closing.countDown();
        runtime.close();
      }, "stress-closer");
      closer.start();

      closer.join(TIMEOUT.toMillis());
      assertThat(closer.isAlive()).as("close() still running after %s", TIMEOUT).isFalse();
      for (Thread submitter : submitters) {
        submitter.join(TIMEOUT.toMillis());
        assertThat(submitter.isAlive()).as("%s still calling after %s", submitter.getName(), TIMEOUT).isFalse();
      }
      assertThat(unexpected).as("anything but RejectedException thrown or reported").isEmpty();
      assertThat(ran.get()).as("tasks run vs execute()/submit() calls accepted (grace %s)", gracePeriod)
          .isEqualTo(accepted.get());
      assertThat(submitted.stream().filter(future -> !future.isDone()).count())
          .as("futures of accepted submit() calls still pending after close() (grace %s)", gracePeriod)
          .isZero();
      assertThat(scheduled.stream().filter(future -> !future.isDone()).count())
          .as("futures of accepted schedule() calls still pending after close() (grace %s)", gracePeriod)
          .isZero();
      assertThat(liveThreadsOf(name)).as("threads of the runtime after close()").isEmpty();
    }

    private void submit(int first) {
      List<Loop> loops = runtime.loops();
      int rejections = 0;
      for (long call = first; rejections < REJECTIONS_PER_SUBMITTER; call++) {
        if (call == first + WARM_UP_CALLS) {
          // hold, so that every submitter is calling as close() begins, behind a short queue
          ready.countDown();
          await(closing);
        }
        Loop loop = loops.get((int) (call % loops.size()));
        try {
          switch ((int) (call % 3)) {
            case 0:
              loop.execute(ran::incrementAndGet);
              accepted.incrementAndGet();
              break;
            case 1:
              submitted.add(loop.submit(() -> Future.succeeded(ran.incrementAndGet())));
              accepted.incrementAndGet();
              break;
            default:
              // due at once, or pending as the loops stop: then the runtime must cancel it
              scheduled.add(loop.schedule(call % 2 == 0 ? Duration.ZERO : Duration.ofMillis(1), () -> 0L));
              break;
          }
        } catch (RejectedException refused) {
          rejections++;
        } catch (Throwable other) {
          unexpected.add(other);
          return;
        }
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("latch did not open within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
