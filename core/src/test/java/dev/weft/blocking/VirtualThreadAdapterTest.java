package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.LogCapture;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** The virtual-thread adapter (Java 21+): a virtual thread per call, bounded by permits and a wait queue. */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadAdapterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-vt").loops(2).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  private static BlockingAdapter virtual(String name, int maxConcurrency, int maxQueue) {
    return Adapters.virtualThreads(name).maxConcurrency(maxConcurrency).maxQueue(maxQueue).build(runtime);
  }

  /** Thread.isVirtual(), which this Java 17 build cannot call directly. */
  private static boolean isVirtual(Thread thread) throws Exception {
    return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
  }

  @Test
  void theJvmHasVirtualThreads() {
    assertThat(Adapters.virtualThreadsSupported()).as("virtualThreadsSupported() on Java 21+").isTrue();
  }

  @Test
  void eachCallRunsOnAVirtualThreadNamedAfterTheRuntimeAndTheAdapter() throws Exception {
    BlockingAdapter adapter = virtual("named", 4, 4);
    Thread thread = adapter.call(Thread::currentThread).join(WAIT);
    assertThat(isVirtual(thread)).as("the call's thread is virtual").isTrue();
    assertThat(thread.getName()).as("its name").matches("bt-vt-named-\\d+");
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.kind()).as("kind").isEqualTo("virtual-threads");
    assertThat(stats.threads()).as("threads (virtual threads are not counted)").isZero();
  }

  @Test
  void callsBeyondMaxConcurrencyPlusMaxQueueAreRejectedExactly() throws Exception {
    BlockingAdapter adapter = virtual("exact", 2, 3);
    Gate gate = new Gate();
    List<Future<Integer>> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(adapter.call(gate.call(i)));
    }
    gate.awaitEntered(2);

    assertThatThrownBy(() -> adapter.call(() -> 5).join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("virtual threads 'exact' is saturated (2/2 running, 3/3 queued)")
        .hasMessageContaining("raise maxConcurrency or maxQueue");
    AdapterStats saturated = adapter.stats();
    assertThat(saturated.active()).as("running while saturated").isEqualTo(2);
    assertThat(saturated.queued()).as("waiting while saturated").isEqualTo(3);
    gate.open();
    for (int i = 0; i < 5; i++) {
      assertThat(accepted.get(i).join(WAIT)).as("accepted call %d", i).isEqualTo(i);
    }
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.rejected()).as("rejected").isEqualTo(1);
    assertThat(stats.completed()).as("completed").isEqualTo(5);
  }

  @Test
  void noMoreThanMaxConcurrencyCallsRunAtOnce() throws Exception {
    BlockingAdapter adapter = virtual("permits", 3, 100);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    List<Future<Void>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      calls.add(adapter.run(() -> {
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        Thread.sleep(1); // the workload: a short blocking call
        running.decrementAndGet();
      }));
    }
    for (Future<Void> call : calls) {
      call.join(WAIT);
    }
    assertThat(mostRunning.get()).as("most calls running at once").isBetween(1, 3);
    assertThat(Await.quiet(adapter).peakActive()).as("peak active").isBetween(1, 3);
  }

  @Test
  void aCallerThatCallsAgainAsSoonAsItsFutureCompletesIsNeverRejected() {
    BlockingAdapter adapter = virtual("sequential", 1, 0);
    int rejected = 0;
    for (int i = 0; i < 1_000; i++) {
      try {
        adapter.call(() -> 1).join(WAIT);
      } catch (RejectedException refused) {
        rejected++;
      } catch (Exception unexpected) {
        throw new AssertionError(unexpected);
      }
    }
    assertThat(rejected).as("rejections of 1000 sequential calls with 1 permit and no queue").isZero();
  }

  @Test
  void aTimeoutInterruptsARunningCallAndTheNextWaitingCallRunsUninterruptedOnTheSameThread() throws Exception {
    BlockingAdapter adapter = virtual("interrupt", 1, 4);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Thread> firstThread = new CompletableFuture<>();
    Future<String> timedOut = adapter.call(() -> {
      firstThread.complete(Thread.currentThread());
      started.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return Thread.currentThread().getName();
      } catch (InterruptedException expected) {
        interrupted.countDown();
        Thread.currentThread().interrupt();
        throw expected;
      }
    }, Duration.ofMillis(500)); // covers a loaded machine's delay in starting the call: it must be running
    assertThat(started.await(5, TimeUnit.SECONDS)).as("started").isTrue();
    // Waits for the permit; the virtual thread that ran the first call takes it when that one ends.
    Future<String> next = adapter.call(() -> Thread.currentThread().getName() + " interrupted: "
        + Thread.currentThread().isInterrupted());

    assertThatThrownBy(() -> timedOut.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("virtual threads 'interrupt'");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the running call was interrupted").isTrue();
    assertThat(next.join(WAIT)).as("the next call's thread and interrupt flag")
        .isEqualTo(firstThread.get(5, TimeUnit.SECONDS).getName() + " interrupted: false");
    assertThat(Await.quiet(adapter).timedOut()).as("timed out").isEqualTo(1);
  }

  @Test
  void cancellingAWaitingCallFreesItsPlaceAtOnce() throws Exception {
    BlockingAdapter adapter = virtual("cancel", 1, 1);
    Gate gate = new Gate();
    Future<String> holder = adapter.call(gate.call("held"));
    gate.awaitEntered(1);
    Future<String> waiting = adapter.call(() -> "never");

    assertThat(waiting.cancel()).as("cancel()").isTrue();
    assertThat(adapter.stats().queued()).as("waiting after cancel").isZero();
    Future<String> replacement = adapter.call(() -> "replacement"); // accepted: the place is free
    gate.open();
    assertThat(holder.join(WAIT)).isEqualTo("held");
    assertThat(replacement.join(WAIT)).isEqualTo("replacement");
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(1);
    assertThat(stats.rejected()).as("rejected").isZero();
  }

  @Test
  void callbacksRunOnTheCallersLoopNeverOnTheVirtualThread() throws Exception {
    BlockingAdapter adapter = virtual("home", 4, 100);
    Loop loop = runtime.loops().get(1);
    CompletableFuture<Thread> loopThread = new CompletableFuture<>();
    Future<Boolean> onLoop = loop.submit(() -> {
      loopThread.complete(Thread.currentThread());
      return adapter.call(() -> "x").map(value -> Thread.currentThread() == loopThread.getNow(null));
    });
    assertThat(onLoop.join(WAIT)).as("map ran on the caller's loop thread").isTrue();
  }

  @Test
  void slowCallsOnVirtualThreadsAreReported() throws Exception {
    try (AsyncRuntime watched = AsyncRuntime.builder().name("bt-vt-slow").loops(1)
        .watchdogInterval(Duration.ofMillis(10)).blockedThreshold(Duration.ofMillis(100)).build();
        LogCapture log = new LogCapture("dev.weft.blocking.BlockingAdapter")) {
      BlockingAdapter adapter = Adapters.virtualThreads("slow").slowCallThreshold(Duration.ofMillis(50))
          .build(watched);
      CountDownLatch release = new CountDownLatch(1);
      Future<Boolean> call = adapter.call(() -> release.await(10, TimeUnit.SECONDS));
      Polling.await("a slow-call WARN", WAIT, () -> !log.warningsContaining("virtual threads 'slow'").isEmpty(),
          log::warnings);
      release.countDown();
      assertThat(call.join(WAIT)).isTrue();
      assertThat(log.warningsContaining("virtual threads 'slow'").get(0)).as("the WARN")
          .contains("on thread bt-vt-slow-slow-");
    }
  }
}
