package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** map, flatMap, recover, all and any: what the derived future holds, rule 2 (no wrapping) included. */
class CombinatorsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-combinators");
  private static Loop home;
  private static Loop otherLoop;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
    otherLoop = weft.loop(1);
  }

  /** Waits for {@code future} to complete, without observing its failure. */
  private static void awaitDone(Future<?> future) {
    Polling.await("the future completes", WAIT, future::isDone);
  }

  // ---- map

  @Test
  void mapAppliesTheFunctionToTheResult() throws Exception {
    Promise<Integer> source = home.newPromise();
    Future<String> mapped = source.map(value -> "#" + value);

    source.complete(5);

    assertThat(mapped.join(WAIT)).as("the mapped result").isEqualTo("#5");
    assertThat(mapped.home()).as("home of the mapped future").isSameAs(home);
  }

  @Test
  void mapOfAFailedFutureCarriesTheSameExceptionInstance() throws Exception {
    Promise<Integer> source = home.newPromise();
    AtomicBoolean fnRan = new AtomicBoolean();
    Future<String> mapped = source.map(value -> {
      fnRan.set(true);
      return "#" + value;
    });
    IOException failure = new IOException("source failed");

    source.fail(failure);

    assertThatThrownBy(() -> mapped.join(WAIT)).as("join of the mapped future").isSameAs(failure);
    assertThat(mapped.failureNow()).as("failureNow of the mapped future").isSameAs(failure);
    assertThat(fnRan).as("map's function ran for a failed source").isFalse();
  }

  @Test
  void mapFunctionThatThrowsFailsTheResultWithThatException() throws Exception {
    IllegalArgumentException thrown = new IllegalArgumentException("bad value");
    Future<String> mapped = Future.succeeded(5).map(value -> {
      throw thrown;
    });

    assertThatThrownBy(() -> mapped.join(WAIT)).as("join of a map whose function threw").isSameAs(thrown);
  }

  @Test
  void mapMayProduceNull() throws Exception {
    Future<String> mapped = Future.succeeded(5).map(value -> null);

    assertThat(mapped.join(WAIT)).as("a map to null").isNull();
  }

  // ---- flatMap

  @Test
  void flatMapFollowsTheFutureTheFunctionReturns() throws Exception {
    Promise<Integer> source = home.newPromise();
    Promise<String> inner = otherLoop.newPromise();
    Future<String> chained = source.flatMap(value -> inner);

    source.complete(5);
    assertThat(chained.isDone()).as("flatMap result before the inner future completes").isFalse();
    inner.complete("inner result");

    assertThat(chained.join(WAIT)).as("the flatMap result").isEqualTo("inner result");
    assertThat(chained.home()).as("home of the flatMap result").isSameAs(home);
  }

  @Test
  void flatMapTakesTheInnerFuturesFailureAsItIs() throws Exception {
    IOException failure = new IOException("inner failed");
    Future<String> chained = Future.succeeded(5).flatMap(value -> Future.failed(failure));

    assertThatThrownBy(() -> chained.join(WAIT)).as("join of a flatMap whose inner future failed").isSameAs(failure);
  }

  @Test
  void flatMapOfAFailedFutureDoesNotCallTheFunction() throws Exception {
    IOException failure = new IOException("source failed");
    AtomicBoolean fnRan = new AtomicBoolean();
    Future<String> chained = Future.<Integer>failed(failure).flatMap(value -> {
      fnRan.set(true);
      return Future.succeeded("never");
    });

    assertThatThrownBy(() -> chained.join(WAIT)).as("join of a flatMap of a failed future").isSameAs(failure);
    assertThat(fnRan).as("flatMap's function ran for a failed source").isFalse();
  }

  @Test
  void flatMapFunctionThatThrowsFailsTheResultWithThatException() throws Exception {
    IllegalStateException thrown = new IllegalStateException("no future for you");
    Future<String> chained = Future.succeeded(5).flatMap(value -> {
      throw thrown;
    });

    assertThatThrownBy(() -> chained.join(WAIT)).as("join of a flatMap whose function threw").isSameAs(thrown);
  }

  @Test
  void flatMapFunctionReturningNullFailsWithNullPointerException() throws Exception {
    Future<String> chained = Future.succeeded(5).flatMap(value -> null);

    assertThatThrownBy(() -> chained.join(WAIT)).as("join of a flatMap whose function returned null")
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("flatMap")
        .hasMessageContaining("null");
  }

  // ---- recover

  @Test
  void recoverReplacesAFailureWithTheFunctionsValue() throws Exception {
    IOException failure = new IOException("failed");
    Future<String> recovered = Future.<String>failed(failure)
        .recover(received -> received == failure ? "recovered from the original" : "recovered from a copy");

    assertThat(recovered.join(WAIT)).as("the recovered result").isEqualTo("recovered from the original");
  }

  @Test
  void recoverPassesASuccessThroughWithoutCallingTheFunction() throws Exception {
    AtomicBoolean fnRan = new AtomicBoolean();
    Future<String> recovered = Future.succeeded("fine").recover(failure -> {
      fnRan.set(true);
      return "recovered";
    });

    assertThat(recovered.join(WAIT)).as("recover of a success").isEqualTo("fine");
    assertThat(fnRan).as("recover's function ran for a success").isFalse();
  }

  @Test
  void recoverPassesANullSuccessThrough() throws Exception {
    Future<String> recovered = Future.<String>succeeded(null).recover(failure -> "recovered");

    assertThat(recovered.join(WAIT)).as("recover of a null success").isNull();
  }

  @Test
  void recoverFunctionThatThrowsFailsTheResultWithThatException() throws Exception {
    IllegalStateException thrown = new IllegalStateException("cannot recover");
    Future<String> recovered = Future.<String>failed(new IOException("first")).recover(failure -> {
      throw thrown;
    });

    assertThatThrownBy(() -> recovered.join(WAIT)).as("join of a recover whose function threw").isSameAs(thrown);
  }

  @Test
  void recoverRecoversACancellation() throws Exception {
    Promise<String> source = home.newPromise();
    Future<String> recovered = source.recover(failure ->
        failure instanceof CancellationException ? "was cancelled" : "other");

    source.cancel();

    assertThat(recovered.join(WAIT)).as("recover of a cancelled future").isEqualTo("was cancelled");
  }

  // ---- all

  @Test
  void allListsTheResultsInInputOrderWhateverTheCompletionOrder() throws Exception {
    Promise<String> first = home.newPromise();
    Promise<String> second = otherLoop.newPromise();
    Promise<String> third = home.newPromise();
    Future<List<String>> all = Future.all(List.of(first, second, third));

    third.complete("c");
    Loops.onPlainThread(() -> second.complete("b"));
    assertThat(all.isDone()).as("all() before its last input completes").isFalse();
    first.complete("a");

    assertThat(all.join(WAIT)).as("all()'s results").containsExactly("a", "b", "c");
  }

  @Test
  void allKeepsNullResults() throws Exception {
    Future<List<String>> all = Future.all(List.of(Future.succeeded("a"), Future.succeeded(null)));

    assertThat(all.join(WAIT)).as("all() with a null result").containsExactly("a", null);
  }

  @Test
  void allOfNoFuturesSucceedsWithAnEmptyList() throws Exception {
    Future<List<Object>> offLoop = Future.all(List.of());
    Future<List<Object>> onLoop = Loops.onLoop(home, () -> Future.all(List.of()));

    assertThat(offLoop.join(WAIT)).as("all() of no futures, off-loop").isEmpty();
    assertThat(onLoop.join(WAIT)).as("all() of no futures, on a loop").isEmpty();
    assertThat(onLoop.home()).as("home of all() made on a loop").isSameAs(home);
  }

  @Test
  void allRejectsANullInput() {
    assertThatThrownBy(() -> Future.all(Arrays.asList(Future.succeeded(1), null))).as("all() with a null input")
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void allFailsWithTheFirstFailureAndLaterFailuresAsSuppressed() throws Exception {
    Promise<String> first = home.newPromise();
    Promise<String> second = otherLoop.newPromise();
    Promise<String> third = home.newPromise();
    Promise<String> fourth = home.newPromise();
    Future<List<String>> all = Future.all(List.of(first, second, third, fourth));
    IOException firstFailure = new IOException("second input failed first");
    IOException laterFailure = new IOException("first input failed later");

    second.fail(firstFailure);
    assertThatThrownBy(() -> all.join(WAIT)).as("join of all() after one input failed").isSameAs(firstFailure);
    assertThat(first.isDone() || third.isDone() || fourth.isDone()).as("other inputs are left running").isFalse();
    first.fail(laterFailure);
    third.cancel();
    fourth.complete("late success");

    Polling.await("the later failure is attached as suppressed", WAIT,
        () -> Arrays.asList(firstFailure.getSuppressed()).contains(laterFailure));
    Loops.runOn(home, () -> {}); // the cancellation's callback has run by now
    assertThat(firstFailure.getSuppressed()).as("suppressed exceptions of all()'s failure: later failures, "
        + "not cancellations").containsExactly(laterFailure);
  }

  @Test
  void aFailureSharedByTwoInputsIsNotSuppressedByItself() throws Exception {
    IOException shared = new IOException("one failure, two inputs");
    Future<List<Object>> all = Future.all(List.of(Future.failed(shared), Future.failed(shared)));

    assertThatThrownBy(() -> all.join(WAIT)).as("join of all() whose inputs share a failure").isSameAs(shared);
    assertThat(shared.getSuppressed()).as("a failure is never suppressed by itself").isEmpty();
  }

  @Test
  void cancellingAllCancelsEveryInput() {
    Promise<String> first = home.newPromise();
    Promise<String> second = otherLoop.newPromise();
    Future<List<String>> all = Future.all(List.of(first, second));

    assertThat(all.cancel()).as("cancel() of all()").isTrue();

    assertThat(first.isCancelled()).as("first input cancelled").isTrue();
    assertThat(second.isCancelled()).as("second input cancelled").isTrue();
  }

  @Test
  void allWhoseInputIsCancelledLeavesTheOtherInputsRunning() throws Exception {
    Promise<String> cancelled = home.newPromise();
    Promise<String> other = otherLoop.newPromise();
    Future<List<String>> all = Future.all(List.of(cancelled, other));

    cancelled.cancel();

    awaitDone(all);
    assertThat(all.failureNow()).as("all()'s failure").isInstanceOf(CancellationException.class);
    assertThat(other.isDone()).as("the other input, after a failure of all() (contract: inputs are not "
        + "cancelled by a failure)").isFalse();
  }

  // ---- any

  @Test
  void anyTakesTheFirstSuccessAndCancelsTheOthers() throws Exception {
    Promise<String> slow = home.newPromise();
    Promise<String> fast = otherLoop.newPromise();
    Promise<String> failing = home.newPromise();
    Future<String> any = Future.any(List.of(slow, fast, failing));

    failing.fail(new IOException("a failure does not end the race"));
    Loops.runOn(home, () -> {}); // the failure has been seen by any()
    assertThat(any.isDone()).as("any() after one input failed").isFalse();
    fast.complete("fast");

    assertThat(any.join(WAIT)).as("any()'s result").isEqualTo("fast");
    Polling.await("the losing input is cancelled", WAIT, slow::isCancelled);
  }

  @Test
  void anyTakesANullSuccess() throws Exception {
    Promise<String> pending = home.newPromise();
    Future<String> any = Future.any(List.of(pending, Future.succeeded(null)));

    assertThat(any.join(WAIT)).as("any() won by a null result").isNull();
    Polling.await("the losing input is cancelled", WAIT, pending::isCancelled);
  }

  @Test
  void anyFailsWithTheFirstFailureAndTheOthersSuppressedWhenAllFail() throws Exception {
    Promise<String> first = home.newPromise();
    Promise<String> second = otherLoop.newPromise();
    Promise<String> third = home.newPromise();
    Future<String> any = Future.any(List.of(first, second, third));
    IOException firstFailure = new IOException("first to fail");
    IOException secondFailure = new IOException("second to fail");
    IOException thirdFailure = new IOException("third to fail");

    second.fail(firstFailure);
    Loops.runOn(otherLoop, () -> {}); // any() has taken the first failure
    third.fail(secondFailure);
    Loops.runOn(home, () -> {});
    assertThat(any.isDone()).as("any() while an input is still running").isFalse();
    first.fail(thirdFailure);

    assertThatThrownBy(() -> any.join(WAIT)).as("join of any() whose inputs all failed").isSameAs(firstFailure);
    assertThat(firstFailure.getSuppressed()).as("the other failures, suppressed")
        .containsExactlyInAnyOrder(secondFailure, thirdFailure);
  }

  @Test
  void anyOfNoFuturesIsRejected() {
    assertThatThrownBy(() -> Future.any(List.of())).as("any() of an empty list")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void cancellingAnyCancelsEveryInput() {
    Promise<String> first = home.newPromise();
    Promise<String> second = otherLoop.newPromise();
    Future<String> any = Future.any(List.of(first, second));

    assertThat(any.cancel()).as("cancel() of any()").isTrue();

    assertThat(first.isCancelled()).as("first input cancelled").isTrue();
    assertThat(second.isCancelled()).as("second input cancelled").isTrue();
  }
}
