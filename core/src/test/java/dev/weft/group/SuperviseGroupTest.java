package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SUPERVISE: children fail on their own; failures nobody looked at still surface. */
class SuperviseGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-supervise").allowUnhandledFailures();

  private <R> Future<R> openOnLoop(Function<? super TaskGroup, ? extends Future<R>> body) {
    return weft.runtime().nextLoop().submit(() -> TaskGroup.builder().policy(TaskGroupPolicy.SUPERVISE).open(body));
  }

  @Test
  void failedChildCancelsNeitherItsSiblingsNorTheGroup() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Throwable> failureSeen = new CompletableFuture<>();
    AtomicBoolean blockingSiblingInterrupted = new AtomicBoolean();
    AtomicBoolean blockingSiblingSawCancelled = new AtomicBoolean();
    AtomicReference<Future<String>> asyncSibling = new AtomicReference<>();
    AtomicReference<Future<String>> blockingSibling = new AtomicReference<>();
    Future<String> group = openOnLoop(g -> {
      asyncSibling.set(g.fork(() -> Loop.current().newPromise()));
      blockingSibling.set(g.forkBlocking(() -> {
        try {
          release.await();
        } catch (InterruptedException interrupted) {
          blockingSiblingInterrupted.set(true);
        }
        blockingSiblingSawCancelled.set(Context.current().isCancelled());
        return "sibling done";
      }));
      g.fork(() -> Future.<String>failed(new IllegalStateException("one child fails")))
          .onFailure(failureSeen::complete);
      return Future.succeeded("body");
    });

    assertThat(failureSeen.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasMessage("one child fails");
    // the failure has been handled on the group's loop; a round trip through that loop orders us after it
    asyncSibling.get().home().submit(() -> Future.succeeded(null)).join(WAIT);
    assertThat(asyncSibling.get().isDone()).as("the async sibling is still running").isFalse();
    assertThat(blockingSibling.get().isDone()).as("the blocking sibling is still running").isFalse();
    assertThat(group.isDone()).as("the group is still open").isFalse();

    release.countDown();
    ((Promise<String>) asyncSibling.get()).complete("async done");
    assertThat(group.join(WAIT)).as("the group's result").isEqualTo("body");
    assertThat(blockingSibling.get().join(WAIT)).isEqualTo("sibling done");
    assertThat(blockingSiblingInterrupted).as("the blocking sibling was interrupted").isFalse();
    assertThat(blockingSiblingSawCancelled).as("the blocking sibling saw its context cancelled").isFalse();
  }

  @Test
  void childFailureNobodyObservedReachesTheUnhandledFailureHandler() throws Exception {
    IllegalStateException ignored = new IllegalStateException("nobody looks at me");
    IllegalStateException observed = new IllegalStateException("somebody looks at me");
    Future<String> group = openOnLoop(g -> {
      g.fork(() -> Loop.current().delay(Duration.ofMillis(1)).map(x -> {
        throw ignored;
      })); // its future is dropped here
      g.fork(() -> Future.<String>failed(observed)).onFailure(failure -> { });
      return Future.succeeded("body");
    });
    assertThat(group.join(WAIT)).as("a supervising group succeeds despite failed children").isEqualTo("body");

    // the failure is reported when its future is collected: nudge the collector until it is
    Polling.await("the ignored failure reaches the handler", WAIT, () -> {
      System.gc();
      return weft.failures().failures().contains(ignored);
    });
    assertThat(weft.failures().failures()).as("failures reported as unhandled").containsExactly(ignored);
  }

  @Test
  void bodyFailureStillCancelsTheChildrenAndFailsTheGroup() throws Exception {
    IllegalStateException boom = new IllegalStateException("body failed");
    CompletableFuture<Boolean> childCancelled = new CompletableFuture<>();
    Future<String> group = openOnLoop(g -> {
      g.fork(() -> {
        Promise<String> never = Loop.current().newPromise();
        never.onCancel(() -> childCancelled.complete(true));
        return never;
      });
      return Future.failed(boom);
    });

    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isSameAs(boom);
    assertThat(childCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the child was cancelled").isTrue();
  }
}
