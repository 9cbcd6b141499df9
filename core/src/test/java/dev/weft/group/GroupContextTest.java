package dev.weft.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Context;
import dev.weft.ContextKey;
import dev.weft.Deadline;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.testing.WeftRuntimeExtension;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The group's context (values, deadline, cancellation) travels with its work, and only with it. */
class GroupContextTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ContextKey<String> REQUEST_ID = ContextKey.of("requestId", String.class);
  private static final ContextKey<String> ITEM = ContextKey.of("item", String.class, "none");

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("gt-context")
      .configure(builder -> builder.bulkhead(Adapters.boundedPool("single").maxThreads(1).maxQueue(10)));

  /** Opens a group with a 30 s timeout on a loop, with {@code requestId} set around it. */
  private <R> Future<R> openWithRequestId(String requestId, Function<? super TaskGroup, ? extends Future<R>> body) {
    return weft.runtime().nextLoop().submit(() -> callIn(Context.current().with(REQUEST_ID, requestId),
        () -> TaskGroup.builder().name("with-context").timeout(Duration.ofSeconds(30)).open(body)));
  }

  private static <T> T callIn(Context context, Callable<T> task) {
    try {
      return context.call(task);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void valuesAndDeadlineAreVisibleInTheBody() throws Exception {
    AtomicReference<Context> seen = new AtomicReference<>();
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    openWithRequestId("r-body", g -> {
      handle.set(g);
      seen.set(Context.current());
      return Future.succeeded(null);
    }).join(WAIT);

    assertThat(seen.get().get(REQUEST_ID)).as("the value in the body").isEqualTo("r-body");
    assertThat(seen.get().deadline()).as("the deadline in the body").isEqualTo(handle.get().deadline()).isPresent();
  }

  @Test
  void valuesAndDeadlineAreVisibleInAnAsyncChildsSupplier() throws Exception {
    AtomicReference<Context> seen = new AtomicReference<>();
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    openWithRequestId("r-async", g -> {
      handle.set(g);
      return g.fork(() -> {
        seen.set(Context.current());
        return Future.succeeded(null);
      });
    }).join(WAIT);

    assertThat(seen.get().get(REQUEST_ID)).as("the value in the supplier").isEqualTo("r-async");
    assertThat(seen.get().deadline()).as("the deadline in the supplier").isEqualTo(handle.get().deadline()).isPresent();
  }

  @Test
  void valuesAndDeadlineAreVisibleInABlockingChild() throws Exception {
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Context seen = openWithRequestId("r-blocking", g -> {
      handle.set(g);
      return g.forkBlocking(Context::current);
    }).join(WAIT);

    assertThat(seen.get(REQUEST_ID)).as("the value in the blocking child").isEqualTo("r-blocking");
    assertThat(seen.deadline()).as("the deadline in the blocking child").isEqualTo(handle.get().deadline()).isPresent();
  }

  @Test
  void valuesAndTheShorterDeadlineAreVisibleThroughoutANestedGroup() throws Exception {
    AtomicReference<TaskGroup> outerHandle = new AtomicReference<>();
    AtomicReference<Context> innerBody = new AtomicReference<>();
    AtomicReference<Context> innerSupplier = new AtomicReference<>();
    Context innerBlocking = openWithRequestId("r-nested", outer -> {
      outerHandle.set(outer);
      return outer.fork(() -> TaskGroup.builder().name("inner").timeout(Duration.ofMinutes(5)).open(inner -> {
        innerBody.set(Context.current());
        inner.fork(() -> {
          innerSupplier.set(Context.current());
          return Future.succeeded(null);
        });
        return inner.forkBlocking(Context::current);
      }));
    }).join(WAIT);

    Deadline outerDeadline = outerHandle.get().deadline().orElseThrow();
    for (Context seen : new Context[] {innerBody.get(), innerSupplier.get(), innerBlocking}) {
      assertThat(seen.get(REQUEST_ID)).as("the value in the nested group (%s)", seen).isEqualTo("r-nested");
      assertThat(seen.deadline()).as("the deadline in the nested group (%s)", seen).contains(outerDeadline);
    }
  }

  @Test
  void aValueSetAroundAForkInTheBodyReachesThatChildOnly() throws Exception {
    AtomicReference<Context> inSupplier = new AtomicReference<>();
    AtomicReference<Context> inOtherSupplier = new AtomicReference<>();
    Context inBlocking = openWithRequestId("r-item", g -> {
      callIn(Context.current().with(ITEM, "first"), () -> g.fork(() -> {
        inSupplier.set(Context.current());
        return Future.succeeded(null);
      }));
      g.fork(() -> {
        inOtherSupplier.set(Context.current());
        return Future.succeeded(null);
      });
      return callIn(Context.current().with(ITEM, "second"), () -> g.forkBlocking(Context::current));
    }).join(WAIT);

    assertThat(inSupplier.get().get(ITEM)).as("the item in the first child").isEqualTo("first");
    assertThat(inBlocking.get(ITEM)).as("the item in the blocking child").isEqualTo("second");
    assertThat(inOtherSupplier.get().get(ITEM)).as("the item in a child forked without it").isEqualTo("none");
    assertThat(inBlocking.get(REQUEST_ID)).as("the group's value in the blocking child").isEqualTo("r-item");
  }

  @Test
  void unrelatedTasksOnTheSameLoopAndWorkerDoNotSeeTheGroupsContext() throws Exception {
    BlockingAdapter single = weft.runtime().adapter("single");
    CountDownLatch childRunning = new CountDownLatch(1);
    CountDownLatch releaseChild = new CountDownLatch(1);
    CompletableFuture<Context> inChild = new CompletableFuture<>();
    Future<Void> group = openWithRequestId("r-private", g -> g.forkBlocking(single, () -> {
      inChild.complete(Context.current());
      childRunning.countDown();
      releaseChild.await();
      return null;
    }));
    assertThat(childRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    Future<Context> onTheGroupsLoop = group.home().submit(() -> Future.succeeded(Context.current()));
    Future<Context> onTheChildsWorker = single.call(Context::current); // the one worker is busy: runs after the child
    assertThat(onTheGroupsLoop.join(WAIT)).as("the context of a task on the group's loop").isSameAs(Context.root());
    releaseChild.countDown();
    group.join(WAIT);

    assertThat(inChild.getNow(null).get(REQUEST_ID)).as("the value in the child").isEqualTo("r-private");
    assertThat(onTheChildsWorker.join(WAIT)).as("the context of a later call on the child's worker")
        .isSameAs(Context.root());
    assertThat(Context.current()).as("the context of the thread that opened nothing").isSameAs(Context.root());
  }

  @Test
  void blockingChildSeesItsContextCancelledWhenTheGroupIsCancelled() throws Exception {
    CountDownLatch childRunning = new CountDownLatch(1);
    CompletableFuture<Boolean> cancelledBefore = new CompletableFuture<>();
    CompletableFuture<Boolean> cancelledAfter = new CompletableFuture<>();
    AtomicReference<TaskGroup> handle = new AtomicReference<>();
    Future<String> group = openWithRequestId("r-cancel", g -> {
      handle.set(g);
      return g.forkBlocking(() -> {
        cancelledBefore.complete(Context.current().isCancelled());
        childRunning.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException interrupted) {
          cancelledAfter.complete(Context.current().isCancelled());
        }
        return "stopped";
      });
    });
    assertThat(childRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    handle.get().cancel();

    assertThat(cancelledBefore.getNow(null)).as("cancelled, seen before the cancel").isFalse();
    assertThat(cancelledAfter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("cancelled, seen after the cancel").isTrue();
    assertThatThrownBy(() -> group.join(WAIT)).isInstanceOf(CancellationException.class);
  }
}
