package dev.weft.internal.blocking;

import static dev.weft.internal.SettingChecks.checkName;
import static dev.weft.internal.SettingChecks.checkRange;

import dev.weft.internal.SettingChecks;
import java.time.Duration;

/**
 * An adapter's checked settings; durations in nanoseconds. Made by {@link Builder#build()}, which
 * the public adapter builders fill.
 *
 * @param name the adapter's name
 * @param kind its kind
 * @param maxConcurrency calls running at once
 * @param maxQueue calls waiting
 * @param keepAliveNanos idle thread lifetime (pool)
 * @param spinNanos idle polling before parking (pool)
 * @param interruptOnCancel whether cancel interrupts a running call
 * @param slowCallNanos run time past which a call is reported
 * @param prestartThreads threads started with the pool (pool)
 * @param availableProcessors the CPUs the pool's spin policy counts on (pool)
 */
public record AdapterSettings(
    String name,
    AdapterKind kind,
    int maxConcurrency,
    int maxQueue,
    long keepAliveNanos,
    long spinNanos,
    boolean interruptOnCancel,
    long slowCallNanos,
    int prestartThreads,
    int availableProcessors) {

  /** The most calls any adapter lets wait. */
  public static final int MAX_QUEUE = 1_000_000;

  /**
   * A builder with the defaults of {@code kind}.
   *
   * @param name the adapter's name, checked by {@link Builder#build()}
   * @param kind the kind
   * @return a builder
   */
  public static Builder builder(String name, AdapterKind kind) {
    return new Builder(name, kind);
  }

  /** The values a user set; {@link #build()} checks every one. Not thread-safe, as builders are not. */
  public static final class Builder {
    private final String name;
    private final AdapterKind kind;
    private int maxConcurrency;
    private int maxQueue = 1_000;
    private Duration keepAlive = Duration.ofSeconds(60);
    private Duration spinBeforePark = Duration.ofNanos(50_000);
    private boolean interruptOnCancel = true;
    private Duration slowCallThreshold = Duration.ofSeconds(10);
    private int prestartThreads;
    private int availableProcessors; // 0: Runtime.availableProcessors() at build()

    private Builder(String name, AdapterKind kind) {
      this.name = name;
      this.kind = kind;
      this.maxConcurrency = kind == AdapterKind.VIRTUAL_THREADS ? 256 : 64;
    }

    /**
     * The adapter's name as given, unchecked.
     *
     * @return the name
     */
    public String name() {
      return name;
    }

    public Builder maxConcurrency(int value) {
      maxConcurrency = value;
      return this;
    }

    public Builder maxQueue(int value) {
      maxQueue = value;
      return this;
    }

    public Builder keepAlive(Duration value) {
      keepAlive = value;
      return this;
    }

    public Builder spinBeforePark(Duration value) {
      spinBeforePark = value;
      return this;
    }

    public Builder interruptOnCancel(boolean value) {
      interruptOnCancel = value;
      return this;
    }

    public Builder slowCallThreshold(Duration value) {
      slowCallThreshold = value;
      return this;
    }

    public Builder prestartThreads(int value) {
      prestartThreads = value;
      return this;
    }

    /**
     * The CPUs the pool's spin policy counts on, instead of {@link Runtime#availableProcessors()}:
     * for tests of the policy, so that one CPU can be given on any machine.
     *
     * @param value 1 or more
     * @return this builder
     */
    public Builder availableProcessors(int value) {
      availableProcessors = value;
      return this;
    }

    /**
     * Validates every setting.
     *
     * @return the checked settings
     * @throws IllegalArgumentException naming the first bad setting, its value and the range
     */
    public AdapterSettings build() {
      checkName("adapter name", name, 64);
      String owner = kind.id() + " '" + name + "': ";
      checkRange(owner + kind.concurrencySetting(), maxConcurrency, 1, kind.maxConcurrencyLimit());
      checkRange(owner + "maxQueue", maxQueue, 0, MAX_QUEUE);
      checkRange(owner + "keepAlive", keepAlive, Duration.ofMillis(1), SettingChecks.MAX_DURATION);
      checkRange(owner + "spinBeforePark", spinBeforePark, Duration.ZERO, Duration.ofMillis(10));
      checkRange(owner + "slowCallThreshold", slowCallThreshold, Duration.ofMillis(1), SettingChecks.MAX_DURATION);
      checkRange(owner + "prestartThreads", prestartThreads, 0, maxConcurrency,
          " (" + kind.concurrencySetting() + ")");
      int processors = availableProcessors == 0 ? Runtime.getRuntime().availableProcessors() : availableProcessors;
      checkRange(owner + "availableProcessors", processors, 1, 1 << 16);
      return new AdapterSettings(name, kind, maxConcurrency, maxQueue, keepAlive.toNanos(), spinBeforePark.toNanos(),
          interruptOnCancel, slowCallThreshold.toNanos(), prestartThreads, processors);
    }
  }
}
