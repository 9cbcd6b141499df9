package dev.weft.benchmarks.futures;

import dev.weft.future.Future;
import dev.weft.future.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * <b>What does a chain of {@value #LENGTH} {@code map}s cost, Weft's {@code Future} against
 * {@code CompletableFuture.thenApply}?</b>
 *
 * <p>One operation: create an incomplete promise (a {@code CompletableFuture}), chain
 * {@value #LENGTH} increments onto it, complete it, read the chain's result. Callbacks are
 * registered before completion, the common case of a chain built around work in progress; values
 * stay within the {@code Integer} cache, so no boxing is counted.
 *
 * <p>{@code source}: {@code pending} chains the steps on an incomplete future and then completes
 * it; {@code completed} completes it first, so that each step runs as it is chained (the path of
 * code that composes on results already there).
 *
 * <p>Set-up: both sides run on the same Weft loop thread, {@value #OPS} operations per batch (one
 * loop task); the JMH thread pays one loop hop per batch ({@code LoopHopBenchmark}), i.e.
 * 1/{@value #OPS} of it per operation, alike for both. Weft's callbacks run inline on their home
 * loop here; CompletableFuture's on the completing thread, the same one.
 *
 * <p>How to read it: nanoseconds and bytes per chain (not per map), lower is better; the ratio to
 * the CompletableFuture row is the figure to watch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MapChainBenchmark {
  /** Maps per chain. */
  public static final int LENGTH = 10;

  /** Chains per invocation. */
  public static final int OPS = 1000;

  private static final Function<Integer, Integer> INCREMENT = x -> x + 1;

  /**
   * {@code pending}: the steps are chained on an incomplete future, then it completes (callbacks
   * registered first, the common case of a chain around work in progress); {@code completed}: the
   * source has already completed, so each step runs as it is chained.
   */
  @Param({"pending", "completed"})
  public String source;

  private LoopBatch batch;
  private boolean completedFirst;

  /** Starts the loop. */
  @Setup
  public void start() {
    batch = new LoopBatch();
    completedFirst = source.equals("completed");
  }

  /** Stops the loop. */
  @TearDown
  public void stop() {
    batch.close();
  }

  /**
   * Weft: {@code promise.map(..)} x {@value #LENGTH}, then {@code complete}.
   *
   * @param blackhole consumes each chain's result
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weft(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        Promise<Integer> start = on.loop().newPromise();
        if (completedFirst) {
          start.complete(0);
        }
        Future<Integer> chain = start;
        for (int j = 0; j < LENGTH; j++) {
          chain = chain.map(INCREMENT);
        }
        start.complete(0); // a no-op when it has completed already
        on.consume(chain);
      }
    });
  }

  /**
   * The baseline: {@code thenApply(..)} x {@value #LENGTH}, then {@code complete}.
   *
   * @param blackhole consumes each chain's result
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void completableFuture(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        CompletableFuture<Integer> start = new CompletableFuture<>();
        if (completedFirst) {
          start.complete(0);
        }
        CompletableFuture<Integer> chain = start;
        for (int j = 0; j < LENGTH; j++) {
          chain = chain.thenApply(INCREMENT);
        }
        start.complete(0); // a no-op when it has completed already
        on.consume(chain);
      }
    });
  }
}
