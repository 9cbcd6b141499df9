package dev.weft.http.client;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import java.net.URI;

/**
 * An asynchronous HTTP/1.1 client on Weft's loops: calls other services without holding a thread
 * per call.
 *
 * <p>Connections are pooled per origin (scheme, host, port) and reused while the server keeps
 * them alive; each origin has at most {@code maxConnectionsPerOrigin} connections and
 * {@code maxPendingRequests} requests waiting for one — beyond that, {@link #send} returns a
 * future already failed with {@link dev.weft.RejectedException}, naming the origin and its numbers
 * (never thrown: one error path, as for every Weft refusal). Every request is
 * bounded in time by the earlier of its request timeout and the {@link dev.weft.Context}'s
 * deadline (a request made inside a {@link dev.weft.group.TaskGroup} with a timeout never waits
 * longer than the group).
 *
 * <p>Futures are homed on the caller's loop (off any loop, on one of the runtime's loops): their
 * callbacks run there. Cancelling a response future reaches the wire: the request's connection is
 * closed, never returned to the pool half-read.
 *
 * <p>Failures: {@link HttpClientException} (an {@link java.io.IOException}) says what failed —
 * connect, TLS, the server closing mid-response, a malformed or too large response — and for
 * which origin; a timeout fails with {@link java.util.concurrent.TimeoutException} naming the
 * setting that expired; a body publisher's failure is passed through as is. Status codes are not
 * failures: a 404 or 500 is a response.
 *
 * <pre>{@code
 * try (HttpClient client = HttpClient.builder(runtime).build()) {
 *   Future<HttpResponse> response = client.get("http://inventory.internal/items/42");
 *   response.map(HttpResponse::bodyAsString).onSuccess(System.out::println);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Create one per service and share it: the pool is what makes it fast.
 */
public interface HttpClient extends AutoCloseable {

  /**
   * Starts building a client on {@code runtime}'s loops.
   *
   * @param runtime the runtime whose loops do the client's I/O
   * @return a builder with the defaults its methods list
   */
  static HttpClientBuilder builder(AsyncRuntime runtime) {
    return new HttpClientBuilder(runtime);
  }

  /**
   * Sends {@code GET uri} and reads the whole response.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the response, on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the origin's pool and its queue are full, or the client
   *     is closed
   * @throws IllegalArgumentException if {@code uri} is not an absolute http(s) URI
   */
  default Future<HttpResponse> get(String uri) {
    return send(HttpRequest.get(URI.create(uri)));
  }

  /**
   * Sends {@code GET uri} and reads the whole response.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the response, on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the origin's pool and its queue are full, or the client
   *     is closed
   * @throws IllegalArgumentException if {@code uri} is not an absolute http(s) URI
   */
  default Future<HttpResponse> get(URI uri) {
    return send(HttpRequest.get(uri));
  }

  /**
   * Sends a request and reads the whole response body into memory, up to the builder's
   * {@code maxResponseBodySize} (beyond it the future fails with {@link HttpClientException} of
   * kind {@link HttpClientException.Kind#BODY_TOO_LARGE} and the connection is closed).
   *
   * @param request the request
   * @return the response, on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the origin's pool and its queue are full, or the client
   *     is closed
   */
  Future<HttpResponse> send(HttpRequest request);

  /**
   * Sends a request and completes when the response's head has arrived; the body follows as a
   * {@link java.util.concurrent.Flow.Publisher} with back-pressure (the connection stops reading
   * while the subscriber has no demand). The request timeout covers the wait for the head; after
   * it, the server may not stay silent longer than {@code readTimeout} while the subscriber waits,
   * and the context's deadline, if any, bounds the whole body; a consumer decides how long to read.
   *
   * <p>The connection belongs to the response until its body is read to the end, cancelled, or
   * the response is {@linkplain StreamingHttpResponse#close() closed}: always do one of them.
   *
   * @param request the request
   * @return the response head with its streaming body, on the caller's loop; already failed with
   *     {@link dev.weft.RejectedException} if the origin's pool and its queue are full, or the client
   *     is closed
   */
  Future<StreamingHttpResponse> stream(HttpRequest request);

  /**
   * The client's numbers per origin: connections, queue, requests, failures, latency.
   *
   * @return a snapshot
   */
  HttpClientMetrics metrics();

  /**
   * Closes the client: new requests are rejected, requests in flight or waiting fail with
   * {@link HttpClientException.Kind#CLIENT_CLOSED}, and every connection is closed. Idempotent;
   * returns without waiting for the sockets to close.
   */
  @Override
  void close();

}
