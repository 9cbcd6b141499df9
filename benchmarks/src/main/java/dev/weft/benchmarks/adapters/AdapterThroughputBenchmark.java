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
 * <b>How many blocking calls per millisecond can a loop push through each adapter with
 * {@value #WINDOW} calls in flight?</b> The throughput of each Weft adapter and of each peer.
 *
 * <p>What is measured: on the loop, a driver starts {@value #WINDOW} calls; each result, back on
 * the loop, starts the next call, until {@value #CALLS} calls have completed (one invocation). The
 * rows, their set-up and the {@code work} values are those of {@link AdapterRoundTripBenchmark}:
 * one loop, {@value CallSites#THREADS} threads per pool, so no call waits for a thread. With one
 * loop and 2 cores, the loop thread itself is usually the bottleneck for no-op calls: the figure
 * then says how much loop time each call costs.
 *
 * <p>{@code weftDirect} has nothing in flight (each call runs on the caller, here the JMH thread,
 * to completion): its figure is the rate of Weft's per-call bookkeeping alone, a ceiling, not a
 * peer.
 *
 * <p>How to read it: calls per millisecond, higher is better; compare with the fastest peer of the
 * same run. The first and last {@value #WINDOW} calls of a batch run with fewer in flight (ramp-up
 * and drain, about 3% of a batch), and each batch pays one loop hop ({@link LoopHopBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdapterThroughputBenchmark {
  /** Calls in flight. */
  public static final int WINDOW = 64;

  /** Calls per invocation. */
  public static final int CALLS = 4096;

  /** The adapter or peer; see {@link AdapterRoundTripBenchmark}. */
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
    driver = new Driver(site, WINDOW, CALLS);
  }

  /** Stops them. */
  @TearDown
  public void stop() {
    site.close();
  }

  /**
   * {@value #CALLS} calls, {@value #WINDOW} in flight.
   *
   * @param blackhole consumes each result
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void calls(Blackhole blackhole) {
    driver.runBatch(blackhole);
  }
}
