package dev.weft.http.internal.client;

import io.netty.buffer.ByteBuf;

/**
 * Collects a response body into one array, never past the limit. Sized from Content-Length when
 * the server sends one, so a known-length body is copied exactly once.
 */
final class BodyAccumulator {
  private static final byte[] EMPTY = new byte[0];

  private final int limit;
  private byte[] bytes;
  private int size;

  BodyAccumulator(int limit, long contentLength) {
    this.limit = limit;
    this.bytes = contentLength > 0 ? new byte[(int) contentLength] : EMPTY;
  }

  /** Appends the readable bytes; returns false, appending nothing, if that would pass the limit. */
  boolean add(ByteBuf content) {
    int readable = content.readableBytes();
    if (readable > limit - size) {
      return false;
    }
    if (size + readable > bytes.length) {
      int grown = (int) Math.min(limit, Math.max(size + (long) readable, Math.max(8192L, bytes.length * 2L)));
      byte[] larger = new byte[grown];
      System.arraycopy(bytes, 0, larger, 0, size);
      bytes = larger;
    }
    content.getBytes(content.readerIndex(), bytes, size, readable);
    size += readable;
    return true;
  }

  int size() {
    return size;
  }

  byte[] bytes() {
    return bytes;
  }
}
