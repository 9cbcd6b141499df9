package dev.weft.http.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what the server logs (logger {@code dev.weft.http.server}) while a test runs. */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.weft.http.server");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Level previousLevel = logger.getLevel();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  List<ILoggingEvent> at(Level level) {
    return events().stream().filter(event -> event.getLevel() == level).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
  }
}
