package dev.weft.blocking;

import dev.weft.testing.Polling;
import java.time.Duration;

/** Waiting for an adapter to settle: nothing running or queued, every call counted once. */
final class Await {
  private Await() {}

  /**
   * Waits until the adapter is quiet: nothing running, nothing waiting, every accepted call counted
   * in exactly one outcome. Outcomes are counted just after a future completes, so a caller that
   * has seen every future complete may still see the last count a moment late.
   *
   * @param adapter the adapter
   * @return its stats once quiet
   */
  static AdapterStats quiet(BlockingAdapter adapter) {
    Polling.await(adapter.name() + " is quiet (0 active, 0 queued, every call counted once)", Duration.ofSeconds(10),
        () -> isQuiet(adapter.stats()), adapter::stats);
    return adapter.stats();
  }

  static boolean isQuiet(AdapterStats stats) {
    return stats.active() == 0 && stats.queued() == 0
        && stats.submitted() == stats.completed() + stats.failed() + stats.timedOut() + stats.cancelled();
  }
}
