package dev.weft;

import dev.weft.blocking.AdapterSpec;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingCallDetection;
import dev.weft.future.Future;
import dev.weft.internal.SettingChecks;
import dev.weft.internal.Throwables;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.RuntimeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Settings of an {@link AsyncRuntime}. Every setting has a default; {@link #build()} checks them
 * all and names the first one that is out of range. Not thread-safe: configure it on one thread.
 */
public final class AsyncRuntimeBuilder {
  private static final int MAX_LOOPS = 1024;
  private static final Duration MIN_WATCHDOG = Duration.ofMillis(1);
  private static final Duration MAX_WATCHDOG = Duration.ofMinutes(1);
  private static final Duration MAX_GRACE = Duration.ofHours(1);

  private String name = "weft";
  private int loops = Runtime.getRuntime().availableProcessors();
  private Duration watchdogInterval = Duration.ofMillis(50);
  private Duration blockedThreshold = Duration.ofMillis(100);
  private Duration shutdownGracePeriod = Duration.ofSeconds(10);
  private UnhandledFailureHandler unhandledFailureHandler;
  private AdapterSpec defaultAdapter = Adapters.boundedPool("blocking");
  private final List<AdapterSpec> bulkheads = new ArrayList<>();
  private BlockingCallDetection blockingCallDetection; // null: as the system properties say

  AsyncRuntimeBuilder() {}

  /**
   * The runtime's name; it prefixes every thread name ({@code <name>-loop-0},
   * {@code <name>-watchdog}). Default {@code weft}.
   *
   * @param name letters, digits, {@code -}, {@code _} or {@code .}; 1 to 64 characters
   * @return this builder
   */
  public AsyncRuntimeBuilder name(String name) {
    this.name = name;
    return this;
  }

  /**
   * How many loops (threads) to run. Default: the number of available processors.
   *
   * @param loops 1 to 1024
   * @return this builder
   */
  public AsyncRuntimeBuilder loops(int loops) {
    this.loops = loops;
    return this;
  }

  /**
   * How often the watchdog pings each loop to measure its lag. Default 50 ms. Must not exceed the
   * blocked threshold, or a block could end between two looks and go unreported.
   *
   * @param interval 1 ms to 1 minute
   * @return this builder
   */
  public AsyncRuntimeBuilder watchdogInterval(Duration interval) {
    this.watchdogInterval = interval;
    return this;
  }

  /**
   * How late a ping may run before the loop counts as blocked, which logs a WARN with the loop
   * thread's stack, counts an incident and emits a JFR event. Default 100 ms.
   *
   * @param threshold 1 ms to 1 minute, and at least the watchdog interval
   * @return this builder
   */
  public AsyncRuntimeBuilder blockedThreshold(Duration threshold) {
    this.blockedThreshold = threshold;
    return this;
  }

  /**
   * How long {@link AsyncRuntime#close()} lets queued work run before it stops the threads.
   * Default 10 seconds.
   *
   * @param gracePeriod 0 to 1 hour
   * @return this builder
   */
  public AsyncRuntimeBuilder shutdownGracePeriod(Duration gracePeriod) {
    this.shutdownGracePeriod = gracePeriod;
    return this;
  }

  /**
   * Who receives failures nobody observed and exceptions thrown by callbacks. Default: an SLF4J
   * ERROR log (logger {@code dev.weft.unhandled}) with the stack trace.
   *
   * @param handler the handler, not {@code null}
   * @return this builder
   */
  public AsyncRuntimeBuilder unhandledFailureHandler(UnhandledFailureHandler handler) {
    this.unhandledFailureHandler = Objects.requireNonNull(handler, "unhandledFailureHandler");
    return this;
  }

  /**
   * The default blocking adapter, {@link AsyncRuntime#blocking()}. Default: a bounded pool named
   * {@code blocking} with 64 threads and 1 000 queued calls.
   *
   * @param spec the adapter's settings, e.g. {@code Adapters.boundedPool("blocking").maxThreads(16)}
   * @return this builder
   */
  public AsyncRuntimeBuilder blockingAdapter(AdapterSpec spec) {
    this.defaultAdapter = Objects.requireNonNull(spec,
        "blockingAdapter must not be null: pass Adapters.boundedPool(name) or Adapters.virtualThreads(name)");
    return this;
  }

  /**
   * Adds a named adapter, a bulkhead: calls to one legacy dependency get their own threads and
   * queue, so a slow dependency cannot starve the others. Reach it with
   * {@link AsyncRuntime#adapter(String)}.
   *
   * @param spec the adapter's settings, e.g. {@code Adapters.boundedPool("payments").maxThreads(8)}
   * @return this builder
   */
  public AsyncRuntimeBuilder bulkhead(AdapterSpec spec) {
    bulkheads.add(Objects.requireNonNull(spec,
        "bulkhead must not be null: pass Adapters.boundedPool(name) or Adapters.virtualThreads(name)"));
    return this;
  }

  /**
   * Reports blocking calls made on the loops as they happen (socket and file I/O,
   * {@code Thread.sleep}, contended {@code synchronized}, {@code Object.wait},
   * {@code LockSupport.park}), from JDK Flight Recorder events streamed in-process: once per call
   * site, as a WARN on the logger {@code dev.weft.blocking-calls} with the stack, with counts in
   * {@link dev.weft.metrics.BlockingCalls#of}. Default: off, unless the system property
   * {@code weft.detectBlockingCalls} is {@code true}. See {@link BlockingCallDetection}.
   *
   * @param detection the detector's settings, e.g. {@code BlockingCallDetection.enabled()}
   * @return this builder
   */
  public AsyncRuntimeBuilder detectBlockingCalls(BlockingCallDetection detection) {
    this.blockingCallDetection = Objects.requireNonNull(detection,
        "detectBlockingCalls must not be null: pass BlockingCallDetection.enabled()");
    return this;
  }

  /**
   * Checks the settings and starts a runtime.
   *
   * @return a started runtime; close it when done
   * @throws IllegalArgumentException naming the first setting out of range, its value and the
   *     allowed range
   */
  public AsyncRuntime build() {
    return new DefaultAsyncRuntime(settings());
  }

  /**
   * Builds a runtime, runs {@code main} on it as {@link AsyncRuntime#run} does, and shuts it down.
   *
   * @param main the asynchronous main; runs on a loop thread
   * @param <T> the result type
   * @return the result of {@code main}'s future
   * @throws Exception the failure of {@code main}'s future, unwrapped
   */
  public <T> T run(Function<? super AsyncRuntime, ? extends Future<T>> main) throws Exception {
    Objects.requireNonNull(main, "main");
    Future<T> result;
    try (AsyncRuntime runtime = build()) {
      result = runtime.nextLoop().submit(() -> main.apply(runtime));
      try {
        result.join();
      } catch (Throwable failure) {
        // the runtime closes before the failure reaches the caller
        throw Throwables.sneakyThrow(failure);
      }
    }
    return result.resultNow();
  }

  RuntimeSettings settings() {
    SettingChecks.checkName("name", name, 64);
    SettingChecks.checkRange("loops", loops, 1, MAX_LOOPS);
    checkRange("watchdogInterval", watchdogInterval, MIN_WATCHDOG, MAX_WATCHDOG);
    checkRange("blockedThreshold", blockedThreshold, MIN_WATCHDOG, MAX_WATCHDOG);
    if (watchdogInterval.compareTo(blockedThreshold) > 0) {
      throw new IllegalArgumentException("watchdogInterval must be <= blockedThreshold (was "
          + watchdogInterval.toMillis() + "ms > " + blockedThreshold.toMillis()
          + "ms): a longer interval could miss a blocked loop");
    }
    checkRange("shutdownGracePeriod", shutdownGracePeriod, Duration.ZERO, MAX_GRACE);
    Set<String> adapterNames = new HashSet<>();
    List<AdapterSpec> adapters = new ArrayList<>();
    adapters.add(defaultAdapter);
    adapters.addAll(bulkheads);
    for (AdapterSpec spec : adapters) {
      if (!adapterNames.add(spec.name())) {
        throw new IllegalArgumentException("bulkhead names must be unique, and differ from the default adapter's ('"
            + defaultAdapter.name() + "'): '" + spec.name() + "' is used twice");
      }
    }
    return new RuntimeSettings(name, loops, watchdogInterval, blockedThreshold, shutdownGracePeriod,
        unhandledFailureHandler, List.copyOf(adapters),
        blockingCallDetection != null ? blockingCallDetection : BlockingCallDetection.fromSystemProperties());
  }

  /** As {@link SettingChecks#checkRange(String, Duration, Duration, Duration)}, with durations as people read them. */
  private static void checkRange(String setting, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw SettingChecks.outOfRange(setting, Throwables.format(min), Throwables.format(max), Throwables.format(value));
    }
  }
}
