package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.testing.LogCapture;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A blocking child whose future completes before its call started (here: its caller cancels it
 * while it waits in the pool's queue) is settled at once: the call never runs, and the group
 * neither waits for the abandon grace period nor reports the child as abandoned.
 */
class QueuedBlockingChildTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-queued")
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("single").maxThreads(1).maxQueue(10)));

  private final LogCapture log = new LogCapture("dev.weft.group.TaskGroup");

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void aQueuedChildCancelledByItsCallerSettlesAtOnceAndNeverRuns() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicBoolean queuedCallRan = new AtomicBoolean();
    CompletableFuture<Boolean> queuedCancelled = new CompletableFuture<>();
    // an abandon grace period longer than the test's wait: waiting it out would fail the test
    TaskGroupBuilder builder = TaskGroup.builder().name("queued").abandonGracePeriod(Duration.ofMinutes(1));
    BlockingAdapter single = weft.runtime().adapter("single");
    Future<String> group = weft.runtime().nextLoop().submit(() -> builder.open(g -> {
      g.forkBlocking(single, () -> {
        firstRunning.countDown();
        return releaseFirst.await(WAIT.toSeconds(), TimeUnit.SECONDS) ? "first" : "timed out";
      });
      Future<String> queued = g.forkBlocking(single, () -> {
        queuedCallRan.set(true);
        return "queued";
      });
      // behind the first call on the pool's only thread, which the test holds until this is done:
      // the queued call has not started
      queuedCancelled.complete(queued.cancel());
      return Future.succeeded("body");
    }));
    assertThat(firstRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first call started").isTrue();
    assertThat(queuedCancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("cancel() of the queued call").isTrue();

    releaseFirst.countDown();

    assertThat(group.join(WAIT)).as("the group's result, well before the grace period").isEqualTo("body");
    assertThat(queuedCallRan).as("the cancelled queued call ran").isFalse();
    assertThat(log.warnings()).as("WARNs of the task-group logger (an abandoned child)").isEmpty();
  }
}
