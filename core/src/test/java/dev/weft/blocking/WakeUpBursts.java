package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rounds of simultaneous bursts of calls from several threads, to catch lost wake-ups.
 *
 * <p>Invariant: every accepted call runs. A lost wake-up leaves a call waiting with no thread
 * coming for it; since nothing is submitted after a round's burst, nothing else would rescue it,
 * so the round's futures would not complete within the round's timeout. Between bursts (and in the
 * middle of each) submitters pause for a random time around the keep-alive, so bursts meet threads
 * that are spinning, parking, being signalled, retiring and starting.
 *
 * <p>Bounded: at most {@code maxRounds} rounds or {@code budget}, whichever ends first.
 */
final class WakeUpBursts {
  private static final int SUBMITTERS = 4;
  private static final int CALLS_PER_SUBMITTER = 6;

  private WakeUpBursts() {}

  /** Runs the rounds; returns how many ran. */
  static int run(BlockingAdapter adapter, int maxRounds, Duration budget, int maxPauseMicros) throws Exception {
    ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      CyclicBarrier start = new CyclicBarrier(SUBMITTERS);
      long deadline = System.nanoTime() + budget.toNanos();
      int rounds = 0;
      long calls = 0;
      while (rounds < maxRounds && System.nanoTime() - deadline < 0) {
        rounds++;
        List<Callable<List<Future<Integer>>>> bursts = new ArrayList<>();
        for (int s = 0; s < SUBMITTERS; s++) {
          int pauseMicros = ThreadLocalRandom.current().nextInt(0, maxPauseMicros);
          bursts.add(() -> burst(adapter, start, pauseMicros));
        }
        for (java.util.concurrent.Future<List<Future<Integer>>> burst
            : submitters.invokeAll(bursts, 10, TimeUnit.SECONDS)) {
          for (Future<Integer> call : burst.get()) {
            try {
              call.join(Duration.ofSeconds(5));
            } catch (TimeoutException lost) {
              throw new AssertionError("round " + rounds + ": a call was accepted but never ran (lost wake-up); "
                  + adapter.stats(), lost);
            }
            calls++;
          }
        }
      }
      AdapterStats stats = Await.quiet(adapter);
      assertThat(stats.completed()).as("every call completed").isEqualTo(calls);
      assertThat(stats.rejected()).as("no burst exceeds the adapter's bounds").isZero();
      return rounds;
    } finally {
      submitters.shutdownNow();
    }
  }

  private static List<Future<Integer>> burst(BlockingAdapter adapter, CyclicBarrier start, int pauseMicros)
      throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    start.await(5, TimeUnit.SECONDS);
    for (int i = 0; i < CALLS_PER_SUBMITTER; i++) {
      int n = i;
      calls.add(adapter.call(() -> n));
      if (i == CALLS_PER_SUBMITTER / 2) {
        spinMicros(pauseMicros);
      }
    }
    spinMicros(pauseMicros);
    return calls;
  }

  /**
   * One caller that calls again the instant its previous call completes (it spins on isDone),
   * after a random delay of up to {@code maxDelayNanos}: the next call lands anywhere on the
   * worker's way from finishing, through publishing itself idle and parking, to retiring. With
   * one caller, nothing else would rescue a call whose wake-up was lost.
   *
   * @return how many calls ran
   */
  static int runEager(BlockingAdapter adapter, int maxCalls, Duration budget, long maxDelayNanos) {
    long deadline = System.nanoTime() + budget.toNanos();
    int calls = 0;
    while (calls < maxCalls && System.nanoTime() - deadline < 0) {
      Future<Integer> call = adapter.call(() -> 1);
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!call.isDone()) {
        if (System.nanoTime() - giveUp > 0) {
          throw new AssertionError("call " + calls + " was accepted but never ran (lost wake-up); " + adapter.stats());
        }
        Thread.onSpinWait();
      }
      calls++;
      spinNanos(ThreadLocalRandom.current().nextLong(0, maxDelayNanos));
    }
    assertThat(Await.quiet(adapter).completed()).as("every call completed").isEqualTo(calls);
    return calls;
  }

  /**
   * As many callers as the adapter's bound (running + queued), each calling again the instant its
   * previous call completes: at most that many calls are ever in flight, and a call frees its slot
   * before its future completes, so none may be refused. The next call often lands while a thread
   * holds a permit on its way to a queued call: a count that held that call twice would refuse it.
   *
   * @return how many calls ran
   */
  static int runEagerCallers(BlockingAdapter adapter, int callers, Duration budget) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    try {
      long deadline = System.nanoTime() + budget.toNanos();
      List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(threads.submit(() -> {
          int calls = 0;
          while (System.nanoTime() - deadline < 0) {
            Future<Integer> call = adapter.call(() -> 1);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!call.isDone()) {
              if (System.nanoTime() - giveUp > 0) {
                throw new AssertionError("call " + calls + " was accepted but never ran; " + adapter.stats());
              }
              Thread.onSpinWait();
            }
            if (call.isFailed()) {
              throw new AssertionError("call " + calls + " was refused with at most " + callers
                  + " calls in flight, the adapter's bound", call.failureNow());
            }
            calls++;
          }
          return calls;
        }));
      }
      int calls = 0;
      for (java.util.concurrent.Future<Integer> result : results) {
        calls += result.get(budget.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      }
      assertThat(Await.quiet(adapter).rejected()).as("rejected").isZero();
      return calls;
    } finally {
      threads.shutdownNow();
    }
  }

  private static void spinNanos(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }

  private static void spinMicros(int micros) {
    long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }
}
