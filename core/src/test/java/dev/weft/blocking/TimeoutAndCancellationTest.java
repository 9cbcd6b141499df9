package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-call timeouts and cancel(): waiting calls are dropped, running ones interrupted, workers survive. */
class TimeoutAndCancellationTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofMillis(30);
  /**
   * The timeout of a call meant to be running when it expires. The clock starts at the call, so it
   * must cover the hand-off to a warm, idle worker (see {@link #warmSingleThread}) even on a loaded
   * machine, which may take tens of milliseconds to schedule it.
   */
  private static final Duration RUNNING = Duration.ofMillis(500);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-cancel").loops(2).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  private static BlockingAdapter singleThread(String name) {
    return Adapters.boundedPool(name).maxThreads(1).maxQueue(4).build(runtime);
  }

  /** A single-thread pool whose worker has started and is idle, so a call need not wait for a thread start. */
  private static BlockingAdapter warmSingleThread(String name) throws Exception {
    BlockingAdapter pool = singleThread(name);
    pool.call(() -> "warm").join(WAIT);
    return pool;
  }

  /** A call that waits until interrupted (at most 10 s), reporting the interrupt. */
  private static Future<String> interruptible(BlockingAdapter pool, CountDownLatch started,
      CountDownLatch interrupted, Duration timeout) {
    return pool.call(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
        return "never interrupted";
      } catch (InterruptedException expected) {
        interrupted.countDown();
        Thread.currentThread().interrupt(); // the usual idiom: restore the flag
        throw expected;
      }
    }, timeout);
  }

  @Test
  void aCallThatCompletesWithinItsTimeoutSucceeds() throws Exception {
    BlockingAdapter pool = singleThread("in-time");
    assertThat(pool.call(() -> 42, Duration.ofSeconds(10)).join(WAIT)).isEqualTo(42);
    assertThat(Await.quiet(pool).timedOut()).as("timed out").isZero();
  }

  @Test
  void aTimeoutDropsAWaitingCallWhichNeverRuns() throws Exception {
    BlockingAdapter pool = singleThread("drop-waiting");
    Gate gate = new Gate();
    Future<String> blocker = pool.call(gate.call("blocker"));
    gate.awaitEntered(1);
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> waiting = pool.call(() -> {
      ran.set(true);
      return "ran";
    }, SHORT);

    assertThatThrownBy(() -> waiting.join(WAIT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("bounded pool 'drop-waiting' did not complete within 30ms")
        .hasMessageContaining("dropped from the queue");
    assertThat(pool.stats().queued()).as("its place in the queue is free at once").isZero();
    gate.open();
    blocker.join(WAIT);
    // One thread takes calls in order: a call submitted now runs after the dropped one would have.
    pool.call(() -> "after").join(WAIT);
    assertThat(ran).as("the dropped call ran").isFalse();
    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.timedOut()).as("timed out").isEqualTo(1);
    assertThat(stats.completed()).as("completed").isEqualTo(2);
  }

  @Test
  void aTimeoutInterruptsARunningCallAndFailsItsFutureWithTimeoutException() throws Exception {
    BlockingAdapter pool = warmSingleThread("interrupt-running");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> call = interruptible(pool, started, interrupted, RUNNING);

    assertThat(started.await(5, TimeUnit.SECONDS)).as("started").isTrue();
    assertThatThrownBy(() -> call.join(WAIT)).as("the timeout, not the call's InterruptedException")
        .isInstanceOf(TimeoutException.class).hasMessageContaining("it was interrupted");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the running call was interrupted").isTrue();
    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.timedOut()).as("timed out").isEqualTo(1);
    assertThat(stats.failed()).as("failed (the InterruptedException does not count)").isZero();
  }

  @Test
  void theInterruptOfATimedOutCallIsClearedBeforeTheNextCallOnTheSameWorker() throws Exception {
    BlockingAdapter pool = warmSingleThread("interrupt-cleared");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> timedOut = interruptible(pool, started, interrupted, RUNNING);
    Future<String> next = pool.call(() -> Thread.currentThread().isInterrupted() + " on "
        + Thread.currentThread().getName());
    Future<String> workerName = pool.call(() -> Thread.currentThread().getName()); // runs after `next`
    assertThat(started.await(5, TimeUnit.SECONDS)).as("started").isTrue();

    assertThatThrownBy(() -> timedOut.join(WAIT)).isInstanceOf(TimeoutException.class);
    String worker = workerName.join(WAIT);
    assertThat(next.join(WAIT)).as("interrupt flag of the next call, on the only worker")
        .isEqualTo("false on " + worker);
  }

  @Test
  void aCallThatInterruptsItselfDoesNotPassTheInterruptToTheNextCall() throws Exception {
    BlockingAdapter pool = singleThread("self-interrupt");
    String worker = pool.call(() -> {
      Thread.currentThread().interrupt();
      return Thread.currentThread().getName();
    }).join(WAIT);
    assertThat(pool.call(() -> Thread.currentThread().isInterrupted() + " on " + Thread.currentThread().getName())
        .join(WAIT)).as("interrupt flag of the next call").isEqualTo("false on " + worker);
  }

  @Test
  void cancellingAWaitingCallDropsItAndFailsItsFutureWithCancellationException() throws Exception {
    BlockingAdapter pool = singleThread("cancel-waiting");
    Gate gate = new Gate();
    Future<String> blocker = pool.call(gate.call("blocker"));
    gate.awaitEntered(1);
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> waiting = pool.call(() -> {
      ran.set(true);
      return "ran";
    });

    assertThat(waiting.cancel()).as("cancel() of a waiting call").isTrue();
    assertThat(waiting.isCancelled()).as("cancelled").isTrue();
    assertThatThrownBy(() -> waiting.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(pool.stats().queued()).as("its place in the queue is free at once").isZero();
    gate.open();
    blocker.join(WAIT);
    pool.call(() -> "after").join(WAIT);
    assertThat(ran).as("the cancelled call ran").isFalse();
    assertThat(Await.quiet(pool).cancelled()).as("cancelled").isEqualTo(1);
  }

  @Test
  void cancellingARunningCallInterruptsIt() throws Exception {
    BlockingAdapter pool = singleThread("cancel-running");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<String> call = interruptible(pool, started, interrupted, Duration.ofHours(1));
    assertThat(started.await(5, TimeUnit.SECONDS)).as("started").isTrue();

    assertThat(call.cancel()).as("cancel() of a running call").isTrue();
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the running call was interrupted").isTrue();
    assertThatThrownBy(() -> call.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(pool.call(() -> Thread.currentThread().isInterrupted()).join(WAIT))
        .as("the worker's interrupt flag for its next call").isFalse();
    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(1);
    assertThat(stats.completed()).as("completed").isEqualTo(1);
  }

  @Test
  void withoutInterruptOnCancelARunningCallFinishesAndItsResultIsDropped() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("no-interrupt").maxThreads(1).interruptOnCancel(false)
        .build(runtime);
    Gate gate = new Gate();
    CompletableFuture<Boolean> interruptedAtEnd = new CompletableFuture<>();
    Future<String> call = pool.call(() -> {
      String value = gate.call("finished").call();
      interruptedAtEnd.complete(Thread.currentThread().isInterrupted());
      return value;
    });
    gate.awaitEntered(1);

    assertThat(call.cancel()).as("cancel()").isTrue();
    gate.open();
    assertThat(interruptedAtEnd.get(5, TimeUnit.SECONDS)).as("the call was interrupted").isFalse();
    assertThatThrownBy(() -> call.join(WAIT)).as("the result is dropped").isInstanceOf(CancellationException.class);
    AdapterStats stats = Await.quiet(pool);
    assertThat(stats.cancelled()).as("cancelled").isEqualTo(1);
    assertThat(stats.completed()).as("completed (the dropped result does not count)").isZero();
  }

  @Test
  void runWithATimeoutTimesOutLikeCall() throws Exception {
    BlockingAdapter pool = singleThread("run-timeout");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Future<Void> action = pool.run(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
      } catch (InterruptedException expected) {
        interrupted.countDown();
      }
    }, SHORT);
    assertThatThrownBy(() -> action.join(WAIT)).isInstanceOf(TimeoutException.class);
    // The timeout stops the work either way: a call running then is interrupted; one still waiting
    // for the pool's first thread (which a loaded machine may not schedule within 30 ms) is dropped
    // and never runs. Which of the two happened is up to the machine; that one of them did is not.
    AdapterStats quiet = Await.quiet(pool);
    boolean ranBeforeItsTimeout = started.getCount() == 0;
    if (ranBeforeItsTimeout) {
      assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the running call was interrupted").isTrue();
    }
    assertThat(quiet.timedOut()).as("timed out").isEqualTo(1);
    assertThat(pool.run(() -> { }).join(WAIT)).as("run() without timeout").isNull();
    if (!ranBeforeItsTimeout) {
      assertThat(started.getCount()).as("the call dropped at its timeout never ran, not even after the next")
          .isEqualTo(1);
    }
  }

  @Test
  void aTimeoutMustBePositive() {
    BlockingAdapter pool = singleThread("bad-timeout");
    assertThatThrownBy(() -> pool.call(() -> 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be > 0 (was PT0S)");
    assertThatThrownBy(() -> pool.call(() -> 1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(pool.stats().submitted()).as("submitted").isZero();
  }
}
