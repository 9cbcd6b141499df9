package dev.weft.benchmarks.groups;

import dev.weft.benchmarks.kotlin.CoroutinePeer;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

/**
 * <b>What does a task group's bookkeeping cost per child, against a bare
 * {@code CompletableFuture.allOf}?</b> Children that are already complete, so that nothing but the
 * fork/join machinery is measured.
 *
 * <p>One group: open a fail-fast {@code TaskGroup} on the loop, fork {@code children} children
 * that each return an already-completed future, and wait for the group's future. The baseline
 * creates {@code children} completed {@code CompletableFuture}s and combines them with
 * {@code allOf}; Kotlin's row runs {@code coroutineScope { async { result } x children }} on a
 * single-threaded dispatcher made of the same loop (each {@code async} dispatched, Kotlin's default
 * start), the structured peer a Kotlin service would write. The group does more, by design: it tracks every child so that none outlives it,
 * propagates failure and cancellation, and carries the context; this row says what that costs.
 *
 * <p>Set-up: both on one Weft loop, groups one after another; {@value #CHILDREN_PER_INVOCATION}
 * children per invocation ({@code 10 000 / children} groups), so the loop hop of each batch is
 * spread thin.
 *
 * <p>How to read it: nanoseconds per child (multiply by {@code children} for a group), lower is
 * better; compare the Weft row with the {@code allOf} row of the same {@code children}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForkJoinAsyncBenchmark {
  /** Children per invocation, whatever the group size. */
  public static final int CHILDREN_PER_INVOCATION = 10_000;

  private static final Object RESULT = new Object();
  private static final Supplier<Future<Object>> CHILD = () -> Future.succeeded(RESULT);
  private static final Callable<Object> KOTLIN_CHILD = () -> RESULT;

  /** Children per group. */
  @Param({"10", "1000"})
  public int children;

  private SequentialGroups groups;
  private Supplier<Object> weftGroup;
  private Supplier<Object> allOf;
  private CoroutinePeer kotlin;
  private Supplier<Object> coroutineScope;

  /** Starts the loop. */
  @Setup
  public void start() {
    groups = new SequentialGroups();
    int size = children;
    weftGroup = () -> TaskGroup.open(group -> {
      for (int i = 0; i < size; i++) {
        group.fork(CHILD);
      }
      return Future.succeeded(RESULT);
    });
    allOf = () -> {
      CompletableFuture<?>[] forked = new CompletableFuture<?>[size];
      for (int i = 0; i < size; i++) {
        forked[i] = CompletableFuture.completedFuture(RESULT);
      }
      return CompletableFuture.allOf(forked);
    };
    kotlin = new CoroutinePeer(groups.loopExecutor());
    CoroutinePeer peer = kotlin;
    coroutineScope = () -> peer.forkJoin(size, KOTLIN_CHILD, RESULT);
  }

  /** Stops the loop. */
  @TearDown
  public void stop() {
    kotlin.close();
    groups.close();
  }

  /** Weft: {@code TaskGroup.open(group -> fork x children)}. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void weftTaskGroup() {
    groups.run(CHILDREN_PER_INVOCATION / children, weftGroup);
  }

  /** The baseline: {@code allOf(completedFuture x children)}. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void completableFutureAllOf() {
    groups.run(CHILDREN_PER_INVOCATION / children, allOf);
  }

  /** Kotlin: {@code coroutineScope { async { result } x children }} on the loop. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void kotlinCoroutineScope() {
    groups.run(CHILDREN_PER_INVOCATION / children, coroutineScope);
  }
}
