package dev.weft.http.server;

import dev.weft.future.Future;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * An asynchronous handler that reads the request body as it arrives, for uploads too large to
 * hold in memory. The server calls it on the connection's loop as soon as the request's headers
 * have arrived and the request was admitted; the body then flows through {@code body}.
 *
 * <p>Back-pressure: the server reads from the network only while the subscriber has demand or the
 * server holds less than {@linkplain HttpServerBuilder#streamingBufferSize one buffer's worth} of
 * unread body, so a slow consumer slows the client down (TCP flow control) instead of filling the
 * heap. {@code body} accepts one subscriber; its signals arrive on the connection's loop, in order.
 * Each {@code ByteBuffer} is the subscriber's to keep. The subscriber gets {@code onComplete} after
 * the last byte, or {@code onError} with an {@link java.io.IOException} if the connection is lost
 * or the body is malformed. A subscriber that cancels makes the server discard the rest of the body.
 *
 * <p>The response future is treated as for {@link Handler}. If it completes before the body has
 * been read to its end, the server sends it and then closes the connection, since the rest of the
 * body cannot be told apart from a next request without reading it.
 */
@FunctionalInterface
public interface StreamingHandler {

  /**
   * Handles one request whose body arrives through {@code body}.
   *
   * @param request the request; its {@link Request#body()} is empty
   * @param body the body's bytes, as they arrive
   * @return the future response
   */
  Future<Response> handle(Request request, Flow.Publisher<ByteBuffer> body);
}
