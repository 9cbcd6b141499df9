package dev.weft.http.internal.client;

import java.util.concurrent.TimeUnit;

/** Durations in messages: whole milliseconds, readable. */
final class Durations {
  private Durations() {}

  static String text(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
  }

  static String since(long startNanos) {
    return text(System.nanoTime() - startNanos);
  }
}
