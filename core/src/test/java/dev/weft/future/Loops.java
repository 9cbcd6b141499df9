package dev.weft.future;

import dev.weft.Loop;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test plumbing that does not depend on the code under test: running a call on a loop and
 * waiting for it goes through {@link Loop#execute} and a {@link CompletableFuture}, never through
 * Weft's own futures.
 */
final class Loops {
  static final Duration WAIT = Duration.ofSeconds(10);

  private Loops() {}

  /** Runs {@code call} on {@code loop} and returns what it returned, or rethrows what it threw. */
  static <T> T onLoop(Loop loop, Callable<T> call) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        done.complete(call.call());
      } catch (Throwable failure) {
        done.completeExceptionally(failure);
      }
    });
    try {
      return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof Exception) {
        throw (Exception) failed.getCause();
      }
      throw failed;
    } catch (TimeoutException stuck) {
      throw new AssertionError("loop " + loop.name() + " did not run the call within " + WAIT, stuck);
    }
  }

  /** Runs {@code action} on {@code loop} and waits for it. */
  static void runOn(Loop loop, Runnable action) throws Exception {
    onLoop(loop, () -> {
      action.run();
      return null;
    });
  }

  /** The loop's thread, as seen from the loop itself. */
  static Thread threadOf(Loop loop) throws Exception {
    return onLoop(loop, Thread::currentThread);
  }

  /**
   * Holds {@code loop} busy until the returned latch is counted down, so that work handed to the
   * loop queues up behind it. Returns once the loop is held.
   */
  static CountDownLatch hold(Loop loop) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> {
      held.countDown();
      try {
        release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    if (!held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("loop " + loop.name() + " did not start the holding task");
    }
    return release;
  }

  /** Runs {@code action} on a new plain (non-loop) thread and waits for it. */
  static void onPlainThread(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        action.run();
        done.complete(null);
      } catch (Throwable failure) {
        done.completeExceptionally(failure);
      }
    }, "plain-completer");
    thread.start();
    try {
      done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      throw new AssertionError("the plain thread threw", failed.getCause());
    }
  }
}
