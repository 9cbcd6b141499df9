package dev.weft.http.internal.server;

import java.util.concurrent.atomic.AtomicLong;

/*
 * Overview: the server-wide count of bytes reserved for aggregated request bodies. Connections on
 * every loop reserve and release; `reserved` only rises by CAS while the sum stays within `limit`,
 * so it never exceeds it, and each reservation is released exactly once by its AggregatedBody.
 */

/** The byte budget that all aggregated request bodies of a server draw on (maxBufferedBodyBytes). */
final class BodyBudget {
  private final long limit;
  private final AtomicLong reserved = new AtomicLong(); // 0 <= reserved <= limit

  BodyBudget(long limit) {
    this.limit = limit;
  }

  /** @return whether {@code bytes} more fit within the budget; if so, they are now reserved */
  boolean tryReserve(long bytes) {
    long now;
    do {
      now = reserved.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!reserved.compareAndSet(now, now + bytes));
    return true;
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  long limit() {
    return limit;
  }

  long reserved() {
    return reserved.get();
  }
}
