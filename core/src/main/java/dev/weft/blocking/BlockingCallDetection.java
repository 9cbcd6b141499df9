package dev.weft.blocking;

import dev.weft.internal.SettingChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of the blocking-call detector: it watches a runtime's loop threads through JDK
 * Flight Recorder events (socket and file reads and writes, {@code Thread.sleep}, contended
 * {@code synchronized}, {@code Object.wait}, {@code LockSupport.park}) and reports each call site
 * that blocked a loop for longer than the {@linkplain #threshold(Duration) threshold}: once, as a
 * WARN on the logger {@value #LOGGER_NAME} with its stack, a JFR event {@code dev.weft.BlockingCall},
 * and counters in {@link dev.weft.metrics.BlockingCalls}. No Java agent is needed.
 *
 * <p>Turn it on with {@code AsyncRuntime.builder().detectBlockingCalls(BlockingCallDetection.enabled())},
 * or without a code change with {@code -D}{@value #ENABLE_PROPERTY}{@code =true} (which uses the
 * defaults, plus the call sites listed in {@code -D}{@value #ALLOW_PROPERTY}{@code =a.B.m,c.D}).
 * Instances are immutable; each method returns a changed copy.
 */
public final class BlockingCallDetection {
  /** The system property that turns detection on for every runtime whose builder did not set it. */
  public static final String ENABLE_PROPERTY = "weft.detectBlockingCalls";
  /** The system property listing allowed call sites, comma-separated, as {@link #allow(String)} takes them. */
  public static final String ALLOW_PROPERTY = "weft.detectBlockingCalls.allow";
  /** The logger that receives one WARN per blocking call site. */
  public static final String LOGGER_NAME = "dev.weft.blocking-calls";

  private static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(1);
  private static final Duration MAX_THRESHOLD = Duration.ofMinutes(1);
  /** A class name, optionally followed by a method name: {@code com.acme.Cache} or {@code com.acme.Cache.load}. */
  private static final Pattern FRAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$<][\\p{L}\\p{N}_$>]*)*");

  private final Duration threshold;
  private final List<String> allowed;

  private BlockingCallDetection(Duration threshold, List<String> allowed) {
    this.threshold = threshold;
    this.allowed = List.copyOf(allowed);
  }

  /**
   * Detection with the defaults: a 1 ms threshold, nothing allowed.
   *
   * @return the settings
   */
  public static BlockingCallDetection enabled() {
    return new BlockingCallDetection(DEFAULT_THRESHOLD, List.of());
  }

  /**
   * The settings the system properties ask for: {@link #enabled()} plus the call sites of
   * {@value #ALLOW_PROPERTY}, if {@value #ENABLE_PROPERTY} is {@code true}.
   *
   * @return the settings, or {@code null} if the property does not turn detection on
   * @throws IllegalArgumentException if {@value #ALLOW_PROPERTY} lists something that is not a
   *     class or method name
   */
  public static BlockingCallDetection fromSystemProperties() {
    if (!Boolean.parseBoolean(System.getProperty(ENABLE_PROPERTY, "false").trim())) {
      return null;
    }
    BlockingCallDetection detection = enabled();
    for (String site : System.getProperty(ALLOW_PROPERTY, "").split(",")) {
      if (!site.isBlank()) {
        detection = detection.allow(site.trim());
      }
    }
    return detection;
  }

  /**
   * How long a call must block a loop to be reported. JFR records only the calls that last at
   * least this long, so a lower threshold costs more. Default 1 ms.
   *
   * @param threshold 0 to 1 minute
   * @return a copy with this threshold
   * @throws IllegalArgumentException if out of range
   */
  public BlockingCallDetection threshold(Duration threshold) {
    SettingChecks.checkRange("blockingCallDetection.threshold", threshold, Duration.ZERO, MAX_THRESHOLD);
    return new BlockingCallDetection(threshold, allowed);
  }

  /**
   * Accepts blocking calls made inside a class or a method, as BlockHound's
   * {@code allowBlockingCallsInside} does: a blocking call is not reported if any frame of its
   * stack is in that class ({@code com.acme.LocalCache}) or that method
   * ({@code com.acme.LocalCache.load}).
   *
   * @param classOrMethod a fully qualified class name, or one followed by {@code .methodName}
   * @return a copy that also allows this call site
   * @throws IllegalArgumentException if it is not a class or method name
   */
  public BlockingCallDetection allow(String classOrMethod) {
    Objects.requireNonNull(classOrMethod, "allow: classOrMethod");
    if (!FRAME.matcher(classOrMethod).matches()) {
      throw new IllegalArgumentException("allow takes a fully qualified class name or Class.method, like "
          + "com.acme.Cache or com.acme.Cache.load (was '" + classOrMethod + "')");
    }
    List<String> more = new ArrayList<>(allowed);
    more.add(classOrMethod);
    return new BlockingCallDetection(threshold, more);
  }

  /**
   * The threshold.
   *
   * @return how long a call must block to be reported
   */
  public Duration threshold() {
    return threshold;
  }

  /**
   * The allowed classes and methods.
   *
   * @return an unmodifiable list, in the order they were added
   */
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String toString() {
    return "BlockingCallDetection[threshold " + dev.weft.internal.Throwables.format(threshold) + ", allowed " + allowed + "]";
  }
}
