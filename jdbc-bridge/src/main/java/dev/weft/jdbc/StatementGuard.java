package dev.weft.jdbc;

import dev.weft.internal.WeftLoggers;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/*
 * Overview: connects a cancel request (any thread, must not block) with the statement a worker is
 * executing (Statement.cancel() is blocking I/O for most drivers: PostgreSQL opens a connection
 * to send it, so it runs on the bridge's canceller thread).
 *
 * No lost cancel: the worker writes `running` then reads `cancelled`; a canceller writes
 * `cancelled` then reads `running`; both volatile, so at least one sees the other: either the
 * worker does not start the statement, or the canceller cancels it.
 *
 * No stray cancel: a cancel must not hit the connection's next statement after the connection
 * went back to the pool. The canceller calls Statement.cancel() while holding the monitor and only
 * if that statement is still `running`; the worker clears `running` under the same monitor before
 * it closes anything, so it waits for a cancel in flight to finish.
 *
 * Lost-in-flight cancel: a cancel sent just before the driver really started executing may be
 * ignored (PostgreSQL's driver drops it). So the canceller waits, on the monitor, for the worker
 * to stop the statement, and cancels again if it has not within RETRY_MILLIS, a few times.
 */

/** The statement a worker is running for one call, and the way to cancel it. */
final class StatementGuard {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);
  private static final int ATTEMPTS = 5;
  private static final long RETRY_MILLIS = 200;

  private volatile Statement running; // the statement being executed or read; null between
  private volatile boolean cancelled; // set once; never cleared

  /**
   * Marks {@code statement} as running; call before executing it, and {@link #exit()} after.
   *
   * @throws CancellationException if the call was cancelled already: do not execute
   */
  void enter(Statement statement) {
    running = statement;
    if (cancelled) {
      exit();
      throw cancellation();
    }
  }

  /** The statement stopped running; waits for a cancel in flight on it to finish. */
  void exit() {
    synchronized (this) {
      running = null;
      notifyAll();
    }
  }

  /** @throws CancellationException if the call was cancelled */
  void checkNotCancelled() {
    if (cancelled) {
      throw cancellation();
    }
  }

  boolean isCancelled() {
    return cancelled;
  }

  /** Any thread, non-blocking: stops the call; a running statement is cancelled on the server. */
  void cancel(JdbcBridge bridge) {
    cancelled = true;
    if (running != null) {
      bridge.cancelLater(this);
    }
  }

  /** On the bridge's canceller thread: cancels the running statement until it stops. */
  void cancelRunning() {
    synchronized (this) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        Statement statement = running;
        if (statement == null) {
          return;
        }
        try {
          statement.cancel();
        } catch (SQLException | RuntimeException failure) {
          LOG.debug("Statement.cancel() failed; the statement runs until it ends or times out", failure);
          return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
        for (long left; running == statement && (left = deadline - System.nanoTime()) > 0; ) {
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private static CancellationException cancellation() {
    return new CancellationException("the call was cancelled before its statement ran");
  }
}
