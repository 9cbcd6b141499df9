package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default policy: the first failure cancels everything else and becomes the group's failure. */
class FailFastGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-failfast")
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("single").maxThreads(1).maxQueue(10)));

  private <R> Future<R> openOnLoop(java.util.function.Function<? super TaskGroup, ? extends Future<R>> body) {
    return weft.runtime().nextLoop().submit(() -> TaskGroup.open(body));
  }

  @Test
  void groupFailsWithTheFirstChildFailure() {
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> group = openOnLoop(g -> {
      g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
        throw boom;
      }));
      return Future.succeeded("body");
    });

    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isSameAs(boom);
  }

  @Test
  void firstFailureCancelsAnAsyncSibling() throws Exception {
    CompletableFuture<Boolean> siblingCancelled = new CompletableFuture<>();
    AtomicReference<Future<String>> sibling = new AtomicReference<>();
    Future<String> group = openOnLoop(g -> {
      sibling.set(g.fork(() -> {
        Promise<String> never = Loop.current().newPromise();
        never.onCancel(() -> siblingCancelled.complete(true));
        return never;
      }));
      g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
        throw new IllegalStateException("boom");
      }));
      return Future.succeeded("body");
    });

    assertThat(siblingCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the async sibling's cancel hook ran").isTrue();
    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(IllegalStateException.class);
    assertThat(sibling.get().isCancelled()).as("the async sibling's future is cancelled").isTrue();
  }

  @Test
  void firstFailureInterruptsASleepingBlockingSibling() throws Exception {
    CountDownLatch siblingSleeping = new CountDownLatch(1);
    CompletableFuture<Throwable> siblingSaw = new CompletableFuture<>();
    Future<String> group = openOnLoop(g -> {
      g.forkBlocking(() -> {
        siblingSleeping.countDown();
        try {
          Thread.sleep(60_000);
          siblingSaw.complete(null);
        } catch (InterruptedException interrupted) {
          siblingSaw.complete(interrupted);
        }
        return "sibling";
      });
      g.forkBlocking(() -> {
        siblingSleeping.await();
        throw new IllegalStateException("boom");
      });
      return Future.succeeded("body");
    });

    assertThat(siblingSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("what the sleeping sibling saw").isInstanceOf(InterruptedException.class);
    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
  }

  @Test
  void firstFailureDropsABlockingSiblingThatHasNotStarted() throws Exception {
    BlockingAdapter single = weft.runtime().adapter("single");
    CountDownLatch occupantRunning = new CountDownLatch(1);
    AtomicBoolean queuedSiblingRan = new AtomicBoolean();
    Future<String> group = openOnLoop(g -> {
      g.forkBlocking(single, () -> {
        occupantRunning.countDown();
        Thread.sleep(60_000); // interrupted by the cancellation
        return "occupant";
      });
      g.forkBlocking(single, () -> queuedSiblingRan.getAndSet(true)); // waits behind the occupant
      g.forkBlocking(() -> {
        occupantRunning.await();
        throw new IllegalStateException("boom");
      });
      return Future.succeeded("body");
    });

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(IllegalStateException.class);
    // the pool runs calls in order: once a later call has run, the dropped one would have run before it
    assertThat(single.call(() -> "later").join(WAIT)).isEqualTo("later");
    assertThat(queuedSiblingRan).as("the queued sibling ran").isFalse();
  }

  @Test
  void laterFailuresAreSuppressedOnTheFirstButCancellationsAreNot() {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    Future<String> group = openOnLoop(g -> {
      // homed on the other loop and failed together, so both fail before the group can cancel either
      Loop other = otherLoop(Loop.current());
      Promise<String> a = other.newPromise();
      Promise<String> b = other.newPromise();
      g.fork(() -> a);
      g.fork(() -> b);
      g.fork(() -> Loop.current().newPromise()); // cancelled by the first failure
      a.fail(first);
      b.fail(second);
      return Future.succeeded("body");
    });

    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isSameAs(first);
    assertThat(first.getSuppressed()).as("suppressed on the first failure").containsExactly(second);
  }

  @Test
  void bodyFailureCancelsTheChildrenAndFailsTheGroup() throws Exception {
    IllegalStateException boom = new IllegalStateException("body failed");
    CompletableFuture<Boolean> childCancelled = new CompletableFuture<>();
    Future<String> group = openOnLoop(g -> {
      g.fork(() -> {
        Promise<String> never = Loop.current().newPromise();
        never.onCancel(() -> childCancelled.complete(true));
        return never;
      });
      return Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
        throw boom;
      });
    });

    assertThat(childCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the child was cancelled").isTrue();
    assertThatThrownBy(() -> group.join(WAIT)).as("the group's failure").isSameAs(boom);
  }

  @Test
  void cancelledSiblingsAreNotReportedAsFailures() {
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> group = openOnLoop(g -> {
      g.fork(() -> Loop.current().newPromise());
      g.forkBlocking(() -> {
        Thread.sleep(60_000);
        return "never";
      });
      g.fork(() -> Loop.current().delay(Duration.ofMillis(5)).map(ignored -> {
        throw boom;
      }));
      return Future.succeeded("body");
    });

    assertThatThrownBy(() -> group.join(WAIT)).isSameAs(boom);
    assertThat(boom.getSuppressed()).as("suppressed failures").noneMatch(CancellationException.class::isInstance);
  }

  private Loop otherLoop(Loop home) {
    return weft.runtime().loops().stream().filter(loop -> loop != home).findFirst().orElseThrow();
  }
}
