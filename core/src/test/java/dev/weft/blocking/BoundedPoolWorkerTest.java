package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bounded pool's threads: names, survival of failures, keep-alive, reporting to the runtime. */
class BoundedPoolWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final CompletableFuture<String> unhandledDescription = new CompletableFuture<>();
  private static final CompletableFuture<Throwable> unhandledFailure = new CompletableFuture<>();
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-worker").loops(2).shutdownGracePeriod(Duration.ofSeconds(2))
        .unhandledFailureHandler((description, failure) -> {
          unhandledDescription.complete(description);
          unhandledFailure.complete(failure);
        })
        .build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  @Test
  void aCallThatThrowsFailsWithThatExceptionAndItsWorkerRunsTheNextCall() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("survivor").maxThreads(1).build(runtime);
    IOException thrown = new IOException("legacy failure");
    String[] failedOn = new String[1];
    Future<String> failing = pool.call(() -> {
      failedOn[0] = Thread.currentThread().getName();
      throw thrown;
    });

    assertThatThrownBy(() -> failing.join(WAIT)).as("the checked exception, unwrapped").isSameAs(thrown);
    assertThat(pool.call(() -> Thread.currentThread().getName()).join(WAIT))
        .as("the next call runs on the same, surviving worker").isEqualTo(failedOn[0]);
    assertThat(pool.stats().threads()).as("threads").isEqualTo(1);
  }

  @Test
  void aCallThatThrowsAnErrorFailsWithItAndItsWorkerSurvives() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("error-survivor").maxThreads(1).build(runtime);
    LegacyError thrown = new LegacyError();
    String[] failedOn = new String[1];
    Future<String> failing = pool.call(() -> {
      failedOn[0] = Thread.currentThread().getName();
      throw thrown;
    });

    assertThatThrownBy(() -> failing.join(WAIT)).isSameAs(thrown);
    assertThat(pool.call(() -> Thread.currentThread().getName()).join(WAIT))
        .as("the next call runs on the same worker").isEqualTo(failedOn[0]);
  }

  @Test
  void workerThreadsAreDaemonsNamedAfterTheRuntimeAndThePool() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("named").maxThreads(2).build(runtime);
    Thread worker = pool.call(Thread::currentThread).join(WAIT);
    assertThat(worker.getName()).as("worker name").matches("bt-worker-named-\\d+");
    assertThat(worker.isDaemon()).as("daemon").isTrue();
  }

  @Test
  void aWorkersUncaughtExceptionHandlerReportsToTheRuntime() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("reporting").maxThreads(1).build(runtime);
    IllegalStateException escaped = new IllegalStateException("escaped a worker");
    String worker = pool.call(() -> {
      Thread self = Thread.currentThread();
      self.getUncaughtExceptionHandler().uncaughtException(self, escaped);
      return self.getName();
    }).join(WAIT);

    assertThat(unhandledFailure.get(5, TimeUnit.SECONDS)).as("failure given to the runtime's handler")
        .isSameAs(escaped);
    assertThat(unhandledDescription.get(5, TimeUnit.SECONDS)).as("description")
        .contains("thread " + worker).contains("bounded pool 'reporting'");
  }

  @Test
  void idleThreadsStopAfterKeepAliveAndThePoolStartsNewOnesOnDemand() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("shrinking").maxThreads(3).keepAlive(Duration.ofMillis(50))
        .build(runtime);
    Gate gate = new Gate();
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(pool.call(gate.call("ok")));
    }
    gate.awaitEntered(3);
    assertThat(pool.stats().threads()).as("threads under load").isEqualTo(3);
    gate.open();
    for (Future<String> call : calls) {
      call.join(WAIT);
    }

    Polling.await("idle threads expire after keepAlive", WAIT, () -> pool.stats().threads() == 0, pool::stats);
    // held while counted: a 50 ms keepAlive would let an idle thread expire again before a late read
    Gate again = new Gate();
    Future<String> call = pool.call(again.call("again"));
    again.awaitEntered(1);
    assertThat(pool.stats().threads()).as("threads started for a call after the pool shrank to 0").isEqualTo(1);
    again.open();
    assertThat(call.join(WAIT)).as("that call's result").isEqualTo("again");
  }

  @Test
  void idleThreadsAreKeptWithinKeepAlive() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("keeping").maxThreads(3).keepAlive(Duration.ofHours(1))
        .build(runtime);
    Gate gate = new Gate();
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(pool.call(gate.call("ok")));
    }
    gate.awaitEntered(3);
    gate.open();
    for (Future<String> call : calls) {
      call.join(WAIT);
    }
    Await.quiet(pool);
    assertThat(pool.stats().threads()).as("idle threads within their keep-alive").isEqualTo(3);
  }

  /** An Error thrown by legacy code. */
  private static final class LegacyError extends Error {
    private static final long serialVersionUID = 1L;

    LegacyError() {
      super("legacy error");
    }
  }
}
