package dev.weft.benchmarks.futures;

import dev.weft.future.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * <b>What does Weft's unobserved-failure reporting cost per failed future?</b> A failure that no
 * consumer has registered for when it arrives is watched: its box is registered with a
 * {@code java.lang.ref.Cleaner} against the promise, and reported when the promise is collected
 * unobserved. This class prices that watch.
 *
 * <p>One operation: create an incomplete promise, fail it with a preallocated exception, hand the
 * promise to the blackhole. The rows:
 * <ul>
 *   <li>{@code weftObserved}: an {@code onFailure} callback is registered first, so the failure is
 *       observed when it arrives and nothing is watched (the callback runs inline);
 *   <li>{@code weftUnobserved}: nobody registered: the failure is watched (one {@code Cleaner}
 *       registration), and reported when the promise is collected (the runtime's handler here
 *       drops the report, so only the mechanism is measured: the Cleaner thread's work is in the
 *       CPU column);
 *   <li>{@code completableFuture}: {@code completeExceptionally} on a {@code CompletableFuture},
 *       which forgets a failure nobody looks at.
 * </ul>
 *
 * <p>Set-up as in {@link MapChainBenchmark}: same loop thread, {@value #OPS} operations per batch.
 *
 * <p>How to read it: nanoseconds and bytes per failed future, lower is better;
 * {@code weftUnobserved} minus {@code weftObserved} is the cost of the watch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FailureBenchmark {
  /** Failures per invocation. */
  public static final int OPS = 1000;

  private static final IllegalStateException FAILURE = new IllegalStateException("benchmark failure");

  private LoopBatch batch;
  private Blackhole blackhole; // the invocation's blackhole, for the callback
  private final Consumer<Throwable> onFailure = failure -> blackhole.consume(failure);

  /** Starts the loop; unhandled failures are dropped, not logged. */
  @Setup
  public void start() {
    batch = new LoopBatch(true);
  }

  /** Stops the loop. */
  @TearDown
  public void stop() {
    batch.close();
  }

  /**
   * Weft, observed: {@code onFailure(callback)}, then {@code fail}.
   *
   * @param blackhole consumes each promise
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weftObserved(Blackhole blackhole) {
    this.blackhole = blackhole;
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        Promise<Integer> promise = on.loop().newPromise();
        promise.onFailure(onFailure);
        promise.fail(FAILURE);
        blackhole.consume(promise);
      }
    });
  }

  /**
   * Weft, unobserved: {@code fail} with nobody registered (the Cleaner watch).
   *
   * @param blackhole consumes each promise
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weftUnobserved(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        Promise<Integer> promise = on.loop().newPromise();
        promise.fail(FAILURE);
        blackhole.consume(promise);
      }
    });
  }

  /**
   * The baseline: {@code completeExceptionally}.
   *
   * @param blackhole consumes each future
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void completableFuture(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        future.completeExceptionally(FAILURE);
        blackhole.consume(future);
      }
    });
  }
}
