package dev.weft.internal;

/** Rethrowing failures unwrapped: Weft's "no wrapping" rule for blocking waits. */
@ForWeftModules
public final class Throwables {
  private Throwables() {}

  /**
   * Throws {@code failure} as it is, checked or not, without declaring it. The return type lets
   * callers write {@code throw sneakyThrow(e)} so the compiler sees the branch end.
   *
   * @param failure the exception to throw
   * @return never returns
   */
  public static RuntimeException sneakyThrow(Throwable failure) {
    throw Throwables.<RuntimeException>sneakyThrow0(failure);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow0(Throwable failure) throws E {
    throw (E) failure;
  }

  /**
   * Formats a duration the way people read it in messages: {@code 250ms}, {@code 1.5s}, {@code 80µs}.
   *
   * @param nanos the duration in nanoseconds
   * @return a short readable form
   */
  public static String formatNanos(long nanos) {
    if (nanos < 1_000L) {
      return nanos + "ns";
    } else if (nanos < 1_000_000L) {
      return ceilDiv(nanos, 1_000L) + "µs";
    } else if (nanos < 10_000_000_000L) {
      return ceilDiv(nanos, 1_000_000L) + "ms"; // up: "blocked for 101ms", not "100ms (threshold 100ms)"
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
  }

  /**
   * Formats a duration as {@link #formatNanos} does.
   *
   * @param duration the duration, or null
   * @return a short readable form, or "null"
   */
  public static String format(java.time.Duration duration) {
    if (duration == null) {
      return "null";
    }
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.toString();
    }
    if (nanos % 1_000_000L != 0) {
      return formatNanos(nanos);
    }
    long millis = nanos / 1_000_000L;
    return millis >= 1_000L && millis % 1_000L == 0 ? (millis / 1_000L) + "s" : millis + "ms"; // exact, unlike formatNanos
  }

  private static long ceilDiv(long value, long divisor) {
    return (value + divisor - 1) / divisor;
  }
}
