package dev.weft.internal;

/** Rethrowing failures unwrapped: Weft's "no wrapping" rule for blocking waits. */
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
      return (nanos / 1_000L) + "µs";
    } else if (nanos < 10_000_000_000L) {
      return (nanos / 1_000_000L) + "ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
