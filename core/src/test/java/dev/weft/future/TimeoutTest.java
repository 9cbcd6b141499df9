package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** orTimeout: a late source is cancelled and its follower fails with TimeoutException; one in time wins. */
class TimeoutTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-timeout");
  private static Loop home;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
  }

  @Test
  void aLateSourceFailsTheResultWithTimeoutExceptionNamingTheDuration() {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMillis(40));

    assertThatThrownBy(() -> timed.join(WAIT)).as("join of orTimeout(40ms) of a source that never completes")
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("40ms");
  }

  @Test
  void aLateSourceIsCancelled() {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMillis(20));

    Polling.await("orTimeout's result fails", WAIT, timed::isDone);
    timed.failureNow();

    assertThat(source.isCancelled()).as("the source after its timeout expired").isTrue();
  }

  @Test
  void theSourceIsAlreadyCancelledWhenTheResultFails() throws Exception {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMillis(20));
    AtomicReference<Boolean> cancelledWhenFailed = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    timed.onComplete((value, thrown) -> {
      // runs on the loop as soon as the result fails: the work must have been told to stop by then
      cancelledWhenFailed.set(source.isCancelled());
      failure.set(thrown);
    });

    Polling.await("orTimeout's callback ran", WAIT, () -> cancelledWhenFailed.get() != null);

    assertThat(failure.get()).as("orTimeout's failure").isInstanceOf(TimeoutException.class);
    assertThat(cancelledWhenFailed.get()).as("the source, seen from the result's first callback").isTrue();
  }

  @Test
  void aCompletionRacingTheTimerEitherWinsOrIsCancelledNeverBoth() throws Exception {
    // The completer runs on a plain thread at about the moment the timer fires: each round must end
    // with one truth, the value (source not cancelled) or a TimeoutException (source cancelled).
    int rounds = 400;
    int inTime = 0;
    int late = 0;
    for (int i = 0; i < rounds; i++) {
      Promise<String> source = home.newPromise();
      Future<String> timed = source.orTimeout(Duration.ofNanos(200_000));
      long start = System.nanoTime();
      // 0..400 us: before, at and after the 200 us deadline
      long spin = (i % 100) * 4_000L;
      Thread completer = new Thread(() -> {
        while (System.nanoTime() - start < spin) {
          Thread.onSpinWait();
        }
        source.complete("round");
      });
      completer.start();
      completer.join(WAIT.toMillis());
      Polling.await("round " + i + "'s result", WAIT, timed::isDone);
      if (!timed.isFailed()) {
        inTime++;
        assertThat(timed.resultNow()).as("round %d's value", i).isEqualTo("round");
        assertThat(source.isCancelled()).as("round %d's source, which was in time", i).isFalse();
      } else {
        late++;
        assertThat(timed.failureNow()).as("round %d's failure", i).isInstanceOf(TimeoutException.class);
        assertThat(source.isCancelled()).as("round %d's source, which was late", i).isTrue();
      }
    }
    assertThat(inTime + late).as("rounds settled").isEqualTo(rounds);
  }

  @Test
  void aSourceThatCompletesInTimeWinsAndIsNotCancelled() throws Exception {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMillis(300));

    Loops.onPlainThread(() -> source.complete("in time"));

    assertThat(timed.join(WAIT)).as("orTimeout's result when the source is in time").isEqualTo("in time");
    home.delay(Duration.ofMillis(400)).join(WAIT); // past the timeout: a stray timer would have fired by now
    assertThat(source.isCancelled()).as("the source that completed in time").isFalse();
    assertThat(timed.resultNow()).as("orTimeout's result, after the timeout would have expired").isEqualTo("in time");
  }

  @Test
  void aSourceFailingInTimePassesItsFailureThrough() {
    Promise<String> source = home.newPromise();
    Future<String> timed = source.orTimeout(Duration.ofMinutes(1));
    IOException failure = new IOException("failed in time");

    source.fail(failure);

    assertThatThrownBy(() -> timed.join(WAIT)).as("join of orTimeout of a source that failed in time")
        .isSameAs(failure);
  }

  @Test
  void aSourceCompletedBeforeTheTimerRunsWinsEvenIfItsCallbacksHaveNotRunYet() throws Exception {
    Promise<String> source = home.newPromise();
    Future<String> timed;
    CountDownLatch release = Loops.hold(home);
    try {
      // the timer is queued behind the held loop, and is overdue by the time the loop runs again
      timed = source.orTimeout(Duration.ofMillis(1));
      long start = System.nanoTime();
      Polling.await("the 1ms timeout is overdue", WAIT, () -> System.nanoTime() - start > 5_000_000L);
      // the source has its result now; only the hand-over to the loop (queued after the timer) is pending
      source.complete("completed before the timer ran");
    } finally {
      release.countDown();
    }

    assertThat(timed.join(WAIT)).as("orTimeout's result when the source completed before the timer ran")
        .isEqualTo("completed before the timer ran");
    assertThat(source.isCancelled()).as("the source that completed before the timer ran").isFalse();
  }

  @Test
  void orTimeoutOfACompletedFutureRelaysItsResult() throws Exception {
    Future<String> timed = Future.succeeded("done").orTimeout(Duration.ofMillis(1));

    assertThat(timed.join(WAIT)).as("orTimeout of a completed future").isEqualTo("done");
  }

  @Test
  void orTimeoutRejectsZeroAndNegativeDurations() {
    Promise<String> source = home.newPromise();

    assertThatThrownBy(() -> source.orTimeout(Duration.ZERO)).as("orTimeout(0)")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> source.orTimeout(Duration.ofMillis(-5))).as("orTimeout(-5ms)")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
