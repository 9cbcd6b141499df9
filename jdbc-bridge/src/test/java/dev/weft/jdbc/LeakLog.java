package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Collects HikariCP's connection-leak reports, so tests fail on any. */
final class LeakLog {
  private static ListAppender<ILoggingEvent> appender;

  private LeakLog() {}

  static synchronized void install() {
    if (appender == null) {
      Logger logger = (Logger) LoggerFactory.getLogger("com.zaxxer.hikari.pool.ProxyLeakTask");
      appender = new ListAppender<>();
      appender.start();
      logger.addAppender(appender);
    }
  }

  static synchronized void assertNoLeaks() {
    List<String> leaks;
    synchronized (appender.list) {
      leaks = appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
      appender.list.clear(); // report each once: Hikari reports 2 s late, so later tests must not fail for it too
    }
    assertThat(leaks).as("HikariCP leak-detection reports").noneMatch(message -> message.contains("leak"));
  }
}
