package dev.weft.benchmarks.detect;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.benchmarks.adapters.Driver;
import dev.weft.benchmarks.http.WeftAsyncServer;
import dev.weft.http.client.HttpClient;
import dev.weft.http.client.HttpRequest;
import dev.weft.http.client.HttpResponse;
import dev.weft.metrics.BlockingCalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
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
 * <b>What does the blocking-call detector cost a service that does not block?</b> The same two
 * workloads with detection {@code off} and {@code on} ({@code -Dweft.detectBlockingCalls=true}, set
 * in the trial's set-up before any runtime is built, so every runtime of the fork, the existing
 * benchmark server's included, gets a detector with the defaults: a 1 ms threshold).
 *
 * <ul>
 *   <li>{@code adapterRoundTrip}: the adapter round trip of
 *       {@link dev.weft.benchmarks.adapters.AdapterRoundTripBenchmark} ({@code weftPool},
 *       {@code noop}): on a runtime with one loop, the shared {@link Driver} makes
 *       {@value #CALLS} calls through the default bounded pool, one at a time, each result back on
 *       the loop. Microseconds per round trip. The workers park between calls (a
 *       {@code jdk.ThreadPark} event source), but they are not loops, so the detector only pays
 *       JFR's check of each event against the threshold.
 *   <li>{@code httpHello}: the hello-world of {@link WeftAsyncServer} ({@code GET /hello}, started
 *       in the fork as its {@code main} does) called by Weft's {@link HttpClient} on a caller
 *       runtime with one loop, {@value #WINDOW} requests in flight, {@value #REQUESTS} per
 *       invocation. Microseconds per request. Both runtimes detect when {@code on}: every socket
 *       read and write of the loops is a {@code jdk.SocketRead}/{@code jdk.SocketWrite} candidate.
 * </ul>
 *
 * <p>How to read it: the ratio {@code on / off} of each workload in the same run; the issue's
 * target is within 3 %. At the end of each trial with detection on, the number of call sites the
 * detector reported is printed ({@code # detector ...}): it must be 0, or the workload blocked.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DetectorOverheadBenchmark {
  /** Round trips per invocation of {@code adapterRoundTrip}. */
  public static final int CALLS = 256;
  /** Requests in flight in {@code httpHello}. */
  public static final int WINDOW = 64;
  /** Requests per invocation of {@code httpHello}. */
  public static final int REQUESTS = 2048;

  private static final Callable<Object> NOOP = () -> Boolean.TRUE;

  /** Whether runtimes detect blocking calls: {@code off} or {@code on}. */
  @State(Scope.Benchmark)
  public abstract static class Detection {
    /** {@code off} or {@code on}. */
    @Param({"off", "on"})
    public String detection;

    void switchDetection() {
      if (detection.equals("on")) {
        System.setProperty(BlockingCallDetection.ENABLE_PROPERTY, "true");
      } else {
        System.clearProperty(BlockingCallDetection.ENABLE_PROPERTY);
      }
    }

    static void printReport(AsyncRuntime runtime) {
      try {
        BlockingCalls seen = BlockingCalls.awaitDelivered(runtime, Duration.ofSeconds(10));
        System.out.println();
        System.out.println("# detector of runtime '" + runtime.name() + "': " + (seen.enabled()
            ? seen.sites().size() + " call site(s) reported" + (seen.sites().isEmpty() ? "" : ": " + seen.describe())
            : "off"));
      } catch (Exception e) {
        System.out.println("# detector of runtime '" + runtime.name() + "': no report (" + e + ")");
      }
    }
  }

  /** A runtime with one loop and its default adapter. */
  public static class AdapterRow extends Detection {
    AsyncRuntime runtime;
    Driver driver;

    /** Builds the runtime (after switching detection) and the driver. */
    @Setup(Level.Trial)
    public void start() {
      switchDetection();
      runtime = AsyncRuntime.builder().name("detect-bench").loops(1).build();
      driver = new Driver(runtime.loops().get(0)::execute,
          (index, done) -> runtime.blocking().call(NOOP).onComplete(done), 1, CALLS);
    }

    /** Prints the detector's report and stops the runtime. */
    @TearDown(Level.Trial)
    public void stop() {
      printReport(runtime);
      runtime.shutdown(Duration.ofSeconds(5));
    }
  }

  /** The benchmark suite's Weft hello-world server, and Weft's client on a caller runtime. */
  public static class HttpRow extends Detection {
    AsyncRuntime caller;
    HttpClient client;
    Driver driver;

    /**
     * Starts the server (after switching detection), the caller runtime and the client, and
     * checks the first answer.
     *
     * @throws IOException if no free port is found
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
      switchDetection();
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      // its runtime lives as long as the fork, as in the HTTP scenarios
      WeftAsyncServer.main(new String[] {Integer.toString(port)});
      caller = AsyncRuntime.builder().name("caller").loops(1).build();
      client = HttpClient.builder(caller).maxConnectionsPerOrigin(WINDOW).build();
      HttpRequest request = HttpRequest.get(URI.create("http://127.0.0.1:" + port + "/hello"));
      HttpResponse first = client.send(request).join();
      if (first.status() != 200) {
        throw new IllegalStateException("the hello-world server answered " + first.status());
      }
      driver = new Driver(caller.loops().get(0)::execute, (index, done) -> client.send(request).onComplete(done),
          WINDOW, REQUESTS);
    }

    /** Prints the caller's detector report and stops the client and the caller. */
    @TearDown(Level.Trial)
    public void stop() {
      printReport(caller);
      client.close();
      caller.shutdown(Duration.ofSeconds(5));
    }
  }

  /**
   * {@value #CALLS} adapter round trips, one at a time.
   *
   * @param row the runtime
   * @param blackhole consumes each result
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void adapterRoundTrip(AdapterRow row, Blackhole blackhole) {
    row.driver.runBatch(blackhole);
  }

  /**
   * {@value #REQUESTS} hello-world requests, {@value #WINDOW} in flight.
   *
   * @param row the server and client
   * @param blackhole consumes each response
   */
  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public void httpHello(HttpRow row, Blackhole blackhole) {
    row.driver.runBatch(blackhole);
  }
}
