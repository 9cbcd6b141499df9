package dev.weft.runtime;

import static dev.weft.runtime.RuntimeTestSupport.TIMEOUT;
import static dev.weft.runtime.RuntimeTestSupport.callOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.testing.FailureRecorder;
import dev.weft.testing.Polling;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A loop's contract: its thread, its task order, its timers, submit, and failures of tasks. */
class LoopTest {
  private static final int LOOPS = 3;

  private final FailureRecorder failures = new FailureRecorder();
  private AsyncRuntime runtime;
  private Loop loop;

  @BeforeEach
  void startRuntime() {
    runtime = AsyncRuntime.builder()
        .name(RuntimeTestSupport.uniqueName("loops"))
        .loops(LOOPS)
        .blockedThreshold(Duration.ofMinutes(1)) // these tests are not about the watchdog
        .unhandledFailureHandler(failures)
        .build();
    loop = runtime.loops().get(0);
  }

  @AfterEach
  void closeRuntime() {
    runtime.close();
  }

  @Test
  void loopsHasOneLoopPerConfiguredLoop() {
    assertThat(runtime.loops()).as("loops() of a runtime built with loops(%d)", LOOPS).hasSize(LOOPS);
  }

  @Test
  void eachLoopRunsOnAThreadNamedRuntimeLoopIndexAsItsName() throws Exception {
    for (int index = 0; index < LOOPS; index++) {
      Loop each = runtime.loops().get(index);
      assertThat(each.name()).as("name of loop %d", index).isEqualTo(runtime.name() + "-loop-" + index);
      assertThat(callOn(each, () -> Thread.currentThread().getName()))
          .as("thread name seen by a task on loop %d", index)
          .isEqualTo(each.name());
    }
  }

  @Test
  void loopCurrentIsTheLoopRunningTheTask() throws Exception {
    for (Loop each : runtime.loops()) {
      assertThat(callOn(each, Loop::current)).as("Loop.current() inside a task of %s", each).isSameAs(each);
    }
  }

  @Test
  void loopCurrentIsNullOffAnyLoop() {
    assertThat(Loop.current()).as("Loop.current() on the test thread").isNull();
  }

  @Test
  void inLoopIsTrueOnlyOnTheLoopsOwnThread() throws Exception {
    Loop other = runtime.loops().get(1);
    assertThat(loop.inLoop()).as("inLoop() on the test thread").isFalse();
    assertThat(callOn(loop, loop::inLoop)).as("inLoop() on its own thread").isTrue();
    assertThat(callOn(other, loop::inLoop)).as("inLoop() on another loop's thread").isFalse();
  }

  @Test
  void executeRunsTasksInTheOrderGivenOnTheLoopThread() throws Exception {
    int tasks = 1_000;
    List<Integer> order = new ArrayList<>(); // touched only by the loop thread until the latch opens
    Set<String> threads = new HashSet<>();
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      int index = i;
      loop.execute(() -> {
        order.add(index);
        threads.add(Thread.currentThread().getName());
        done.countDown();
      });
    }

    assertThat(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("all tasks ran").isTrue();
    assertThat(order).as("order in which the tasks ran")
        .containsExactlyElementsOf(IntStream.range(0, tasks).boxed().collect(Collectors.toList()));
    assertThat(threads).as("threads the tasks ran on").containsExactly(loop.name());
  }

  @Test
  void executeNeverRunsTheTaskInlineEvenOnTheLoopItself() throws Exception {
    List<String> steps = callOn(loop, () -> {
      List<String> seen = new ArrayList<>();
      loop.execute(() -> seen.add("task"));
      seen.add("after execute");
      return seen;
    });
    callOn(loop, () -> null); // the inner task ran before this one
    assertThat(steps).as("steps on the loop").containsExactly("after execute", "task");
  }

  @Test
  void aTaskThatThrowsGoesToTheUnhandledFailureHandlerAndTheLoopKeepsRunning() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    loop.execute(() -> {
      throw boom;
    });

    FailureRecorder.Report report = failures.next();
    assertThat(report.failure()).as("failure given to the handler").isSameAs(boom);
    assertThat(report.description()).as("description given to the handler").contains(loop.name());
    assertThat(callOn(loop, () -> "still running")).as("a task after the failing one").isEqualTo("still running");
  }

  @Test
  void scheduleRunsTheTaskOnTheLoopNoEarlierThanTheDelay() throws Exception {
    Duration delay = Duration.ofMillis(50);
    long scheduledAt = System.nanoTime();
    Future<String> ran = loop.schedule(delay, () -> {
      long waited = System.nanoTime() - scheduledAt;
      return Thread.currentThread().getName() + " after " + (waited >= delay.toNanos() ? "the delay" : waited + "ns");
    });

    assertThat(ran.join(TIMEOUT)).as("where and when the scheduled task ran")
        .isEqualTo(loop.name() + " after the delay");
  }

  @Test
  void aScheduledTaskThatThrowsFailsItsFutureWithThatException() {
    IOException boom = new IOException("boom");
    Future<String> failed = loop.schedule(Duration.ofMillis(1), () -> {
      throw boom;
    });

    assertThatThrownBy(() -> failed.join(TIMEOUT)).as("join() of the scheduled task's future").isSameAs(boom);
  }

  @Test
  void cancellingAScheduledFutureBeforeItFiresMeansTheTaskNeverRuns() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    Future<Void> cancelled = loop.schedule(Duration.ofMillis(100), () -> {
      ran.set(true);
      return null;
    });

    assertThat(cancelled.cancel()).as("cancel() before the delay").isTrue();
    // timers of one loop fire in deadline order: once a later one has fired, the cancelled one
    // would have run had it not been removed
    loop.schedule(Duration.ofMillis(200), () -> null).join(TIMEOUT);
    assertThat(ran).as("the cancelled task ran").isFalse();
    assertThat(cancelled.isCancelled()).as("the future is cancelled").isTrue();
  }

  @Test
  void delayCompletesWithNullOnTheLoopAfterTheDelay() throws Exception {
    Duration delay = Duration.ofMillis(30);
    long start = System.nanoTime();
    AtomicReference<Loop> completedOn = new AtomicReference<>();
    Future<Void> sleep = loop.delay(delay).onComplete((value, failure) -> completedOn.set(Loop.current()));

    assertThat(sleep.join(TIMEOUT)).as("value of delay()").isNull();
    assertThat(System.nanoTime() - start).as("nanoseconds until delay() completed")
        .isGreaterThanOrEqualTo(delay.toNanos());
    Polling.await("the callback ran", TIMEOUT, () -> completedOn.get() != null);
    assertThat(completedOn.get()).as("loop the delay's callback ran on").isSameAs(loop);
  }

  @Test
  void submitCallsTheSupplierOnTheLoopAndRelaysTheFutureItReturns() throws Exception {
    AtomicReference<String> supplierThread = new AtomicReference<>();
    Future<String> result = loop.submit(() -> {
      supplierThread.set(Thread.currentThread().getName());
      return loop.delay(Duration.ofMillis(20)).map(ignored -> "later");
    });

    assertThat(result.join(TIMEOUT)).as("value relayed from the supplier's future").isEqualTo("later");
    assertThat(supplierThread.get()).as("thread the supplier ran on").isEqualTo(loop.name());
  }

  @Test
  void submitFailsTheFutureWhenTheSupplierThrows() {
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> result = loop.submit(() -> {
      throw boom;
    });

    assertThatThrownBy(() -> result.join(TIMEOUT)).as("join() after the supplier threw").isSameAs(boom);
  }

  @Test
  void submitFailsTheFutureWhenTheSupplierReturnsNull() {
    Future<String> result = loop.submit(() -> null);

    assertThatThrownBy(() -> result.join(TIMEOUT)).as("join() after the supplier returned null")
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("returned null");
  }

  @Test
  void cancellingTheSubmittedFutureCancelsTheSuppliersFuture() throws Exception {
    CountDownLatch supplied = new CountDownLatch(1);
    AtomicReference<Future<String>> inner = new AtomicReference<>();
    Future<String> outer = loop.submit(() -> {
      Future<String> never = loop.newPromise();
      inner.set(never);
      supplied.countDown();
      return never;
    });
    assertThat(supplied.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("the supplier ran").isTrue();

    outer.cancel();

    Polling.await("the supplier's future is cancelled", TIMEOUT, () -> inner.get().isCancelled());
  }

  @Test
  void nextLoopCyclesThroughAllLoops() {
    List<Loop> picks = new ArrayList<>();
    for (int i = 0; i < 3 * LOOPS; i++) {
      picks.add(runtime.nextLoop());
    }

    assertThat(picks.subList(0, LOOPS)).as("the first %d picks", LOOPS)
        .containsExactlyInAnyOrderElementsOf(runtime.loops());
    for (int i = LOOPS; i < picks.size(); i++) {
      assertThat(picks.get(i)).as("pick %d repeats pick %d", i, i - LOOPS).isSameAs(picks.get(i - LOOPS));
    }
  }

  @Test
  void aNegativeDelayIsRejectedWithIllegalArgumentException() {
    Duration negative = Duration.ofMillis(-1);
    assertThatThrownBy(() -> loop.schedule(negative, () -> "never")).as("schedule(-1ms)")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> loop.delay(negative)).as("delay(-1ms)")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
  }
}
