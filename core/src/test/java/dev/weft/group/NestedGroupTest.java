package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.future.Future;
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

/** Groups inside groups: cancellation flows down, and no grandchild outlives the outer group. */
class NestedGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-nested");

  /** A blocking child that sleeps until interrupted, then reports what it saw. */
  private static String sleepUntilInterrupted(CountDownLatch running, CompletableFuture<Throwable> saw) {
    running.countDown();
    try {
      Thread.sleep(60_000);
      saw.complete(null);
    } catch (InterruptedException interrupted) {
      saw.complete(interrupted);
    }
    return "late";
  }

  @Test
  void cancellingTheParentCancelsTheChildrenOfAForkedNestedGroup() throws Exception {
    CountDownLatch grandchildRunning = new CountDownLatch(1);
    CompletableFuture<Throwable> grandchildSaw = new CompletableFuture<>();
    AtomicReference<TaskGroup> outerGroup = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").open(outer -> {
      outerGroup.set(outer);
      return outer.fork(() -> TaskGroup.builder().name("inner").open(inner ->
          inner.forkBlocking(() -> sleepUntilInterrupted(grandchildRunning, grandchildSaw))));
    }));
    assertThat(grandchildRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    outerGroup.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(grandchildSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("what the nested group's blocking child saw").isInstanceOf(InterruptedException.class);
  }

  @Test
  void outerGroupCompletesOnlyAfterTheNestedGroupsChildrenHaveStopped() throws Exception {
    CountDownLatch grandchildRunning = new CountDownLatch(1);
    AtomicBoolean grandchildStopped = new AtomicBoolean();
    AtomicReference<TaskGroup> outerGroup = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").open(outer -> {
      outerGroup.set(outer);
      return outer.fork(() -> TaskGroup.builder().name("inner").open(inner -> inner.forkBlocking(() -> {
        grandchildRunning.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException interrupted) {
          Thread.sleep(300); // cleanup after the interrupt
        }
        grandchildStopped.set(true);
        return "stopped";
      })));
    }));
    assertThat(grandchildRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    outerGroup.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(grandchildStopped).as("the grandchild had stopped when the outer group completed").isTrue();
  }

  @Test
  void cancellingTheParentCancelsAGroupOpenedInsideABlockingChild() throws Exception {
    CountDownLatch grandchildRunning = new CountDownLatch(1);
    CompletableFuture<Throwable> grandchildSaw = new CompletableFuture<>();
    AtomicReference<TaskGroup> outerGroup = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").open(outer -> {
      outerGroup.set(outer);
      return outer.forkBlocking(() -> TaskGroup.builder().name("inner").open(inner ->
          inner.forkBlocking(() -> sleepUntilInterrupted(grandchildRunning, grandchildSaw))).join());
    }));
    assertThat(grandchildRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    outerGroup.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(grandchildSaw.getNow(null))
        .as("what the grandchild saw (it had stopped when the outer group completed)")
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void cancellingTheParentCancelsAGroupItsBodyOpenedWithoutForkingIt() throws Exception {
    CountDownLatch grandchildRunning = new CountDownLatch(1);
    CompletableFuture<Throwable> grandchildSaw = new CompletableFuture<>();
    AtomicReference<TaskGroup> outerGroup = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").open(outer -> {
      outerGroup.set(outer);
      TaskGroup.builder().name("inner").open(inner ->
          inner.forkBlocking(() -> sleepUntilInterrupted(grandchildRunning, grandchildSaw))); // future dropped
      return Loop.current().newPromise();
    }));
    assertThat(grandchildRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    outerGroup.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(grandchildSaw.getNow(null))
        .as("what the grandchild saw (it had stopped when the outer group completed)")
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void groupOpenedInAnAlreadyCancelledGroupStartsCancelled() throws Exception {
    CompletableFuture<Throwable> innerBodyOutcome = new CompletableFuture<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("outer").open(outer -> {
      outer.cancel();
      TaskGroup.builder().name("inner").open(inner -> Loop.current().<String>newPromise()
          .onFailure(innerBodyOutcome::complete)); // future dropped
      return Future.succeeded("body");
    }));

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    assertThat(innerBodyOutcome.getNow(null)).as("how the inner body's future ended")
        .isInstanceOf(CancellationException.class);
  }
}
