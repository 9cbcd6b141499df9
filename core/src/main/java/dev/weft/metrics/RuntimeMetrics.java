package dev.weft.metrics;

import java.util.List;

/**
 * A snapshot of a runtime's metrics.
 *
 * @param runtimeName the runtime's name
 * @param loops one entry per loop, in the runtime's loop order
 */
public record RuntimeMetrics(String runtimeName, List<LoopMetrics> loops) {

  /**
   * Copies the list, so a snapshot never changes.
   *
   * @param runtimeName the runtime's name
   * @param loops one entry per loop
   */
  public RuntimeMetrics {
    loops = List.copyOf(loops);
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
