package dev.weft.limit;

import dev.weft.internal.SettingChecks;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of an adaptive concurrency limit: an immutable value, each setter returning a copy.
 * Give one to the builder of what it gates:
 *
 * <pre>{@code
 * Adapters.boundedPool("legacy").maxThreads(64).adaptiveLimit(AdaptiveLimit.vegas().floor(2))
 * HttpServer.builder(runtime).maxConcurrentRequests(512).adaptiveConcurrency(AdaptiveLimit.vegas())
 * JdbcOptions.builder().maxConnections(32).adaptiveLimit(AdaptiveLimit.vegas())
 * }</pre>
 *
 * <p>The limit starts at 4 (or the floor, if higher) and moves between {@code floor} and the
 * ceiling, which is the fixed bound it is given to ({@code maxThreads}, {@code
 * maxConcurrentRequests}, {@code maxConnections}) unless set lower here. Once per {@code window}
 * it compares the mean latency of the window's successful calls with the backend's no-load latency
 * (the lowest window mean seen, re-measured every {@code probeInterval} at half the limit): at most
 * 1.1 times it, with the limit in use, the limit grows (doubling until the first sign of queueing,
 * then by a sixteenth); above 1.3 times it (and with more than 2 calls queued by Vegas' estimate)
 * it shrinks, at once to what that ratio says the backend holds, at most by half; a window with
 * a timeout, a dropped call or more than 10% failures multiplies the limit by 0.9 (AIMD). Calls
 * beyond the limit wait in the bounded queue or are refused, as calls beyond the fixed bound are.
 * See {@code docs/adaptive-limits.md} for when it helps and how it fails.
 */
public final class AdaptiveLimit {
  private static final int MAX_LIMIT = 1_000_000;

  private final int floor;
  private final int ceiling; // 0: the bound of what the limit gates
  private final Duration window;
  private final Duration probeInterval;

  private AdaptiveLimit(int floor, int ceiling, Duration window, Duration probeInterval) {
    this.floor = floor;
    this.ceiling = ceiling;
    this.window = window;
    this.probeInterval = probeInterval;
  }

  /**
   * The latency-based limit (TCP Vegas' idea: queueing shows as latency above the no-load
   * latency), with floor 1, the gated bound as ceiling, a 100 ms window and a 10 s probe interval.
   *
   * @return the default settings
   */
  public static AdaptiveLimit vegas() {
    return new AdaptiveLimit(1, 0, Duration.ofMillis(100), Duration.ofSeconds(10));
  }

  /**
   * The lowest the limit goes, whatever the latency or failures. Default 1.
   *
   * @param floor 1 to 1 000 000, and at most the ceiling (checked when the owner is built)
   * @return a copy with this floor
   */
  public AdaptiveLimit floor(int floor) {
    SettingChecks.checkRange("floor", floor, 1, MAX_LIMIT);
    return new AdaptiveLimit(floor, ceiling, window, probeInterval);
  }

  /**
   * The highest the limit goes. Default: the fixed bound of what it gates ({@code maxThreads},
   * {@code maxConcurrentRequests}, {@code maxConnections}); a higher value is refused when the
   * owner is built.
   *
   * @param ceiling 1 to 1 000 000
   * @return a copy with this ceiling
   */
  public AdaptiveLimit ceiling(int ceiling) {
    SettingChecks.checkRange("ceiling", ceiling, 1, MAX_LIMIT);
    return new AdaptiveLimit(floor, ceiling, window, probeInterval);
  }

  /**
   * How often the limit may change: a window ends at the first call that completes this long after
   * it began, and only once it holds 10 calls. Default 100 ms.
   *
   * @param window 1 ms to 1 minute
   * @return a copy with this window
   */
  public AdaptiveLimit window(Duration window) {
    SettingChecks.checkRange("window", Objects.requireNonNull(window, "window"), Duration.ofMillis(1),
        Duration.ofMinutes(1));
    return new AdaptiveLimit(floor, ceiling, window, probeInterval);
  }

  /**
   * How often the no-load latency is measured again, by halving the limit until 5 calls started
   * under it complete: so the limit follows a backend that became slower per call, not only one
   * that became fuller. Default 10 s.
   *
   * @param probeInterval 100 ms to 1 hour
   * @return a copy with this interval
   */
  public AdaptiveLimit probeInterval(Duration probeInterval) {
    SettingChecks.checkRange("probeInterval", Objects.requireNonNull(probeInterval, "probeInterval"),
        Duration.ofMillis(100), SettingChecks.MAX_DURATION);
    return new AdaptiveLimit(floor, ceiling, window, probeInterval);
  }

  /**
   * The floor set.
   *
   * @return the lowest limit
   */
  public int floor() {
    return floor;
  }

  /**
   * The ceiling set, or 0 for the bound of what the limit gates.
   *
   * @return the highest limit, or 0
   */
  public int ceiling() {
    return ceiling;
  }

  /**
   * The window set.
   *
   * @return the shortest time between changes
   */
  public Duration window() {
    return window;
  }

  /**
   * The probe interval set.
   *
   * @return the time between no-load measurements
   */
  public Duration probeInterval() {
    return probeInterval;
  }

  @Override
  public String toString() {
    return "AdaptiveLimit.vegas()[floor=" + floor + ", ceiling=" + (ceiling == 0 ? "the gated bound" : ceiling)
        + ", window=" + window + ", probeInterval=" + probeInterval + "]";
  }
}
