package dev.weft.benchmarks.adapters;

import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Weft's direct adapter, the floor of the suite. It refuses loop threads (a blocking call there
 * would stall the loop), so it runs where it is meant to: on the calling thread, here the JMH
 * thread, which is its own "loop" ({@link #loop()} runs tasks inline). It measures Weft's per-call
 * bookkeeping (call task, promise, metrics) with no thread hop at all.
 */
final class WeftDirectSite implements CallSite {
  private final WeftLoop home; // receives nothing: the direct adapter's futures are complete on return
  private final BlockingAdapter adapter;
  private final Callable<Object> work;
  private Sink sink;

  WeftDirectSite(Callable<Object> work) {
    this.home = new WeftLoop();
    this.adapter = Adapters.direct(home.runtime);
    this.work = work;
  }

  @Override
  public Executor loop() {
    return Runnable::run;
  }

  @Override
  public void bind(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void call() {
    sink.accept(adapter.call(work).resultNow(), null);
  }

  @Override
  public void close() {
    adapter.close();
    home.close();
  }
}
