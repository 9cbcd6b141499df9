package dev.weft.http.client;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/**
 * A response read whole by {@link HttpClient#send}: head and body in memory. Immutable and safe
 * to read from any thread.
 */
public interface HttpResponse extends HttpResponseHead {

  /**
   * The body.
   *
   * @return a copy of the body's bytes (empty for a response without body)
   */
  byte[] body();

  /**
   * The body without a copy.
   *
   * @return a read-only view of the body
   */
  ByteBuffer bodyBuffer();

  /**
   * The body decoded with the charset of its {@code Content-Type}, UTF-8 when none is given.
   *
   * @return the body as text
   */
  String bodyAsString();

  /**
   * The body decoded with {@code charset}.
   *
   * @param charset the charset
   * @return the body as text
   */
  String bodyAsString(Charset charset);
}
