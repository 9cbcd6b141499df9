package dev.weft.http.server;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.Optional;

/**
 * A running HTTP/1.1 server whose connections live on an {@link AsyncRuntime}'s loops.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.builder(runtime)
 *     .route("GET", "/hello/{name}", request -> Future.succeeded(Response.text("hello " + request.pathParam("name"))))
 *     .routeBlocking("GET", "/users/{id}", "db", request -> Response.text(userDao.find(request.pathParam("id"))))
 *     .maxConcurrentRequests(256)
 *     .start("127.0.0.1", 8080)
 *     .join();
 * }</pre>
 *
 * <p>Protocol: HTTP/1.1 and 1.0 with keep-alive; pipelined requests are handled one after the
 * other, so responses leave in request order. Every response carries {@code Date} and either
 * {@code Content-Length} or chunked framing; {@code Connection: close} when the server closes
 * after it. Requests whose framing is ambiguous — {@code Content-Length} together with
 * {@code Transfer-Encoding}, differing {@code Content-Length}s, a transfer coding other than a
 * final {@code chunked} — are refused with {@code 400} and the connection closed, never guessed
 * at, so a proxy in front cannot be made to disagree about where a request ends.
 *
 * <p>All methods are thread-safe.
 */
public interface HttpServer extends AutoCloseable {

  /**
   * A builder for a server on {@code runtime}'s loops.
   *
   * @param runtime the runtime whose loops run the connections, and whose adapters run the
   *     blocking handlers
   * @return a new builder with the default limits
   */
  static HttpServerBuilder builder(AsyncRuntime runtime) {
    return new HttpServerBuilder(runtime);
  }

  /**
   * The port the server listens on; the port the system picked if it was started on port 0.
   *
   * @return the port
   */
  int port();

  /**
   * The host or address the server listens on, as given to {@link HttpServerBuilder#start}.
   *
   * @return the host
   */
  String host();

  /**
   * A snapshot of the server's counters, gauges and latency percentiles; cheap enough to call
   * every second.
   *
   * @return a new snapshot
   */
  HttpServerMetrics metrics();

  /**
   * The adaptive concurrency limit's numbers, for a server built with one
   * ({@link HttpServerBuilder#adaptiveConcurrency}).
   *
   * @return the limit's stats, or empty if {@code maxConcurrentRequests} is the only limit
   */
  default Optional<LimitStats> limitStats() {
    return Optional.empty();
  }

  /**
   * Shuts down gracefully: stops accepting connections at once, closes idle keep-alive
   * connections, and lets requests in flight finish — their responses carry
   * {@code Connection: close} — for at most {@code gracePeriod}. Requests that arrive on open
   * connections meanwhile get {@code 503}. When the grace period ends, the remaining connections
   * are closed and their handlers' futures cancelled. Idempotent: later calls return the same
   * future. May be called on any thread, loops included. Called off the loops, it returns once the
   * listening socket is closed (so a connection attempted after it returns is refused), waiting at
   * most a second for that; on a loop it does not wait at all.
   *
   * @param gracePeriod how long requests in flight may take to finish, {@code >= 0}
   * @return a future that succeeds once every connection is closed; it is homed on one of the
   *     runtime's loops
   * @throws IllegalArgumentException if {@code gracePeriod} is negative
   */
  Future<Void> shutdown(Duration gracePeriod);

  /**
   * Shuts down with the {@linkplain HttpServerBuilder#shutdownGracePeriod configured grace
   * period} and waits for it to finish. On a loop thread, where waiting would stop the very loop
   * that has to close connections, it starts the shutdown and returns at once.
   */
  @Override
  void close();
}
