package dev.weft.benchmarks.adapters;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A plain {@link ExecutorService} with no callback API: {@code ThreadPoolExecutor.submit} or a
 * virtual thread per task. The task runs the call and hands the result back to the loop itself
 * ({@code loop.execute}), which is what a user of these executors writes.
 */
final class ExecutorSite implements CallSite {
  private final WeftLoop home;
  private final ExecutorService executor;
  private final boolean submit; // submit() (a FutureTask per call), or execute()
  private final Runnable task; // one instance for every call
  private Sink sink;

  ExecutorSite(ExecutorService executor, boolean submit, Supplier<Object> work) {
    this.home = new WeftLoop();
    this.executor = executor;
    this.submit = submit;
    Executor loop = home.executor;
    this.task = () -> {
      Object value;
      try {
        value = work.get();
      } catch (Throwable failure) {
        loop.execute(() -> sink.accept(null, failure));
        return;
      }
      loop.execute(() -> sink.accept(value, null));
    };
  }

  @Override
  public Executor loop() {
    return home.executor;
  }

  @Override
  public void bind(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void call() {
    if (submit) {
      executor.submit(task);
    } else {
      executor.execute(task);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    home.close();
  }
}
