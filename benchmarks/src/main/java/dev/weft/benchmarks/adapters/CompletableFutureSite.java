package dev.weft.benchmarks.adapters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code CompletableFuture.supplyAsync(work, pool).whenCompleteAsync(sink, loop)}: the call on a
 * fixed pool, the result handed back to the loop by CompletableFuture's own async stage.
 */
final class CompletableFutureSite implements CallSite {
  private final WeftLoop home;
  private final ExecutorService pool;
  private final Supplier<Object> work;
  private Sink sink;

  CompletableFutureSite(ExecutorService pool, Supplier<Object> work) {
    this.home = new WeftLoop();
    this.pool = pool;
    this.work = work;
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
    CompletableFuture.supplyAsync(work, pool).whenCompleteAsync(sink, home.executor);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    home.close();
  }
}
