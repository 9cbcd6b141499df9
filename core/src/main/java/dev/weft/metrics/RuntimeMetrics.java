package dev.weft.metrics;

import dev.weft.blocking.AdapterStats;
import java.util.List;

/**
 * A snapshot of a runtime's metrics.
 *
 * @param runtimeName the runtime's name
 * @param loops one entry per loop, in the runtime's loop order
 * @param adapters one entry per blocking adapter, the default one first; a JDBC bridge's statement
 *     adapter shows the bridge as a whole (its connection queue, rejections and SQL failures)
 * @param unhandledFailures failures handed to the runtime's unhandled-failure handler since start
 */
public record RuntimeMetrics(String runtimeName, List<LoopMetrics> loops, List<AdapterStats> adapters,
    long unhandledFailures) {

  /**
   * Copies the list, so a snapshot never changes.
   *
   * @param runtimeName the runtime's name
   * @param loops one entry per loop
   * @param adapters one entry per adapter
   * @param unhandledFailures failures reported as unhandled
   */
  public RuntimeMetrics {
    loops = List.copyOf(loops);
    adapters = List.copyOf(adapters);
  }

  /**
   * Blocked-loop incidents across all loops.
   *
   * @return the sum of {@link LoopMetrics#blockedIncidents()}
   */
  public long blockedIncidents() {
    return loops.stream().mapToLong(LoopMetrics::blockedIncidents).sum();
  }
}
