package dev.weft.metrics;

import dev.weft.AsyncRuntime;
import dev.weft.internal.detect.BlockingCallDetector;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * What a runtime's blocking-call detector has seen: one entry per call site that blocked a loop
 * ({@link dev.weft.blocking.BlockingCallDetection}). JFR delivers events about once a second, so
 * {@link #of} may lag the calls by that much; {@link #awaitDelivered} waits for every call that
 * has already ended.
 *
 * <p>In a test, this is how to fail on a blocking call on a loop:
 *
 * <pre>{@code
 * BlockingCalls before = BlockingCalls.of(runtime);
 * // ... exercise the code under test ...
 * BlockingCalls seen = BlockingCalls.awaitDelivered(runtime, Duration.ofSeconds(10)).since(before);
 * assertThat(seen.sites()).as(seen.describe()).isEmpty();
 * }</pre>
 *
 * @param enabled whether the runtime detects blocking calls at all
 * @param sites the call sites seen, in the order they were first seen
 */
public record BlockingCalls(boolean enabled, List<BlockingCallSite> sites) {

  /**
   * Copies the list, so a snapshot never changes.
   *
   * @param enabled whether detection is on
   * @param sites the call sites
   */
  public BlockingCalls {
    sites = List.copyOf(sites);
  }

  /**
   * A snapshot of what {@code runtime}'s detector has received so far.
   *
   * @param runtime a runtime made by {@code AsyncRuntime.create()} or its builder
   * @return the snapshot; empty and not {@linkplain #enabled() enabled} if detection is off
   */
  public static BlockingCalls of(AsyncRuntime runtime) {
    BlockingCallDetector detector = DefaultAsyncRuntime.of(runtime, "BlockingCalls").blockingCallDetector();
    return detector == null ? new BlockingCalls(false, List.of()) : new BlockingCalls(true, detector.sites());
  }

  /**
   * Waits until the detector has received every blocking call that ended before this method was
   * called (JFR delivers events about once a second), then takes a snapshot. On a closed runtime it
   * waits for the detector's last delivery. Must not be called on a loop thread.
   *
   * @param runtime a runtime made by {@code AsyncRuntime.create()} or its builder
   * @param timeout the longest wait
   * @return the snapshot
   * @throws TimeoutException if the events were not delivered in time
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalStateException if called on a loop thread
   */
  public static BlockingCalls awaitDelivered(AsyncRuntime runtime, Duration timeout)
      throws TimeoutException, InterruptedException {
    BlockingCallDetector detector = DefaultAsyncRuntime.of(runtime, "BlockingCalls").blockingCallDetector();
    if (detector == null) {
      return new BlockingCalls(false, List.of());
    }
    detector.awaitDelivered(timeout);
    return new BlockingCalls(true, detector.sites());
  }

  /**
   * The calls seen after {@code earlier} was taken: sites whose count grew, with the growth as
   * their count (their other figures stay those of the whole period).
   *
   * @param earlier an earlier snapshot of the same runtime
   * @return the difference
   */
  public BlockingCalls since(BlockingCalls earlier) {
    Map<String, Long> before = new HashMap<>();
    for (BlockingCallSite site : earlier.sites) {
      before.put(site.kind() + " " + site.callSite(), site.count());
    }
    List<BlockingCallSite> grown = new ArrayList<>();
    for (BlockingCallSite site : sites) {
      long more = site.count() - before.getOrDefault(site.kind() + " " + site.callSite(), 0L);
      if (more > 0) {
        grown.add(new BlockingCallSite(site.kind(), site.callSite(), site.stack(), site.loop(), more,
            site.blockedTime(), site.longest(), site.firstSeen(), site.lastSeen()));
      }
    }
    return new BlockingCalls(enabled, grown);
  }

  /**
   * How many blocking calls of one kind were seen, over all call sites.
   *
   * @param kind the kind
   * @return the count
   */
  public long count(BlockingCallSite.Kind kind) {
    return sites.stream().filter(site -> site.kind() == kind).mapToLong(BlockingCallSite::count).sum();
  }

  /**
   * How many blocking calls were seen in all.
   *
   * @return the count
   */
  public long total() {
    return sites.stream().mapToLong(BlockingCallSite::count).sum();
  }

  /**
   * The sites in words, with their stacks, for a test's failure message.
   *
   * @return one paragraph per site; or a sentence saying there is none, or that detection is off
   */
  public String describe() {
    if (!enabled) {
      return "blocking-call detection is off for this runtime: build it with "
          + "detectBlockingCalls(BlockingCallDetection.enabled()) or run with -Dweft.detectBlockingCalls=true";
    }
    if (sites.isEmpty()) {
      return "no blocking call on a loop";
    }
    StringBuilder text = new StringBuilder(sites.size() + " call site(s) blocked a loop:");
    for (BlockingCallSite site : sites) {
      text.append(System.lineSeparator()).append(site.kind()).append(" at ").append(site.callSite())
          .append(", ").append(site.count()).append(" time(s), longest ").append(site.longest().toNanos() / 1000)
          .append(" us, first on ").append(site.loop());
      for (String frame : site.stack()) {
        text.append(System.lineSeparator()).append("\tat ").append(frame);
      }
    }
    return text.toString();
  }
}
