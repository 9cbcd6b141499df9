package dev.weft.internal.detect;

import dev.weft.metrics.BlockingCallSite;
import dev.weft.metrics.BlockingCallSite.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The counters of one call site. Written only by the detector's stream thread; read by any thread
 * taking a snapshot, through the volatile fields (a snapshot may mix two consecutive updates,
 * which only ever differ by one call).
 */
final class CallSiteRecord {
  private final Kind kind;
  private final String callSite;
  private final List<String> stack;
  private final String loop;
  private final Instant firstSeen;
  private volatile long count; // single writer: the stream thread
  private volatile long blockedNanos; // summed durations
  private volatile long longestNanos;
  private volatile Instant lastSeen;

  CallSiteRecord(Kind kind, String callSite, List<String> stack, String loop, Instant firstSeen) {
    this.kind = kind;
    this.callSite = callSite;
    this.stack = List.copyOf(stack);
    this.loop = loop;
    this.firstSeen = firstSeen;
    this.lastSeen = firstSeen;
  }

  /** Stream thread only. */
  void add(long durationNanos, Instant start) {
    count = count + 1;
    blockedNanos = blockedNanos + durationNanos;
    longestNanos = Math.max(longestNanos, durationNanos);
    lastSeen = start;
  }

  BlockingCallSite snapshot() {
    return new BlockingCallSite(kind, callSite, stack, loop, count, Duration.ofNanos(blockedNanos),
        Duration.ofNanos(longestNanos), firstSeen, lastSeen);
  }
}
