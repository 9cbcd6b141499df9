package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.TIMEOUT;
import static dev.weft.runtime.RuntimeTestSupport.callOn;
import static dev.weft.runtime.RuntimeTestSupport.liveThreadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.FailureRecorder;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shutdown: refusal of new work, draining, bounded waits, interrupts, and no thread left behind. */
class ShutdownTest {
  private static final int LOOPS = 2;

  private final FailureRecorder failures = new FailureRecorder();
  private final String name = RuntimeTestSupport.uniqueName("shutdown");
  private final List<AsyncRuntime> opened = new ArrayList<>();

  private AsyncRuntime newRuntime(Duration gracePeriod) {
    AsyncRuntime runtime = AsyncRuntime.builder()
        .name(name)
        .loops(LOOPS)
        .blockedThreshold(Duration.ofMinutes(1)) // loops blocked on purpose here are not incidents to report
        .shutdownGracePeriod(gracePeriod)
        .unhandledFailureHandler(failures)
        .build();
    opened.add(runtime);
    return runtime;
  }

  @AfterEach
  void closeEverything() {
    opened.forEach(AsyncRuntime::close);
  }

  @Test
  void executeAfterCloseThrowsRejectedExceptionNamingTheRuntime() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Loop loop = runtime.nextLoop();
    runtime.close();

    assertThatThrownBy(() -> loop.execute(() -> {})).as("execute() after close()")
        .isInstanceOf(RejectedException.class)
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining(name);
  }

  @Test
  void scheduleAfterCloseThrowsRejectedExceptionNamingTheRuntime() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Loop loop = runtime.nextLoop();
    runtime.close();

    assertThatThrownBy(() -> loop.schedule(Duration.ZERO, () -> "never")).as("schedule() after close()")
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining(name);
    assertThatThrownBy(() -> loop.delay(Duration.ZERO)).as("delay() after close()")
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining(name);
  }

  @Test
  void submitAfterCloseThrowsRejectedExceptionNamingTheRuntime() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Loop loop = runtime.nextLoop();
    runtime.close();

    assertThatThrownBy(() -> loop.submit(() -> Future.succeeded("never"))).as("submit() after close()")
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining(name);
  }

  @Test
  void aTimerStillPendingWhenTheRuntimeStopsCancelsItsFuture() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Future<String> pending = runtime.nextLoop().schedule(Duration.ofMinutes(1), () -> "too late");

    runtime.close();

    assertThat(pending.isCancelled()).as("the pending timer's future after close()").isTrue();
  }

  @Test
  void isShutdownTurnsTrueOnClose() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    assertThat(runtime.isShutdown()).as("isShutdown() before close()").isFalse();

    runtime.close();

    assertThat(runtime.isShutdown()).as("isShutdown() after close()").isTrue();
  }

  @Test
  void closeIsIdempotent() {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));

    assertThat(runtime.shutdown(Duration.ofSeconds(5))).as("first shutdown() stopped every thread").isTrue();
    runtime.close();
    assertThat(runtime.shutdown(Duration.ofSeconds(5))).as("a later shutdown() still reports every thread stopped")
        .isTrue();
    assertThat(liveThreadsOf(name)).as("threads of the runtime after repeated closes").isEmpty();
  }

  @Test
  void closeFromSeveralThreadsAtOnceReturnsForEveryCallerOnceAllThreadsStopped() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    for (Loop loop : runtime.loops()) {
      callOn(loop, () -> null); // every loop thread runs
    }
    int callers = 8;
    ExecutorService closers = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(CompletableFuture.supplyAsync(() -> {
          awaitQuietly(start);
          return runtime.shutdown(Duration.ofSeconds(5));
        }, closers));
      }
      start.countDown();

      for (CompletableFuture<Boolean> result : results) {
        assertThat(result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            .as("shutdown() of a concurrent caller reports all threads stopped").isTrue();
      }
      assertThat(liveThreadsOf(name)).as("threads of the runtime after concurrent closes").isEmpty();
    } finally {
      closers.shutdownNow();
    }
  }

  @Test
  void tasksQueuedBeforeCloseStillRunDuringTheGracePeriod() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Loop loop = runtime.nextLoop();
    CountDownLatch gate = new CountDownLatch(1);
    loop.execute(() -> awaitQuietly(gate)); // holds the queue behind it until close() has begun
    int queued = 100;
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < queued; i++) {
      loop.execute(ran::incrementAndGet);
    }

    CompletableFuture<Void> closing = CompletableFuture.runAsync(runtime::close);
    Polling.await("close() has begun", TIMEOUT, runtime::isShutdown);
    gate.countDown();
    closing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(ran).as("queued tasks that ran before the runtime stopped").hasValue(queued);
  }

  @Test
  void aTaskBlockingPastTheGracePeriodIsInterruptedAndShutdownReturns() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    Loop loop = runtime.nextLoop();
    CountDownLatch blocking = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    loop.execute(() -> {
      blocking.countDown();
      try {
        Thread.sleep(TimeUnit.MINUTES.toMillis(1));
        interrupted.complete(false);
      } catch (InterruptedException e) {
        interrupted.complete(true);
      }
    });
    assertThat(blocking.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("the task started").isTrue();

    long start = System.nanoTime();
    boolean stopped = CompletableFuture.supplyAsync(() -> runtime.shutdown(Duration.ofMillis(100)))
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(interrupted.getNow(false)).as("the blocking task was interrupted").isTrue();
    assertThat(stopped).as("shutdown() reports every thread stopped").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time shutdown() took with a 100ms grace period")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(liveThreadsOf(name)).as("threads of the runtime after shutdown()").isEmpty();
  }

  @Test
  void closeLeavesNoThreadOfTheRuntimeAliveIncludingTheWatchdog() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    for (Loop loop : runtime.loops()) {
      callOn(loop, () -> null);
    }
    assertThat(liveThreadsOf(name)).as("threads of the running runtime")
        .contains(name + "-loop-0", name + "-loop-1", name + "-watchdog");

    runtime.close();

    assertThat(liveThreadsOf(name)).as("threads of the runtime right after close()").isEmpty();
  }

  @Test
  void closeCalledOnALoopThreadReturnsWithoutDeadlock() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));
    CompletableFuture<String> closedFromLoop = new CompletableFuture<>();
    Loop loop = runtime.nextLoop();
    loop.execute(() -> {
      runtime.close();
      closedFromLoop.complete(Thread.currentThread().getName());
    });

    assertThat(closedFromLoop.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .as("close() on a loop thread returned on that thread").isEqualTo(loop.name());
    assertThat(runtime.isShutdown()).as("the runtime is shutting down").isTrue();
    runtime.close(); // off the loops, close() waits for the threads
    assertThat(liveThreadsOf(name)).as("threads of the runtime after close()").isEmpty();
  }

  @Test
  void shutdownCalledOnALoopThreadReportsThatItCouldNotWait() throws Exception {
    AsyncRuntime runtime = newRuntime(Duration.ofSeconds(5));

    Boolean stopped = callOn(runtime.nextLoop(), () -> runtime.shutdown(Duration.ofSeconds(5)));

    assertThat(stopped).as("shutdown() on a loop thread cannot wait for its own thread").isFalse();
  }

  private static void awaitQuietly(CountDownLatch latch) {
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
