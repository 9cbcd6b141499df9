package dev.weft.benchmarks.adapters;

import java.util.concurrent.TimeUnit;
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
 * <b>How long does one blocking call take, from a loop and back to it, when it is the only one in
 * flight?</b> The latency of each Weft adapter and of each peer a user would pick instead.
 *
 * <p>What is measured: on the loop, a driver starts a call through the adapter; the call runs on
 * the adapter's thread; its result comes back to the same loop, which starts the next call. One
 * invocation is {@value #CALLS} such round trips in a row, and the score is per round trip. The
 * JMH thread hands each batch to the loop and parks until it ends: that hop
 * ({@link LoopHopBenchmark}) is paid once per batch, i.e. 1/{@value #CALLS} of it per round trip.
 *
 * <p>The rows ({@code impl}), each with {@value CallSites#THREADS} threads where it has a pool:
 * <ul>
 *   <li>{@code weftPool}: a bounded pool with its defaults, {@code call(work).onComplete(..)}: idle
 *       workers spin 50 µs, then park;
 *   <li>{@code weftPoolNoSpin}: the same with {@code spinBeforePark(0)}, to show what the spin
 *       buys and what it costs on few cores;
 *   <li>{@code weftVirtual}: Weft's virtual-thread adapter (JDK 21+);
 *   <li>{@code weftDirect}: the floor. The direct adapter refuses loop threads, so it runs on the
 *       JMH thread, with no thread hop at all: it is Weft's per-call bookkeeping alone;
 *   <li>{@code vertx}: {@code executeBlocking(work, false)} from a Vert.x event-loop context; the
 *       driver runs on that context (Vert.x's loop, not Weft's);
 *   <li>{@code reactor}: {@code Mono.fromCallable(work).subscribeOn(boundedElastic)}, the
 *       subscriber calling {@code loop.execute};
 *   <li>{@code completableFuture}: {@code supplyAsync(work, fixedPool).whenCompleteAsync(.., loop)};
 *   <li>{@code threadPoolExecutor}: {@code submit} of a task that ends with {@code loop.execute};
 *   <li>{@code virtualThreadPerTask}: a virtual thread per call, ending with {@code loop.execute}
 *       (JDK 21+);
 *   <li>{@code nettyExecutorGroup}: {@code DefaultEventExecutorGroup.submit(work)}, its listener
 *       calling {@code loop.execute}.
 * </ul>
 * The loop of every row but Vert.x is a Weft loop (a Netty {@code IoEventLoop}); peers hand
 * results back with its public {@code execute}, as their users would.
 *
 * <p>{@code work}: {@code noop} returns a constant; {@code park100us} parks the worker for
 * 100 µs (the floor of that row is the {@code weftDirect} figure: what a 100 µs park really takes
 * here).
 *
 * <p>How to read it: microseconds per round trip, lower is better; compare each row with the
 * fastest peer of the same run. Add the main job's CPU column (process CPU time per call, all
 * threads): a design that buys latency by spinning shows it there, and in the run pinned to one
 * CPU, where a spinning thread steals the only core from the thread it waits for. Allocation per
 * call ({@code -prof gc}) counts every thread on JDK 21+, live threads but the JMH thread on 17.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdapterRoundTripBenchmark {
  /** Round trips per invocation. */
  public static final int CALLS = 256;

  /** The adapter or peer; see the class comment. */
  @Param({CallSites.WEFT_POOL, CallSites.WEFT_POOL_NO_SPIN, CallSites.WEFT_VIRTUAL, CallSites.WEFT_DIRECT,
      CallSites.VERTX, CallSites.REACTOR, CallSites.COMPLETABLE_FUTURE, CallSites.THREAD_POOL_EXECUTOR, CallSites.VIRTUAL_THREAD_PER_TASK,
      CallSites.NETTY_GROUP})
  public String impl;

  /** The blocking call: {@code noop} or {@code park100us}. */
  @Param({Work.NOOP, Work.PARK_100_US})
  public String work;

  private CallSite site;
  private Driver driver;

  /** Starts the adapter or peer and its loop. */
  @Setup
  public void start() {
    site = CallSites.create(impl, Work.named(work));
    driver = new Driver(site, 1, CALLS);
  }

  /** Stops them. */
  @TearDown
  public void stop() {
    site.close();
  }

  /**
   * {@value #CALLS} round trips, one at a time.
   *
   * @param blackhole consumes each result
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void roundTrip(Blackhole blackhole) {
    driver.runBatch(blackhole);
  }
}
