package dev.weft.benchmarks.groups;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.benchmarks.adapters.BatchSignal;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/*
 * Overview: `next` runs on the loop; it opens groups one after another, continuing in a loop while
 * they finish synchronously, and otherwise registering itself as the group's callback (a Weft
 * future calls back on its home loop; a CompletableFuture is told to call back through the loop's
 * executor). Fields are touched only on the loop thread.
 */

/**
 * Opens fork/join groups one at a time on a Weft loop (one loop, as the rest of the suites) and
 * waits for the last one: one loop hop per batch for the JMH thread.
 */
final class SequentialGroups implements BiConsumer<Object, Throwable> {
  private final AsyncRuntime runtime;
  private final Loop loop;
  private final Executor loopExecutor;
  private final BatchSignal signal = new BatchSignal();
  private Supplier<Object> group; // opens one group: a Weft Future or a CompletableFuture
  private int remaining;

  SequentialGroups() {
    this.runtime = AsyncRuntime.builder().name("bench").loops(1).build();
    this.loop = runtime.loops().get(0);
    this.loopExecutor = loop::execute;
  }

  AsyncRuntime runtime() {
    return runtime;
  }

  /** Runs tasks on the loop: what a peer's dispatcher is made of. */
  Executor loopExecutor() {
    return loopExecutor;
  }

  /**
   * Opens {@code count} groups in a row on the loop and waits for the last; called by the JMH
   * thread.
   */
  void run(int count, Supplier<Object> group) {
    this.group = group;
    this.remaining = count;
    signal.arm();
    loop.execute(this::next);
    signal.await();
  }

  private void next() {
    try {
      while (remaining > 0) {
        remaining--;
        Object opened = group.get();
        if (opened instanceof Future) {
          Future<?> future = (Future<?>) opened;
          if (!future.isDone()) {
            future.onComplete(this);
            return;
          }
          future.resultNow(); // throws if the group failed
        } else {
          CompletableFuture<?> future = (CompletableFuture<?>) opened;
          if (!future.isDone()) {
            future.whenCompleteAsync(this, loopExecutor);
            return;
          }
          future.join();
        }
      }
      signal.signal();
    } catch (Throwable failure) {
      signal.fail(failure);
    }
  }

  @Override
  public void accept(Object value, Throwable failure) {
    if (failure != null) {
      signal.fail(failure);
    } else {
      next();
    }
  }

  void close() {
    runtime.shutdown(Duration.ofSeconds(5));
  }
}
