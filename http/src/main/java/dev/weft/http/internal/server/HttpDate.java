package dev.weft.http.internal.server;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/** The {@code Date} header's value, formatted once per second and shared by all loops. */
final class HttpDate {
  private static volatile Formatted cached = new Formatted(-1, ""); // immutable snapshot: safe to share

  private HttpDate() {}

  static String now() {
    long millis = System.currentTimeMillis();
    long second = millis / 1000;
    Formatted current = cached;
    if (current.second != second) {
      current = new Formatted(second, DateFormatter.format(new Date(second * 1000)));
      cached = current;
    }
    return current.text;
  }

  private static final class Formatted {
    final long second;
    final String text;

    Formatted(long second, String text) {
      this.second = second;
      this.text = text;
    }
  }
}
