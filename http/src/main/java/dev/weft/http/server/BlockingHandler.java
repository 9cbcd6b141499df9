package dev.weft.http.server;

/**
 * A blocking request handler: code that calls JDBC, a legacy SDK or the file system directly. The
 * server runs it on a bounded {@linkplain dev.weft.blocking.BlockingAdapter blocking adapter} —
 * the runtime's default one, or a named bulkhead — never on a loop, as FastAPI runs {@code def}
 * endpoints in a thread pool.
 *
 * <p>If the adapter is saturated, the call is tried again while the
 * {@linkplain HttpServerBuilder#admissionWait admission wait} lasts (50 ms by default); if it is
 * still saturated then, the client gets {@code 503} with {@code Retry-After}, and the handler is
 * not called. If the {@linkplain HttpServerBuilder#requestTimeout request timeout}
 * passes first, or the client disconnects, the call is dropped if it is still waiting, or its
 * thread is interrupted if it is running. What it throws becomes a {@code 500} as for
 * {@link Handler}. {@link dev.weft.Context#current()} carries the request's deadline.
 */
@FunctionalInterface
public interface BlockingHandler {

  /**
   * Handles one request; may block.
   *
   * @param request the request
   * @return the response, not {@code null}
   * @throws Exception any failure, which becomes a {@code 500}
   */
  Response handle(Request request) throws Exception;
}
