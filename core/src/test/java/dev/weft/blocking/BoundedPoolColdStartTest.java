package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.internal.blocking.ThreadsStarting;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fresh pool given a burst (issue 20): threads start as fast as calls arrive, not one after
 * another, and the counts an operator reads never put more calls in the queue than maxQueue.
 */
class BoundedPoolColdStartTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Pattern SATURATED =
      Pattern.compile("\\((\\d+)/8 running, (?:(\\d+) starting, )?(\\d+)/16 queued\\)");

  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("bt-cold");

  private static BlockingAdapter freshPool(String name) {
    return Adapters.boundedPool(name).maxThreads(8).maxQueue(16).build(weft.runtime());
  }

  @Test
  void eachCallOfABurstThatFindsNoIdleThreadStartsOneBeforeItsSubmitReturns() throws Exception {
    BlockingAdapter pool = freshPool("eager");
    Gate gate = new Gate();
    List<Future<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        calls.add(pool.call(gate.call(i)));
        // Not one thread per step of a cascade (the worker started for call 1 starting the next):
        // the submitter starts a thread for each call that finds none idle or on its way. At least
        // one per call, then; one more is allowed: a worker that takes a call between a submitter's
        // count and its decision may start one as the submitter does (harmless: it idles and retires).
        AdapterStats stats = pool.stats();
        assertThat(stats.threads()).as("threads once call %d has been submitted: %s", i + 1, stats)
            .isGreaterThanOrEqualTo(i + 1).isLessThanOrEqualTo(Math.min(8, i + 2));
      }
    } finally {
      gate.open();
    }
    for (Future<Integer> call : calls) {
      call.join(WAIT);
    }
  }

  @Test
  void aBurstOfMaxThreadsPlusMaxQueueCallsIsAcceptedAndRunsMaxThreadsAtOnce() throws Exception {
    BlockingAdapter pool = freshPool("burst");
    Gate gate = new Gate();
    List<Future<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        calls.add(pool.call(gate.call(i))); // a rejection would throw here
      }
      List<AdapterStats> overCounted = new ArrayList<>();
      Polling.await("8 calls of a fresh 8 + 16 pool running", WAIT, () -> {
        AdapterStats sample = pool.stats(); // sampled while the threads start
        if (sample.queued() > 16 || sample.active() > 8) {
          overCounted.add(sample);
        }
        return sample.active() == 8;
      }, pool::stats);
      assertThat(overCounted).as("samples with more than maxQueue queued or maxThreads running").isEmpty();
      AdapterStats stats = pool.stats();
      assertThat(stats.queued()).as("queued once 8 run").isEqualTo(16);
      assertThat(stats.threads()).as("threads").isEqualTo(8);
      assertThat(stats.submitted()).as("accepted").isEqualTo(24);
    } finally {
      gate.open();
    }
    for (int i = 0; i < 24; i++) {
      assertThat(calls.get(i).join(WAIT)).as("call %d", i).isEqualTo(i);
    }
    assertThat(Await.quiet(pool).rejected()).as("rejected").isZero();
  }

  @Test
  void aFullPoolWhoseThreadsAllRunIsNotStartingAnyMore() throws Exception {
    // ThreadsStarting is what the HTTP server's admission wait asks of a full bulkhead: true only
    // while calls wait for threads that are starting; once maxThreads calls run, the pool is saturated
    BlockingAdapter pool = freshPool("started");
    Gate gate = new Gate();
    List<Future<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        calls.add(pool.call(gate.call(i)));
      }
      gate.awaitEntered(8);
      assertThat(ThreadsStarting.in(pool)).as("8 running, 16 queued: %s", pool.stats()).isFalse();
      assertThat(ThreadsStarting.in(Adapters.direct(weft.runtime())))
          .as("an adapter without threads to start").isFalse();
    } finally {
      gate.open();
    }
    for (Future<Integer> call : calls) {
      call.join(WAIT);
    }
    assertThat(ThreadsStarting.in(pool)).as("an idle pool").isFalse();
  }

  @Test
  void aRejectionWhileThreadsStartCountsTheirCallsAsStartingNotQueued() throws Exception {
    BlockingAdapter pool = freshPool("counts");
    Gate gate = new Gate();
    List<Future<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        calls.add(pool.call(gate.call(i)));
      }
      // At once, before the threads have necessarily begun: whatever they have done by now, the
      // figures must add up to the 24 calls held and respect each limit.
      RejectedException rejected = catchRejection(pool.call(() -> 25));
      Matcher figures = SATURATED.matcher(rejected.getMessage());
      assertThat(figures.find()).as("message shape: %s", rejected.getMessage()).isTrue();
      int running = Integer.parseInt(figures.group(1));
      int starting = figures.group(2) == null ? 0 : Integer.parseInt(figures.group(2));
      int queued = Integer.parseInt(figures.group(3));
      assertThat(queued).as("queued in: %s", rejected.getMessage()).isEqualTo(16);
      assertThat(running + starting).as("running + starting in: %s", rejected.getMessage()).isEqualTo(8);
    } finally {
      gate.open();
    }
    for (Future<Integer> call : calls) {
      call.join(WAIT);
    }
  }

  @Test
  void prestartedThreadsExistBeforeTheFirstCallAndServeABurst() throws Exception {
    BlockingAdapter pool = Adapters.boundedPool("prestarted").maxThreads(8).maxQueue(16).prestartThreads(4)
        .build(weft.runtime());
    assertThat(pool.stats().threads()).as("threads before any call").isEqualTo(4);
    Gate gate = new Gate();
    List<Future<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        calls.add(pool.call(gate.call(i)));
      }
      gate.awaitEntered(4);
      assertThat(pool.stats().threads()).as("threads with 4 calls running").isBetween(4, 8);
    } finally {
      gate.open();
    }
    for (Future<Integer> call : calls) {
      call.join(WAIT);
    }
  }

  @Test
  void prestartedThreadsRetireAfterKeepAliveLikeAnyIdleThread() {
    BlockingAdapter pool = Adapters.boundedPool("prestart-retire").maxThreads(4).prestartThreads(4)
        .keepAlive(Duration.ofMillis(20)).build(weft.runtime());
    Polling.await("prestarted threads that got no call stop after keepAlive", WAIT,
        () -> pool.stats().threads() == 0, pool::stats);
  }

  private static RejectedException catchRejection(Future<?> call) {
    if (call.isFailed() && call.failureNow() instanceof RejectedException expected) {
      return expected;
    }
    throw new AssertionError("the 25th call of a 8 + 16 pool holding 24 was accepted");
  }
}
