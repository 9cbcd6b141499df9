package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.testing.LogCapture;

/** Collects HikariCP's connection-leak reports for the whole run, so tests fail on any. */
final class LeakLog {
  private static LogCapture capture; // open for the rest of the JVM's life once installed

  private LeakLog() {}

  static synchronized void install() {
    if (capture == null) {
      capture = new LogCapture("com.zaxxer.hikari.pool.ProxyLeakTask");
    }
  }

  static synchronized void assertNoLeaks() {
    // each report once: Hikari reports 2 s late, so later tests must not fail for it too
    assertThat(capture.drainMessages()).as("HikariCP leak-detection reports").noneMatch(message -> message.contains("leak"));
  }
}
