package dev.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * flatMap chains of any length run in constant stack depth: completing, failing and cancelling a
 * 100 000-link chain never overflows the stack (a StackOverflowError would surface as the
 * chain's failure or as a report to the unhandled-failure handler).
 */
class LongChainTest {
  private static final int LINKS = 100_000;
  private static final Duration WAIT = Duration.ofSeconds(20);
  @RegisterExtension
  static final WeftRuntimeExtension weft = WeftRuntimeExtension.named("ft-chains");
  private static Loop home;

  @BeforeAll
  static void openRuntime() {
    home = weft.loop(0);
  }

  /** {@code countdown(n) = succeeded(n).flatMap(x -> countdown(x - 1))}: each link built by the one before. */
  private static Future<Integer> countdown(int n) {
    if (n == 0) {
      return Future.succeeded(0);
    }
    return Future.succeeded(n).flatMap(x -> countdown(x - 1)).map(x -> x + 1);
  }

  @Test
  void recursiveFlatMapChainBuiltOnALoopCompletesWithoutOverflow() throws Exception {
    Future<Integer> chain = home.submit(() -> countdown(LINKS));

    assertThat(chain.join(WAIT)).as("links counted by a recursive flatMap chain").isEqualTo(LINKS);
  }

  @Test
  void recursiveFlatMapChainEndingInAFailureFailsWithoutOverflow() throws Exception {
    IOException bottom = new IOException("the last link failed");
    Future<Integer> chain = home.submit(() -> failingCountdown(LINKS, bottom));

    assertThatThrownBy(() -> chain.join(WAIT)).as("join of a recursive chain whose last link failed")
        .isSameAs(bottom);
  }

  private static Future<Integer> failingCountdown(int n, IOException bottom) {
    if (n == 0) {
      return Future.failed(bottom);
    }
    return Future.succeeded(n).flatMap(x -> failingCountdown(x - 1, bottom));
  }

  @Test
  void prebuiltFlatMapChainCompletedFromAnotherThreadCompletesWithoutOverflow() throws Exception {
    Promise<Integer> root = home.newPromise();
    Future<Integer> chain = root;
    for (int i = 0; i < LINKS; i++) {
      chain = chain.flatMap(x -> Future.succeeded(x + 1));
    }

    Loops.onPlainThread(() -> root.complete(0));

    assertThat(chain.join(WAIT)).as("links counted by a pre-built flatMap chain").isEqualTo(LINKS);
  }

  @Test
  void prebuiltFlatMapChainCompletedOnItsHomeLoopCompletesWithoutOverflow() throws Exception {
    Promise<Integer> root = home.newPromise();
    Future<Integer> chain = root;
    for (int i = 0; i < LINKS; i++) {
      chain = chain.flatMap(x -> Future.succeeded(x + 1));
    }

    Loops.runOn(home, () -> root.complete(0));

    assertThat(chain.join(WAIT)).as("links counted by a pre-built chain completed on its loop").isEqualTo(LINKS);
  }

  @Test
  void prebuiltMapChainFailedFromAnotherThreadFailsWithoutOverflow() throws Exception {
    Promise<Integer> root = home.newPromise();
    Future<Integer> chain = root;
    for (int i = 0; i < LINKS; i++) {
      chain = chain.map(x -> x + 1);
    }
    IOException failure = new IOException("root failed");

    Loops.onPlainThread(() -> root.fail(failure));

    Future<Integer> end = chain;
    assertThatThrownBy(() -> end.join(WAIT)).as("join of a failed pre-built map chain").isSameAs(failure);
  }

  @Test
  void cancellingTheEndOfAPrebuiltChainCancelsTheRootWithoutOverflow() throws Exception {
    Promise<Integer> root = home.newPromise();
    Future<Integer> chain = root;
    for (int i = 0; i < LINKS; i++) {
      chain = chain.flatMap(x -> Future.succeeded(x + 1));
    }

    Future<Integer> end = chain;
    Loops.onPlainThread(() -> end.cancel());

    assertThat(root.isCancelled()).as("the root, after cancelling the far end of its chain").isTrue();
    assertThatThrownBy(() -> end.join(WAIT)).as("join of the cancelled end")
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void cancellingTheEndOfARecursiveChainCancelsItsPendingBottom() throws Exception {
    Promise<Integer> bottom = home.newPromise();
    CountDownLatch reachedBottom = new CountDownLatch(1);
    Future<Integer> chain = home.submit(() -> pendingCountdown(LINKS, bottom, reachedBottom));
    assertThat(reachedBottom.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the chain reached its bottom")
        .isTrue();

    Loops.onPlainThread(() -> chain.cancel());

    // the last links may still be joining up on the loop; a cancel they miss reaches them as they do
    Polling.await("the pending bottom of the cancelled chain is cancelled", WAIT, bottom::isCancelled);
  }

  private static Future<Integer> pendingCountdown(int n, Promise<Integer> bottom, CountDownLatch reachedBottom) {
    if (n == 0) {
      reachedBottom.countDown();
      return bottom;
    }
    return Future.succeeded(n).flatMap(x -> pendingCountdown(x - 1, bottom, reachedBottom));
  }
}
