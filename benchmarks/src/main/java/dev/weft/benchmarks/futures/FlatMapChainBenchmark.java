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
 * <b>What does a chain of {@value #LENGTH} {@code flatMap}s cost, Weft's {@code Future} against
 * {@code CompletableFuture.thenCompose}?</b>
 *
 * <p>One operation: create an incomplete promise, chain {@value #LENGTH} steps that each return
 * an already-completed future of the value plus one ({@code Future.succeeded},
 * {@code CompletableFuture.completedFuture}), complete the promise, read the result. It measures
 * the composition machinery: each step allocates the inner future and relays it.
 *
 * <p>{@code source}: {@code pending} chains the steps on an incomplete future and then completes
 * it; {@code completed} completes it first, so that each step runs as it is chained (the path of
 * code that composes on results already there).
 *
 * <p>Set-up as in {@link MapChainBenchmark}: same loop thread, {@value #OPS} operations per
 * batch. Weft bounds the depth of inline callbacks (16), so a long enough chain finishes in a
 * later loop task; the batch then waits for it, so that cost is included.
 *
 * <p>How to read it: nanoseconds and bytes per chain, lower is better; compare with the
 * CompletableFuture row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlatMapChainBenchmark {
  /** Steps per chain. */
  public static final int LENGTH = 10;

  /** Chains per invocation. */
  public static final int OPS = 1000;

  private static final Function<Integer, Future<Integer>> WEFT_STEP = x -> Future.succeeded(x + 1);
  private static final Function<Integer, CompletableFuture<Integer>> CF_STEP =
      x -> CompletableFuture.completedFuture(x + 1);

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
   * Weft: {@code promise.flatMap(x -> Future.succeeded(x + 1))} x {@value #LENGTH}.
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
          chain = chain.flatMap(WEFT_STEP);
        }
        start.complete(0); // a no-op when it has completed already
        on.consume(chain);
      }
    });
  }

  /**
   * The baseline: {@code thenCompose(x -> completedFuture(x + 1))} x {@value #LENGTH}.
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
          chain = chain.thenCompose(CF_STEP);
        }
        start.complete(0); // a no-op when it has completed already
        on.consume(chain);
      }
    });
  }
}
