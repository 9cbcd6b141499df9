package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rule 4: cancel() fails the future with CancellationException and reaches the work behind it. */
class CancellationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-cancel");
  private static Loop home;
  private static Loop otherLoop;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
    otherLoop = weft.loop(1);
  }

  @Test
  void cancelFailsTheFutureWithCancellationException() throws Exception {
    Promise<String> promise = home.newPromise();
    AtomicReference<Throwable> delivered = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    promise.onFailure(failure -> {
      delivered.set(failure);
      failed.countDown();
    });

    assertThat(promise.cancel()).as("cancel() of a pending future").isTrue();

    assertThat(failed.await(10, TimeUnit.SECONDS)).as("onFailure ran").isTrue();
    assertThat(delivered.get()).as("failure given to onFailure").isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> promise.join(WAIT)).as("join of a cancelled future")
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void cancelRunsTheCancelHooksOnTheCancellingThreadBeforeReturning() throws Exception {
    Promise<String> promise = home.newPromise();
    List<Thread> hookThreads = new CopyOnWriteArrayList<>();
    promise.onCancel(() -> hookThreads.add(Thread.currentThread()));
    promise.onCancel(() -> hookThreads.add(Thread.currentThread()));
    AtomicReference<Thread> canceller = new AtomicReference<>();

    Loops.onPlainThread(() -> {
      canceller.set(Thread.currentThread());
      promise.cancel();
      assertThat(hookThreads).as("hooks that ran before cancel() returned").hasSize(2);
    });

    assertThat(hookThreads).as("threads the cancel hooks ran on").containsOnly(canceller.get());
  }

  @Test
  void cancelHookSeesTheFutureAlreadyCancelled() {
    Promise<String> promise = home.newPromise();
    AtomicBoolean sawCancelled = new AtomicBoolean();
    promise.onCancel(() -> sawCancelled.set(promise.isCancelled()));

    promise.cancel();

    assertThat(sawCancelled).as("isCancelled() as seen from a cancel hook").isTrue();
  }

  @Test
  void onCancelOnACancelledPromiseRunsAtOnce() {
    Promise<String> promise = home.newPromise();
    promise.cancel();
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    promise.onCancel(() -> ranOn.set(Thread.currentThread()));

    assertThat(ranOn.get()).as("thread of a hook added to a cancelled promise (null: did not run)")
        .isSameAs(Thread.currentThread());
  }

  @Test
  void onCancelOnACompletedPromiseNeverRuns() {
    Promise<String> promise = home.newPromise();
    AtomicInteger runs = new AtomicInteger();
    promise.onCancel(runs::incrementAndGet);

    promise.complete("done");
    promise.onCancel(runs::incrementAndGet);
    promise.cancel();

    assertThat(runs.get()).as("runs of cancel hooks of a completed promise").isZero();
  }

  @Test
  void onCancelOnAFailedPromiseNeverRuns() {
    Promise<String> promise = home.newPromise();
    AtomicInteger runs = new AtomicInteger();
    promise.onCancel(runs::incrementAndGet);

    promise.fail(new IOException("failed"));
    promise.onCancel(runs::incrementAndGet);
    promise.cancel();
    promise.failureNow();

    assertThat(runs.get()).as("runs of cancel hooks of a failed promise").isZero();
  }

  @Test
  void failingAPromiseWithACancellationExceptionIsNotCancellingIt() {
    Promise<String> promise = home.newPromise();
    AtomicInteger runs = new AtomicInteger();
    promise.onCancel(runs::incrementAndGet);

    // a producer reports that its work was cancelled; it must not be interrupted for it
    promise.fail(new CancellationException("the work gave up"));
    promise.onCancel(runs::incrementAndGet);

    assertThat(runs.get()).as("runs of cancel hooks of a promise failed (not cancelled) with a "
        + "CancellationException").isZero();
    assertThat(promise.isCancelled()).as("isCancelled of a promise failed with CancellationException").isTrue();
  }

  @Test
  void cancelHookThatThrowsIsReportedAndTheOtherHooksStillRun() {
    Promise<String> promise = home.newPromise();
    IllegalStateException thrown = new IllegalStateException("hook broke");
    AtomicInteger otherRuns = new AtomicInteger();
    promise.onCancel(otherRuns::incrementAndGet);
    promise.onCancel(() -> {
      throw thrown;
    });
    promise.onCancel(otherRuns::incrementAndGet);

    promise.cancel();

    assertThat(otherRuns.get()).as("runs of the hooks that did not throw").isEqualTo(2);
    assertThat(weft.failures().timesReported(thrown)).as("reports of the hook's exception").isEqualTo(1);
    weft.failures().clear();
  }

  @Test
  void cancellingAMapResultCancelsItsSource() {
    Promise<String> source = home.newPromise();
    Future<Integer> mapped = source.map(String::length);

    assertThat(mapped.cancel()).as("cancel() of the map result").isTrue();

    assertThat(source.isCancelled()).as("the source of a cancelled map").isTrue();
  }

  @Test
  void cancellingARecoverResultCancelsItsSource() {
    Promise<String> source = home.newPromise();
    Future<String> recovered = source.recover(failure -> "recovered");

    recovered.cancel();

    assertThat(source.isCancelled()).as("the source of a cancelled recover").isTrue();
    assertThat(recovered.isCancelled()).as("the recover result stays cancelled").isTrue();
  }

  @Test
  void cancellingAFlatMapResultBeforeTheFunctionRanCancelsItsSource() {
    Promise<String> source = home.newPromise();
    Future<Integer> chained = source.flatMap(value -> Future.succeeded(value.length()));

    chained.cancel();

    assertThat(source.isCancelled()).as("the source of a cancelled flatMap").isTrue();
  }

  @Test
  void cancellingAFlatMapResultAfterTheFunctionRanCancelsTheInnerFuture() throws Exception {
    Promise<String> source = home.newPromise();
    Promise<Integer> inner = otherLoop.newPromise();
    CountDownLatch fnRan = new CountDownLatch(1);
    Future<Integer> chained = source.flatMap(value -> {
      fnRan.countDown();
      return inner;
    });
    source.complete("done");
    assertThat(fnRan.await(10, TimeUnit.SECONDS)).as("flatMap's function ran").isTrue();

    chained.cancel();

    // the latch opens inside the function, a moment before flatMap links the inner future; the
    // cancel reaches it at the latest when that link is made
    Polling.await("the inner future of a flatMap cancelled after its function ran", Duration.ofSeconds(10),
        inner::isCancelled);
    assertThat(source.isCancelled()).as("the source, which had already succeeded").isFalse();
  }

  @Test
  void aFlatMapResultCancelledWhileItsSourcesResultIsInFlightDoesNotStartTheWork() throws Exception {
    Promise<String> source = home.newPromise();
    AtomicBoolean fnRan = new AtomicBoolean();
    Future<Integer> chained = source.flatMap(value -> {
      fnRan.set(true);
      return Future.succeeded(1);
    });
    CountDownLatch release = Loops.hold(home);
    try {
      source.complete("done"); // its callbacks wait behind the held loop
      chained.cancel();
    } finally {
      release.countDown();
    }
    Loops.runOn(home, () -> {}); // the source's callbacks have run

    assertThat(fnRan).as("flatMap's function ran although its result was already cancelled").isFalse();
  }

  @Test
  void cancellingAnOrTimeoutResultCancelsItsSource() {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMinutes(1));

    timed.cancel();

    assertThat(source.isCancelled()).as("the source of a cancelled orTimeout").isTrue();
  }

  @Test
  void cancellationReachesThroughAChainOfDerivedFutures() {
    Promise<String> source = home.newPromise();
    AtomicInteger hookRuns = new AtomicInteger();
    source.onCancel(hookRuns::incrementAndGet);
    Future<Integer> end = source.map(String::length)
        .flatMap(Future::succeeded)
        .recover(failure -> -1)
        .orTimeout(Duration.ofMinutes(1));

    end.cancel();

    assertThat(source.isCancelled()).as("the source at the far end").isTrue();
    assertThat(hookRuns.get()).as("runs of the source's cancel hook").isEqualTo(1);
  }

  @Test
  void cancellingASourceFailsItsDerivedFuturesWithCancellation() throws Exception {
    Promise<String> source = home.newPromise();
    Future<Integer> mapped = source.map(String::length);

    source.cancel();

    assertThatThrownBy(() -> mapped.join(WAIT)).as("join of a map of a cancelled future")
        .isInstanceOf(CancellationException.class);
    assertThat(mapped.isCancelled()).as("isCancelled of a map of a cancelled future").isTrue();
  }

  @Test
  void cancelOfACompletedFutureReturnsFalseAndChangesNothing() {
    Future<String> done = Future.succeeded("done");

    assertThat(done.cancel()).as("cancel() of a completed future").isFalse();
    assertThat(done.isCancelled()).as("isCancelled after a late cancel()").isFalse();
    assertThat(done.resultNow()).as("the result after a late cancel()").isEqualTo("done");
  }

  @Test
  void scheduledWorkIsRemovedWhenItsFutureIsCancelled() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> scheduled = home.schedule(Duration.ofMillis(50), () -> {
      ran.set(true);
      return "ran";
    });

    scheduled.cancel();
    home.delay(Duration.ofMillis(100)).join(WAIT);

    assertThat(ran).as("a scheduled task whose future was cancelled").isFalse();
  }
}
