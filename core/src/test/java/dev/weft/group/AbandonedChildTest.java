package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A blocking child that ignores its interrupt is waited for a grace period, then reported and left behind. */
class AbandonedChildTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofMillis(200);

  private final CountDownLatch releaseStubbornChild = new CountDownLatch(1);
  private final LogCapture log = new LogCapture("dev.weft.group.TaskGroup");
  private AsyncRuntime runtime;

  @BeforeEach
  void startRuntime() {
    runtime = AsyncRuntime.builder().name("gt-abandon").loops(2).build();
  }

  @AfterEach
  void releaseAndClose() {
    releaseStubbornChild.countDown();
    log.close();
    runtime.close();
  }

  private <R> Future<R> onLoop(Supplier<? extends Future<R>> task) {
    return runtime.nextLoop().submit(task);
  }

  /** Busy-waits for the test to end, swallowing every interrupt. */
  private String ignoreInterrupts(CountDownLatch running) {
    running.countDown();
    while (releaseStubbornChild.getCount() > 0) {
      try {
        releaseStubbornChild.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException swallowed) {
        // the point of this child: it does not stop when asked
      }
    }
    return "released";
  }

  @Test
  void stubbornChildIsReportedWithItsStackAndTheGroupCompletesWithoutIt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = onLoop(() -> TaskGroup.builder().name("stubborn").abandonGracePeriod(GRACE).open(g -> {
      handle.set(g);
      return g.forkBlocking(() -> ignoreInterrupts(running));
    }));
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    handle.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).as("the group completes while the child still runs")
        .isInstanceOf(CancellationException.class);
    assertThat(releaseStubbornChild.getCount()).as("the stubborn child was not released").isEqualTo(1);
    List<String> warnings = log.warnings();
    assertThat(warnings).as("WARNs of the task-group logger").hasSize(1);
    assertThat(warnings.get(0)).as("the WARN")
        .contains("'stubborn'", "abandons")
        .contains("ignoreInterrupts"); // the child's stack
  }

  @Test
  void childThatStopsWithinTheGracePeriodIsNotReported() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = onLoop(() -> TaskGroup.builder().abandonGracePeriod(GRACE).open(g -> {
      handle.set(g);
      return g.forkBlocking(() -> {
        running.countDown();
        Thread.sleep(60_000);
        return "never";
      });
    }));
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    handle.get().cancel();

    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
    // a report would come one grace period after the cancel; wait that long on something that never happens
    assertThat(releaseStubbornChild.await(2 * GRACE.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
    assertThat(log.warnings()).as("WARNs of the task-group logger").isEmpty();
  }

  @Test
  void stubbornLoserOfARaceIsAbandonedAndTheRaceCompletes() throws Exception {
    CountDownLatch loserRunning = new CountDownLatch(1);
    Future<String> race = onLoop(() -> TaskGroup.builder().name("race").policy(TaskGroupPolicy.FIRST_SUCCESS)
        .abandonGracePeriod(GRACE).open(g -> Future.any(List.of(
            g.forkBlocking(() -> ignoreInterrupts(loserRunning)),
            g.forkBlocking(() -> {
              loserRunning.await();
              return "winner";
            })))));

    assertThat(race.join(WAIT)).as("the race's result").isEqualTo("winner");
    assertThat(log.warnings()).as("WARNs of the task-group logger").singleElement().asString().contains("'race'");
  }

  @Test
  void stubbornChildWhoseOwnFutureWasCancelledIsAbandoned() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Future<String> group = onLoop(() -> TaskGroup.builder().name("own-cancel").abandonGracePeriod(GRACE).open(g -> {
      Future<String> stubborn = g.forkBlocking(() -> ignoreInterrupts(running));
      g.forkBlocking(() -> {
        running.await();
        return stubborn.cancel();
      });
      return Future.succeeded("body");
    }));

    assertThat(group.join(WAIT)).as("the group's result").isEqualTo("body");
    assertThat(log.warnings()).as("WARNs of the task-group logger").singleElement().asString().contains("'own-cancel'");
  }
}
