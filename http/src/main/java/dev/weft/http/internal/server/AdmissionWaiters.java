package dev.weft.http.internal.server;

import dev.weft.blocking.BlockingAdapter;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/*
 * Overview: the requests of blocking routes that found their bulkhead full and wait for room
 * (admissionWait), oldest first, one line per bulkhead. When one of this server's calls on a
 * bulkhead ends, its slot is free: the oldest waiter is told to try again at once, on its own
 * loop, before the finished request's client can send its next request and take the slot (that
 * needs a round trip over the network). Without this, waiters polled on timers while the clients
 * being served took every freed slot with their next request, and a waiter could go without for
 * the whole wait (seen: 1 of 200 requests refused in about 1 run of 30 of ColdStartTest, 32
 * connections against 8 + 16). Timers still drive the waiters too: a bulkhead is shared with
 * callers this server does not see.
 *
 * A waiter is in its line from its first refusal until it is told (polled), answered or gone
 * (removed). One told and refused again goes back to the front: it keeps its place. Every method
 * is safe from any loop; the lines hold at most the requests waiting, which maxConcurrentRequests
 * bounds, and one line per bulkhead a route uses.
 */

/** Requests waiting for room in a full bulkhead, oldest first, per bulkhead. */
final class AdmissionWaiters {
  private final Map<BlockingAdapter, Deque<ServerExchange>> lines = new ConcurrentHashMap<>();

  private Deque<ServerExchange> line(BlockingAdapter bulkhead) {
    return lines.computeIfAbsent(bulkhead, any -> new ConcurrentLinkedDeque<>());
  }

  /** A request refused for the first time joins the end of its bulkhead's line. */
  void join(BlockingAdapter bulkhead, ServerExchange waiter) {
    line(bulkhead).addLast(waiter);
  }

  /** A request told to try again and refused once more goes back to the front. */
  void rejoinAtFront(BlockingAdapter bulkhead, ServerExchange waiter) {
    line(bulkhead).addFirst(waiter);
  }

  /** A request that stopped waiting (answered, timed out, gone) leaves its line. */
  void leave(BlockingAdapter bulkhead, ServerExchange waiter) {
    line(bulkhead).remove(waiter);
  }

  /** One of this server's calls on {@code bulkhead} ended: the oldest waiter tries again now. */
  void slotFreed(BlockingAdapter bulkhead) {
    Deque<ServerExchange> line = lines.get(bulkhead);
    ServerExchange oldest = line == null ? null : line.pollFirst();
    if (oldest != null) {
      oldest.tryAgainNow();
    }
  }
}
