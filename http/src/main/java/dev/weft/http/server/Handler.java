package dev.weft.http.server;

import dev.weft.future.Future;

/**
 * An asynchronous request handler, the kind to use for anything that does not block.
 *
 * <p>The server calls it on the loop that serves the connection, after the whole body has arrived
 * (within {@linkplain HttpServerBuilder#maxBodySize the body limit}) and after the request was
 * admitted ({@linkplain HttpServerBuilder#maxConcurrentRequests the concurrency limit}). It must not
 * block: the loop serves other connections too. Its future may be homed on any loop; the server
 * writes the response on the connection's loop. If the future fails — or the handler throws, or
 * returns {@code null} — the client gets {@code 500} with a short body (never the exception) and
 * the failure is logged at ERROR; the connection stays usable. If the
 * {@linkplain HttpServerBuilder#requestTimeout request timeout} passes first, or the client
 * disconnects, the server {@linkplain Future#cancel() cancels} the future, so the work behind it
 * stops.
 *
 * <p>While the handler runs, {@link dev.weft.Context#current()} carries the request's deadline.
 */
@FunctionalInterface
public interface Handler {

  /**
   * Handles one request.
   *
   * @param request the request
   * @return the future response
   */
  Future<Response> handle(Request request);
}
