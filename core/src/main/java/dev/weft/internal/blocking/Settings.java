package dev.weft.internal.blocking;

import java.time.Duration;

/** The mutable settings behind the public adapter builders; {@link #check} validates them. */
public final class Settings {
  private static final Duration MAX_DURATION = Duration.ofHours(1);

  public final String name;
  public final String kind;
  public int maxConcurrency = 64;
  public int maxQueue = 1_000;
  public Duration keepAlive = Duration.ofSeconds(60);
  public Duration spinBeforePark = Duration.ofNanos(50_000);
  public boolean interruptOnCancel = true;
  public Duration slowCallThreshold = Duration.ofSeconds(10);

  public Settings(String name, String kind) {
    this.name = name;
    this.kind = kind;
  }

  /**
   * Validates every setting.
   *
   * @param concurrencyLimit the largest {@code maxConcurrency} this kind allows
   * @return the checked settings
   * @throws IllegalArgumentException naming the first bad setting, its value and the range
   */
  public AdapterSettings check(int concurrencyLimit) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("adapter name must be 1 to 64 letters, digits, '-', '_' or '.' (was "
          + (name == null ? "null" : "'" + name + "'") + ")");
    }
    String concurrencySetting = kind.equals("bounded-pool") ? "maxThreads" : "maxConcurrency";
    if (maxConcurrency < 1 || maxConcurrency > concurrencyLimit) {
      throw new IllegalArgumentException(prefix() + concurrencySetting + " must be between 1 and " + concurrencyLimit
          + " (was " + maxConcurrency + ")");
    }
    if (maxQueue < 0 || maxQueue > 1_000_000) {
      throw new IllegalArgumentException(prefix() + "maxQueue must be between 0 and 1000000 (was " + maxQueue + ")");
    }
    checkRange("keepAlive", keepAlive, Duration.ofMillis(1), MAX_DURATION);
    checkRange("spinBeforePark", spinBeforePark, Duration.ZERO, Duration.ofMillis(10));
    checkRange("slowCallThreshold", slowCallThreshold, Duration.ofMillis(1), MAX_DURATION);
    return new AdapterSettings(name, kind, maxConcurrency, maxQueue, keepAlive.toNanos(), spinBeforePark.toNanos(),
        interruptOnCancel, slowCallThreshold.toNanos());
  }

  private String prefix() {
    return kind + " '" + name + "': ";
  }

  private void checkRange(String setting, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(prefix() + setting + " must be between " + min + " and " + max + " (was "
          + value + ")");
    }
  }
}
