package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bounded pool's bounds: threads on demand, an exact limit of maxThreads + maxQueue, load shedding. */
class BoundedPoolSaturationTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static AsyncRuntime runtime;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("bt-sat").loops(2).shutdownGracePeriod(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void closeRuntime() {
    runtime.close();
  }

  private static BlockingAdapter pool(String name, int maxThreads, int maxQueue) {
    return Adapters.boundedPool(name).maxThreads(maxThreads).maxQueue(maxQueue).build(runtime);
  }

  @Test
  void callsBeyondMaxThreadsPlusMaxQueueAreRejectedExactly() throws Exception {
    BlockingAdapter pool = pool("exact", 2, 3);
    Gate gate = new Gate();
    List<Future<Integer>> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(pool.call(gate.call(i)));
    }
    gate.awaitEntered(2);

    assertThatThrownBy(() -> pool.call(() -> 5).join(Duration.ZERO)).as("call 6 of 2 threads + 3 queued")
        .isInstanceOf(RejectedException.class);
    assertThatThrownBy(() -> pool.call(() -> 6).join(Duration.ZERO)).as("call 7").isInstanceOf(RejectedException.class);
    AdapterStats saturated = pool.stats();
    assertThat(saturated.active()).as("running while saturated").isEqualTo(2);
    assertThat(saturated.queued()).as("queued while saturated").isEqualTo(3);
    assertThat(saturated.rejected()).as("rejected").isEqualTo(2);
    assertThat(saturated.submitted()).as("accepted").isEqualTo(5);

    gate.open();
    for (int i = 0; i < 5; i++) {
      assertThat(accepted.get(i).join(WAIT)).as("accepted call %d completes once threads free up", i).isEqualTo(i);
    }
    assertThat(Await.quiet(pool).completed()).as("completed").isEqualTo(5);
  }

  @Test
  void rejectionFailsAtOnceWithAMessageNamingThePoolItsCountsAndLimits() throws Exception {
    BlockingAdapter pool = pool("named", 2, 3);
    Gate gate = new Gate();
    List<Future<String>> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(pool.call(gate.call("ok")));
    }
    gate.awaitEntered(2);

    assertThatThrownBy(() -> pool.call(() -> "too many").join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("bounded pool 'named' is saturated (2/2 running, 3/3 queued)")
        .hasMessageContaining("raise maxThreads or maxQueue");
    gate.open();
    for (Future<String> future : accepted) {
      future.join(WAIT);
    }
  }

  @Test
  void threadsStartOnDemandUpToMaxThreadsBeforeAnyCallWaits() throws Exception {
    BlockingAdapter pool = pool("on-demand", 4, 10);
    Gate gate = new Gate();
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(pool.call(gate.call("ok")));
    }
    // Unlike ThreadPoolExecutor, which grows past its core size only once its queue is full.
    gate.awaitEntered(4);
    assertThat(pool.stats().threads()).as("threads with 4 calls in flight").isEqualTo(4);
    assertThat(pool.stats().queued()).as("calls waiting with 4 calls and 4 threads").isZero();

    calls.add(pool.call(gate.call("ok")));
    assertThat(pool.stats().queued()).as("the 5th call waits: no 5th thread").isEqualTo(1);
    assertThat(pool.stats().threads()).as("threads never exceed maxThreads").isEqualTo(4);
    gate.open();
    for (Future<String> future : calls) {
      future.join(WAIT);
    }
  }

  @Test
  void withNoQueueACallFindingEveryThreadBusyIsRejected() throws Exception {
    BlockingAdapter pool = pool("no-queue", 1, 0);
    Gate gate = new Gate();
    Future<String> running = pool.call(gate.call("ok"));
    gate.awaitEntered(1);

    assertThatThrownBy(() -> pool.call(() -> "second").join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("(1/1 running, 0/0 queued)");
    gate.open();
    running.join(WAIT);
  }

  @Test
  void aCallerThatCallsAgainAsSoonAsItsFutureCompletesIsNeverRejected() {
    // One thread, no queue: each call is accepted only if the previous one has freed its slot,
    // which it must do before its future completes.
    BlockingAdapter pool = pool("sequential", 1, 0);
    int rejected = 0;
    for (int i = 0; i < 1_000; i++) {
      try {
        pool.call(() -> 1).join(WAIT);
      } catch (RejectedException refused) {
        rejected++;
      } catch (Exception unexpected) {
        throw new AssertionError(unexpected);
      }
    }
    assertThat(rejected).as("rejections of 1000 sequential calls on a 1-thread, 0-queue pool").isZero();
  }

  @Test
  void aCallbackThatCallsAgainOnItsLoopIsNeverRejected() throws Exception {
    BlockingAdapter pool = pool("chained", 1, 0);
    AtomicInteger rejected = new AtomicInteger();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    runtime.nextLoop().execute(() -> chain(pool, 1_000, rejected, done));
    assertThat(done.get(20, TimeUnit.SECONDS)).as("calls chained").isEqualTo(1_000);
    assertThat(rejected.get()).as("rejections of 1000 calls chained through callbacks").isZero();
  }

  private static void chain(BlockingAdapter pool, int left, AtomicInteger rejected, CompletableFuture<Integer> done) {
    if (left == 0) {
      done.complete(1_000);
      return;
    }
    pool.call(() -> left).onComplete((value, failure) -> {
      if (failure instanceof RejectedException) {
        rejected.incrementAndGet();
      }
      chain(pool, left - 1, rejected, done);
    });
  }

  @Test
  void whenCallsDroppedWhileWaitingFillTheQueueARejectionSaysSo() throws Exception {
    // A known limit: a dropped call frees its slot at once, but its queue entry stays until a worker
    // skips it. With the only worker busy, enough drops fill the queue (capacity 8 here) below the bound.
    BlockingAdapter pool = pool("clogged", 1, 2);
    Gate gate = new Gate();
    Future<String> running = pool.call(gate.call("running"));
    gate.awaitEntered(1);
    for (int i = 0; i < 8; i++) {
      assertThat(pool.call(() -> "dropped").cancel()).as("cancel waiting call %d", i).isTrue();
    }

    assertThatThrownBy(() -> pool.call(() -> "refused").join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("(1/1 running, 0/2 queued, and its queue is full of calls cancelled or timed out "
            + "while they waited, which its busy threads have not cleared yet)");
    gate.open();
    running.join(WAIT);
    Polling.await("calls are accepted again once the freed worker has skipped the stale entries", WAIT, () -> {
      try {
        return pool.call(() -> "accepted").join(WAIT).equals("accepted");
      } catch (RejectedException stillClogged) {
        return false;
      } catch (Exception unexpected) {
        throw new AssertionError(unexpected);
      }
    });
  }

  @Test
  void aClosedPoolRejectsNewCallsSayingItIsClosed() {
    BlockingAdapter pool = pool("closed", 2, 2);
    pool.close();
    assertThatThrownBy(() -> pool.call(() -> "late").join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("bounded pool 'closed' is closed");
    assertThat(pool.stats().rejected()).as("rejected by a closed pool").isEqualTo(1);
  }

  @Test
  void closingLetsAcceptedCallsFinishAndStopsTheThreads() throws Exception {
    BlockingAdapter pool = pool("draining", 1, 2);
    Gate gate = new Gate();
    Future<String> running = pool.call(gate.call("running"));
    Future<String> waiting = pool.call(() -> "waiting");
    gate.awaitEntered(1);

    pool.close();
    gate.open();
    assertThat(running.join(WAIT)).as("the running call").isEqualTo("running");
    assertThat(waiting.join(WAIT)).as("the call that waited when the pool closed").isEqualTo("waiting");
    Polling.await("the closed pool's threads stop", WAIT, () -> pool.stats().threads() == 0, pool::stats);
  }
}
