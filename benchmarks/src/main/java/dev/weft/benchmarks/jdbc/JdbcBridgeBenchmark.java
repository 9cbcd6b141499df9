package dev.weft.benchmarks.jdbc;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.benchmarks.adapters.Driver;
import dev.weft.jdbc.AsyncJdbc;
import dev.weft.jdbc.JdbcOptions;
import dev.weft.jdbc.RowMapper;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * <b>What does the JDBC bridge cost per simple query over raw JDBC on the same pool?</b> A
 * {@code SELECT} by primary key on H2 in memory ({@value ItemDatabase#ROWS} rows), through
 * {@code AsyncJdbc.query} ({@code weft}) and through plain JDBC ({@code jdbc}), both on the same
 * HikariCP pool of {@value #POOL} connections, one query in flight ({@code inFlight=1}, latency)
 * and {@value #WINDOW} in flight ({@code inFlight=64}, throughput).
 *
 * <p>What is measured, in microseconds per query (one invocation is {@value #QUERIES} queries):
 * <ul>
 *   <li>{@code weft}: on a Weft loop, {@code query(sql, mapper, key)}; the bridge runs it on its
 *       worker ({@value #POOL} threads, one per connection, the default sizing) and the result
 *       comes back to the loop, which starts the next query; {@code inFlight} queries at a time.
 *       The JMH thread hands each batch to the loop and parks until it ends: one loop hop
 *       ({@code LoopHopBenchmark}) per {@value #QUERIES} queries.
 *   <li>{@code jdbc}, {@code inFlight=1}: the same query with raw JDBC directly on the JMH thread:
 *       connection from the pool, prepare, {@code setObject}, rows mapped into a list, close. No
 *       thread hop at all: the floor a blocking caller pays, and what the 1.3x latency target is
 *       measured against.
 *   <li>{@code jdbc}, {@code inFlight=64}: that raw JDBC task on a fixed {@code ThreadPoolExecutor}
 *       of {@value #POOL} threads (as many as connections), started from the same Weft loop and
 *       handing its result back with {@code loop.execute}, driven by the same code as {@code weft}:
 *       both sides pay the same two hand-offs per query, and the rows differ only by what the
 *       bridge adds (its connection gate, promise, deadline and cancellation bookkeeping, and its
 *       bounded pool in place of the executor).
 * </ul>
 *
 * <p>Asymmetries: the latency baseline has no loop and no thread hop, so the {@code inFlight=1}
 * ratio prices the whole async round trip (loop to worker and back), not only the bridge's
 * bookkeeping; {@code AdapterRoundTripBenchmark} ({@code weftPool}, no-op call) is the hop alone.
 * The bridge's workers spin briefly before parking (the bounded pool's default); the executor's
 * threads park at once. With 2 cores, {@value #POOL} workers, the loop and H2 itself share the
 * CPUs, so at {@code inFlight=64} the figure is CPU per query more than waiting.
 *
 * <p>How to read it: lower is better; the score of {@code inFlight=64} is the inverse of
 * throughput ({@code 1000 / score} queries per millisecond). Report {@code weft / jdbc} for each
 * {@code inFlight}: the targets are under 1.3 at 1 and under 1.05 at 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JdbcBridgeBenchmark {
  /** Connections in the pool, threads of the bridge and of the raw executor. */
  public static final int POOL = 4;

  /** Queries in flight in the throughput rows. */
  public static final int WINDOW = 64;

  /** Queries per invocation. */
  public static final int QUERIES = 2048;

  /**
   * Raw queries run in set-up, so that H2's and HikariCP's code is compiled before the first
   * measured iteration even with the short warm-up of the quick profile; both rows run them.
   */
  public static final int SETUP_QUERIES = 50_000;

  private static final RowMapper<String> NAME = row -> row.getString(1);

  /** Queries in flight: {@code 1} (latency) or {@code 64} (throughput). */
  @Param({"1", "64"})
  public int inFlight;

  private ItemDatabase database;
  private AsyncRuntime runtime;
  private AsyncJdbc bridge;
  private ThreadPoolExecutor workers;
  private Driver weftBatch;
  private Driver jdbcBatch; // used at inFlight=64 only: at 1 the raw query runs on the JMH thread

  /**
   * Creates the database and its pool, a Weft runtime with one loop, the bridge over the pool and
   * the raw executor; runs {@value #SETUP_QUERIES} raw queries.
   *
   * @throws SQLException if H2 refuses
   */
  @Setup
  public void start() throws SQLException {
    if (inFlight != 1 && inFlight != WINDOW) {
      throw new IllegalArgumentException("inFlight must be 1 or " + WINDOW + " (was " + inFlight + ")");
    }
    database = new ItemDatabase(POOL);
    for (int n = 0; n < SETUP_QUERIES; n++) {
      database.select(ItemDatabase.key(n));
    }
    runtime = AsyncRuntime.builder().name("bench").loops(1).build();
    Loop loop = runtime.loops().get(0);
    bridge = AsyncJdbc.create(runtime, database.dataSource(), JdbcOptions.defaults());
    workers = new ThreadPoolExecutor(POOL, POOL, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    weftBatch = new Driver(loop::execute,
        (index, done) -> bridge.query(ItemDatabase.SELECT, NAME, ItemDatabase.key(index)).onComplete(done),
        inFlight, QUERIES);
    jdbcBatch = new Driver(loop::execute, (index, done) -> workers.execute(() -> {
      Integer key = ItemDatabase.key(index);
      Object rows;
      try {
        rows = database.select(key);
      } catch (Throwable failure) {
        loop.execute(() -> done.accept(null, failure));
        return;
      }
      loop.execute(() -> done.accept(rows, null));
    }), inFlight, QUERIES);
  }

  /** Closes the bridge, the runtime, the executor and the pool. */
  @TearDown
  public void stop() {
    bridge.close();
    runtime.shutdown(Duration.ofSeconds(5));
    workers.shutdownNow();
    database.close();
  }

  /**
   * {@value #QUERIES} queries through the bridge, {@code inFlight} at a time.
   *
   * @param blackhole consumes each result
   */
  @Benchmark
  @OperationsPerInvocation(QUERIES)
  public void weft(Blackhole blackhole) {
    weftBatch.runBatch(blackhole);
  }

  /**
   * {@value #QUERIES} queries with raw JDBC: one at a time on this thread, or {@code inFlight} at a
   * time on the executor.
   *
   * @param blackhole consumes each result
   * @throws SQLException as H2 throws it
   */
  @Benchmark
  @OperationsPerInvocation(QUERIES)
  public void jdbc(Blackhole blackhole) throws SQLException {
    if (inFlight == 1) {
      for (int n = 0; n < QUERIES; n++) {
        blackhole.consume(database.select(ItemDatabase.key(n)));
      }
    } else {
      jdbcBatch.runBatch(blackhole);
    }
  }
}
