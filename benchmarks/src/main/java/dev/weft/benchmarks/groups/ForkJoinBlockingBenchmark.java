package dev.weft.benchmarks.groups;

import dev.weft.benchmarks.JdkFeatures;
import dev.weft.benchmarks.kotlin.CoroutinePeer;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.group.TaskGroup;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <b>What does fork/join of {@code children} blocking calls cost: a Weft task group, against
 * {@code CompletableFuture.allOf} over a pool and against the JDK's
 * {@code StructuredTaskScope}?</b> Each child is a no-op blocking call on another thread.
 *
 * <p>The rows:
 * <ul>
 *   <li>{@code weftTaskGroupPool}: {@code TaskGroup.open(group -> forkBlocking x children)} on a
 *       bounded pool of 64 threads, opened on the loop; the group completes on the loop;
 *   <li>{@code weftTaskGroupVirtual}: the same on Weft's virtual-thread adapter (JDK 21+);
 *   <li>{@code completableFutureAllOf}: {@code allOf(supplyAsync(child, fixedPool) x children)},
 *       started on the loop, its completion handed back to the loop;
 *   <li>{@code structuredTaskScope}: {@code StructuredTaskScope} (Java 25's {@code open()}, or
 *       21 to 24's {@code ShutdownOnFailure}), a virtual thread per child. It is a blocking API:
 *       it runs on the JMH thread, which blocks in {@code join()}, with no loop at all. A preview
 *       API, so this class's fork JVM runs with {@code --enable-preview}; on a JDK without it the
 *       row is unavailable (the main job says so);
 *   <li>{@code kotlinCoroutineScope}: {@code coroutineScope { async(Dispatchers.IO) { child() } x
 *       children }} in a coroutine on a single-threaded dispatcher made of the same loop, completing
 *       there ({@code Dispatchers.IO}: 64 threads by default).
 * </ul>
 *
 * <p>Set-up: groups one after another, {@value #CHILDREN_PER_INVOCATION} children per invocation
 * ({@code 10 000 / children} groups), one Weft loop; pools of 64 threads, virtual-thread adapter
 * with its defaults (256 at once).
 *
 * <p>How to read it: nanoseconds per child (multiply by {@code children} for a group), lower is
 * better; compare the Weft rows with the fastest peer of the same {@code children}. With 10
 * children the cost of waking threads for a small group dominates; with 1 000, the per-child
 * throughput of each design.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-preview")
public class ForkJoinBlockingBenchmark {
  /** Children per invocation, whatever the group size. */
  public static final int CHILDREN_PER_INVOCATION = 10_000;

  private static final Object RESULT = new Object();
  private static final Callable<Object> CHILD = () -> RESULT;

  /** Children per group. */
  @Param({"10", "1000"})
  public int children;

  private SequentialGroups groups;
  private BlockingAdapter pool;
  private BlockingAdapter virtual; // null on a JDK without virtual threads
  private ExecutorService cfPool;
  private Supplier<Object> poolGroup;
  private Supplier<Object> virtualGroup;
  private Supplier<Object> allOf;
  private CoroutinePeer kotlin;
  private Supplier<Object> coroutineScope;

  /** Starts the loop, the adapters and the pool. */
  @Setup
  public void start() {
    groups = new SequentialGroups();
    pool = Adapters.boundedPool("bench-pool").maxThreads(64).build(groups.runtime());
    if (JdkFeatures.virtualThreadsMissing().isEmpty()) {
      virtual = Adapters.virtualThreads("bench-virtual").build(groups.runtime());
    }
    cfPool = Executors.newFixedThreadPool(64, task -> {
      Thread thread = new Thread(task, "bench-cf");
      thread.setDaemon(true);
      return thread;
    });
    int size = children;
    poolGroup = () -> group(pool, size);
    virtualGroup = () -> group(virtual, size);
    ExecutorService executor = cfPool;
    allOf = () -> {
      CompletableFuture<?>[] forked = new CompletableFuture<?>[size];
      for (int i = 0; i < size; i++) {
        forked[i] = CompletableFuture.supplyAsync(() -> RESULT, executor);
      }
      return CompletableFuture.allOf(forked);
    };
    kotlin = new CoroutinePeer(groups.loopExecutor());
    CoroutinePeer peer = kotlin;
    coroutineScope = () -> peer.forkJoinBlocking(size, CHILD, RESULT);
  }

  private static Future<Object> group(BlockingAdapter adapter, int size) {
    return TaskGroup.open(group -> {
      for (int i = 0; i < size; i++) {
        group.forkBlocking(adapter, CHILD);
      }
      return Future.succeeded(RESULT);
    });
  }

  /** Stops them. */
  @TearDown
  public void stop() {
    cfPool.shutdownNow();
    kotlin.close();
    groups.close();
  }

  /** Weft: a task group forking blocking children onto a bounded pool. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void weftTaskGroupPool() {
    groups.run(CHILDREN_PER_INVOCATION / children, poolGroup);
  }

  /** Weft: a task group forking blocking children onto virtual threads (JDK 21+). */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void weftTaskGroupVirtual() {
    if (virtual == null) {
      throw new UnsupportedOperationException("weftTaskGroupVirtual is unavailable: "
          + JdkFeatures.virtualThreadsMissing().orElse("?"));
    }
    groups.run(CHILDREN_PER_INVOCATION / children, virtualGroup);
  }

  /** The baseline: {@code allOf} over {@code supplyAsync} on a fixed pool. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void completableFutureAllOf() {
    groups.run(CHILDREN_PER_INVOCATION / children, allOf);
  }

  /** Kotlin: {@code coroutineScope { async(Dispatchers.IO) { child() } x children }} on the loop. */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void kotlinCoroutineScope() {
    groups.run(CHILDREN_PER_INVOCATION / children, coroutineScope);
  }

  /**
   * The JDK's structured concurrency, on the JMH thread (JDK 21+, preview).
   *
   * @param available checked once per trial: fails the row with the reason when it cannot run
   * @throws Throwable what the scope throws
   */
  @Benchmark
  @OperationsPerInvocation(CHILDREN_PER_INVOCATION)
  public void structuredTaskScope(ScopeCheck available) throws Throwable {
    int groupsPerInvocation = CHILDREN_PER_INVOCATION / children;
    for (int i = 0; i < groupsPerInvocation; i++) {
      StructuredScopes.forkJoin(children, CHILD);
    }
  }

  /** Fails the STS row at once, with the reason, when this JVM cannot run it. */
  @State(Scope.Benchmark)
  public static class ScopeCheck {
    /** Checks. */
    @Setup
    public void check() {
      StructuredScopes.check();
    }
  }
}
