package dev.weft.benchmarks.adapters;

import dev.weft.Loop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * <b>What does the harness itself cost?</b> The bare loop hop: the JMH thread hands an empty task
 * to a loop and parks until the task has signalled it back. No blocking call, no adapter.
 *
 * <p>Every batch of the adapter suite ({@link AdapterRoundTripBenchmark},
 * {@link AdapterThroughputBenchmark}) and of the futures and task-group suites pays this hop once:
 * the batch is handed to the loop and the JMH thread waits for its end. Divided by the batch size
 * (256 round trips, 4 096 calls, 1 000 future operations), it is the harness's share of each
 * reported figure, e.g. a 40 µs hop adds 0.16 µs to each round trip. {@code loop=weft} is the loop
 * of Weft's rows and of the peers without a loop of their own; {@code loop=vertx} is the Vert.x
 * event-loop context of the Vert.x rows.
 *
 * <p>How to read it: microseconds per hop, lower is better. It is dominated by waking a parked
 * thread twice (the loop, then the JMH thread), so it varies a lot between machines and with
 * load; on one pinned CPU it becomes two context switches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopHopBenchmark {
  /** Whose loop: {@code weft} (a Weft runtime with one loop) or {@code vertx} (one event loop). */
  @Param({"weft", "vertx"})
  public String loop;

  private final BatchSignal signal = new BatchSignal();
  private Runnable hop; // hands the signal to the loop
  private AutoCloseable resources;

  /** Starts the loop. */
  @Setup
  public void start() {
    Runnable signalBack = signal::signal;
    switch (loop) {
      case "weft":
        WeftLoop weft = new WeftLoop();
        Loop target = weft.loop;
        hop = () -> target.execute(signalBack);
        resources = weft;
        break;
      case "vertx":
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        Context context = vertx.getOrCreateContext();
        Handler<Void> handler = ignored -> signal.signal();
        hop = () -> context.runOnContext(handler);
        resources = () -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        break;
      default:
        throw new IllegalArgumentException("loop must be 'weft' or 'vertx' (was '" + loop + "')");
    }
  }

  /**
   * Stops the loop.
   *
   * @throws Exception if it does not stop in time
   */
  @TearDown
  public void stop() throws Exception {
    resources.close();
  }

  /** One hop: onto the loop and back to the JMH thread. */
  @Benchmark
  public void hop() {
    signal.arm();
    hop.run();
    signal.await();
  }
}
