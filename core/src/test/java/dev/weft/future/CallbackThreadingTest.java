package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Loop;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule 1, home loop: every callback and every combinator function runs on the home loop's thread,
 * whichever thread completed the future; and callbacks run once each, in registration order.
 */
class CallbackThreadingTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-threading");
  private static Loop home;
  private static Loop otherLoop;
  private static Thread homeThread;

  @BeforeAll
  static void openRuntime() throws Exception {
    home = weft.loop(0);
    otherLoop = weft.loop(1);
    homeThread = Loops.threadOf(home);
  }

  /** Where each kind of callback and combinator function ran, keyed by kind. */
  private static final class Sightings {
    final ConcurrentHashMap<String, Thread> threads = new ConcurrentHashMap<>();
    final CountDownLatch allRan;

    Sightings(int expected) {
      allRan = new CountDownLatch(expected);
    }

    void saw(String what) {
      threads.put(what, Thread.currentThread());
      allRan.countDown();
    }

    void awaitAll() throws InterruptedException {
      assertThat(allRan.await(10, TimeUnit.SECONDS)).as("every callback ran; ran so far: " + threads.keySet()).isTrue();
    }
  }

  /** Registers one of each success-path callback and combinator on {@code future}. */
  private static Sightings watchSuccess(Future<Integer> future) {
    Sightings sightings = new Sightings(5);
    future.onComplete((value, failure) -> sightings.saw("onComplete"));
    future.onSuccess(value -> sightings.saw("onSuccess"));
    future.map(value -> {
      sightings.saw("map fn");
      return value;
    });
    future.flatMap(value -> {
      sightings.saw("flatMap fn");
      return Future.succeeded(value);
    });
    future.map(value -> value).onComplete((value, failure) -> sightings.saw("onComplete of a map result"));
    return sightings;
  }

  /** Registers one of each failure-path callback and combinator on {@code future}. */
  private static Sightings watchFailure(Future<Integer> future) {
    Sightings sightings = new Sightings(4);
    future.onComplete((value, failure) -> sightings.saw("onComplete"));
    future.onFailure(failure -> sightings.saw("onFailure"));
    future.recover(failure -> {
      sightings.saw("recover fn");
      return 0;
    });
    future.recover(failure -> 0).onSuccess(value -> sightings.saw("onSuccess of a recover result"));
    return sightings;
  }

  private static void assertAllRanOnHome(Sightings sightings) {
    sightings.threads.forEach((what, thread) ->
        assertThat(thread).as(what + " runs on the home loop's thread").isSameAs(homeThread));
  }

  @Test
  void callbacksRunOnHomeLoopWhenCompletedByAPlainThread() throws Exception {
    Promise<Integer> promise = home.newPromise();
    Sightings sightings = watchSuccess(promise);

    Loops.onPlainThread(() -> promise.complete(7));

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void callbacksRunOnHomeLoopWhenCompletedByAnotherLoop() throws Exception {
    Promise<Integer> promise = home.newPromise();
    Sightings sightings = watchSuccess(promise);

    Loops.runOn(otherLoop, () -> promise.complete(7));

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void failureCallbacksRunOnHomeLoopWhenFailedByAPlainThread() throws Exception {
    Promise<Integer> promise = home.newPromise();
    Sightings sightings = watchFailure(promise);

    Loops.onPlainThread(() -> promise.fail(new IOException("worker failed")));

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void failureCallbacksRunOnHomeLoopWhenFailedByAnotherLoop() throws Exception {
    Promise<Integer> promise = home.newPromise();
    Sightings sightings = watchFailure(promise);

    Loops.runOn(otherLoop, () -> promise.fail(new IOException("other loop failed")));

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void callbacksRunOnHomeLoopWhenCancelledByAPlainThread() throws Exception {
    Promise<Integer> promise = home.newPromise();
    Sightings sightings = watchFailure(promise);

    Loops.onPlainThread(promise::cancel);

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void callbacksAddedOffLoopToACompletedFutureRunOnHomeLoop() throws Exception {
    Promise<Integer> promise = home.newPromise();
    promise.complete(7);

    Sightings sightings = watchSuccess(promise); // registered on the test thread, after completion

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void failureCallbacksAddedOffLoopToAFailedFutureRunOnHomeLoop() throws Exception {
    Promise<Integer> promise = home.newPromise();
    promise.fail(new IOException("failed before anyone looked"));

    Sightings sightings = watchFailure(promise);

    sightings.awaitAll();
    assertAllRanOnHome(sightings);
  }

  @Test
  void callbackAddedOnHomeLoopToACompletedFutureRunsAtOnce() throws Exception {
    Promise<Integer> promise = home.newPromise();
    promise.complete(7);

    boolean ranBeforeOnCompleteReturned = Loops.onLoop(home, () -> {
      AtomicInteger runs = new AtomicInteger();
      promise.onComplete((value, failure) -> runs.incrementAndGet());
      return runs.get() == 1;
    });

    assertThat(ranBeforeOnCompleteReturned).as("a callback added on the home loop to a completed future ran inline")
        .isTrue();
  }

  @Test
  void combinatorFunctionsOfAFutureMadeOnAnotherLoopRunOnItsOwnHome() throws Exception {
    Promise<Integer> promise = home.newPromise();
    CompletableFuture<Thread> flatMapInnerCallback = new CompletableFuture<>();
    // the inner future of flatMap lives on another loop: its result still reaches the home loop
    Future<Integer> chained = promise.flatMap(value -> {
      Promise<Integer> inner = otherLoop.newPromise();
      otherLoop.execute(() -> inner.complete(value + 1));
      return inner;
    });
    chained.onComplete((value, failure) -> flatMapInnerCallback.complete(Thread.currentThread()));

    Loops.onPlainThread(() -> promise.complete(1));

    assertThat(flatMapInnerCallback.get(10, TimeUnit.SECONDS))
        .as("callback of a flatMap whose inner future is homed elsewhere").isSameAs(homeThread);
    assertThat(chained.resultNow()).as("the flatMap result").isEqualTo(2);
  }

  @Test
  void callbacksRunInRegistrationOrder() throws Exception {
    Promise<Integer> promise = home.newPromise();
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch allRan = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      int index = i;
      // mix kinds: each kind is its own node class, all share one queue
      if (i % 3 == 0) {
        promise.onSuccess(value -> order.add(index));
      } else if (i % 3 == 1) {
        promise.onComplete((value, failure) -> order.add(index));
      } else {
        promise.map(value -> order.add(index));
      }
      promise.onComplete((value, failure) -> allRan.countDown());
    }

    Loops.onPlainThread(() -> promise.complete(1));

    assertThat(allRan.await(10, TimeUnit.SECONDS)).as("all callbacks ran").isTrue();
    assertThat(order).as("order in which the callbacks ran").isSorted().hasSize(100);
  }

  @Test
  void callbacksRegisteredOnTheHomeLoopRunInRegistrationOrderWhenCompletedThere() throws Exception {
    List<Integer> order = Loops.onLoop(home, () -> {
      Promise<Integer> promise = home.newPromise();
      List<Integer> seen = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 50; i++) {
        int index = i;
        promise.onComplete((value, failure) -> seen.add(index));
      }
      promise.complete(1);
      return seen;
    });

    assertThat(order).as("callbacks drained inline by a completer on the home loop").isSorted().hasSize(50);
  }

  @Test
  void callbackAddedAfterCompletionRunsExactlyOnce() throws Exception {
    Promise<Integer> promise = home.newPromise();
    promise.complete(1);
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch ran = new CountDownLatch(1);

    promise.onComplete((value, failure) -> {
      runs.incrementAndGet();
      ran.countDown();
    });

    assertThat(ran.await(10, TimeUnit.SECONDS)).as("the late callback ran").isTrue();
    // a later task on the home loop runs after any duplicate delivery would have been queued
    Loops.runOn(home, () -> {});
    assertThat(runs.get()).as("times the late callback ran").isEqualTo(1);
  }

  @Test
  void everythingTheCompleterDidHappensBeforeTheCallback() throws Exception {
    Promise<int[]> promise = home.newPromise();
    CompletableFuture<Integer> seen = new CompletableFuture<>();
    promise.onSuccess(array -> seen.complete(array[0]));

    Loops.onPlainThread(() -> {
      int[] array = new int[1];
      array[0] = 42; // a plain write, published only by the completion
      promise.complete(array);
    });

    assertThat(seen.get(10, TimeUnit.SECONDS)).as("the plain write, seen by the callback").isEqualTo(42);
  }
}
