package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A promise completes once; its state queries and their IllegalStateExceptions. */
class PromiseCompletionTest {
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-completion");
  private static Loop loop;

  @BeforeAll
  static void openRuntime() {
    loop = weft.loop(0);
  }

  @Test
  void aNewPromiseIsPending() {
    Promise<String> promise = loop.newPromise();

    assertThat(promise.isDone()).as("isDone of a pending promise").isFalse();
    assertThat(promise.isFailed()).as("isFailed of a pending promise").isFalse();
    assertThat(promise.isCancelled()).as("isCancelled of a pending promise").isFalse();
    assertThat(promise.home()).as("home of a promise made by loop.newPromise()").isSameAs(loop);
  }

  @Test
  void completeSucceedsOnceAndLaterAttemptsChangeNothing() {
    Promise<String> promise = loop.newPromise();

    assertThat(promise.complete("first")).as("the first complete()").isTrue();
    assertThat(promise.complete("second")).as("a second complete()").isFalse();
    assertThat(promise.fail(new IOException("late"))).as("fail() after complete()").isFalse();
    assertThat(promise.cancel()).as("cancel() after complete()").isFalse();

    assertThat(promise.isDone()).as("isDone").isTrue();
    assertThat(promise.isFailed()).as("isFailed").isFalse();
    assertThat(promise.isCancelled()).as("isCancelled").isFalse();
    assertThat(promise.resultNow()).as("resultNow keeps the first value").isEqualTo("first");
  }

  @Test
  void failSucceedsOnceAndKeepsTheOriginalInstance() {
    Promise<String> promise = loop.newPromise();
    IOException failure = new IOException("disk on fire");

    assertThat(promise.fail(failure)).as("the first fail()").isTrue();
    assertThat(promise.complete("late")).as("complete() after fail()").isFalse();
    assertThat(promise.fail(new IOException("other"))).as("a second fail()").isFalse();
    assertThat(promise.cancel()).as("cancel() after fail()").isFalse();

    assertThat(promise.isDone()).as("isDone").isTrue();
    assertThat(promise.isFailed()).as("isFailed").isTrue();
    assertThat(promise.isCancelled()).as("isCancelled of a failed promise").isFalse();
    assertThat(promise.failureNow()).as("failureNow is the very instance given to fail()").isSameAs(failure);
  }

  @Test
  void cancelFailsWithCancellationExceptionOnce() {
    Promise<String> promise = loop.newPromise();

    assertThat(promise.cancel()).as("the first cancel()").isTrue();
    assertThat(promise.cancel()).as("a second cancel()").isFalse();
    assertThat(promise.complete("late")).as("complete() after cancel()").isFalse();

    assertThat(promise.isDone()).as("isDone").isTrue();
    assertThat(promise.isFailed()).as("isFailed of a cancelled promise").isTrue();
    assertThat(promise.isCancelled()).as("isCancelled").isTrue();
    assertThat(promise.failureNow()).as("failureNow of a cancelled promise").isInstanceOf(CancellationException.class);
  }

  @Test
  void nullIsAValidResult() {
    Promise<String> promise = loop.newPromise();

    assertThat(promise.complete(null)).as("complete(null)").isTrue();
    assertThat(promise.complete("later")).as("complete() after complete(null)").isFalse();
    assertThat(promise.isDone()).as("isDone after complete(null)").isTrue();
    assertThat(promise.isFailed()).as("isFailed after complete(null)").isFalse();
    assertThat(promise.resultNow()).as("resultNow after complete(null)").isNull();
  }

  @Test
  void failRejectsNull() {
    Promise<String> promise = loop.newPromise();

    assertThatThrownBy(() -> promise.fail(null)).as("fail(null)").isInstanceOf(NullPointerException.class);
    assertThat(promise.isDone()).as("a promise after a rejected fail(null)").isFalse();
  }

  @Test
  void resultNowOfAPendingFutureThrowsIllegalState() {
    Promise<String> promise = loop.newPromise();

    assertThatThrownBy(promise::resultNow).as("resultNow of a pending future")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not completed");
  }

  @Test
  void resultNowOfAFailedFutureThrowsIllegalStateCausedByTheFailure() {
    Promise<String> promise = loop.newPromise();
    IOException failure = new IOException("boom");
    promise.fail(failure);

    assertThatThrownBy(promise::resultNow).as("resultNow of a failed future")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed")
        .cause().isSameAs(failure);
  }

  @Test
  void failureNowOfAPendingFutureThrowsIllegalState() {
    Promise<String> promise = loop.newPromise();

    assertThatThrownBy(promise::failureNow).as("failureNow of a pending future")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not completed");
  }

  @Test
  void failureNowOfASucceededFutureThrowsIllegalState() {
    Promise<String> promise = loop.newPromise();
    promise.complete("fine");

    assertThatThrownBy(promise::failureNow).as("failureNow of a succeeded future")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("succeeded");
  }

  @Test
  void succeededAndFailedFactoriesMakeCompletedFutures() {
    IOException failure = new IOException("made failed");

    Future<String> succeeded = Future.succeeded("made");
    Future<String> failed = Future.failed(failure);

    assertThat(succeeded.resultNow()).as("Future.succeeded's result").isEqualTo("made");
    assertThat(failed.failureNow()).as("Future.failed's failure").isSameAs(failure);
    assertThat(weft.runtime().loops()).as("loops of the only open runtime")
        .contains(succeeded.home(), failed.home());
  }

  @Test
  void futuresMadeOnALoopAreHomedOnThatLoop() throws Exception {
    Loop other = weft.loop(1);

    Loop homeOfSucceeded = Loops.onLoop(other, () -> Future.succeeded(1).home());
    Loop homeOfPromise = Loops.onLoop(other, () -> Promise.create().home());

    assertThat(homeOfSucceeded).as("home of Future.succeeded made on a loop").isSameAs(other);
    assertThat(homeOfPromise).as("home of Promise.create made on a loop").isSameAs(other);
  }
}
