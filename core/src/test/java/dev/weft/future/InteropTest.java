package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Future.from(CompletionStage) and toCompletableFuture(): results, failures and cancellation both ways. */
class InteropTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-interop");
  private static Loop home;
  private static Thread homeThread;

  @BeforeAll
  static void openRuntime() throws Exception {
    home = weft.loop(0);
    homeThread = Loops.threadOf(home);
  }

  // ---- Future.from

  @Test
  void fromFollowsAStageThatSucceedsLater() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Future<String> future = Loops.onLoop(home, () -> Future.from(stage));
    CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
    future.onSuccess(value -> callbackThread.complete(Thread.currentThread()));

    Loops.onPlainThread(() -> stage.complete("from the stage"));

    assertThat(future.join(WAIT)).as("result of Future.from").isEqualTo("from the stage");
    assertThat(callbackThread.get(10, TimeUnit.SECONDS))
        .as("callback of a future adapted from a stage completed on a plain thread").isSameAs(homeThread);
  }

  @Test
  void fromOfACompletedStageIsCompleted() throws Exception {
    Future<String> future = Future.from(CompletableFuture.completedFuture("ready"));

    assertThat(future.join(WAIT)).as("Future.from of a completed stage").isEqualTo("ready");
  }

  @Test
  void fromTakesTheStagesFailureUnwrapped() {
    IOException failure = new IOException("stage failed");
    CompletableFuture<String> stage = new CompletableFuture<>();
    Future<String> future = Future.from(stage);

    stage.completeExceptionally(failure);

    assertThatThrownBy(() -> future.join(WAIT)).as("join of Future.from a failed stage").isSameAs(failure);
  }

  @Test
  void fromUnwrapsCompletionException() {
    IOException failure = new IOException("thrown inside a stage");
    // a dependent stage fails with CompletionException(failure)
    CompletableFuture<String> stage = CompletableFuture.<String>failedFuture(failure).thenApply(value -> value);
    Future<String> future = Future.from(stage);

    assertThatThrownBy(() -> future.join(WAIT)).as("join of Future.from a stage failed with CompletionException")
        .isSameAs(failure);
  }

  @Test
  void fromUnwrapsAnExplicitCompletionException() {
    IOException failure = new IOException("wrapped by hand");
    Future<String> future = Future.from(CompletableFuture.failedFuture(new CompletionException(failure)));

    assertThatThrownBy(() -> future.join(WAIT)).as("join of Future.from a CompletionException(failure)")
        .isSameAs(failure);
  }

  @Test
  void cancellingTheAdaptedFutureCancelsTheCompletableFuture() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Future<String> future = Future.from(stage);

    assertThat(future.cancel()).as("cancel() of Future.from").isTrue();

    assertThat(stage.isCancelled()).as("the CompletableFuture behind a cancelled Future.from").isTrue();
  }

  @Test
  void aCancelledCompletableFutureCancelsTheAdaptedFuture() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Future<String> future = Future.from(stage);

    stage.cancel(true);

    assertThatThrownBy(() -> future.join(WAIT)).as("join of Future.from a cancelled CompletableFuture")
        .isInstanceOf(CancellationException.class);
    assertThat(future.isCancelled()).as("isCancelled of Future.from a cancelled CompletableFuture").isTrue();
  }

  // ---- toCompletableFuture

  @Test
  void toCompletableFutureCarriesTheResult() throws Exception {
    Promise<String> promise = home.newPromise();
    CompletableFuture<String> bridge = promise.toCompletableFuture();

    Loops.onPlainThread(() -> promise.complete("value"));

    assertThat(bridge.get(10, TimeUnit.SECONDS)).as("the CompletableFuture's result").isEqualTo("value");
  }

  @Test
  void toCompletableFutureCarriesTheOriginalFailure() {
    IOException failure = new IOException("failed");
    Promise<String> promise = home.newPromise();
    CompletableFuture<String> bridge = promise.toCompletableFuture();

    promise.fail(failure);

    // ExecutionException is CompletableFuture's own wrapping; its cause is the original instance
    assertThatThrownBy(() -> bridge.get(10, TimeUnit.SECONDS)).as("get() of the CompletableFuture")
        .isInstanceOf(ExecutionException.class)
        .cause().isSameAs(failure);
  }

  @Test
  void cancellingTheCompletableFutureCancelsTheFuture() {
    Promise<String> promise = home.newPromise();
    CompletableFuture<String> bridge = promise.toCompletableFuture();

    bridge.cancel(true);

    assertThat(promise.isCancelled()).as("a Weft future whose CompletableFuture was cancelled").isTrue();
  }

  @Test
  void cancellingTheFutureCancelsTheCompletableFuture() {
    Promise<String> promise = home.newPromise();
    CompletableFuture<String> bridge = promise.toCompletableFuture();

    promise.cancel();

    Polling.await("the CompletableFuture is cancelled", WAIT, bridge::isCancelled);
  }

  @Test
  void roundTripKeepsTheResult() throws Exception {
    Future<String> roundTrip = Future.from(Future.succeeded("there and back").toCompletableFuture());

    assertThat(roundTrip.join(WAIT)).as("a result through toCompletableFuture and Future.from")
        .isEqualTo("there and back");
  }

  // ---- blocking waits on the CompletableFuture view, on a loop

  @Test
  void aBlockingGetOnTheViewIsRefusedOnTheHomeLoopInsteadOfDeadlockingIt() throws Exception {
    Promise<String> promise = home.newPromise(); // completed by the home loop itself, later
    long started = System.nanoTime();
    Throwable refused = Loops.onLoop(home, () -> {
      CompletableFuture<String> view = promise.toCompletableFuture();
      home.execute(() -> promise.complete("late"));
      try {
        view.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return null;
      } catch (IllegalStateException expected) {
        return expected;
      }
    });

    assertThat(refused).as("get(10 s) on the home loop").isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("toCompletableFuture().get(timeout, unit)")
        .hasMessageContaining(homeThread.getName());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once, not after the timeout")
        .isLessThan(WAIT.dividedBy(2));
    assertThat(promise.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the loop went on and completed the future").isEqualTo("late");
  }

  @Test
  void everyBlockingWaitOnTheViewAndItsDerivedStagesIsRefusedOnALoop() throws Exception {
    Promise<String> promise = home.newPromise();
    Loop otherLoop = weft.loop(1);
    List<Throwable> refusals = Loops.onLoop(otherLoop, () -> {
      CompletableFuture<String> view = promise.toCompletableFuture();
      CompletableFuture<Integer> derived = view.thenApply(String::length);
      List<Throwable> seen = new ArrayList<>();
      for (Callable<?> wait : List.<Callable<?>>of(
          view::get, view::join, () -> view.get(1, TimeUnit.SECONDS), derived::join, derived::get)) {
        try {
          wait.call();
        } catch (Exception refused) {
          seen.add(refused);
        }
      }
      return seen;
    });
    promise.complete("done");

    assertThat(refusals).as("get(), join(), get(timeout) on the view and join()/get() on a derived stage")
        .hasSize(5).allSatisfy(refused -> assertThat(refused).isInstanceOf(IllegalStateException.class));
  }

  @Test
  void waitsOnACompletedViewReturnOnALoopAndWaitsOffLoopsAreAllowed() throws Exception {
    Promise<String> done = home.newPromise();
    done.complete("ready");
    assertThat(Loops.onLoop(home, () -> done.toCompletableFuture().thenApply(String::length).get()))
        .as("get() on a completed view, on the loop").isEqualTo(5);

    Promise<String> later = home.newPromise();
    CompletableFuture<String> view = later.toCompletableFuture();
    home.execute(() -> later.complete("from the loop"));
    assertThat(view.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("get() off any loop").isEqualTo("from the loop");
  }
}
