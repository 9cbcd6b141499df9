package dev.weft.benchmarks.futures;

import dev.weft.future.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
 * <b>What does completing a future cost when {@code callbacks} callbacks wait on it, Weft's
 * {@code onComplete} against {@code CompletableFuture.whenComplete}?</b>
 *
 * <p>One operation: create an incomplete promise, register {@code callbacks} callbacks (each
 * hands the value to the blackhole), complete it. Weft's {@code onComplete} returns the same
 * future; {@code whenComplete} returns a new dependent future each time (it has no callback-only
 * method), which is part of what its users pay.
 *
 * <p>Set-up as in {@link MapChainBenchmark}: same loop thread, {@value #OPS} operations per
 * batch.
 *
 * <p>How to read it: nanoseconds and bytes per completion (all its callbacks included), lower is
 * better; compare with the CompletableFuture row of the same {@code callbacks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallbacksBenchmark {
  /** Completions per invocation. */
  public static final int OPS = 1000;

  /** Callbacks per future. */
  @Param({"1", "8"})
  public int callbacks;

  private LoopBatch batch;
  private Blackhole blackhole; // the invocation's blackhole, for the callbacks
  private final BiConsumer<Integer, Throwable> callback = (value, failure) -> blackhole.consume(value);

  /** Starts the loop. */
  @Setup
  public void start() {
    batch = new LoopBatch();
  }

  /** Stops the loop. */
  @TearDown
  public void stop() {
    batch.close();
  }

  /**
   * Weft: {@code onComplete} x {@code callbacks}, then {@code complete}.
   *
   * @param blackhole consumes each value
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weft(Blackhole blackhole) {
    this.blackhole = blackhole;
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        Promise<Integer> promise = on.loop().newPromise();
        for (int j = 0; j < callbacks; j++) {
          promise.onComplete(callback);
        }
        promise.complete(1);
        on.consume(promise);
      }
    });
  }

  /**
   * The baseline: {@code whenComplete} x {@code callbacks}, then {@code complete}.
   *
   * @param blackhole consumes each value
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void completableFuture(Blackhole blackhole) {
    this.blackhole = blackhole;
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        CompletableFuture<Integer> promise = new CompletableFuture<>();
        for (int j = 0; j < callbacks; j++) {
          promise.whenComplete(callback);
        }
        promise.complete(1);
        on.consume(promise);
      }
    });
  }
}
