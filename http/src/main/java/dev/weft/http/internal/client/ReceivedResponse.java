package dev.weft.http.internal.client;

import dev.weft.http.client.HttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/** A response read whole. The body array is never handed out, only copies and read-only views. */
final class ReceivedResponse extends ReceivedHead implements HttpResponse {
  private final byte[] body;
  private final int length;

  ReceivedResponse(int status, HttpHeaders headers, URI uri, byte[] body, int length) {
    super(status, headers, uri);
    this.body = body;
    this.length = length;
  }

  @Override
  public byte[] body() {
    byte[] copy = new byte[length];
    System.arraycopy(body, 0, copy, 0, length);
    return copy;
  }

  @Override
  public ByteBuffer bodyBuffer() {
    return ByteBuffer.wrap(body, 0, length).slice().asReadOnlyBuffer();
  }

  @Override
  public String bodyAsString() {
    return bodyAsString(charset());
  }

  @Override
  public String bodyAsString(Charset charset) {
    return new String(body, 0, length, charset);
  }
}
