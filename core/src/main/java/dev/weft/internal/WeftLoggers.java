package dev.weft.internal;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Where Weft's loggers come from. With an SLF4J provider on the class path (logback, log4j2's
 * bridge, slf4j-jdk14, ...) they are SLF4J's. Without one, SLF4J would drop everything — blocked
 * loops, saturated pools, unhandled failures included — so Weft's loggers go to
 * {@code java.util.logging} instead, which prints WARN and above on stderr by default, under the
 * same names ({@code dev.weft.watchdog}, {@code dev.weft.unhandled}, ...).
 */
@ForWeftModules
public final class WeftLoggers {
  private WeftLoggers() {}

  /**
   * The logger named {@code name}.
   *
   * @param name a logger name, {@code dev.weft.*}
   * @return SLF4J's logger, or one that writes to {@code java.util.logging} when SLF4J has no provider
   */
  public static Logger get(String name) {
    return choose(LoggerFactory.getILoggerFactory(), name);
  }

  /**
   * The logger named after {@code type}.
   *
   * @param type the class that logs
   * @return as {@link #get(String)}
   */
  public static Logger get(Class<?> type) {
    return get(type.getName());
  }

  static Logger choose(ILoggerFactory factory, String name) {
    return factory instanceof NOPLoggerFactory ? new JulLogger(name) : factory.getLogger(name);
  }

  /** An SLF4J logger that writes to the {@code java.util.logging} logger of the same name. */
  static final class JulLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient java.util.logging.Logger target;

    JulLogger(String name) {
      this.name = name;
      this.target = java.util.logging.Logger.getLogger(name);
    }

    @Override
    public boolean isTraceEnabled() {
      return target.isLoggable(Level.FINEST);
    }

    @Override
    public boolean isDebugEnabled() {
      return target.isLoggable(Level.FINE);
    }

    @Override
    public boolean isInfoEnabled() {
      return target.isLoggable(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return target.isLoggable(Level.WARNING);
    }

    @Override
    public boolean isErrorEnabled() {
      return target.isLoggable(Level.SEVERE);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String messagePattern,
        Object[] arguments, Throwable throwable) {
      Level julLevel = julLevel(level);
      if (!target.isLoggable(julLevel)) {
        return;
      }
      LogRecord record = new LogRecord(julLevel, MessageFormatter.basicArrayFormat(messagePattern, arguments));
      record.setLoggerName(name);
      record.setSourceClassName(name); // what java.util.logging's formatter prints as the source
      record.setSourceMethodName(null);
      record.setThrown(throwable);
      target.log(record);
    }

    static Level julLevel(org.slf4j.event.Level level) {
      switch (level) {
        case ERROR:
          return Level.SEVERE;
        case WARN:
          return Level.WARNING;
        case INFO:
          return Level.INFO;
        case DEBUG:
          return Level.FINE;
        default:
          return Level.FINEST;
      }
    }
  }
}
