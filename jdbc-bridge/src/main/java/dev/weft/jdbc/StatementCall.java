package dev.weft.jdbc;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.RejectedException;
import dev.weft.internal.limit.Outcome;
import dev.weft.future.Future;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.context.ContextStorage;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.LoopImpl;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/*
 * Overview: one statement outside a transaction, from the caller's call to its result.
 *
 *   caller: lease.acquire() --permit--> submit to the adapter --worker--> call():
 *           getConnection, run the work, close the connection, release the permit, complete.
 *
 * `run` decides who owns the permit once it is granted: the worker (NOT_STARTED -> RUNNING) or an
 * abort (NOT_STARTED -> ABANDONED, which releases it at once; the queued adapter call then does
 * nothing). An abort (cancel hook, or the deadline's timer) of a call still waiting for a permit
 * just withdraws it; of a running call, cancels its statement through the guard.
 *
 * The worker completes the caller's promise itself (from its thread; the promise hands callbacks to
 * the home loop), so the adapter's own future always succeeds and nobody needs to observe it.
 */

/** One statement on a connection of its own: the plain {@link AsyncJdbc} calls. */
final class StatementCall<T> implements Callable<Void> {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);
  private static final int NOT_STARTED = 0;
  private static final int RUNNING = 1;
  private static final int ABANDONED = 2;
  private static final VarHandle RUN;

  static {
    try {
      RUN = MethodHandles.lookup().findVarHandle(StatementCall.class, "run", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final JdbcBridge bridge;
  private final String sql;
  private final StatementWork<T> work;
  private final DefaultPromise<T> promise;
  private final Deadline deadline; // null: none
  private final LoopImpl home;
  private final Lease lease;
  private final StatementGuard guard = new StatementGuard();
  // The caller's context and thread-locals (MDC, tracing), for the worker: the adapter call is
  // made by whichever thread grants the permit, often another call's worker.
  private final Context caller = ContextStorage.capture();
  private volatile int run = NOT_STARTED; // see Overview
  private volatile Future<?> adapterCall; // to drop it from the adapter's queue on abort
  private volatile ScheduledFuture<?> timer; // the deadline's, or null

  StatementCall(JdbcBridge bridge, String sql, StatementWork<T> work, DefaultPromise<T> promise, Deadline deadline,
      LoopImpl home) {
    this.bridge = bridge;
    this.sql = sql;
    this.work = work;
    this.promise = promise;
    this.deadline = deadline;
    this.home = home;
    this.lease = new Lease(bridge.gate, this::submit, promise::fail);
  }

  /** Asks for a permit; if the bridge is saturated or closed, the promise fails with RejectedException. */
  void start() {
    promise.onCancel(this::abort);
    lease.acquire();
    if (deadline != null) {
      timer = home.scheduleInternal(this::deadlinePassed, Math.max(0, deadline.remainingNanos()));
      if (promise.isDone()) {
        cancelTimer();
      }
    }
  }

  /** The permit is ours: hand the call to the adapter. Any thread. */
  private void submit() {
    if (run != NOT_STARTED) {
      return; // aborted between the grant and now; the abort released the permit
    }
    try {
      adapterCall = bridge.runHoldingConnection(this::call);
    } catch (RejectedException closed) {
      if (RUN.compareAndSet(this, NOT_STARTED, ABANDONED)) {
        lease.release();
        promise.fail(closed);
      }
    }
  }

  /** On a worker. Never throws: the outcome goes to the promise. */
  @Override
  public Void call() {
    if (!RUN.compareAndSet(this, NOT_STARTED, RUNNING)) {
      return null;
    }
    T result = null;
    Throwable failure = null;
    Context previous = ContextStorage.attach(caller);
    long startedAt = System.nanoTime();
    try {
      result = runOnConnection();
    } catch (Throwable thrown) {
      failure = thrown;
      if (!StatementWork.isCancellation(thrown)) {
        SqlContext.attach(thrown, bridge.name, sql);
      }
    } finally {
      bridge.gate.metrics.statementEnded(System.nanoTime() - startedAt, failure);
      ContextStorage.restore(previous);
      bridge.release(lease, outcome(failure)); // the connection is closed by now
      cancelTimer();
    }
    if (failure == null) {
      promise.complete(result);
    } else {
      promise.fail(failure);
    }
    return null;
  }

  /** How the statement ended, for the adaptive limit: its deadline, if passed, has failed the promise already. */
  private Outcome outcome(Throwable failure) {
    if (failure == null) {
      return Outcome.SUCCESS;
    }
    if (promise.isDone()) {
      return promise.isCancelled() ? Outcome.IGNORED : Outcome.TIMEOUT;
    }
    return StatementWork.isCancellation(failure) ? Outcome.IGNORED : Outcome.FAILURE;
  }

  private T runOnConnection() throws Exception {
    Connection connection = bridge.dataSource.getConnection();
    try {
      guard.checkNotCancelled();
      T result = work.run(connection, guard, JdbcBridge.queryTimeoutSeconds(deadline));
      closeAfterSuccess(connection);
      return result;
    } catch (Exception | Error failure) {
      StatementWork.closeAfter(connection, failure);
      throw failure;
    }
  }

  private void closeAfterSuccess(Connection connection) {
    try {
      connection.close();
    } catch (Exception closeFailure) {
      // the statement's work is done (and committed): report the pool's trouble, keep the result
      LOG.warn("jdbc '{}': closing a connection after a successful statement failed", bridge.name, closeFailure);
    }
  }

  private void deadlinePassed() {
    if (promise.fail(new TimeoutException("jdbc '" + bridge.name + "': the statement did not complete by its deadline"
        + " and was cancelled: " + SqlContext.shorten(sql)))) {
      bridge.gate.metrics.timedOut.increment();
      abort();
    }
  }

  /** Cancel hook and deadline: stops the call wherever it is. Any thread, non-blocking. */
  private void abort() {
    cancelTimer();
    if (lease.abandonIfWaiting()) {
      return;
    }
    if (RUN.compareAndSet(this, NOT_STARTED, ABANDONED)) {
      lease.release();
      Future<?> queued = adapterCall;
      if (queued != null) {
        queued.cancel();
      }
      return;
    }
    guard.cancel(bridge);
  }

  private void cancelTimer() {
    ScheduledFuture<?> pending = timer;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
