package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.future.Promise;
import dev.weft.testing.Polling;
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

/** Opening, forking, completing and cancelling a group, whatever its policy. */
class TaskGroupLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-life");

  @Test
  void groupCompletesWithTheBodysResultOnlyAfterEveryChildHasSettled() throws Exception {
    CountDownLatch releaseChild = new CountDownLatch(1);
    CountDownLatch childRunning = new CountDownLatch(1);
    AtomicBoolean childFinished = new AtomicBoolean();
    Future<String> group = weft.onLoop(() -> TaskGroup.open(g -> {
      g.forkBlocking(() -> {
        childRunning.countDown();
        releaseChild.await();
        childFinished.set(true);
        return "child";
      });
      return Future.succeeded("body");
    }));
    assertThat(childRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(group.isDone()).as("the group is done while a child runs").isFalse();
    releaseChild.countDown();
    assertThat(group.join(WAIT)).as("the group's result").isEqualTo("body");
    assertThat(childFinished).as("the child had finished when the group completed").isTrue();
  }

  @Test
  void forkOnTheHomeLoopAfterTheGroupCompletedThrowsIllegalStateException() throws Exception {
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("done-group").open(g -> {
      handle.set(g);
      return Future.succeeded("body");
    }));
    group.join(WAIT);

    Future<String> lateFork = group.home().submit(() -> handle.get().fork(() -> Future.succeeded("late")));

    assertThatThrownBy(() -> lateFork.join(WAIT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'done-group'").hasMessageContaining("fork()");
  }

  @Test
  void forkBlockingFromAnotherThreadAfterTheGroupCompletedThrowsIllegalStateException() throws Exception {
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("done-group").open(g -> {
      handle.set(g);
      return Future.succeeded("body");
    }));
    group.join(WAIT);

    assertThatThrownBy(() -> handle.get().forkBlocking(() -> "late")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'done-group'").hasMessageContaining("forkBlocking()");
  }

  @Test
  void forkFromAnotherThreadRunsTheSupplierOnTheHomeLoop() throws Exception {
    Promise<String> bodyResult = weft.runtime().nextLoop().newPromise();
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    AtomicReference<Loop> home = new AtomicReference<>();
    CompletableFuture<Loop> supplierRanOn = new CompletableFuture<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.open(g -> {
      handle.set(g);
      home.set(Loop.current());
      return bodyResult; // keeps the group open until the test is done forking
    }));
    Polling.await("the body ran", WAIT, () -> handle.get() != null);

    Future<String> child = handle.get().fork(() -> {
      supplierRanOn.complete(Loop.current());
      return Future.succeeded("child");
    });

    assertThat(child.join(WAIT)).isEqualTo("child");
    assertThat(supplierRanOn.getNow(null)).as("the loop the supplier ran on").isSameAs(home.get());
    bodyResult.complete("body");
    assertThat(group.join(WAIT)).isEqualTo("body");
  }

  @Test
  void supplierThatThrowsGivesAFailedChild() {
    IllegalStateException boom = new IllegalStateException("supplier threw");
    Future<String> group = weft.onLoop(() -> TaskGroup.open(g -> {
      g.fork(() -> {
        throw boom;
      });
      return Future.succeeded("body");
    }));

    assertThatThrownBy(() -> group.join(WAIT)).isSameAs(boom);
  }

  @Test
  void supplierThatReturnsNullGivesAFailedChildNamingTheGroup() {
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("null-child").open(g -> {
      g.fork(() -> null);
      return Future.succeeded("body");
    }));

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'null-child'");
  }

  @Test
  void cancelFailsTheGroupWithCancellationOnceTheInterruptedChildHasStopped() throws Exception {
    CountDownLatch childRunning = new CountDownLatch(1);
    AtomicBoolean childStopped = new AtomicBoolean();
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.builder().name("to-cancel").open(g -> {
      handle.set(g);
      g.forkBlocking(() -> {
        childRunning.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException interrupted) {
          Thread.sleep(200); // cleanup after the interrupt
        }
        childStopped.set(true);
        return "stopped";
      });
      return Future.succeeded("body");
    }));
    assertThat(childRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    handle.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class)
        .hasMessageContaining("'to-cancel'");
    assertThat(childStopped).as("the child had stopped when the group completed").isTrue();
    assertThat(handle.get().isCancelled()).as("the group reports itself cancelled").isTrue();
  }

  @Test
  void cancellingTheGroupsFutureInterruptsItsBlockingChildren() throws Exception {
    CountDownLatch childRunning = new CountDownLatch(1);
    CompletableFuture<Throwable> childSaw = new CompletableFuture<>();
    Future<String> group = weft.onLoop(() -> TaskGroup.open(g -> g.forkBlocking(() -> {
      childRunning.countDown();
      try {
        Thread.sleep(60_000);
        childSaw.complete(null);
      } catch (InterruptedException interrupted) {
        childSaw.complete(interrupted);
      }
      return "late";
    })));
    assertThat(childRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    group.cancel();

    assertThat(childSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("what the child saw")
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void nullSettingsAreRefusedNamingTheSettingNotTheParameter() {
    assertThatThrownBy(() -> TaskGroup.builder().timeout(null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("timeout must not be null");
    assertThatThrownBy(() -> TaskGroup.builder().blockingAdapter(null)).isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("blockingAdapter must not be null");
  }
}
