package dev.weft.benchmarks.adapters;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x: {@code context.executeBlocking(work, false).onComplete(handler)} from an event-loop
 * context. Vert.x has its own loop, so the driver runs on that context instead of Weft's loop, and
 * Vert.x hands the result back to it. One event loop and a worker pool of the same size as every
 * other pool here. Unordered ({@code false}): the default, ordered, runs a context's blocking calls
 * one at a time, which would turn the 64-in-flight rows into a queue.
 */
final class VertxSite implements CallSite {
  private final Vertx vertx;
  private final Context context;
  private final Executor loop;
  private final Callable<Object> work;
  private Handler<AsyncResult<Object>> handler;

  VertxSite(int workerThreads, Callable<Object> work) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(workerThreads));
    this.context = vertx.getOrCreateContext(); // off any Vert.x thread: a new event-loop context
    this.loop = task -> context.runOnContext(ignored -> task.run());
    this.work = work;
  }

  @Override
  public Executor loop() {
    return loop;
  }

  @Override
  public void bind(Sink sink) {
    this.handler = result -> sink.accept(result.result(), result.cause());
  }

  @Override
  public void call() {
    context.executeBlocking(work, false).onComplete(handler);
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
