package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** join() and join(Duration): rule 2 (the original exception, unwrapped) and rule 5 (never on a loop). */
class JoinTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-join");
  private static Loop home;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
  }

  @Test
  void joinReturnsTheResultOnceCompletedElsewhere() throws Exception {
    Promise<String> promise = home.newPromise();
    home.execute(() -> promise.complete("from the loop"));

    assertThat(promise.join()).as("join()").isEqualTo("from the loop");
  }

  @Test
  void joinReturnsANullResult() {
    Promise<String> promise = home.newPromise();
    promise.complete(null);

    assertThat(promise.join()).as("join() of a null result").isNull();
  }

  @Test
  void joinThrowsTheOriginalCheckedExceptionUnwrapped() {
    IOException failure = new IOException("checked, and not declared by join()");
    Promise<String> promise = home.newPromise();
    home.execute(() -> promise.fail(failure));

    assertThatThrownBy(promise::join).as("join() of a future failed with an IOException").isSameAs(failure);
  }

  @Test
  void joinWithATimeoutThrowsTheOriginalExceptionUnwrapped() {
    IOException failure = new IOException("checked");
    Future<String> failed = Future.failed(failure);

    assertThatThrownBy(() -> failed.join(WAIT)).as("join(Duration) of a failed future").isSameAs(failure);
  }

  @Test
  void joinOfACancelledFutureThrowsCancellationException() {
    Promise<String> promise = home.newPromise();
    promise.cancel();

    assertThatThrownBy(promise::join).as("join() of a cancelled future").isInstanceOf(CancellationException.class);
  }

  @Test
  void joinOnALoopThreadThrowsIllegalStateSayingWhy() throws Exception {
    Promise<String> promise = home.newPromise();

    Throwable thrown = Loops.onLoop(home, () -> {
      try {
        promise.join();
        return null;
      } catch (Throwable failure) {
        return failure;
      }
    });

    assertThat(thrown).as("what join() threw on a loop thread")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("loop thread")
        .hasMessageContaining("would stop the loop");
    assertThat(promise.isDone()).as("the future, untouched by the refused join").isFalse();
  }

  @Test
  void joinOnALoopThreadThrowsEvenForACompletedFuture() throws Exception {
    Future<String> done = Future.succeeded("done");

    Throwable thrown = Loops.onLoop(home, () -> {
      try {
        done.join(WAIT);
        return null;
      } catch (Throwable failure) {
        return failure;
      }
    });

    assertThat(thrown).as("what join(Duration) threw on a loop thread, for a completed future")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("join(Duration)");
  }

  @Test
  void joinWithATimeoutThrowsTimeoutExceptionNamingTheTimeoutAndLeavesTheFutureRunning() {
    Promise<String> promise = home.newPromise();

    assertThatThrownBy(() -> promise.join(Duration.ofMillis(30))).as("join(30ms) of a pending future")
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("30ms");
    assertThat(promise.isDone()).as("the future after join timed out").isFalse();
  }

  @Test
  void joinWithAZeroTimeoutReturnsACompletedResult() throws Exception {
    assertThat(Future.succeeded("done").join(Duration.ZERO)).as("join(0) of a completed future").isEqualTo("done");
  }

  @Test
  void joinWithANegativeTimeoutIsRejected() {
    Promise<String> promise = home.newPromise();

    assertThatThrownBy(() -> promise.join(Duration.ofMillis(-1))).as("join(-1ms)")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void interruptedJoinThrowsCancellationExceptionAndKeepsTheInterruptFlag() throws Exception {
    Promise<String> promise = home.newPromise();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread joiner = new Thread(() -> {
      try {
        promise.join();
      } catch (Throwable failure) {
        thrown.set(failure);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    }, "joiner");
    joiner.start();
    Polling.await("the joiner is parked in join()", WAIT, () -> joiner.getState() == Thread.State.WAITING);

    joiner.interrupt();
    joiner.join(WAIT.toMillis());

    assertThat(joiner.isAlive()).as("the joiner is still stuck in join()").isFalse();
    assertThat(thrown.get()).as("what the interrupted join() threw").isInstanceOf(CancellationException.class);
    assertThat(flagAfter).as("the joiner's interrupt flag after join() threw").isTrue();
    assertThat(promise.isDone()).as("the future after an interrupted join").isFalse();
  }

  @Test
  void joinEnteredWithTheInterruptFlagSetThrowsAtOnce() throws Exception {
    Promise<String> promise = home.newPromise();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
    Thread joiner = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        promise.join(WAIT);
        thrown.complete(null);
      } catch (Throwable failure) {
        thrown.complete(failure);
      }
      flagAfter.complete(Thread.currentThread().isInterrupted());
    }, "interrupted-joiner");
    joiner.start();

    assertThat(thrown.get(10, TimeUnit.SECONDS)).as("join(Duration) entered interrupted")
        .isInstanceOf(CancellationException.class);
    assertThat(flagAfter.get(10, TimeUnit.SECONDS)).as("the interrupt flag after join() threw").isTrue();
  }
}
