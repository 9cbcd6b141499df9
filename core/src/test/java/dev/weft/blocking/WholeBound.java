package dev.weft.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.RejectedException;
import dev.weft.future.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** The check that an adapter got every slot back, after a test that may have leaked one. */
final class WholeBound {
  private WholeBound() {}

  /**
   * Every slot came back: the adapter takes exactly maxConcurrency + maxQueue calls again, and
   * refuses the next. A slot leaked by any path (a drop, a timeout, a cancel racing a start, a
   * thread that could not start) would refuse sooner; the counts alone would not show it, as a
   * leaked slot reads as "starting".
   *
   * @param adapter the adapter, quiet
   */
  static void assertFree(BlockingAdapter adapter) throws InterruptedException, TimeoutException {
    AdapterStats stats = adapter.stats();
    Gate gate = new Gate();
    List<Future<Integer>> held = new ArrayList<>();
    try {
      for (int i = 0; i < stats.maxConcurrency(); i++) {
        held.add(adapter.call(gate.call(i)));
      }
      gate.awaitEntered(stats.maxConcurrency()); // the rest wait in the queue, never on a thread
      for (int i = 0; i < stats.maxQueue(); i++) {
        held.add(adapter.call(gate.call(i)));
      }
      for (Future<Integer> call : held) {
        assertThat(call.isFailed()).as("a call within the bound refused: %s; %s",
            call.isFailed() ? call.failureNow() : null, adapter.stats()).isFalse();
      }
      Future<Integer> oneTooMany = adapter.call(() -> -1);
      assertThat(oneTooMany.isFailed() && oneTooMany.failureNow() instanceof RejectedException)
          .as("the call beyond the bound refused at once").isTrue();
    } finally {
      gate.open();
    }
    for (Future<Integer> call : held) {
      call.join(Duration.ofSeconds(10));
    }
  }
}
