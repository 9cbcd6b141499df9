package dev.weft.benchmarks.http;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import java.time.Duration;

/**
 * Scenario (b): Weft with an asynchronous handler. {@code /work} waits 50 ms on a timer of the
 * connection's loop, holding no thread, then answers; {@code /hello} answers at once (the
 * hello-world comparison with {@link RawNettyServer}). The loops are as many as the processors.
 * The concurrency limit is raised above the scenario's 2 000 connections, so nothing is shed and
 * the ceiling is connections / latency.
 */
public final class WeftAsyncServer {
  private static final Duration BACKEND = Duration.ofMillis(JdkThreadPerRequestServer.BACKEND_MILLIS);
  private static final Response OK = Response.text("ok");

  private WeftAsyncServer() {}

  /**
   * Listens on 127.0.0.1:{@code port} and prints {@code READY}.
   *
   * @param args {@code <port>}
   */
  public static void main(String[] args) {
    int port = ScenarioPort.parse(args);
    AsyncRuntime runtime = AsyncRuntime.builder().name("weft-async").build();
    HttpServer.builder(runtime)
        .route("GET", "/work", request -> Loop.current().delay(BACKEND).map(ignored -> OK))
        .route("GET", "/hello", request -> Future.succeeded(OK))
        .maxConcurrentRequests(100_000)
        .start("127.0.0.1", port)
        .join();
    System.out.println("READY");
  }
}
