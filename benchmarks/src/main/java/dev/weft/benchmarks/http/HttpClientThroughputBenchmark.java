package dev.weft.benchmarks.http;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.benchmarks.adapters.Driver;
import dev.weft.http.client.HttpClient;
import dev.weft.http.client.HttpRequest;
import dev.weft.http.client.HttpResponse;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * <b>How many requests per second does an HTTP client complete against a local server with
 * {@value #WINDOW} requests in flight, and with how many threads?</b> Weft's {@link HttpClient}
 * ({@code weft}) against the JDK's {@link java.net.http.HttpClient} with its default executor
 * ({@code jdk}) and with a fixed one ({@code jdkFixedPool}).
 *
 * <p>What is measured: on a Weft loop (a runtime with one loop, the caller), the shared
 * {@link Driver} starts {@value #WINDOW} {@code GET /hello} requests; each response, back on that
 * loop, starts the next request, until {@value #REQUESTS} have completed (one invocation). A
 * response counts once its whole body is in memory.
 * <ul>
 *   <li>{@code weft}: {@code client.send(request)} on the caller loop, which is also the client's
 *       I/O loop (the runtime has one loop); the client is built with {@code
 *       maxConnectionsPerOrigin(64)}, so no request waits for a connection. The future completes
 *       on the caller loop.
 *   <li>{@code jdk}: {@code sendAsync(request, BodyHandlers.ofByteArray())}, HTTP/1.1 forced, the
 *       builder's defaults otherwise: no limit on connections per host (64 of them too) and the
 *       default executor, a cached thread pool, since that is what a user gets. The client does
 *       its I/O on its own {@code SelectorManager} thread, hands each response to the executor,
 *       and completes {@code sendAsync}'s future on {@code ForkJoinPool.commonPool()} (the JDK
 *       does so on purpose, so that a caller's dependent stages never run on its threads); {@code
 *       whenCompleteAsync(.., loop::execute)} brings the result back to the caller loop, the way
 *       the other peers of this suite hand results back.
 *   <li>{@code jdkFixedPool}: the same with {@code executor(..)} a fixed pool of {@value
 *       #JDK_POOL} threads (one per core here). The cached pool grows to about a hundred threads
 *       under this load, which costs more than it brings on 2 cores; a fixed pool is what a
 *       careful user would configure, so it is the fairer baseline, and the table's ratio is
 *       against the faster of the two JDK rows.
 * </ul>
 * Every row reuses one immutable request object; its connections open in the set-up, stay alive
 * (the server keeps them), and the set-up then runs requests for {@code prewarmSeconds} (default
 * 5): on 2 busy cores the JIT needs that long, more than the quick profile's warm-up.
 *
 * <p>The server, the same for every row: {@link RawNettyServer} (Netty's {@code HttpServerCodec}
 * and a handler that answers {@code 200 ok}, 2 body bytes, keep-alive), started in the benchmark's
 * JVM with one NIO loop thread before the client. Asymmetries: on a 2-core machine the server's
 * loop, the client's threads and the JMH thread share the cores, so the figure is CPU per request
 * more than waiting, and the {@code CPU per op} column includes the server's share (the same
 * server work in every row). Weft's client gets one loop; the JDK's client as many threads as its
 * executor makes, plus its selector thread and the common pool.
 *
 * <p>Threads: at the end of each iteration the row's threads are counted (every live thread
 * started since the set-up began, less the server's) and at the end of the trial the largest
 * count is printed with the names, as a line {@code # threads of row ...}. The caller runtime's
 * threads (its loop and its watchdog) are counted in every row; in {@code weft} they are the
 * client's too.
 *
 * <p>How to read it: requests per second, higher is better; report {@code weft} over the faster
 * JDK row from the same run, next to the thread counts. The first and last {@value #WINDOW}
 * requests of a batch run with fewer in flight (ramp-up and drain), and each batch pays one loop
 * hop, in every row.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpClientThroughputBenchmark {
  /** Requests in flight. */
  public static final int WINDOW = 64;

  /** Requests per invocation. */
  public static final int REQUESTS = 2048;

  /** Threads of the JDK client's executor in {@code jdkFixedPool}. */
  public static final int JDK_POOL = 2;

  /** What the server answers. */
  private static final String BODY = "ok";

  /** The local server, the caller loop, the driver and the thread census: what every row has. */
  @State(Scope.Benchmark)
  public abstract static class Row {
    /**
     * Seconds of requests in the set-up, before JMH's warm-up: on 2 busy cores the JIT needs
     * several seconds to compile the clients' paths, longer than the quick profile's warm-up. The
     * smoke profile sets 0.
     */
    @Param("5")
    public int prewarmSeconds;

    RawNettyServer.Running server;
    AsyncRuntime caller;
    Loop loop;
    URI uri;
    Driver driver;
    private ThreadCensus census;

    /**
     * Starts the server and the caller loop, then the client, and runs it for {@code
     * prewarmSeconds}.
     *
     * @param blackhole consumes the pre-warm's responses
     * @throws Exception if the server cannot bind, or its first answer is not {@code 200 ok}
     */
    @Setup(Level.Trial)
    public void start(Blackhole blackhole) throws Exception {
      census = ThreadCensus.take(RawNettyServer.THREAD_PREFIX);
      server = RawNettyServer.start(0, 1);
      uri = URI.create("http://127.0.0.1:" + server.port() + "/hello");
      caller = AsyncRuntime.builder().name("caller").loops(1).build();
      loop = caller.loops().get(0);
      startClient();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(prewarmSeconds);
      while (System.nanoTime() - end < 0) {
        driver.runBatch(blackhole);
      }
    }

    abstract String name();

    abstract void startClient() throws Exception;

    abstract void stopClient();

    /** Counts the row's threads. */
    @TearDown(Level.Iteration)
    public void countThreads() {
      census.sample();
    }

    /** Prints the thread count, stops the client, the caller loop and the server. */
    @TearDown(Level.Trial)
    public void stop() {
      System.out.println();
      System.out.println("# threads of row " + name() + " (the caller runtime's included, the server's excluded), "
          + "most at the end of an iteration: " + census.describe());
      stopClient();
      caller.shutdown(Duration.ofSeconds(5));
      server.close();
    }

    static void check(int status, String body) {
      if (status != 200 || !body.equals(BODY)) {
        throw new IllegalStateException("the local server answered " + status + " '" + body + "', expected 200 '"
            + BODY + "'");
      }
    }
  }

  /** Weft's client on the caller's runtime. */
  @State(Scope.Benchmark)
  public static class WeftRow extends Row {
    private HttpClient client;

    @Override
    String name() {
      return "weft";
    }

    @Override
    void startClient() {
      client = HttpClient.builder(caller).maxConnectionsPerOrigin(WINDOW).build();
      HttpRequest request = HttpRequest.get(uri);
      HttpResponse first = client.send(request).join();
      check(first.status(), first.bodyAsString());
      driver = new Driver(loop::execute, (index, done) -> client.send(request).onComplete(done), WINDOW, REQUESTS);
    }

    @Override
    void stopClient() {
      client.metrics().origins().forEach(origin -> System.out.println("# weft client: " + origin.connectionsOpened()
          + " connections opened, " + origin.requests() + " responses, " + origin.failures() + " failures"));
      client.close();
    }
  }

  /** The JDK's client, its default executor (a cached pool), results handed back to the caller loop. */
  @State(Scope.Benchmark)
  public static class JdkRow extends Row {
    private java.net.http.HttpClient client;

    @Override
    String name() {
      return "jdk";
    }

    /** The client's executor; null for the JDK's default. */
    ExecutorService executor() {
      return null;
    }

    @Override
    void startClient() throws IOException, InterruptedException {
      java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1);
      ExecutorService executor = executor();
      if (executor != null) {
        builder.executor(executor);
      }
      client = builder.build();
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(uri).GET().build();
      java.net.http.HttpResponse<byte[]> first = client.send(request, BodyHandlers.ofByteArray());
      check(first.statusCode(), new String(first.body(), StandardCharsets.UTF_8));
      Executor back = loop::execute;
      driver = new Driver(back,
          (index, done) -> client.sendAsync(request, BodyHandlers.ofByteArray()).whenCompleteAsync(done, back),
          WINDOW, REQUESTS);
    }

    @Override
    void stopClient() {
      // java.net.http.HttpClient is AutoCloseable from JDK 21 only; the build targets 17
      if (client instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // the fork ends next
        }
      }
    }
  }

  /** The JDK's client with a fixed executor of {@value #JDK_POOL} threads, one per core here. */
  @State(Scope.Benchmark)
  public static class JdkFixedPoolRow extends JdkRow {
    private ExecutorService executor;

    @Override
    String name() {
      return "jdkFixedPool";
    }

    @Override
    ExecutorService executor() {
      executor = Executors.newFixedThreadPool(JDK_POOL, new DefaultThreadFactory("jdk-client-executor", true));
      return executor;
    }

    @Override
    void stopClient() {
      super.stopClient();
      executor.shutdownNow();
    }
  }

  /**
   * {@value #REQUESTS} requests through Weft's client, {@value #WINDOW} in flight.
   *
   * @param row the client and its server
   * @param blackhole consumes each response
   */
  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public void weft(WeftRow row, Blackhole blackhole) {
    row.driver.runBatch(blackhole);
  }

  /**
   * {@value #REQUESTS} requests through the JDK's client with a fixed executor, {@value #WINDOW}
   * in flight.
   *
   * @param row the client and its server
   * @param blackhole consumes each response
   */
  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public void jdkFixedPool(JdkFixedPoolRow row, Blackhole blackhole) {
    row.driver.runBatch(blackhole);
  }

  /**
   * {@value #REQUESTS} requests through the JDK's client, {@value #WINDOW} in flight.
   *
   * @param row the client and its server
   * @param blackhole consumes each response
   */
  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public void jdk(JdkRow row, Blackhole blackhole) {
    row.driver.runBatch(blackhole);
  }
}
