package dev.weft.benchmarks.adapters;

import dev.weft.benchmarks.kotlin.CoroutinePeer;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Kotlin coroutines: {@code withContext(Dispatchers.IO) { work() }} in a coroutine on a
 * single-threaded dispatcher made of the harness's loop (see {@link CoroutinePeer}); the coroutine
 * resumes on that loop, where the sink receives the outcome.
 */
final class KotlinCoroutineSite implements CallSite {
  private final WeftLoop home;
  private final CoroutinePeer peer;
  private final Callable<Object> work;
  private Sink sink;

  KotlinCoroutineSite(Callable<Object> work) {
    this.home = new WeftLoop();
    this.peer = new CoroutinePeer(home.executor);
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
    peer.callBlocking(work, sink);
  }

  @Override
  public void close() {
    peer.close();
    home.close();
  }
}
