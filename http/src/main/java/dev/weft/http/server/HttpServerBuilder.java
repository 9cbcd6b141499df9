package dev.weft.http.server;

import dev.weft.AsyncRuntime;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.http.internal.server.Endpoint;
import dev.weft.http.internal.server.NettyHttpServer;
import dev.weft.http.internal.server.Router;
import dev.weft.http.internal.server.ServerSettings;
import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;
import java.util.Objects;

/**
 * Routes and limits of an {@link HttpServer}; {@link #start} checks them and starts the server.
 *
 * <h2>Routes</h2>
 * A route is a method and a path template: literal segments and {@code {name}} parameters, each
 * matching one whole, non-empty segment ({@code /users/{id}/orders}). Where several templates match
 * a path, the one with a literal earlier wins ({@code /users/me} over {@code /users/{id}}). A path
 * that no template matches gets {@code 404}; one that matches only for other methods gets
 * {@code 405} with an {@code Allow} header. A {@code HEAD} request without a route of its own runs
 * the {@code GET} route and is answered without the body. Paths are matched exactly: no
 * normalization, so {@code /users/} is not {@code /users}.
 *
 * <h2>Limits</h2>
 * Each limit answers with its own status and a short text body, and is logged at DEBUG (client
 * errors) or, at most once every ten seconds per kind, at WARN (overload, timeouts).
 * Every setting is checked when {@link #start} is called; a bad value fails with an
 * {@link IllegalArgumentException} naming the setting, the value and the allowed range.
 */
public final class HttpServerBuilder {
  private final AsyncRuntime runtime;
  private final Router.Builder routes = Router.builder();
  private final ServerSettings.Builder settings = ServerSettings.builder();

  HttpServerBuilder(AsyncRuntime runtime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * Routes requests to an asynchronous handler that runs on the connection's loop.
   *
   * @param method the method, e.g. {@code GET}; a token, matched case-sensitively
   * @param pathTemplate the template, starting with {@code /}
   * @param handler the handler
   * @return this builder
   * @throws IllegalArgumentException if the method or template is malformed, or the same method and
   *     template were routed before
   */
  public HttpServerBuilder route(String method, String pathTemplate, Handler handler) {
    Objects.requireNonNull(handler, "handler");
    routes.add(method, pathTemplate, Endpoint.async(handler));
    return this;
  }

  /**
   * Routes requests to a blocking handler run on the runtime's {@linkplain AsyncRuntime#blocking()
   * default adapter}.
   *
   * @param method the method
   * @param pathTemplate the template
   * @param handler the blocking handler
   * @return this builder
   * @throws IllegalArgumentException as {@link #route}
   */
  public HttpServerBuilder routeBlocking(String method, String pathTemplate, BlockingHandler handler) {
    return routeBlocking(method, pathTemplate, runtime.blocking(), handler);
  }

  /**
   * Routes requests to a blocking handler run on the runtime's adapter (bulkhead) named
   * {@code adapterName}, so one slow backend cannot take every thread.
   *
   * @param method the method
   * @param pathTemplate the template
   * @param adapterName the name of one of the runtime's adapters
   * @param handler the blocking handler
   * @return this builder
   * @throws IllegalArgumentException as {@link #route}, or if the runtime has no such adapter
   */
  public HttpServerBuilder routeBlocking(String method, String pathTemplate, String adapterName, BlockingHandler handler) {
    Objects.requireNonNull(adapterName, "adapterName");
    return routeBlocking(method, pathTemplate, runtime.adapter(adapterName), handler);
  }

  /**
   * Routes requests to a blocking handler run on {@code adapter}.
   *
   * @param method the method
   * @param pathTemplate the template
   * @param adapter the adapter to run the handler on
   * @param handler the blocking handler
   * @return this builder
   * @throws IllegalArgumentException as {@link #route}
   */
  public HttpServerBuilder routeBlocking(String method, String pathTemplate, BlockingAdapter adapter,
      BlockingHandler handler) {
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(handler, "handler");
    routes.add(method, pathTemplate, Endpoint.blocking(handler, adapter));
    return this;
  }

  /**
   * Routes requests to a handler that reads the body as a stream, with back-pressure. The body
   * limit ({@link #maxBodySize}) does not apply: the handler decides how much it reads.
   *
   * @param method the method
   * @param pathTemplate the template
   * @param handler the streaming handler
   * @return this builder
   * @throws IllegalArgumentException as {@link #route}
   */
  public HttpServerBuilder routeStreaming(String method, String pathTemplate, StreamingHandler handler) {
    Objects.requireNonNull(handler, "handler");
    routes.add(method, pathTemplate, Endpoint.streaming(handler));
    return this;
  }

  /**
   * The most requests handled at once, server-wide. A request is admitted as soon as its head has
   * been read and routed, before any of its body is read and before {@code 100 Continue} is sent;
   * it holds its permit until its response has been written. A request beyond the limit is
   * answered {@code 503 Service Unavailable} with {@code Retry-After} at once. Default 1 000.
   *
   * @param maxConcurrentRequests 1 to 1 000 000
   * @return this builder
   */
  public HttpServerBuilder maxConcurrentRequests(int maxConcurrentRequests) {
    settings.maxConcurrentRequests = maxConcurrentRequests;
    return this;
  }

  /**
   * Lets the number of requests handled at once adapt, below {@code maxConcurrentRequests}: an
   * {@linkplain AdaptiveLimit adaptive limit} measures each admitted request from its admission to
   * its handler's answer, and moves between its floor and {@code maxConcurrentRequests} (or its own
   * ceiling). A request beyond the current limit is answered {@code 503} with {@code Retry-After}
   * at once, as one beyond {@code maxConcurrentRequests} is, and the log names the limit and why
   * it is there. A handler that fails, answers {@code 5xx}, times out or meets a full bulkhead
   * backs the limit off. Read it with {@link HttpServer#limitStats()}. Default: none, the limit is
   * {@code maxConcurrentRequests}, fixed.
   *
   * @param limit the limit's settings, e.g. {@code AdaptiveLimit.vegas()}
   * @return this builder
   */
  public HttpServerBuilder adaptiveConcurrency(AdaptiveLimit limit) {
    settings.adaptiveConcurrency = Objects.requireNonNull(limit,
        "adaptiveConcurrency must not be null: pass AdaptiveLimit.vegas(), or do not call it for a fixed limit");
    return this;
  }

  /**
   * How long a request for a {@linkplain #routeBlocking(String, String, BlockingAdapter, BlockingHandler)
   * blocking route} waits for room when its bulkhead is full, before it is answered {@code 503}.
   * While it waits, the call is tried again after 1, 2, 4, 8 ms, then every 16 ms; the request keeps
   * its place under {@code maxConcurrentRequests}, and the request timeout still applies. A burst
   * that outruns its bulkhead for a moment - a spike shorter than the wait - is then served instead
   * of refused; a bulkhead that stays full still answers {@code 503}, this much later. One case
   * waits longer: a bulkhead that is full while some of its threads are still starting (a cold
   * service's first burst, threads not yet given a core, so fewer than {@code maxThreads} calls
   * run) is not saturated, and the request waits for those threads, up to its request timeout. The bulkhead counts each refused try in its
   * {@code rejected} figure and logs its saturation as usual; the server's {@code rejected} metric
   * counts requests answered {@code 503}. A handler that calls an adapter itself gets the
   * refusal at once, as before: give that adapter an adaptive limit for a queue with a deadline.
   * Default 50 ms; {@link Duration#ZERO} refuses at once.
   *
   * @param admissionWait 0 to 1 minute
   * @return this builder
   */
  public HttpServerBuilder admissionWait(Duration admissionWait) {
    settings.admissionWait = admissionWait;
    return this;
  }

  /**
   * The longest time from a request's headers to the start of its response. When it passes while
   * the body is still arriving, the client gets {@code 408} and the connection is closed; when it
   * passes while the handler works, the handler's future is cancelled (a blocking handler is
   * interrupted) and the client gets {@code 503}. Default 30 seconds.
   *
   * @param requestTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpServerBuilder requestTimeout(Duration requestTimeout) {
    settings.requestTimeout = requestTimeout;
    return this;
  }

  /**
   * How long a connection may stay open without a complete request: the time from opening, or
   * from the end of the last response, until the next request's headers have all arrived. Bytes
   * that trickle in do not extend it, so a client that sends headers slowly (slowloris) is cut off
   * too. Default 60 seconds.
   *
   * @param idleTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpServerBuilder idleTimeout(Duration idleTimeout) {
    settings.idleTimeout = idleTimeout;
    return this;
  }

  /**
   * The largest body a non-streaming route accepts; a larger one gets {@code 413} and the
   * connection is closed. Default 1 MiB.
   *
   * @param maxBodySize 0 to 1 GiB, in bytes
   * @return this builder
   */
  public HttpServerBuilder maxBodySize(int maxBodySize) {
    settings.maxBodySize = maxBodySize;
    return this;
  }

  /**
   * The bytes that the aggregated bodies of all requests in progress may hold together, server-wide.
   * A request's body is counted before any of it is read: a declared {@code Content-Length} whole,
   * a chunked body as it grows. A request whose body does not fit is answered {@code 503} with
   * {@code Retry-After} (and the connection closed, since its body is not read), never queued; so a
   * flood of slow uploads holds at most this much heap, however many connections it opens. The bytes
   * are returned when the exchange ends. Streaming routes do not count: they hold at most
   * {@link #streamingBufferSize} each. Default 64 MiB, or {@link #maxBodySize} if that is larger.
   *
   * @param maxBufferedBodyBytes {@code maxBodySize} to 64 GiB, in bytes
   * @return this builder
   */
  public HttpServerBuilder maxBufferedBodyBytes(long maxBufferedBodyBytes) {
    settings.maxBufferedBodyBytes = maxBufferedBodyBytes;
    return this;
  }

  /**
   * The most connections open at once, server-wide. A connection accepted beyond it is closed at
   * once, before anything is read from it, counted in {@link HttpServerMetrics#refusedConnections()}
   * and logged at WARN (at most every 10 seconds). Default 10 000.
   *
   * @param maxConnections 1 to 1 000 000
   * @return this builder
   */
  public HttpServerBuilder maxConnections(int maxConnections) {
    settings.maxConnections = maxConnections;
    return this;
  }

  /**
   * The longest time a response that is being sent may go without a byte of it moving: the client
   * does not take what the server has written (a reader that stopped reading), or a streamed
   * response's publisher produces nothing. When it passes, the connection is closed, a streamed
   * response's publisher is cancelled, the request's admission permit is freed, and the incident is
   * counted in {@link HttpServerMetrics#sendTimedOut()} and logged at WARN (at most every 10
   * seconds). It is measured between movements, not over the whole response, so a slow client that
   * keeps reading is never cut off. Default 60 seconds, like nginx's {@code send_timeout}.
   *
   * @param sendTimeout 1 ms to 1 hour
   * @return this builder
   */
  public HttpServerBuilder sendTimeout(Duration sendTimeout) {
    settings.sendTimeout = sendTimeout;
    return this;
  }

  /**
   * The largest header section, all header lines together; a larger one gets {@code 431} and the
   * connection is closed. Default 8 KiB.
   *
   * @param maxHeaderSize 1 KiB to 1 MiB, in bytes
   * @return this builder
   */
  public HttpServerBuilder maxHeaderSize(int maxHeaderSize) {
    settings.maxHeaderSize = maxHeaderSize;
    return this;
  }

  /**
   * The longest request line ({@code GET /path?query HTTP/1.1}); a longer one gets {@code 414} and
   * the connection is closed. Default 4 KiB.
   *
   * @param maxInitialLineLength 256 to 1 MiB, in bytes
   * @return this builder
   */
  public HttpServerBuilder maxInitialLineLength(int maxInitialLineLength) {
    settings.maxInitialLineLength = maxInitialLineLength;
    return this;
  }

  /**
   * How much unread body a streaming route may hold per request before the server stops reading
   * from the connection. Default 64 KiB.
   *
   * @param streamingBufferSize 1 KiB to 16 MiB, in bytes
   * @return this builder
   */
  public HttpServerBuilder streamingBufferSize(int streamingBufferSize) {
    settings.streamingBufferSize = streamingBufferSize;
    return this;
  }

  /**
   * The {@code Retry-After} sent with {@code 503} when the server or an adapter is saturated.
   * Default 1 second.
   *
   * @param retryAfter 1 second to 1 hour, whole seconds
   * @return this builder
   */
  public HttpServerBuilder retryAfter(Duration retryAfter) {
    settings.retryAfter = retryAfter;
    return this;
  }

  /**
   * The grace period of {@link HttpServer#close()}. Default 10 seconds.
   *
   * @param gracePeriod 0 to 1 hour
   * @return this builder
   */
  public HttpServerBuilder shutdownGracePeriod(Duration gracePeriod) {
    settings.shutdownGracePeriod = gracePeriod;
    return this;
  }

  /**
   * Checks the settings and starts listening. The server's channels are registered on the
   * runtime's loops: each connection stays on one loop for its whole life.
   *
   * @param host the host name or address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port the port, 0 to 65 535; 0 lets the system pick a free one (see
   *     {@link HttpServer#port()})
   * @return a future that succeeds with the running server once it listens, or fails with the
   *     bind error (an {@link java.io.IOException} such as "address already in use")
   * @throws IllegalArgumentException if a setting is out of range (the message names it, its value
   *     and the range)
   */
  public Future<HttpServer> start(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535 (was " + port + ")");
    }
    ServerSettings checked = settings.build();
    Router router = routes.build();
    return NettyHttpServer.start(runtime, router, checked, host, port);
  }
}
