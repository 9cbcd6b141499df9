package dev.weft.blocking;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what the adapters log (logger {@code dev.weft.blocking.BlockingAdapter}) while open. */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.weft.blocking.BlockingAdapter");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  /** The WARN messages so far, formatted. */
  List<String> warnings() {
    List<ILoggingEvent> events;
    synchronized (appender) { // the appender appends under its own lock, from any thread
      events = new ArrayList<>(appender.list);
    }
    return events.stream().filter(event -> event.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.toList());
  }

  /** The WARN messages so far that contain {@code text}. */
  List<String> warningsContaining(String text) {
    return warnings().stream().filter(message -> message.contains(text)).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
