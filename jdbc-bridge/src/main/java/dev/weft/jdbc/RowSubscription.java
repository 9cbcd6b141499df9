package dev.weft.jdbc;

import dev.weft.Deadline;
import dev.weft.RejectedException;
import dev.weft.internal.loop.LoopImpl;
import io.netty.util.concurrent.ScheduledFuture;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

/*
 * Overview: one subscription to a streamed query. Everything the subscriber sees happens on the
 * home loop, so signals are serial by construction; request() and cancel() from other threads
 * hop there. The loop owns the demand, the buffer and the flags below; the cursor is used only by
 * the fetch (or close) task on a worker, and there is at most one such task at a time (`fetching`),
 * handed over through the loop (a completed fetch dispatches to the loop, which submits the next).
 *
 *   request(n) -> demand += n -> no rows buffered, none being fetched: fetch min(demand, fetchSize)
 *   first fetch: take a connection permit (waiting without a thread), open the cursor, read rows
 *   fetched rows -> buffer -> onNext while demand lasts -> fetch again while demand remains
 *   end of rows: the worker commits, closes and returns the permit, then the loop signals
 *   onComplete once the buffer is empty. Each fetch moves the cursor one row past what it read
 *   (without mapping it), so the end is known even when the demand matched the rows exactly.
 *
 * The buffer never holds more than one fetch, which never exceeds the demand at the time it
 * started, so memory stays bounded by fetchSize rows (plus the driver's own fetchSize rows).
 *
 * Stopping (cancel, request(n <= 0), deadline, onNext throwing): `terminated` ends all signals;
 * `cancelled` (volatile, read by the worker) makes a running fetch stop and close the cursor; the
 * guard sends Statement.cancel() to a statement still executing. If no fetch runs, the loop
 * submits the close itself; if the permit is still awaited, the request is withdrawn.
 */

/** One subscription of a {@link RowPublisher}. */
final class RowSubscription<T> implements Flow.Subscription {
  private final JdbcBridge bridge;
  private final LoopImpl home;
  private final Flow.Subscriber<? super T> subscriber;
  private final String sql;
  private final Object[] params;
  private final RowMapper<T> mapper;
  private final Deadline deadline; // null: none
  private final Lease lease;
  private final StatementGuard guard = new StatementGuard();
  private final Cursor cursor = new Cursor(); // workers only, one at a time

  // the home loop's
  private final ArrayDeque<T> buffer = new ArrayDeque<>();
  private long demand; // requested and not yet delivered; saturates at Long.MAX_VALUE
  private boolean emitting; // inside drain(): bounds recursion through request() in onNext (rule 3.3)
  private boolean fetching; // a permit request or a fetch is under way
  private boolean terminated; // no more signals: completed, failed or cancelled
  private boolean exhausted; // every row is in the buffer or delivered; the cursor is closed
  private boolean cursorClosed; // the cursor is closed (or was never opened)
  private ScheduledFuture<?> timer; // the deadline's, or null

  private volatile boolean cancelled; // stop fetching: read by workers
  private volatile int pendingFetch; // rows the next fetch reads; set before the permit is asked for

  RowSubscription(JdbcBridge bridge, LoopImpl home, Flow.Subscriber<? super T> subscriber, String sql, Object[] params,
      RowMapper<T> mapper, Deadline deadline) {
    this.bridge = bridge;
    this.home = home;
    this.subscriber = subscriber;
    this.sql = sql;
    this.params = params;
    this.mapper = mapper;
    this.deadline = deadline;
    this.lease = new Lease(bridge.gate, this::submitFetch,
        closed -> home.dispatch(() -> permitRefused(closed)));
  }

  void start() {
    home.dispatch(() -> {
      try {
        subscriber.onSubscribe(this);
      } catch (Throwable thrown) { // rule 2.13: the subscription is cancelled
        terminated = true;
        cancelled = true;
        guard.cancel(bridge);
        closeIfIdle(); // it may have requested before it threw
        report("onSubscribe", thrown);
        return;
      }
      if (!terminated && deadline != null) {
        timer = home.scheduleInternal(this::deadlinePassed, Math.max(0, deadline.remainingNanos()));
      }
    });
  }

  // ---- Flow.Subscription: any thread

  @Override
  public void request(long n) {
    if (home.inLoop()) {
      onRequest(n);
    } else {
      home.dispatch(() -> onRequest(n));
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    guard.cancel(bridge); // a statement still executing is cancelled on the server now
    if (home.inLoop()) {
      onCancel();
    } else {
      home.dispatch(this::onCancel);
    }
  }

  // ---- on the home loop

  private void onRequest(long n) {
    if (terminated) {
      return;
    }
    if (n <= 0) {
      fail(new IllegalArgumentException("request(" + n + ") on a jdbc '" + bridge.name + "' stream: Reactive Streams"
          + " rule 3.9 requires n > 0; the stream was cancelled"));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    drain();
  }

  private void onCancel() {
    if (terminated) {
      return;
    }
    terminated = true;
    cancelTimer();
    closeIfIdle();
  }

  private void deadlinePassed() {
    if (!terminated) {
      fail(new TimeoutException("jdbc '" + bridge.name + "': the stream did not complete by its deadline and was"
          + " cancelled: " + SqlContext.shorten(sql)));
    }
  }

  /** Ends the stream with {@code failure} and stops the work. */
  private void fail(Throwable failure) {
    terminated = true;
    cancelled = true;
    guard.cancel(bridge);
    cancelTimer();
    closeIfIdle();
    signalError(failure);
  }

  /** Closes the cursor unless a fetch runs (which then closes it); withdraws a waiting permit. */
  private void closeIfIdle() {
    if (fetching) {
      if (lease.abandonIfWaiting()) {
        fetching = false;
        cursorClosed = true;
      }
      return;
    }
    if (lease.isRequested() && !cursorClosed) {
      cursorClosed = true;
      bridge.runHoldingConnection(() -> {
        cursor.close(false);
        lease.release();
      });
    }
  }

  private void drain() {
    if (emitting) {
      return; // re-entered from onNext: the outer call sees the new demand
    }
    emitting = true;
    try {
      while (demand > 0 && !buffer.isEmpty() && !terminated && !cancelled) {
        T row = buffer.poll();
        demand--;
        try {
          subscriber.onNext(row);
        } catch (Throwable thrown) { // rule 2.13: cancel, and tell someone
          terminated = true;
          cancelled = true;
          guard.cancel(bridge);
          cancelTimer();
          closeIfIdle();
          report("onNext", thrown);
          return;
        }
      }
      if (terminated || cancelled) {
        return; // a cancel from another thread is on its way to onCancel
      }
      if (buffer.isEmpty() && exhausted) {
        terminated = true;
        cancelTimer();
        signalComplete();
      } else if (demand > 0 && buffer.isEmpty() && !fetching) {
        startFetch();
      }
    } finally {
      emitting = false;
    }
  }

  private void startFetch() {
    fetching = true;
    pendingFetch = (int) Math.min(demand, bridge.fetchSize);
    if (lease.isRequested()) {
      submitFetch();
      return;
    }
    lease.acquire(); // the first fetch: submitFetch runs once a permit is ours, permitRefused if refused
  }

  private void permitRefused(RejectedException closed) {
    fetching = false;
    cursorClosed = true;
    if (!terminated) {
      fail(closed);
    }
  }

  /** Any thread: the permit is ours, or the cursor is open; run the next fetch on a worker. */
  private void submitFetch() {
    int rows = pendingFetch;
    bridge.runHoldingConnection(() -> fetch(rows));
  }

  /** On a worker: reads up to {@code limit} rows; closes the cursor at the end or on failure. */
  private void fetch(int limit) {
    List<T> rows = new ArrayList<>(Math.min(limit, 1024));
    boolean end = false;
    Throwable failure = null;
    try {
      if (!cancelled) {
        if (!cursor.isOpen()) {
          cursor.open(bridge, sql, params, JdbcBridge.queryTimeoutSeconds(deadline), guard);
        }
        ResultSet results = cursor.rows();
        guard.enter(cursor.statement());
        try {
          while (rows.size() < limit && !cancelled) {
            if (!cursor.takePendingRow() && !results.next()) {
              end = true;
              break;
            }
            T value = mapper.map(results);
            if (value == null) {
              throw new NullPointerException("the RowMapper of a stream returned null; Reactive Streams forbids null"
                  + " elements (rule 2.13)");
            }
            rows.add(value);
          }
          if (!end && !cancelled) {
            // Look one row ahead (without mapping it): at the end of the rows the stream completes
            // even when the subscriber asked for exactly as many rows as there were.
            if (results.next()) {
              cursor.setPendingRow();
            } else {
              end = true;
            }
          }
        } finally {
          guard.exit();
        }
      }
    } catch (Throwable thrown) {
      failure = thrown;
      if (!StatementWork.isCancellation(thrown)) {
        SqlContext.attach(thrown, bridge.name, sql);
        bridge.gate.metrics.failed.increment();
      }
    }
    boolean closed = false;
    if (end || failure != null || cancelled) {
      boolean commit = end && failure == null && !cancelled;
      Throwable closeFailure = cursor.close(commit);
      if (closeFailure != null) {
        if (failure != null) {
          failure.addSuppressed(closeFailure);
        } else if (commit) {
          SqlContext.attach(closeFailure, bridge.name, sql);
          failure = closeFailure;
        }
      }
      lease.release();
      closed = true;
    }
    boolean cursorDone = closed;
    Throwable fetchFailure = failure;
    home.dispatch(() -> fetched(rows, cursorDone, fetchFailure));
  }

  private void fetched(List<T> rows, boolean closed, Throwable failure) {
    fetching = false;
    if (closed) {
      cursorClosed = true;
    }
    if (terminated || cancelled) {
      // stopped while the fetch ran (a cancel from another thread may not have reached the loop
      // yet): no more signals; close the cursor if the fetch did not
      terminated = true;
      cancelTimer();
      closeIfIdle();
      return;
    }
    if (failure != null) {
      terminated = true;
      cancelTimer();
      signalError(failure);
      return;
    }
    buffer.addAll(rows);
    exhausted = closed;
    drain();
  }

  private void signalError(Throwable failure) {
    try {
      subscriber.onError(failure);
    } catch (Throwable thrown) {
      report("onError", thrown);
    }
  }

  private void signalComplete() {
    try {
      subscriber.onComplete();
    } catch (Throwable thrown) {
      report("onComplete", thrown);
    }
  }

  private void report(String signal, Throwable thrown) {
    bridge.runtime.reportUnhandled(signal + " of a subscriber to a jdbc '" + bridge.name + "' stream threw; the"
        + " stream was cancelled", thrown);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
