package dev.weft.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what one logback logger (and its children) logs, at DEBUG and above, while open;
 * restores the logger's level on close. Use in try-with-resources.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /**
   * Starts capturing.
   *
   * @param loggerName the logger, e.g. {@code dev.weft.http.server}
   */
  public LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previousLevel = logger.getLevel();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  /**
   * Every event so far.
   *
   * @return a copy, oldest first
   */
  public List<ILoggingEvent> events() {
    synchronized (appender) { // logback appends under the appender's own lock, from any thread
      return new ArrayList<>(appender.list);
    }
  }

  /**
   * The events so far at {@code level}.
   *
   * @param level the level
   * @return the events, oldest first
   */
  public List<ILoggingEvent> at(Level level) {
    return events().stream().filter(event -> event.getLevel() == level).toList();
  }

  /**
   * The formatted messages of the WARN events so far.
   *
   * @return the messages, oldest first
   */
  public List<String> warnings() {
    return at(Level.WARN).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /**
   * The formatted WARN messages so far that contain {@code text}.
   *
   * @param text the text to look for
   * @return the messages, oldest first
   */
  public List<String> warningsContaining(String text) {
    return warnings().stream().filter(message -> message.contains(text)).toList();
  }

  /**
   * The formatted messages of every event so far, which are then forgotten: each is seen once.
   *
   * @return the messages, oldest first
   */
  public List<String> drainMessages() {
    synchronized (appender) {
      List<String> messages = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      appender.list.clear();
      return messages;
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
    appender.stop();
  }
}
