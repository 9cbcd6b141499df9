package dev.weft.benchmarks.adapters;

import dev.weft.blocking.BlockingAdapter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A Weft adapter: {@code adapter.call(work).onComplete(sink)}. The future is homed on the calling
 * loop, so the sink runs there without any code of ours handing it back.
 */
final class WeftAdapterSite implements CallSite {
  private final WeftLoop home;
  private final BlockingAdapter adapter;
  private final Callable<Object> work;
  private Sink sink;

  WeftAdapterSite(Function<WeftLoop, BlockingAdapter> adapter, Callable<Object> work) {
    this.home = new WeftLoop();
    this.adapter = adapter.apply(home);
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
    adapter.call(work).onComplete(sink);
  }

  @Override
  public void close() {
    adapter.close();
    home.close();
  }
}
