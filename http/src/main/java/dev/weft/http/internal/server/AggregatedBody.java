package dev.weft.http.internal.server;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A request body aggregated up to a limit, copied out of Netty's buffers so none outlives a read.
 * Every byte of its array is reserved on the server's {@link BodyBudget} before it is allocated: a
 * declared length up front, a chunked body as its array grows. The reservation is held until
 * {@link #release()} (the exchange's end), since the handler reads the bytes until then.
 * Confined to the connection's loop.
 */
final class AggregatedBody {
  /** What {@link #append} did. */
  enum Appended { OK, OVER_LIMIT, OVER_BUDGET }

  private static final int FIRST_CAPACITY = 256;

  private final int limit;
  private final BodyBudget budget;
  private byte[] bytes = new byte[0];
  private int size;
  private long reserved; // bytes of the budget held; >= bytes.length

  private AggregatedBody(int limit, BodyBudget budget) {
    this.limit = limit;
    this.budget = budget;
  }

  /**
   * A body of {@code declaredLength} bytes (Content-Length), reserved whole now; null if the
   * budget cannot take it.
   */
  static AggregatedBody declared(int declaredLength, BodyBudget budget) {
    if (!budget.tryReserve(declaredLength)) {
      return null;
    }
    AggregatedBody body = new AggregatedBody(declaredLength, budget);
    body.reserved = declaredLength;
    return body;
  }

  /** A chunked body of at most {@code limit} bytes, reserved as it grows. */
  static AggregatedBody chunked(int limit, BodyBudget budget) {
    return new AggregatedBody(limit, budget);
  }

  Appended append(ByteBuf content) {
    int length = content.readableBytes();
    if ((long) size + length > limit) {
      return Appended.OVER_LIMIT;
    }
    if (size + length > bytes.length) {
      int capacity = (int) Math.min(limit, Math.max((long) size + length, Math.max(FIRST_CAPACITY, 2L * bytes.length)));
      if (capacity > reserved) {
        if (!budget.tryReserve(capacity - reserved)) {
          return Appended.OVER_BUDGET;
        }
        reserved = capacity;
      }
      bytes = Arrays.copyOf(bytes, capacity);
    }
    content.getBytes(content.readerIndex(), bytes, size, length);
    size += length;
    return Appended.OK;
  }

  /** The body; the reservation stays until {@link #release()}. */
  byte[] toByteArray() {
    byte[] whole = size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    bytes = null;
    return whole;
  }

  /** Returns the reservation to the budget; idempotent. */
  void release() {
    bytes = null;
    if (reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }
}
