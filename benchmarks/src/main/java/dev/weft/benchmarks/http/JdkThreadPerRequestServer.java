package dev.weft.benchmarks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario (a), the thread-per-request baseline: the JDK's {@code com.sun.net.httpserver} with a
 * fixed pool of 200 threads; {@code /work} sleeps 50 ms on its thread. Its ceiling is
 * threads / latency = 200 / 0.05 s = 4 000 requests/s, whatever the number of connections.
 */
public final class JdkThreadPerRequestServer {
  static final int THREADS = 200;
  static final long BACKEND_MILLIS = 50;
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private JdkThreadPerRequestServer() {}

  /**
   * Listens on 127.0.0.1:{@code port} and prints {@code READY}.
   *
   * @param args {@code <port>}
   * @throws IOException if it cannot listen
   */
  public static void main(String[] args) throws IOException {
    int port = ScenarioPort.parse(args);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 8192);
    server.setExecutor(threads);
    server.createContext("/work", exchange -> {
      try {
        Thread.sleep(BACKEND_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange);
    });
    server.createContext("/hello", JdkThreadPerRequestServer::respond);
    server.start();
    System.out.println("READY");
  }

  private static void respond(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, OK.length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(OK);
    }
  }
}
