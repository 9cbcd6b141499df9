package dev.weft;

import dev.weft.internal.Throwables;
import java.time.Duration;
import java.util.Objects;

/**
 * A point in time by which work must be done, on the monotonic clock ({@link System#nanoTime()}),
 * so it is immune to wall-clock changes. Immutable and thread-safe.
 */
public final class Deadline implements Comparable<Deadline> {
  private final long nanoTime; // System.nanoTime() at the deadline

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * The deadline {@code timeout} from now.
   *
   * @param timeout the time left, {@code >= 0}; very long timeouts are capped at about 146 years
   * @return the deadline
   */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0 (was " + timeout + ")");
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE / 2;
    }
    return new Deadline(System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2));
  }

  /**
   * The time left, zero once expired.
   *
   * @return the remaining time, never negative
   */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  /**
   * The time left in nanoseconds; negative once expired.
   *
   * @return nanoseconds until the deadline
   */
  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  /**
   * Whether the deadline has passed.
   *
   * @return true once expired
   */
  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /**
   * The earlier of this deadline and {@code other}.
   *
   * @param other another deadline, or {@code null} (meaning none)
   * @return the earlier one
   */
  public Deadline earlierOf(Deadline other) {
    return other == null || compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.compare(nanoTime - other.nanoTime, 0);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Deadline && ((Deadline) other).nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    long remaining = remainingNanos();
    return remaining > 0 ? "Deadline[in " + Throwables.formatNanos(remaining) + "]"
        : "Deadline[expired " + Throwables.formatNanos(-remaining) + " ago]";
  }
}
