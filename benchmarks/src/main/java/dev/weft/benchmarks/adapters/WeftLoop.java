package dev.weft.benchmarks.adapters;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The loop of the harness: a Weft runtime with one loop (a Netty {@code IoEventLoop}). Calls
 * through Weft's adapters and through the peers that have no loop of their own start here, and
 * their results come back here. One loop is the right size for 2 cores: the other core is left to
 * the workers.
 */
final class WeftLoop implements AutoCloseable {
  final AsyncRuntime runtime;
  final Loop loop;
  final Executor executor; // loop::execute, the way a peer's worker hands a result back

  WeftLoop() {
    this.runtime = AsyncRuntime.builder().name("bench").loops(1).build();
    this.loop = runtime.loops().get(0);
    this.executor = loop::execute;
  }

  @Override
  public void close() {
    runtime.shutdown(Duration.ofSeconds(5));
  }
}
