package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.FailureRecorder;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule 3, nothing silent: a failed future nobody observed is reported to the unhandled-failure
 * handler once it is garbage-collected, and only then; an observed or cancelled one never is. So
 * is an exception thrown by a callback.
 *
 * <p>Proving "never reported" needs a point after which a report would have arrived: each such
 * test also drops a canary (an unobserved failed future) and waits until the watched futures are
 * collected and a canary made after that has been reported.
 */
class UnobservedFailureTest {
  private static final Duration GC_WAIT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-unobserved").allowUnhandledFailures();
  private static Loop home;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
  }

  @AfterEach
  void forgetReports() {
    weft.failures().clear();
  }

  /**
   * Makes a failed future with {@code failure}, lets {@code observe} look at it, drops every
   * reference to it and returns a weak reference to tell when it is collected.
   */
  private static WeakReference<Future<String>> failAndDrop(IOException failure, Consumer<Future<String>> observe)
      throws Exception {
    Promise<String> promise = home.newPromise();
    observe.accept(promise);
    Loops.onPlainThread(() -> promise.fail(failure));
    Loops.runOn(home, () -> {}); // callbacks handed to the loop have run
    return new WeakReference<>(promise);
  }

  /** Waits until {@code dropped} is collected and the cleaner has had its chance to report it. */
  private static void awaitCollectedAndCleaned(List<WeakReference<Future<String>>> dropped) throws Exception {
    Polling.awaitWithGc("the dropped futures are collected", GC_WAIT,
        () -> dropped.stream().allMatch(reference -> reference.get() == null));
    IOException canary = new IOException("canary, dropped after the others were collected");
    failAndDrop(canary, future -> {});
    Polling.awaitWithGc("the canary is reported", GC_WAIT, () -> weft.failures().timesReported(canary) > 0);
  }

  private static void assertNeverReported(IOException failure, Consumer<Future<String>> observe) throws Exception {
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(failAndDrop(failure, observe));

    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().timesReported(failure)).as("reports of an observed failure").isZero();
  }

  @Test
  void anUnobservedFailureIsReportedOnceAfterTheFutureIsCollected() throws Exception {
    IOException failure = new IOException("nobody looked at me");
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(failAndDrop(failure, future -> {}));

    Polling.awaitWithGc("the unobserved failure is reported", GC_WAIT,
        () -> weft.failures().timesReported(failure) > 0);
    awaitCollectedAndCleaned(dropped); // another full round, in which a second report would arrive

    FailureRecorder.Report report = weft.failures().awaitReport(failure, WAIT);
    assertThat(weft.failures().timesReported(failure)).as("reports of one unobserved failure").isEqualTo(1);
    assertThat(report.description()).as("description of the report").contains("nobody observed");
  }

  @Test
  void anUnobservedFailureIsNotReportedWhileTheFutureIsReachable() throws Exception {
    IOException failure = new IOException("still held");
    Promise<String> held = home.newPromise();
    held.fail(failure);
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();

    awaitCollectedAndCleaned(dropped); // GC has run and cleaned up; the held future is still reachable

    assertThat(weft.failures().timesReported(failure)).as("reports of a failure whose future is still reachable").isZero();
    assertThat(held.isFailed()).as("the held future").isTrue(); // keeps it reachable up to here
    held.failureNow(); // observed now: never reported
  }

  @Test
  void aFailureMadeByFutureFailedIsReportedWhenUnobserved() throws Exception {
    IOException failure = new IOException("made failed, never looked at");
    dropFailedFactoryFuture(failure);

    Polling.awaitWithGc("the unobserved failure is reported", GC_WAIT,
        () -> weft.failures().timesReported(failure) > 0);
  }

  private static void dropFailedFactoryFuture(IOException failure) {
    Future.failed(failure);
  }

  @Test
  void aFailureObservedByOnFailureIsNeverReported() throws Exception {
    assertNeverReported(new IOException("onFailure"), future -> future.onFailure(failure -> {}));
  }

  @Test
  void aFailureObservedByOnCompleteIsNeverReported() throws Exception {
    assertNeverReported(new IOException("onComplete"), future -> future.onComplete((value, failure) -> {}));
  }

  @Test
  void aFailureObservedByJoinIsNeverReported() throws Exception {
    IOException failure = new IOException("join");
    Promise<String> promise = home.newPromise();
    promise.fail(failure);
    assertThatThrownBy(promise::join).as("join of the failed future").isSameAs(failure);
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(new WeakReference<>(promise));
    promise = null;

    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().timesReported(failure)).as("reports of a failure thrown by join").isZero();
  }

  @Test
  void aFailureObservedByFailureNowIsNeverReported() throws Exception {
    IOException failure = new IOException("failureNow");
    Promise<String> promise = home.newPromise();
    promise.fail(failure);
    assertThat(promise.failureNow()).as("failureNow").isSameAs(failure);
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(new WeakReference<>(promise));
    promise = null;

    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().timesReported(failure)).as("reports of a failure taken by failureNow").isZero();
  }

  @Test
  void aFailureObservedAfterItFailedIsNeverReported() throws Exception {
    IOException failure = new IOException("observed late");
    Promise<String> promise = home.newPromise();
    promise.fail(failure); // failed first, with nobody watching: the future is watched
    promise.onFailure(received -> {});
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(new WeakReference<>(promise));
    promise = null;

    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().timesReported(failure)).as("reports of a failure observed after it happened").isZero();
  }

  @Test
  void aFailureTakenOverByMapIsReportedOnlyForTheUnobservedMapResult() throws Exception {
    IOException failure = new IOException("map");
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    dropped.add(failAndDrop(failure, future -> future.map(value -> value)));

    Polling.awaitWithGc("the map result's unobserved failure is reported", GC_WAIT,
        () -> weft.failures().timesReported(failure) > 0);
    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().timesReported(failure)).as("reports of a failure taken over by an unobserved map")
        .isEqualTo(1);
  }

  @Test
  void aFailureTakenOverByAnObservedMapIsNeverReported() throws Exception {
    assertNeverReported(new IOException("observed map"),
        future -> future.map(value -> value).onFailure(failure -> {}));
  }

  @Test
  void aFailureRecoveredIsNeverReported() throws Exception {
    assertNeverReported(new IOException("recovered"), future -> future.recover(failure -> "fine"));
  }

  @Test
  void onSuccessAloneDoesNotObserveAFailure() throws Exception {
    IOException failure = new IOException("onSuccess only");
    failAndDrop(failure, future -> future.onSuccess(value -> {}));

    Polling.awaitWithGc("a failure seen only by onSuccess is reported", GC_WAIT,
        () -> weft.failures().timesReported(failure) > 0);
  }

  @Test
  void aTimedOutJoinDoesNotObserveALaterFailure() throws Exception {
    IOException failure = new IOException("failed after the joiner gave up");
    joinBrieflyThenFailAndDrop(failure);

    Polling.awaitWithGc("a failure that arrived after join gave up is reported", GC_WAIT,
        () -> weft.failures().timesReported(failure) > 0);
  }

  private static void joinBrieflyThenFailAndDrop(IOException failure) {
    Promise<String> promise = home.newPromise();
    assertThatThrownBy(() -> promise.join(Duration.ofMillis(1))).as("join(1ms) of a pending future")
        .isInstanceOf(TimeoutException.class);
    promise.fail(failure);
  }

  @Test
  void aCancelledFutureIsNeverReported() throws Exception {
    List<WeakReference<Future<String>>> dropped = new ArrayList<>();
    Promise<String> promise = home.newPromise();
    promise.cancel();
    dropped.add(new WeakReference<>(promise));
    promise = null;

    awaitCollectedAndCleaned(dropped);

    assertThat(weft.failures().reports()).as("reports other than the canary")
        .allMatch(report -> report.failure().getMessage().startsWith("canary"));
  }

  @Test
  void aCallbackThatThrowsIsReportedWithItsExceptionAndLaterCallbacksStillRun() throws Exception {
    Promise<String> promise = home.newPromise();
    IllegalStateException thrown = new IllegalStateException("callback broke");
    AtomicInteger laterRuns = new AtomicInteger();
    CountDownLatch laterRan = new CountDownLatch(2);
    promise.onSuccess(value -> {
      throw thrown;
    });
    promise.onSuccess(value -> {
      laterRuns.incrementAndGet();
      laterRan.countDown();
    });
    promise.onComplete((value, failure) -> {
      laterRuns.incrementAndGet();
      laterRan.countDown();
    });

    Loops.onPlainThread(() -> promise.complete("done"));

    assertThat(laterRan.await(10, TimeUnit.SECONDS)).as("the callbacks after the throwing one ran").isTrue();
    FailureRecorder.Report report = weft.failures().awaitReport(thrown, WAIT);
    assertThat(report.description()).as("description of a callback's exception").contains("callback");
    assertThat(weft.failures().timesReported(thrown)).as("reports of the callback's exception").isEqualTo(1);
    assertThat(laterRuns.get()).as("runs of the later callbacks").isEqualTo(2);
  }

  @Test
  void aCallbackAddedAfterCompletionThatThrowsIsReported() {
    Future<String> done = Future.succeeded("done");
    IllegalStateException thrown = new IllegalStateException("late callback broke");

    done.onComplete((value, failure) -> {
      throw thrown;
    });

    weft.failures().awaitReport(thrown, WAIT);
  }
}
