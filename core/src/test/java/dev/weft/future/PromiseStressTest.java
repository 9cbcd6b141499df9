package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Races on one promise from several threads (plain threads and another loop), each test bounded
 * by a number of rounds and a time budget. Each states its invariant and checks it every round.
 */
class PromiseStressTest {
  private static final int MAX_ROUNDS = 20_000;
  private static final Duration BUDGET = Duration.ofSeconds(2); // per test; stops early, never fails for it
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-stress");
  private static Loop home;
  private static Loop otherLoop;
  private static Thread homeThread;
  private static ExecutorService plainThreads;

  @BeforeAll
  static void openRuntime() throws Exception {
    home = weft.loop(0);
    otherLoop = weft.loop(1);
    homeThread = Loops.threadOf(home);
    plainThreads = Executors.newFixedThreadPool(4, task -> {
      Thread thread = new Thread(task, "stress-racer");
      thread.setDaemon(true);
      return thread;
    });
  }

  @AfterAll
  static void closeRuntime() throws InterruptedException {
    plainThreads.shutdownNow();
    plainThreads.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Runs each action on its executor, all released together by a barrier; returns when all have run. */
  private static void race(List<Executor> executors, List<Runnable> actions) throws Exception {
    CyclicBarrier start = new CyclicBarrier(actions.size());
    CountDownLatch finished = new CountDownLatch(actions.size());
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int i = 0; i < actions.size(); i++) {
      Runnable action = actions.get(i);
      executors.get(i).execute(() -> {
        try {
          start.await(10, TimeUnit.SECONDS);
          action.run();
        } catch (InterruptedException | BrokenBarrierException | TimeoutException | RuntimeException | Error e) {
          failed.compareAndSet(null, e);
        } finally {
          finished.countDown();
        }
      });
    }
    if (!finished.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("racers did not finish");
    }
    if (failed.get() != null) {
      throw new AssertionError("a racer failed", failed.get());
    }
  }

  private static boolean withinBudget(long startNanos, int round) {
    return round < MAX_ROUNDS && System.nanoTime() - startNanos < BUDGET.toNanos();
  }

  private static final Executor PLAIN = command -> plainThreads.execute(command);

  /**
   * Invariant: of complete, fail and cancel racing from two plain threads and another loop, exactly
   * one returns true; the promise holds that one's outcome; every callback registered before the
   * race runs exactly once, on the home loop, with that outcome; cancel hooks ran exactly once if
   * cancel won and never otherwise.
   */
  @Test
  void exactlyOneOfCompleteFailAndCancelWinsAndEveryCallbackSeesIt() throws Exception {
    long start = System.nanoTime();
    int round = 0;
    for (; withinBudget(start, round); round++) {
      Promise<Integer> promise = home.newPromise();
      IOException failure = new IOException("round " + round);
      int callbacks = 3;
      AtomicIntegerArray runs = new AtomicIntegerArray(callbacks);
      List<Object> outcomes = new ArrayList<>(List.of("none", "none", "none"));
      List<Thread> threads = new ArrayList<>(List.of(Thread.currentThread(), Thread.currentThread(),
          Thread.currentThread()));
      CountDownLatch allRan = new CountDownLatch(callbacks);
      for (int i = 0; i < callbacks; i++) {
        int index = i;
        promise.onComplete((value, thrown) -> {
          runs.incrementAndGet(index);
          synchronized (outcomes) {
            outcomes.set(index, thrown != null ? thrown : value);
            threads.set(index, Thread.currentThread());
          }
          allRan.countDown();
        });
      }
      AtomicInteger hookRuns = new AtomicInteger();
      promise.onCancel(hookRuns::incrementAndGet);
      AtomicBoolean completed = new AtomicBoolean();
      AtomicBoolean failed = new AtomicBoolean();
      AtomicBoolean cancelled = new AtomicBoolean();
      int value = round;

      race(List.of(PLAIN, PLAIN, otherLoop::execute), List.of(
          () -> completed.set(promise.complete(value)),
          () -> failed.set(promise.fail(failure)),
          () -> cancelled.set(promise.cancel())));

      int winners = (completed.get() ? 1 : 0) + (failed.get() ? 1 : 0) + (cancelled.get() ? 1 : 0);
      assertThat(winners).as("round %d: how many of complete/fail/cancel returned true", round).isEqualTo(1);
      assertThat(allRan.await(10, TimeUnit.SECONDS)).as("round %d: every callback ran", round).isTrue();
      Loops.runOn(home, () -> {}); // a duplicate delivery would be queued before this
      for (int i = 0; i < callbacks; i++) {
        assertThat(runs.get(i)).as("round %d: runs of callback %d", round, i).isEqualTo(1);
      }
      synchronized (outcomes) {
        assertThat(threads).as("round %d: threads the callbacks ran on", round).containsOnly(homeThread);
        if (completed.get()) {
          assertThat(promise.resultNow()).as("round %d: the result when complete won", round).isEqualTo(value);
          assertThat(outcomes).as("round %d: outcomes seen when complete won", round).containsOnly(value);
        } else if (failed.get()) {
          assertThat(promise.failureNow()).as("round %d: the failure when fail won", round).isSameAs(failure);
          assertThat(outcomes).as("round %d: outcomes seen when fail won", round).containsOnly(failure);
        } else {
          assertThat(promise.isCancelled()).as("round %d: isCancelled when cancel won", round).isTrue();
          assertThat(outcomes).as("round %d: outcomes seen when cancel won", round)
              .containsOnly(promise.failureNow());
        }
      }
      assertThat(hookRuns.get()).as("round %d: cancel hook runs (cancel won: %s)", round, cancelled.get())
          .isEqualTo(cancelled.get() ? 1 : 0);
    }
    assertThat(round).as("rounds run").isPositive();
  }

  /**
   * Invariant: callbacks that three threads add for as long as a fourth is completing the promise
   * each run exactly once, on the home loop, and each adder's callbacks run in the order it added
   * them.
   */
  @Test
  void callbacksAddedConcurrentlyWithCompletionRunExactlyOnceInEachAddersOrder() throws Exception {
    int adders = 3;
    long start = System.nanoTime();
    int round = 0;
    for (; withinBudget(start, round); round++) {
      Promise<Integer> promise = home.newPromise();
      AtomicInteger registered = new AtomicInteger();
      AtomicInteger runs = new AtomicInteger();
      List<ConcurrentLinkedQueue<Integer>> orders = new ArrayList<>();
      List<AtomicInteger> addedCounts = new ArrayList<>();
      ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
      List<Runnable> actions = new ArrayList<>();
      for (int a = 0; a < adders; a++) {
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        orders.add(order);
        AtomicInteger added = new AtomicInteger();
        addedCounts.add(added);
        actions.add(() -> addUntilDone(promise, () -> {
          int index = added.getAndIncrement();
          registered.incrementAndGet();
          promise.onSuccess(value -> {
            runs.incrementAndGet();
            order.add(index);
            threads.add(Thread.currentThread());
          });
        }));
      }
      actions.add(() -> promise.complete(1));

      race(List.of(PLAIN, PLAIN, otherLoop::execute, PLAIN), actions);

      Polling.await("every callback ran", Duration.ofSeconds(10), () -> runs.get() >= registered.get());
      Loops.runOn(home, () -> {}); // a duplicate delivery would be queued before this
      assertThat(runs.get()).as("round %d: callback runs, one per registered callback", round)
          .isEqualTo(registered.get());
      assertThat(threads).as("round %d: threads the callbacks ran on", round).containsOnly(homeThread);
      for (int a = 0; a < adders; a++) {
        List<Integer> inAddedOrder = IntStream.range(0, addedCounts.get(a).get()).boxed().toList();
        assertThat(new ArrayList<>(orders.get(a))).as("round %d: adder %d's callbacks as they ran", round, a)
            .isEqualTo(inAddedOrder);
      }
    }
    assertThat(round).as("rounds run").isPositive();
  }

  /** Invariant: every one of many threads blocked in join() returns the result once it arrives. */
  @Test
  void joinFromManyThreadsAllReturnTheResult() throws Exception {
    int joiners = 6;
    ExecutorService joinerThreads = Executors.newFixedThreadPool(joiners);
    try {
      long start = System.nanoTime();
      int round = 0;
      for (; round < 300 && System.nanoTime() - start < BUDGET.toNanos(); round++) {
        Promise<Integer> promise = home.newPromise();
        ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        CountDownLatch returned = new CountDownLatch(joiners);
        CountDownLatch started = new CountDownLatch(joiners);
        for (int j = 0; j < joiners; j++) {
          joinerThreads.execute(() -> {
            started.countDown();
            try {
              results.add(promise.join(Duration.ofSeconds(10)));
            } catch (Throwable failure) {
              results.add(failure);
            } finally {
              returned.countDown();
            }
          });
        }
        started.await(10, TimeUnit.SECONDS);
        int value = round;
        if (round % 2 == 0) {
          plainThreads.execute(() -> promise.complete(value));
        } else {
          otherLoop.execute(() -> promise.complete(value));
        }

        assertThat(returned.await(10, TimeUnit.SECONDS)).as("round %d: every join returned", round).isTrue();
        assertThat(results).as("round %d: what the joins returned", round).hasSize(joiners).containsOnly(value);
      }
    assertThat(round).as("rounds run").isPositive();
    } finally {
      joinerThreads.shutdownNow();
    }
  }

  /**
   * Invariant: cancel hooks (one added before the race, others added by two threads for as long
   * as the race lasts) run exactly once each if the promise was cancelled, and never if it was
   * completed instead. Even rounds cancel, odd rounds complete; the cancel or complete comes from
   * another loop.
   */
  @Test
  void cancelHooksRunExactlyOnceWhenCancelWinsAndNeverOtherwise() throws Exception {
    long start = System.nanoTime();
    int round = 0;
    for (; withinBudget(start, round); round++) {
      Promise<Integer> promise = home.newPromise();
      AtomicInteger runs = new AtomicInteger();
      Runnable hook = runs::incrementAndGet; // each registration is its own hook, even of the same Runnable
      promise.onCancel(hook);
      AtomicInteger registered = new AtomicInteger(1);
      Runnable adder = () -> registered.addAndGet(addUntilDone(promise, () -> promise.onCancel(hook)));
      boolean cancelling = round % 2 == 0;
      AtomicBoolean won = new AtomicBoolean();

      race(List.of(PLAIN, PLAIN, otherLoop::execute), List.of(adder, adder,
          () -> won.set(cancelling ? promise.cancel() : promise.complete(1))));

      assertThat(won).as("round %d: the only completer won", round).isTrue();
      assertThat(runs.get()).as("round %d: cancel hook runs for %d registrations (cancelled: %s)", round,
          registered.get(), cancelling).isEqualTo(cancelling ? registered.get() : 0);
    }
    assertThat(round).as("rounds run").isPositive();
  }

  /**
   * Calls {@code add} while {@code future} is pending (at most {@link #MAX_ADDS} times), then a
   * few more times, so that additions overlap the completion whichever racer starts first.
   * Returns how many times it called {@code add}.
   */
  private static int addUntilDone(Future<?> future, Runnable add) {
    int adds = 0;
    while (!future.isDone() && adds < MAX_ADDS) {
      add.run();
      adds++;
    }
    for (int i = 0; i < 3; i++) {
      add.run();
      adds++;
    }
    return adds;
  }

  private static final int MAX_ADDS = 500;
}
