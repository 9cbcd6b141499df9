package dev.weft.jdbc;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.RejectedException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/*
 * Overview: a transaction whose body is blocking JDBC code, run whole on one worker: one hand-off
 * from the caller to a worker, one back.
 *
 *   caller: lease.acquire() --permit--> submit to the adapter --worker--> call(): open the
 *           connection, run the body, commit (or roll back), restore, close, release the permit,
 *           complete the result.
 *
 * State, by CAS:
 *   NOT_STARTED --worker--> RUNNING --body returned--> COMMITTING --> DONE
 *   RUNNING --body threw--> DONE (rolled back)
 *   NOT_STARTED --abort--> ABORTED (the permit is released at once; the queued call does nothing)
 *   RUNNING --abort--> ABORTED (the worker rolls back when the body returns, never commits; an abort
 *                               while the connection was being taken skips the body)
 *
 * An abort (cancel, deadline) settles the result at once, whatever the body or the server does:
 * CancellationException, or a TimeoutException saying what is known ("rollback requested"; "outcome
 * unknown" once COMMITTING won). The body is not interrupted (interrupts break drivers' sockets) and
 * its statements are its own, so they are not cancelled; if the worker is still busy
 * abortConnectionNanos later, the connection is aborted (Connection.abort), which makes the body's
 * next JDBC call fail, and the permit comes back when the worker ends.
 */

/** The transaction behind {@link AsyncJdbc#inBlockingTransaction}. */
final class BlockingTransaction<R> implements Callable<Void> {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);
  private static final int NOT_STARTED = 0;
  private static final int RUNNING = 1;
  private static final int COMMITTING = 2;
  private static final int ABORTED = 3;
  private static final int DONE = 4;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BlockingTransaction.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final JdbcBridge bridge;
  private final LoopImpl home;
  private final IsolationLevel isolation; // null: the connection's default
  private final BlockingTransactionBody<R> body;
  private final DefaultPromise<R> result;
  private final Deadline deadline; // null: none
  private final Lease lease;
  private final Context caller = ContextStorage.capture(); // the caller's context and thread-locals, for the body
  private volatile int state = NOT_STARTED; // see Overview
  private volatile Future<?> adapterCall; // to drop it from the adapter's queue on abort
  private volatile ScheduledFuture<?> timer; // the deadline's, or null
  private volatile ScheduledFuture<?> abortTimer; // started by an abort of a running body
  private volatile Connection connection; // while the worker holds one, for the abort timer
  private volatile boolean connectionAborted; // End's failures are then expected, not reported

  BlockingTransaction(JdbcBridge bridge, LoopImpl home, IsolationLevel isolation, BlockingTransactionBody<R> body,
      DefaultPromise<R> result, Deadline deadline) {
    this.bridge = bridge;
    this.home = home;
    this.isolation = isolation;
    this.body = body;
    this.result = result;
    this.deadline = deadline;
    this.lease = new Lease(bridge.gate, this::submit, result::fail);
  }

  /** Asks for a permit; if the bridge is saturated or closed, the promise fails with RejectedException. */
  void start() {
    result.onCancel(() -> abort(false));
    lease.acquire();
    if (deadline != null) {
      timer = home.scheduleInternal(() -> abort(true), Math.max(0, deadline.remainingNanos()));
      if (result.isDone()) {
        cancel(timer);
      }
    }
  }

  /** The permit is ours: hand the transaction to the adapter. Any thread. */
  private void submit() {
    if (state != NOT_STARTED) {
      return; // aborted between the grant and now; the abort released the permit
    }
    try {
      adapterCall = bridge.runHoldingConnection(this::call);
    } catch (RejectedException closed) {
      if (STATE.compareAndSet(this, NOT_STARTED, ABORTED)) {
        lease.release();
        result.fail(closed);
      }
    }
  }

  /** On a worker. Never throws: the outcome goes to the result. */
  @Override
  public Void call() {
    if (!STATE.compareAndSet(this, NOT_STARTED, RUNNING)) {
      return null;
    }
    TransactionConnection transaction = null;
    R value = null;
    Throwable failure = null;
    try {
      transaction = TransactionConnection.open(bridge.dataSource, isolation);
      connection = transaction.connection;
      if (state == RUNNING) { // not aborted while getConnection() waited (a hung server, a busy pool)
        Context previous = ContextStorage.attach(caller);
        try {
          value = body.run(transaction.connection);
        } finally {
          ContextStorage.restore(previous);
        }
      }
    } catch (Throwable thrown) {
      failure = thrown;
    }
    boolean commit = failure == null && transaction != null && STATE.compareAndSet(this, RUNNING, COMMITTING);
    Throwable endFailure = null;
    if (transaction != null) {
      endFailure = commit ? transaction.commit(bridge.name) : transaction.rollback(bridge.name);
      Throwable closeFailure = transaction.restoreAndClose();
      if (closeFailure != null) {
        if (endFailure == null && !commit && failure == null) {
          endFailure = closeFailure;
        } else if (endFailure != null) {
          endFailure.addSuppressed(closeFailure);
        } else {
          LOG.warn("jdbc '{}': restoring or closing a connection after its transaction failed", bridge.name,
              closeFailure);
        }
      }
    }
    state = DONE;
    connection = null;
    bridge.release(lease); // the connection is back in the pool
    cancel(timer);
    cancel(abortTimer);
    if (commit) {
      if (endFailure == null) {
        result.complete(value);
      } else {
        result.fail(endFailure);
      }
    } else if (failure != null) {
      if (endFailure != null) {
        failure.addSuppressed(endFailure);
      }
      result.fail(failure);
    } else if (endFailure != null && !connectionAborted) {
      bridge.runtime.reportUnhandled("jdbc '" + bridge.name + "': rolling back a cancelled or timed-out transaction"
          + " failed; the connection was closed", endFailure);
    }
    return null;
  }

  /** Cancel hook and deadline: settles the result now, and stops what can be stopped. Any thread. */
  private void abort(boolean deadlinePassed) {
    cancel(timer);
    if (lease.abandonIfWaiting()) {
      failIfDeadline(deadlinePassed, "the transaction did not get a connection by its deadline; it did not begin");
      return;
    }
    for (;;) {
      int now = state;
      if (now == NOT_STARTED && STATE.compareAndSet(this, NOT_STARTED, ABORTED)) {
        lease.release();
        Future<?> queued = adapterCall;
        if (queued != null) {
          queued.cancel();
        }
        failIfDeadline(deadlinePassed, "the transaction did not begin by its deadline; it did not run");
        return;
      }
      if (now == RUNNING && STATE.compareAndSet(this, RUNNING, ABORTED)) {
        failIfDeadline(deadlinePassed, "the transaction did not complete by its deadline; rollback requested (when"
            + " its body returns); the connection is closed if it is still busy after " + grace());
        scheduleAbort();
        return;
      }
      if (now == COMMITTING) {
        failIfDeadline(deadlinePassed, "the deadline passed while the transaction's COMMIT was under way; its outcome"
            + " is unknown (it is committed if the server received the COMMIT); the connection is closed if the"
            + " server does not answer within " + grace());
        scheduleAbort();
        return;
      }
      if (now == ABORTED || now == DONE) {
        return;
      }
    }
  }

  private void failIfDeadline(boolean deadlinePassed, String what) {
    if (deadlinePassed) {
      result.fail(new TimeoutException("jdbc '" + bridge.name + "': " + what));
    }
  }

  private String grace() {
    return TimeUnit.NANOSECONDS.toMillis(bridge.abortConnectionNanos) + " ms";
  }

  private void scheduleAbort() {
    abortTimer = home.scheduleInternal(() -> {
      Connection busy = connection;
      if (state != DONE && busy != null) {
        connectionAborted = true;
        bridge.abortLater(busy, "its transaction was cancelled or timed out and its worker was still busy "
            + grace() + " later (abortConnectionAfter)");
      }
    }, bridge.abortConnectionNanos);
    if (state == DONE) {
      cancel(abortTimer);
    }
  }

  private static void cancel(ScheduledFuture<?> pending) {
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
