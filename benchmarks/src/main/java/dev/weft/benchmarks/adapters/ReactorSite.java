package dev.weft.benchmarks.adapters;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reactor: {@code Mono.fromCallable(work).subscribeOn(boundedElastic).subscribe(...)}, the
 * subscriber handing the value back to the loop. The scheduler is a bounded-elastic one capped at
 * the same thread count as every other pool here ({@code Schedulers.boundedElastic()} would cap at
 * 10 x cores = 20 threads on this machine, which would starve the 64-in-flight rows).
 */
final class ReactorSite implements CallSite {
  private final WeftLoop home;
  private final Scheduler scheduler;
  private final Callable<Object> work;
  private final Consumer<Object> onValue;
  private final Consumer<Throwable> onError;
  private Sink sink;

  ReactorSite(int threads, Callable<Object> work) {
    this.home = new WeftLoop();
    this.scheduler = Schedulers.newBoundedElastic(threads, 100_000, "bench-elastic");
    this.work = work;
    Executor loop = home.executor;
    this.onValue = value -> loop.execute(() -> sink.accept(value, null));
    this.onError = failure -> loop.execute(() -> sink.accept(null, failure));
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
    Mono.fromCallable(work).subscribeOn(scheduler).subscribe(onValue, onError);
  }

  @Override
  public void close() {
    scheduler.dispose();
    home.close();
  }
}
