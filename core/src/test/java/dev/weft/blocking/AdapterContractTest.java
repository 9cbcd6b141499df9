package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link BlockingAdapter} keeps, checked on each of them with the same cases
 * (as JCTools' queue sanity tests check every queue): the bounded pool, virtual threads (skipped,
 * with the reason, on a JVM older than 21) and the direct adapter where a case applies to it (it
 * runs calls on the calling thread, so it has no queue, no bound and no running call anyone else
 * can reach). Each case builds a fresh adapter with {@link #CONCURRENCY} and {@link #QUEUE}.
 *
 * <p>Sections: home-loop delivery, timeouts, cancellation, stats, a sanity run with several
 * callers, and a marked place for the shutdown cases.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(AdapterContractTest.AdapterUnderTest.class)
class AdapterContractTest {
  static final int CONCURRENCY = 2;
  static final int QUEUE = 2;
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(50);
  /**
   * The timeout of a call meant to be running when it expires: the clock starts at the call, so it
   * covers the hand-off to a thread, which a loaded machine may take tens of milliseconds to schedule.
   */
  private static final Duration RUNNING_TIMEOUT = Duration.ofMillis(500);
  private static final AtomicInteger adapterNumbers = new AtomicInteger();

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("contract");

  /** The adapters under contract, and what each one can be asked. */
  enum AdapterUnderTest {
    BOUNDED_POOL("bounded-pool") {
      @Override
      BlockingAdapter build(AsyncRuntime runtime, String name) {
        return Adapters.boundedPool(name).maxThreads(CONCURRENCY).maxQueue(QUEUE).build(runtime);
      }
    },
    /** A bounded pool behind an adaptive limit pinned at its floor, so the contract's counts hold. */
    ADAPTIVE_BOUNDED_POOL("bounded-pool") {
      @Override
      BlockingAdapter build(AsyncRuntime runtime, String name) {
        return Adapters.boundedPool(name).maxThreads(CONCURRENCY).maxQueue(QUEUE)
            .adaptiveLimit(dev.weft.limit.AdaptiveLimit.vegas().floor(CONCURRENCY)).build(runtime);
      }
    },
    VIRTUAL_THREADS("virtual-threads") {
      @Override
      BlockingAdapter build(AsyncRuntime runtime, String name) {
        assumeTrue(Adapters.virtualThreadsSupported(), "virtual threads need Java 21 or later; this JVM is "
            + Runtime.version() + " (VirtualThreadsUnsupportedTest covers the refusal)");
        return Adapters.virtualThreads(name).maxConcurrency(CONCURRENCY).maxQueue(QUEUE).build(runtime);
      }
    },
    DIRECT("direct") {
      @Override
      BlockingAdapter build(AsyncRuntime runtime, String name) {
        return Adapters.direct(runtime);
      }
    };

    final String kind;

    AdapterUnderTest(String kind) {
      this.kind = kind;
    }

    abstract BlockingAdapter build(AsyncRuntime runtime, String name);

    boolean runsOnTheCallingThread() {
      return this == DIRECT;
    }
  }

  @Parameter
  AdapterUnderTest adapterUnderTest;

  private BlockingAdapter adapter;
  private final List<Gate> gates = new ArrayList<>();

  @BeforeEach
  void buildAFreshAdapter() {
    adapter = adapterUnderTest.build(weft.runtime(), "contract-" + adapterNumbers.incrementAndGet());
  }

  @AfterEach
  void releaseTheAdapter() {
    gates.forEach(Gate::open); // a failed case must not leave calls waiting at a gate
    if (adapter != null) {
      adapter.close();
    }
  }

  private void assumeNotDirect(String why) {
    assumeTrue(!adapterUnderTest.runsOnTheCallingThread(), "not for the direct adapter: " + why);
  }

  private Gate gate() {
    Gate gate = new Gate();
    gates.add(gate);
    return gate;
  }

  /** Takes every running slot with calls held at a gate; returns once they all run. */
  private Gate occupyEveryRunningSlot() throws InterruptedException {
    Gate gate = gate();
    for (int i = 0; i < CONCURRENCY; i++) {
      adapter.call(gate.call("occupier"));
    }
    gate.awaitEntered(CONCURRENCY);
    return gate;
  }

  private boolean onAnyLoopThread() {
    return weft.runtime().loops().stream().anyMatch(Loop::inLoop);
  }

  // ---- home-loop delivery

  @Test
  void callbacksOfCallsMadeOnALoopRunOnThatLoopAndTheCallsRunOffEveryLoop() throws Exception {
    assumeNotDirect("it refuses loop threads (DirectAdapterTest)");
    Loop caller = weft.loop(1);
    Queue<String> violations = new ConcurrentLinkedQueue<>();
    Future<List<String>> all = caller.submit(() -> {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < CONCURRENCY + QUEUE; i++) {
        boolean fails = i % 2 == 1;
        Future<String> call = adapter.call(() -> {
          if (onAnyLoopThread()) {
            violations.add("a call ran on loop thread " + Thread.currentThread().getName());
          }
          if (fails) {
            throw new IOException("failed on purpose");
          }
          return "ok";
        });
        if (call.home() != caller) {
          violations.add("a call made on " + caller.name() + " is homed on " + call.home().name());
        }
        results.add(call.recover(failure -> failure.getMessage()).map(value -> {
          if (!caller.inLoop()) {
            violations.add("a callback ran on " + Thread.currentThread().getName() + ", not on " + caller.name());
          }
          return value;
        }));
      }
      return Future.all(results);
    });

    assertThat(all.join(WAIT)).as("results, failures recovered").containsExactly("ok", "failed on purpose", "ok",
        "failed on purpose");
    assertThat(violations).as("home-loop violations").isEmpty();
  }

  @Test
  void callbacksOfACallMadeOffAnyLoopRunOnItsHomeLoopEvenWhenAddedLate() throws Exception {
    Future<String> call = adapter.call(() -> "off-loop");
    CompletableFuture<Boolean> earlyOnHome = new CompletableFuture<>();
    call.onComplete((value, failure) -> earlyOnHome.complete(call.home().inLoop()));
    assertThat(call.join(WAIT)).isEqualTo("off-loop");
    CompletableFuture<Boolean> lateOnHome = new CompletableFuture<>();
    call.onSuccess(value -> lateOnHome.complete(call.home().inLoop()));

    assertThat(weft.runtime().loops()).as("the runtime's loops").contains(call.home());
    assertThat(earlyOnHome.get(5, TimeUnit.SECONDS)).as("a callback added before completion ran on the home loop")
        .isTrue();
    assertThat(lateOnHome.get(5, TimeUnit.SECONDS)).as("a callback added after completion ran on the home loop")
        .isTrue();
  }

  @Test
  void aCallThatThrowsFailsWithThatVeryException() {
    IOException thrown = new IOException("legacy failure");
    Future<String> call = adapter.call(() -> {
      throw thrown;
    });
    assertThatThrownBy(() -> call.join(WAIT)).as("the checked exception, not wrapped").isSameAs(thrown);
  }

  // ---- timeouts

  @Test
  void aCallThatEndsWithinItsTimeoutSucceedsAndCountsNoTimeout() throws Exception {
    assertThat(adapter.call(() -> 42, Duration.ofSeconds(10)).join(WAIT)).isEqualTo(42);
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.timedOut()).as("timed out").isZero();
    assertThat(stats.completed()).as("completed").isEqualTo(1);
  }

  @Test
  void aRunningCallPastItsTimeoutFailsWithTimeoutExceptionIsInterruptedAndTheInterruptStopsThere() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> call = adapter.call(() -> {
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return "never interrupted";
      } catch (InterruptedException expected) {
        interrupted.countDown();
        Thread.currentThread().interrupt(); // the usual idiom: restore the flag
        throw expected;
      }
    }, RUNNING_TIMEOUT);

    assertThatThrownBy(() -> call.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining(adapter.name()).hasMessageContaining("it was interrupted");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the call saw the interrupt").isTrue();
    for (int i = 0; i < CONCURRENCY; i++) {
      assertThat(adapter.call(() -> Thread.currentThread().isInterrupted()).join(WAIT))
          .as("a later call sees the interrupt meant for the timed-out one").isFalse();
    }
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.timedOut()).as("timed out").isEqualTo(1);
    assertThat(stats.failed()).as("failed (the interrupted call's own exception is not a second outcome)").isZero();
  }

  @Test
  void aWaitingCallPastItsTimeoutIsDroppedFreesItsSlotAndNeverRuns() throws Exception {
    assumeNotDirect("it has no queue: a call runs as soon as it is made");
    Gate occupiers = occupyEveryRunningSlot();
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> waiting = adapter.call(() -> {
      ran.set(true);
      return "ran";
    }, SHORT_TIMEOUT);

    assertThatThrownBy(() -> waiting.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("dropped from the queue");
    assertThat(adapter.stats().queued()).as("queued as soon as the caller learns of the timeout").isZero();
    occupiers.open();
    AdapterStats stats = Await.quiet(adapter);
    assertThat(ran).as("the dropped call ran").isFalse();
    assertThat(stats.timedOut()).as("timed out").isEqualTo(1);
    assertThat(stats.completed()).as("completed: the occupiers").isEqualTo(CONCURRENCY);
  }

  // ---- cancellation

  @Test
  void cancellingARunningCallInterruptsItAndItsThreadServesTheNextCallUninterrupted() throws Exception {
    assumeNotDirect("its future is returned only when the call has ended, so nobody can cancel it while it runs");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> call = adapter.call(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return "never interrupted";
      } catch (InterruptedException expected) {
        interrupted.countDown();
        throw expected;
      }
    });
    assertThat(started.await(5, TimeUnit.SECONDS)).as("the call started").isTrue();

    assertThat(call.cancel()).as("cancel() of a running call").isTrue();
    assertThat(call.isCancelled()).as("cancelled").isTrue();
    assertThatThrownBy(() -> call.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the running call was interrupted").isTrue();
    for (int i = 0; i < CONCURRENCY; i++) {
      assertThat(adapter.call(() -> Thread.currentThread().isInterrupted()).join(WAIT))
          .as("a later call sees the cancel's interrupt").isFalse();
    }
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(1);
    assertThat(stats.failed()).as("failed").isZero();
  }

  @Test
  void cancellingAWaitingCallFreesItsSlotBeforeCancelReturnsAndItNeverRuns() throws Exception {
    assumeNotDirect("it has no queue: a call runs as soon as it is made");
    Gate occupiers = occupyEveryRunningSlot();
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> waiting = adapter.call(() -> {
      ran.set(true);
      return "ran";
    });
    assertThat(adapter.stats().queued()).as("queued before the cancel").isEqualTo(1);

    assertThat(waiting.cancel()).as("cancel() of a waiting call").isTrue();
    assertThat(adapter.stats().queued()).as("queued as soon as cancel() returned").isZero();
    occupiers.open();
    AdapterStats stats = Await.quiet(adapter);
    assertThat(ran).as("the cancelled call ran").isFalse();
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(1);
  }

  @Test
  void cancellingACompletedCallChangesNothing() throws Exception {
    Future<String> call = adapter.call(() -> "done");
    assertThat(call.join(WAIT)).isEqualTo("done");
    assertThat(call.cancel()).as("cancel() after completion").isFalse();
    assertThat(call.isCancelled()).as("cancelled").isFalse();
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.cancelled()).as("cancelled").isZero();
    assertThat(stats.completed()).as("completed").isEqualTo(1);
  }

  // ---- stats

  @Test
  void statsCountEveryCallOnceAndNothingStillRunningOnceItsFutureCompleted() throws Exception {
    int calls = 40;
    for (int i = 0; i < calls; i++) {
      boolean fails = i % 2 == 1;
      Future<Integer> call = adapter.call(() -> {
        if (fails) {
          throw new IOException("failed on purpose");
        }
        return 1;
      });
      Throwable outcome = catchThrowable(() -> call.join(WAIT));
      if (fails) {
        assertThat(outcome).as("call %d's failure", i).isInstanceOf(IOException.class);
      } else {
        assertThat(outcome).as("call %d's failure", i).isNull();
      }
      AdapterStats now = adapter.stats();
      assertThat(now.active()).as("running once call %d's future completed", i).isZero();
      assertThat(now.queued()).as("queued once call %d's future completed", i).isZero();
    }
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.name()).as("name").isEqualTo(adapter.name());
    assertThat(stats.kind()).as("kind").isEqualTo(adapterUnderTest.kind);
    assertThat(stats.submitted()).as("submitted").isEqualTo(calls);
    assertThat(stats.completed()).as("completed").isEqualTo(calls / 2);
    assertThat(stats.failed()).as("failed").isEqualTo(calls / 2);
    assertThat(stats.rejected() + stats.timedOut() + stats.cancelled()).as("rejected, timed out, cancelled").isZero();
  }

  @Test
  void atItsBoundsACallIsRejectedWithTheNumbersAndRoomComesBackWhenCallsEnd() throws Exception {
    assumeNotDirect("it is bounded by its callers, not by settings");
    Gate gate = occupyEveryRunningSlot();
    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < QUEUE; i++) {
      waiting.add(adapter.call(gate.call("waited")));
    }
    AdapterStats full = adapter.stats();
    assertThat(full.active()).as("running at the bound").isEqualTo(CONCURRENCY);
    assertThat(full.queued()).as("queued at the bound").isEqualTo(QUEUE);

    Future<String> refused = adapter.call(() -> "one too many");
    assertThat(refused.isFailed()).as("refused at once, as a failed future (nothing thrown)").isTrue();
    assertThat(refused.failureNow()).isInstanceOf(RejectedException.class)
        .hasMessageContaining(adapter.name())
        .hasMessageContaining("(" + CONCURRENCY + "/" + CONCURRENCY + " running, " + QUEUE + "/" + QUEUE + " queued)");
    assertThat(adapter.stats().rejected()).as("rejected").isEqualTo(1);

    gate.open();
    assertThat(Future.all(waiting).join(WAIT)).as("the waiting calls ran").hasSize(QUEUE);
    assertThat(adapter.call(() -> "room again").join(WAIT)).isEqualTo("room again");
    assertThat(Await.quiet(adapter).completed()).as("completed").isEqualTo(CONCURRENCY + QUEUE + 1);
  }

  // ---- sanity: several callers at once

  /**
   * Callers on loops chain calls (the next from the previous one's callback, so at most one each
   * in flight) while plain threads call and wait; in flight never exceeds the adapter's bound, so
   * every call must be accepted: a call's slot is free by the time its caller learns it ended.
   * Checks each result arrives once, to its caller, on its home loop.
   */
  @Test
  void severalCallersEachGetEveryResultOnceOnTheirHomeLoop() throws Exception {
    int callsPerCaller = 200;
    int loopCallers = adapterUnderTest.runsOnTheCallingThread() ? 0 : 2;
    int threadCallers = adapterUnderTest.runsOnTheCallingThread() ? 4 : CONCURRENCY + QUEUE - loopCallers;
    Set<Integer> delivered = ConcurrentHashMap.newKeySet();
    Queue<String> violations = new ConcurrentLinkedQueue<>();
    List<Future<Integer>> chains = new ArrayList<>();
    for (int caller = 0; caller < loopCallers; caller++) {
      int first = caller * callsPerCaller;
      Loop loop = weft.loop(caller % 2);
      chains.add(loop.submit(() -> chain(first, first + callsPerCaller, delivered, violations)));
    }
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int caller = loopCallers; caller < loopCallers + threadCallers; caller++) {
      int first = caller * callsPerCaller;
      threads.add(CompletableFuture.runAsync(() -> callAndWait(first, first + callsPerCaller, delivered, violations),
          command -> new Thread(command, "contract-caller-" + first).start()));
    }

    for (Future<Integer> chain : chains) {
      assertThat(chain.join(Duration.ofSeconds(30))).as("calls a chain made").isEqualTo(callsPerCaller);
    }
    CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(violations).as("violations").isEmpty();
    assertThat(delivered).as("results delivered").hasSize((loopCallers + threadCallers) * callsPerCaller);
    AdapterStats stats = Await.quiet(adapter);
    assertThat(stats.completed()).as("completed").isEqualTo((long) (loopCallers + threadCallers) * callsPerCaller);
    assertThat(stats.rejected()).as("rejected").isZero();
  }

  /** On a loop: one call, then the next from its callback, until {@code end}. */
  private Future<Integer> chain(int next, int end, Set<Integer> delivered, Queue<String> violations) {
    Loop caller = Loop.current();
    return adapter.call(() -> next).flatMap(id -> {
      if (!caller.inLoop()) {
        violations.add("result " + id + " arrived on " + Thread.currentThread().getName());
      }
      if (!delivered.add(id)) {
        violations.add("result " + id + " arrived twice");
      }
      return id + 1 < end ? chain(id + 1, end, delivered, violations).map(count -> count + 1) : Future.succeeded(1);
    });
  }

  private void callAndWait(int first, int end, Set<Integer> delivered, Queue<String> violations) {
    for (int id = first; id < end; id++) {
      int expected = id;
      Future<Integer> call = adapter.call(() -> expected);
      CompletableFuture<Boolean> onHome = new CompletableFuture<>();
      call.onComplete((value, failure) -> onHome.complete(call.home().inLoop()));
      try {
        if (!delivered.add(call.join(WAIT)) || !onHome.get(5, TimeUnit.SECONDS)) {
          violations.add("result " + id + " arrived twice or off its home loop");
        }
      } catch (Exception e) {
        violations.add("call " + id + " failed: " + e);
      }
    }
  }

  // ---- shutdown
  //
  // Shutdown is the runtime's, not one adapter's: its contract (no waiting call starts, running
  // calls interrupted when the grace period ends, every future settled on its home loop, true only
  // when no adapter thread is left) is checked on every registered kind of adapter by
  // dev.weft.runtime.ShutdownWithBlockingWorkTest, which needs a runtime of its own per case. The
  // direct adapter is not registered with a runtime (it has no threads), so shutdown does not reach it.
}
