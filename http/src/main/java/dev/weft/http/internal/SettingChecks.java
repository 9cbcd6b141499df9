package dev.weft.http.internal;

import java.time.Duration;

/** Range checks for builder settings whose messages name the setting, the value and the range. */
public final class SettingChecks {
  /** The longest duration any setting accepts. */
  public static final Duration MAX_DURATION = Duration.ofHours(1);

  private SettingChecks() {}

  public static void checkRange(String name, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + unit + " (was " + value + ")");
    }
  }

  public static void checkDuration(String name, Duration value, Duration min) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + MAX_DURATION + " (was " + value + ")");
    }
  }
}
