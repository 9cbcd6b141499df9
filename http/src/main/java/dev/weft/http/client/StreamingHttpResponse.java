package dev.weft.http.client;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A response from {@link HttpClient#stream}: its head, and its body as a publisher with
 * back-pressure.
 *
 * <p>The body publisher accepts one subscriber. Its signals run on the loop that does the
 * connection's I/O, so a subscriber must not block; the connection reads from the socket only
 * while the subscriber has outstanding demand. Cancelling the subscription closes the connection
 * (unless the body had already been read whole); reading to {@code onComplete} returns the
 * connection to the pool. A failure of the connection mid-body reaches {@code onError} as an
 * {@link HttpClientException}.
 */
public interface StreamingHttpResponse extends HttpResponseHead, AutoCloseable {

  /**
   * The body.
   *
   * @return the publisher of the body's bytes (each buffer is the subscriber's to keep)
   */
  Flow.Publisher<ByteBuffer> body();

  /**
   * Gives the response up without reading (the rest of) its body: closes the connection unless
   * the body has been read whole. A subscriber, if any, is cancelled quietly. Idempotent.
   */
  @Override
  void close();
}
