package dev.weft.internal.blocking;

import dev.weft.blocking.BlockingAdapter;
import dev.weft.internal.ForWeftModules;

/**
 * Whether an adapter that has just refused a call is still bringing its threads into service:
 * some of the calls it holds were handed to threads that are starting or being woken, so fewer
 * than maxThreads calls run. Such a refusal comes from a burst that outran thread start-up (a cold
 * start, threads that have not been given a core yet), not from a pool whose every thread is busy.
 * The HTTP server's admission wait keeps waiting for such an adapter (see its ServerExchange).
 */
@ForWeftModules
public final class ThreadsStarting {
  private ThreadsStarting() {}

  /**
   * Reads the adapter's occupancy; a few volatile reads, no allocation beyond one small record.
   *
   * @param adapter any adapter
   * @return true if {@code adapter} is a Weft pool some of whose calls wait for a thread that is
   *     starting or waking; false otherwise, and always for adapters without threads to start
   *     (direct, virtual threads) or behind an adaptive limit (its refusals come from the limit)
   */
  public static boolean in(BlockingAdapter adapter) {
    return adapter instanceof AdapterBase base && base.occupancy().starting() > 0;
  }
}
