package dev.weft.internal.blocking;

import dev.weft.blocking.BlockingAdapter;
import dev.weft.internal.ForWeftModules;

/**
 * Whether an adapter that has just refused a call is still bringing its threads into service:
 * some of its threads were started or woken and have not yet polled for a call. Such a refusal
 * comes from a burst that outran thread start-up (a cold start, threads that have not been given a
 * core yet), not from a pool whose every thread is busy. The HTTP server's admission wait keeps
 * waiting for such an adapter (see its ServerExchange). Not the occupancy's "starting" figure:
 * that one also counts a busy pool's worker between two calls, which is no start-up at all.
 */
@ForWeftModules
public final class ThreadsStarting {
  private ThreadsStarting() {}

  /**
   * One volatile read.
   *
   * @param adapter any adapter
   * @return true if {@code adapter} is a Weft bounded pool with threads started or woken that have
   *     not polled yet; false otherwise, and always for adapters without threads to start (direct,
   *     virtual threads) or behind an adaptive limit (its refusals come from the limit)
   */
  public static boolean in(BlockingAdapter adapter) {
    return adapter instanceof BoundedPool pool && pool.threadsOnTheirWay();
  }
}
