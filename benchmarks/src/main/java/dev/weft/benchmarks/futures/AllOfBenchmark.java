package dev.weft.benchmarks.futures;

import dev.weft.future.Future;
import dev.weft.future.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * <b>What does waiting for all of {@value #INPUTS} futures cost, {@code Future.all} against
 * {@code CompletableFuture.allOf}?</b>
 *
 * <p>One operation: create {@value #INPUTS} incomplete promises, combine them, complete each,
 * read the combined result: the list of the {@value #INPUTS} values. {@code allOf} yields
 * {@code Void}, so the baseline adds the {@code thenApply} that collects the values into a list,
 * as its users write it; Weft's {@code all} returns the list itself.
 *
 * <p>Set-up as in {@link MapChainBenchmark}: same loop thread, {@value #OPS} operations per
 * batch.
 *
 * <p>How to read it: nanoseconds and bytes per all-of (of {@value #INPUTS} inputs, the inputs'
 * own creation included), lower is better; compare with the CompletableFuture row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllOfBenchmark {
  /** Inputs per all-of. */
  public static final int INPUTS = 100;

  /** All-ofs per invocation. */
  public static final int OPS = 100;

  private LoopBatch batch;

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
   * Weft: {@code Future.all(promises)}, then complete each.
   *
   * @param blackhole consumes each combined result
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void weft(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        List<Promise<Integer>> inputs = new ArrayList<>(INPUTS);
        for (int j = 0; j < INPUTS; j++) {
          inputs.add(on.loop().newPromise());
        }
        Future<List<Integer>> all = Future.all(inputs);
        for (int j = 0; j < INPUTS; j++) {
          inputs.get(j).complete(j);
        }
        on.consume(all);
      }
    });
  }

  /**
   * The baseline: {@code allOf(futures).thenApply(collect the values)}, then complete each.
   *
   * @param blackhole consumes each combined result
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void completableFuture(Blackhole blackhole) {
    batch.run(blackhole, on -> {
      for (int i = 0; i < OPS; i++) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
        CompletableFuture<Integer>[] inputs = new CompletableFuture[INPUTS];
        for (int j = 0; j < INPUTS; j++) {
          inputs[j] = new CompletableFuture<>();
        }
        CompletableFuture<List<Integer>> all = CompletableFuture.allOf(inputs).thenApply(ignored -> {
          List<Integer> values = new ArrayList<>(INPUTS);
          for (CompletableFuture<Integer> input : inputs) {
            values.add(input.join());
          }
          return values;
        });
        for (int j = 0; j < INPUTS; j++) {
          inputs[j].complete(j);
        }
        on.consume(all);
      }
    });
  }
}
