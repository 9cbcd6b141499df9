package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.liveThreadsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.blocking.AdapterSpec;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.testing.FailureRecorder;
import dev.weft.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shutdown with blocking work in flight: no new call is accepted, no waiting call starts, running
 * calls are interrupted when the grace period ends, every future settles with the truth, callbacks
 * run on their home loop, and shutdown says whether an adapter thread is left.
 */
class ShutdownWithBlockingWorkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  static Stream<Arguments> adapters() {
    List<Arguments> kinds = new ArrayList<>();
    kinds.add(Arguments.of("bounded pool", (Function<String, AdapterSpec>) name ->
        Adapters.boundedPool(name).maxThreads(2).maxQueue(10)));
    if (Runtime.version().feature() >= 21) {
      kinds.add(Arguments.of("virtual threads", (Function<String, AdapterSpec>) name ->
          Adapters.virtualThreads(name).maxConcurrency(2).maxQueue(10)));
    }
    return kinds.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void waitingCallsNeverStartAndFailAtOnceRunningCallsAreInterruptedAtTheEndOfTheGracePeriod(String kind,
      Function<String, AdapterSpec> bulkhead) throws Exception {
    String name = RuntimeTestSupport.uniqueName("sd");
    FailureRecorder failures = new FailureRecorder();
    AsyncRuntime runtime = AsyncRuntime.builder().name(name).loops(1).bulkhead(bulkhead.apply("db"))
        .blockedThreshold(Duration.ofMinutes(1)).unhandledFailureHandler(failures).build();
    BlockingAdapter db = runtime.adapter("db");
    Loop home = runtime.loops().get(0);
    CountDownLatch bothRunning = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger waitingCallsThatRan = new AtomicInteger();
    ConcurrentHashMap<String, Thread> callbackThreads = new ConcurrentHashMap<>();
    CompletableFuture<Thread> homeThread = new CompletableFuture<>();
    home.execute(() -> homeThread.complete(Thread.currentThread()));
    List<Future<String>> running = new ArrayList<>();
    List<Future<String>> waiting = new ArrayList<>();
    CompletableFuture<Void> submitted = new CompletableFuture<>();
    home.execute(() -> { // called from the loop: the futures are homed there
      for (int i = 0; i < 2; i++) {
        int call = i;
        running.add(db.call(() -> {
          bothRunning.countDown();
          try {
            Thread.sleep(60_000);
            return "finished";
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          }
        }).onComplete((value, failure) -> callbackThreads.put("running " + call, Thread.currentThread())));
      }
      for (int i = 0; i < 3; i++) {
        int call = i;
        waiting.add(db.call(() -> {
          waitingCallsThatRan.incrementAndGet();
          return "ran";
        }).onComplete((value, failure) -> callbackThreads.put("waiting " + call, Thread.currentThread())));
      }
      submitted.complete(null);
    });
    submitted.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(bothRunning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("both calls running").isTrue();

    // A grace period long enough that a loaded machine's stalls cannot end it before the checks below
    CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> runtime.shutdown(Duration.ofSeconds(2)));
    for (Future<String> call : waiting) {
      // settled long before the grace period ends: they never ran and never will
      assertThatThrownBy(() -> call.join(Duration.ofSeconds(1))).as("a waiting call's future, at shutdown")
          .isInstanceOf(CancellationException.class).hasMessageContaining("never ran").hasMessageContaining("'db'");
    }
    assertThat(running).as("running calls, within the grace period").noneMatch(Future::isDone);

    assertThat(shutdown.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("shutdown(): no adapter thread left")
        .isTrue();
    for (Future<String> call : running) {
      assertThat(call.isDone()).as("a running call's future when shutdown returned").isTrue();
      assertThatThrownBy(call::join).isInstanceOf(CancellationException.class)
          .hasMessageContaining("grace period ended").hasMessageContaining("interrupted");
    }
    assertThat(interrupted).as("running calls interrupted").hasValue(2);
    assertThat(waitingCallsThatRan).as("waiting calls that ran, ever").hasValue(0);
    Thread loopThread = homeThread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(callbackThreads).as("callbacks of the 5 futures, on their home loop").hasSize(5)
        .allSatisfy((call, thread) -> assertThat(thread).as(call).isSameAs(loopThread));
    assertThat(liveThreadsOf(name)).as("threads of %s after shutdown", name).isEmpty();
    assertThatThrownBy(() -> db.call(() -> "late").join(Duration.ZERO)).as("a call after shutdown")
        .isInstanceOf(dev.weft.RejectedException.class);
    assertThat(failures.reports()).as("unhandled failures").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void aCallThatIgnoresItsInterruptIsNamedWithItsStackAndShutdownSaysAThreadIsLeft(String kind,
      Function<String, AdapterSpec> bulkhead) throws Exception {
    String name = RuntimeTestSupport.uniqueName("sd-stubborn");
    AsyncRuntime runtime = AsyncRuntime.builder().name(name).loops(1).bulkhead(bulkhead.apply("legacy"))
        .blockedThreshold(Duration.ofMinutes(1)).build();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> stubborn = runtime.adapter("legacy").call(() -> {
      running.countDown();
      for (boolean released = false; !released; ) {
        try {
          released = release.await(10, TimeUnit.MILLISECONDS);
        } catch (InterruptedException swallowed) {
          // as some legacy clients do: the interrupt is lost and the call goes on
        }
      }
      return "too late";
    });
    assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the call runs").isTrue();

    try (LogCapture log = new LogCapture("dev.weft.internal.blocking.AdapterRegistry")) {
      assertThat(runtime.shutdown(Duration.ofMillis(200))).as("shutdown() with a thread left").isFalse();
      assertThatThrownBy(stubborn::join).as("the stubborn call's future: settled anyway")
          .isInstanceOf(CancellationException.class).hasMessageContaining("grace period ended");
      assertThat(log.warnings()).as("WARNs of the shutdown").singleElement().asString()
          .contains("ignores interrupts").contains("'legacy'")
          .contains(ShutdownWithBlockingWorkTest.class.getName());
    } finally {
      release.countDown();
    }
  }
}
