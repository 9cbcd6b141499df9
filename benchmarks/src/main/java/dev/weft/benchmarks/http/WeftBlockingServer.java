package dev.weft.benchmarks.http;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.Adapters;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;

/**
 * Scenario (c): Weft with a blocking handler on a bounded pool, the way legacy code is served.
 * {@code /work} sleeps 50 ms on one of 200 threads; at most 50 calls wait for a thread, and the
 * server admits at most 250 requests at once, so the excess is answered {@code 503} at once instead
 * of queuing. Its ceiling is the pool's, 200 / 0.05 s = 4 000 requests/s.
 */
public final class WeftBlockingServer {
  static final int QUEUE = 50;
  private static final Response OK = Response.text("ok");

  private WeftBlockingServer() {}

  /**
   * Listens on 127.0.0.1:{@code port} and prints {@code READY}.
   *
   * @param args {@code <port>}
   */
  public static void main(String[] args) {
    int port = ScenarioPort.parse(args);
    AsyncRuntime runtime = AsyncRuntime.builder()
        .name("weft-blocking")
        .blockingAdapter(Adapters.boundedPool("backend")
            .maxThreads(JdkThreadPerRequestServer.THREADS)
            .maxQueue(QUEUE))
        .build();
    HttpServer.builder(runtime)
        .routeBlocking("GET", "/work", request -> {
          Thread.sleep(JdkThreadPerRequestServer.BACKEND_MILLIS);
          return OK;
        })
        .maxConcurrentRequests(JdkThreadPerRequestServer.THREADS + QUEUE)
        .start("127.0.0.1", port)
        .join();
    System.out.println("READY");
  }
}
