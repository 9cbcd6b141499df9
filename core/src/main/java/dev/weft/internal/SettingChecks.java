package dev.weft.internal;

import java.time.Duration;

/**
 * Range checks for settings, shared by every builder of every Weft module, so that each message
 * has one shape: the setting, the allowed range and the value given, as in
 * {@code maxQueue must be between 0 and 1000000 (was -1)}.
 *
 * <p>A {@code setting} may carry a prefix naming its owner ({@code bounded-pool 'db': maxThreads}).
 */
@ForWeftModules
public final class SettingChecks {
  /** The longest duration any setting accepts unless it says otherwise. */
  public static final Duration MAX_DURATION = Duration.ofHours(1);

  private SettingChecks() {}

  /**
   * Checks {@code min <= value <= max}.
   *
   * @param setting the setting's name, as the user wrote it
   * @param value the value given
   * @param min the smallest allowed
   * @param max the largest allowed
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting, the range and the value
   */
  public static int checkRange(String setting, int value, int min, int max) {
    return checkRange(setting, value, min, max, "");
  }

  /**
   * Checks {@code min <= value <= max}, with a unit after the range ({@code " bytes"}).
   *
   * @param setting the setting's name
   * @param value the value given
   * @param min the smallest allowed
   * @param max the largest allowed
   * @param unit appended to the range in the message, with its leading space; or empty
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting, the range and the value
   */
  public static int checkRange(String setting, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw outOfRange(setting, min, max + unit, value);
    }
    return value;
  }

  /**
   * Checks {@code min <= value <= max} for a duration; null is out of range. Durations print as
   * {@link Duration#toString()} does ({@code PT0.001S}), the form configuration files use.
   *
   * @param setting the setting's name
   * @param value the value given, or null
   * @param min the shortest allowed
   * @param max the longest allowed
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting, the range and the value
   */
  public static Duration checkRange(String setting, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw outOfRange(setting, min, max, value);
    }
    return value;
  }

  /**
   * Checks {@code min <= value <= }{@link #MAX_DURATION}.
   *
   * @param setting the setting's name
   * @param value the value given, or null
   * @param min the shortest allowed
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting, the range and the value
   */
  public static Duration checkDuration(String setting, Duration value, Duration min) {
    return checkRange(setting, value, min, MAX_DURATION);
  }

  /**
   * Checks that {@code value} is a name of 1 to {@code maxLength} letters, digits, '-', '_' or
   * '.': it appears in thread names, metric tags and log lines.
   *
   * @param setting what the name names ({@code "name"}, {@code "adapter name"})
   * @param value the name given, or null
   * @param maxLength the longest allowed
   * @return {@code value}
   * @throws IllegalArgumentException naming the rule and the value
   */
  public static String checkName(String setting, String value, int maxLength) {
    if (value == null || value.isEmpty() || value.length() > maxLength || !value.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(setting + " must be 1 to " + maxLength
          + " letters, digits, '-', '_' or '.' (was " + (value == null ? "null" : "'" + value + "'") + ")");
    }
    return value;
  }

  /**
   * The one shape of an out-of-range message, for checks that print their values their own way.
   *
   * @param setting the setting's name
   * @param min the smallest allowed, as it should print
   * @param max the largest allowed, as it should print (with its unit, if any)
   * @param was the value given, as it should print
   * @return the exception to throw
   */
  public static IllegalArgumentException outOfRange(String setting, Object min, Object max, Object was) {
    return new IllegalArgumentException(setting + " must be between " + min + " and " + max + " (was " + was + ")");
  }
}
