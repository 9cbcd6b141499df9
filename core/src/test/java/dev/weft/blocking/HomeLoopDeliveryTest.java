package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Results come back on the caller's loop: callbacks never run on a blocking worker. */
class HomeLoopDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;
  private static BlockingAdapter pool;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-home").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .blockingAdapter(Adapters.boundedPool("pool").maxThreads(4).maxQueue(500)).build();
    pool = runtime.blocking();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void callbacksOfCallsMadeOnALoopRunOnThatLoopsThreadNeverOnAWorker() throws Exception {
    Loop loop = runtime.loops().get(1);
    Queue<String> wrongThread = new ConcurrentLinkedQueue<>();
    CompletableFuture<Thread> loopThread = new CompletableFuture<>();
    Future<List<String>> all = loop.submit(() -> {
      loopThread.complete(Thread.currentThread());
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Future<String> call = i % 2 == 0
            ? pool.call(() -> Thread.currentThread().getName())
            : pool.<String>call(() -> {
              throw new IllegalStateException(Thread.currentThread().getName());
            }).recover(failure -> failure.getMessage());
        results.add(call.map(worker -> {
          if (Thread.currentThread() != loopThread.getNow(null)) {
            wrongThread.add("map of a call that ran on " + worker + " ran on " + Thread.currentThread().getName());
          }
          return worker;
        }));
      }
      return Future.all(results);
    });

    List<String> workers = all.join(WAIT);
    assertThat(workers).as("the calls ran on the pool's workers").allMatch(name -> name.startsWith("bt-home-pool-"));
    assertThat(wrongThread).as("callbacks that ran off the caller's loop thread").isEmpty();
    assertThat(loopThread.get(1, TimeUnit.SECONDS).getName()).as("caller").startsWith("bt-home-loop-");
  }

  @Test
  void aCallMadeOnALoopIsHomedOnThatLoop() throws Exception {
    Loop loop = runtime.loops().get(0);
    Future<Loop> home = loop.submit(() -> Future.succeeded(pool.call(() -> "x").home()));
    assertThat(home.join(WAIT)).as("home of a call made on %s", loop).isSameAs(loop);
  }

  @Test
  void aCallMadeOffAnyLoopIsHomedOnALoopOfTheRuntimeAndItsCallbacksRunThere() throws Exception {
    CompletableFuture<Boolean> onHome = new CompletableFuture<>();
    Future<String> call = pool.call(() -> "off-loop");
    call.onComplete((value, failure) -> onHome.complete(call.home().inLoop()));

    assertThat(runtime.loops()).as("the runtime's loops").contains(call.home());
    assertThat(onHome.get(5, TimeUnit.SECONDS)).as("the callback ran on the home loop's thread").isTrue();
  }

  @Test
  void aCallbackAddedAfterCompletionFromAnotherThreadStillRunsOnTheHomeLoop() throws Exception {
    Future<String> call = pool.call(() -> "done");
    call.join(WAIT);
    CompletableFuture<Boolean> onHome = new CompletableFuture<>();
    call.onSuccess(value -> onHome.complete(call.home().inLoop()));
    assertThat(onHome.get(5, TimeUnit.SECONDS)).as("the late callback ran on the home loop's thread").isTrue();
  }

  @Test
  void whatTheCallDidIsVisibleToItsCallbacks() throws Exception {
    int[] written = new int[1000]; // plain writes by the worker, read by the loop
    Future<Integer> sum = pool.call(() -> {
      for (int i = 0; i < written.length; i++) {
        written[i] = i;
      }
      return null;
    }).map(ignored -> {
      int total = 0;
      for (int value : written) {
        total += value;
      }
      return total;
    });
    assertThat(sum.join(WAIT)).as("sum the callback saw").isEqualTo(999 * 1000 / 2);
  }
}
