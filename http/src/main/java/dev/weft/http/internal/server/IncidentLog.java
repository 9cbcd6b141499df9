package dev.weft.http.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * WARN for an incident that may repeat on every request (overload, timeouts): at most once per
 * interval, with the number of repeats it stayed silent about; every occurrence at DEBUG.
 */
final class IncidentLog {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger log;
  private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - INTERVAL_NANOS); // nanoTime of the last WARN
  private final AtomicLong silenced = new AtomicLong(); // occurrences since the last WARN

  IncidentLog(Logger log) {
    this.log = log;
  }

  /** Logs one occurrence; {@code message} is an SLF4J pattern whose last argument slot takes the repeat count. */
  void occurred(String message, Object detail) {
    long now = System.nanoTime();
    long last = lastWarned.get();
    if (now - last >= INTERVAL_NANOS && lastWarned.compareAndSet(last, now)) {
      log.warn(message + " (repeated {} times since the last warning; this warning is logged at most every 10 s)",
          detail, silenced.getAndSet(0));
    } else {
      silenced.incrementAndGet();
      if (log.isDebugEnabled()) {
        log.debug(message, detail);
      }
    }
  }
}
