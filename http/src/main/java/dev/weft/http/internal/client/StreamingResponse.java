package dev.weft.http.internal.client;

import dev.weft.http.client.StreamingHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A response head with its body still on the wire. */
final class StreamingResponse extends ReceivedHead implements StreamingHttpResponse {
  private final StreamedBody body;

  StreamingResponse(int status, HttpHeaders headers, URI uri, StreamedBody body) {
    super(status, headers, uri);
    this.body = body;
  }

  @Override
  public Flow.Publisher<ByteBuffer> body() {
    return body;
  }

  @Override
  public void close() {
    body.abandon();
  }
}
