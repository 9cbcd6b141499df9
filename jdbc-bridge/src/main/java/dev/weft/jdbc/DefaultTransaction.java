package dev.weft.jdbc;

import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.LoopImpl;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;

/*
 * Overview: one transaction, on one connection, driven by a serial queue of steps.
 *
 * Phases (guarded by `this`):
 *   BEGINNING --begin ok, on the home loop--> OPEN --body's future completes--> ENDING --end step--> ENDED
 *   BEGINNING / OPEN --cancel, deadline, begin failure--> ENDING
 *   BEGINNING --cancel while waiting for a permit--> ENDED
 *
 * Steps run one at a time, in queue order, by a drain task on the bridge's adapter: Begin (get the
 * connection, set isolation, auto-commit off), the body's statements in the order they were
 * called, then exactly one End (commit or rollback, restore auto-commit and isolation, close,
 * return the permit). Statements are accepted only while OPEN, so End is always last. Aborting
 * (failure, cancel, deadline) cancels the queued statements and the running one (its guard sends
 * Statement.cancel()), then queues End; a Begin still queued or running goes first, so End always
 * sees the connection it has to close.
 *
 * One hand-off per transaction: when the queue is empty and the transaction has not ended, the
 * drain does not return its thread at once. It waits on `this` (flag `lingering`) for up to
 * holdWorkerNanos; `enqueue` notifies it. The body's next statement, issued from the loop, then
 * runs on the same worker without a trip through the adapter's queue. This holds no resource the
 * transaction did not hold already: the bridge has one thread per connection permit, and the
 * transaction holds a permit until End.
 *
 * Settling at once: the result is completed by End (commit or rollback applied), except that a
 * cancel completes it at the moment it is called and a deadline at the moment it passes, whatever
 * phase the transaction is in and whatever a hung statement or server does (End then only cleans
 * up). The message says what is known: "rollback requested", or "outcome unknown" while a COMMIT
 * is in flight. From that moment a timer runs for abortConnectionNanos; if End has not finished by
 * then (the server does not answer), the connection is aborted (Connection.abort on the canceller
 * thread), which makes the hung call fail, End run, and the permit come back.
 *
 * The connection and its saved state are written only by steps; steps run one at a time, and each
 * drain hands over to the next through `this` monitor, so they need no further synchronisation
 * (`transaction` is volatile for the abort timer, which only reads it). The body and its callbacks
 * run on the home loop; statements may be called from any thread.
 */

/** The transaction behind {@link AsyncJdbc#inTransaction}. */
final class DefaultTransaction<R> extends AbstractJdbcOperations implements Transaction {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);
  private static final int BEGINNING = 0;
  private static final int OPEN = 1;
  private static final int ENDING = 2;
  private static final int ENDED = 3;

  private final JdbcBridge bridge;
  private final LoopImpl home;
  private final IsolationLevel isolation; // null: the connection's default
  private final Function<? super Transaction, ? extends Future<R>> body;
  private final DefaultPromise<R> result;
  private final Deadline deadline; // null: none
  private final Context context; // the caller's, for the body
  private final Lease lease;

  private final ArrayDeque<Step> queue = new ArrayDeque<>(); // guarded by this
  private boolean draining; // a drain task is queued or running; guarded by this
  private Step running; // the step a drain runs now; guarded by this
  private int phase = BEGINNING; // guarded by this
  private boolean committing; // what ENDING/ENDED mean: commit or rollback; guarded by this
  private boolean lingering; // the drain waits on this monitor for a step; guarded by this
  private Throwable bodyFailure; // the body's failure once ENDING because of it; guarded by this
  private boolean abortScheduled; // the abort timer was started; guarded by this
  private End end; // the End step once queued; guarded by this

  private volatile TransactionConnection transaction; // written by steps only; null until Begin got it
  private volatile boolean connectionAborted; // the abort timer aborted it: End's failures are expected

  private volatile Future<R> bodyFuture; // null until the body returned it
  private volatile ScheduledFuture<?> timer; // the deadline's, or null
  private volatile ScheduledFuture<?> abortTimer; // started at a cancel or deadline; null before

  DefaultTransaction(JdbcBridge bridge, LoopImpl home, IsolationLevel isolation,
      Function<? super Transaction, ? extends Future<R>> body, DefaultPromise<R> result, Deadline deadline,
      Context context) {
    this.bridge = bridge;
    this.home = home;
    this.isolation = isolation;
    this.body = body;
    this.result = result;
    this.deadline = deadline;
    this.context = deadline == null ? context : context.withDeadline(deadline);
    this.lease = new Lease(bridge.gate, this::leased, this::refused);
  }

  /** Asks for a permit; if the bridge is saturated or closed, the result fails with RejectedException. */
  void start() {
    result.onCancel(() -> abort(false));
    lease.acquire();
    if (deadline != null) {
      timer = home.scheduleInternal(this::deadlinePassed, Math.max(0, deadline.remainingNanos()));
      if (result.isDone()) {
        cancelTimer();
      }
    }
  }

  private void leased() {
    boolean startDrain;
    synchronized (this) {
      if (phase != BEGINNING) {
        return; // aborted as the permit came: the queued End returns it
      }
      startDrain = enqueue(new Begin());
    }
    if (startDrain) {
      bridge.runHoldingConnection(this::drain);
    }
  }

  private void refused(RejectedException closed) {
    synchronized (this) {
      phase = ENDED;
    }
    cancelTimer();
    result.fail(closed);
  }

  // ---- statements

  @Override
  <T> Future<T> submit(String sql, StatementWork<T> work) {
    DefaultPromise<T> promise = new DefaultPromise<>(bridge.home());
    Deadline statementDeadline = Context.current().deadline().orElse(null);
    StatementStep<T> step = new StatementStep<>(sql, work, promise, statementDeadline);
    boolean expired = statementDeadline != null && statementDeadline.isExpired();
    boolean startDrain = false;
    synchronized (this) {
      if (phase != OPEN) {
        throw new IllegalStateException("the transaction on jdbc '" + bridge.name + "' " + describeEnd()
            + ": statements must be called before its body's future completes (" + SqlContext.shorten(sql) + ")");
      }
      if (!expired) {
        promise.onCancel(step::cancel);
        startDrain = enqueue(step);
      }
    }
    if (expired) {
      promise.fail(new TimeoutException("jdbc '" + bridge.name + "': the deadline had passed when the statement was"
          + " called; it did not run: " + SqlContext.shorten(sql)));
      return promise;
    }
    step.startTimer();
    if (startDrain) {
      bridge.runHoldingConnection(this::drain);
    }
    return promise;
  }

  @Override
  public synchronized boolean isActive() {
    return phase == OPEN;
  }

  private String describeEnd() {
    switch (phase) {
      case BEGINNING:
        return "has not begun";
      case ENDING:
        return committing ? "is committing" : "is rolling back";
      default:
        return committing ? "has committed" : "has rolled back";
    }
  }

  // ---- the serial queue

  /** Queues a step; true if the caller must start a drain (after leaving the monitor). */
  private boolean enqueue(Step step) {
    queue.add(step);
    if (lingering) {
      notify(); // the drain waits for this step: no hand-off needed
      return false;
    }
    if (draining) {
      return false;
    }
    draining = true;
    return true;
  }

  /**
   * On a worker: runs the queued steps, one at a time, until the queue is empty and stays empty
   * for holdWorkerNanos, or the transaction has ended.
   */
  private void drain() {
    for (;;) {
      Step step;
      synchronized (this) {
        running = null;
        step = queue.poll();
        if (step == null && phase != ENDED) {
          step = awaitStep();
        }
        if (step == null) {
          draining = false;
          return;
        }
        running = step;
      }
      try {
        step.run();
      } catch (Throwable bug) {
        bridge.runtime.reportUnhandled("a step of a transaction on jdbc '" + bridge.name + "' threw", bug);
      }
    }
  }

  /** Holding the monitor: waits up to holdWorkerNanos for a step; null if none came or it ended. */
  private Step awaitStep() {
    long left = bridge.holdWorkerNanos;
    if (left <= 0) {
      return null;
    }
    long deadline = System.nanoTime() + left;
    lingering = true;
    try {
      do {
        TimeUnit.NANOSECONDS.timedWait(this, left);
        Step step = queue.poll();
        if (step != null) {
          return step;
        }
        if (phase == ENDED) {
          return null;
        }
        left = deadline - System.nanoTime();
      } while (left > 0);
      return null;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt(); // the adapter is shutting down: give the thread back
      return queue.poll();
    } finally {
      lingering = false;
    }
  }

  // ---- the body and the end

  /** On the home loop, after Begin. */
  private void begun(Throwable beginFailure) {
    if (beginFailure != null) {
      end(false, null, beginFailure);
      return;
    }
    synchronized (this) {
      if (phase != BEGINNING) {
        return; // aborted while beginning: End is queued
      }
      phase = OPEN;
    }
    Future<R> future;
    try {
      future = context.call(() -> body.apply(this));
    } catch (Throwable thrown) {
      end(false, null, thrown);
      return;
    }
    if (future == null) {
      end(false, null, new NullPointerException("the transaction body returned null instead of a Future"));
      return;
    }
    bodyFuture = future;
    future.onComplete((value, failure) -> end(failure == null, value, failure));
    if (result.isDone()) {
      future.cancel(); // cancelled or timed out while the body ran
    }
  }

  /** The body's outcome: commit, or roll back and fail with {@code failure}. Any thread. */
  private void end(boolean commit, R value, Throwable failure) {
    List<Step> stopped = new ArrayList<>();
    boolean startDrain;
    synchronized (this) {
      if (phase != OPEN && phase != BEGINNING) {
        return; // already ending: aborted, or the body's future completed as we aborted it
      }
      phase = ENDING;
      committing = commit;
      if (!commit) {
        bodyFailure = failure;
        stopStatements(stopped);
      }
      end = new End(commit, value, failure);
      startDrain = enqueue(end);
    }
    cancelAll(stopped);
    if (startDrain) {
      bridge.runHoldingConnection(this::drain);
    }
  }

  private void deadlinePassed() {
    abort(true);
  }

  /**
   * Cancelled (the result is cancelled already), or the deadline passed (the result fails now):
   * roll back behind the result, and start the timer that aborts the connection if the server
   * does not let it go. A commit under way is not called back (it cannot be); the result then
   * says its outcome is unknown.
   */
  private void abort(boolean deadlinePassed) {
    cancelTimer();
    List<Step> stopped = new ArrayList<>();
    boolean startDrain = false;
    boolean wasCommitting;
    Throwable failedBody;
    synchronized (this) {
      if (phase == ENDED) {
        return;
      }
      if (phase == ENDING && committing && deadlinePassed && running != end) {
        end.commit = false; // the commit has not started (a statement the body did not await runs): roll back
        committing = false;
        stopStatements(stopped);
      }
      wasCommitting = phase == ENDING && committing;
      failedBody = bodyFailure;
      if (phase == BEGINNING && lease.abandonIfWaiting()) {
        phase = ENDED; // never got a connection
      } else {
        if (phase != ENDING) {
          phase = ENDING;
          committing = false;
          stopStatements(stopped);
          end = new End(false, null, null);
          startDrain = enqueue(end);
        }
        if (!abortScheduled) {
          abortScheduled = true;
          abortTimer = home.scheduleInternal(this::abortIfStillBusy, bridge.abortConnectionNanos);
        }
      }
    }
    if (deadlinePassed) {
      result.fail(timeout(wasCommitting, failedBody));
    }
    cancelAll(stopped);
    if (startDrain) {
      bridge.runHoldingConnection(this::drain);
    }
    Future<R> future = bodyFuture;
    if (future != null) {
      future.cancel();
    }
  }

  private TimeoutException timeout(boolean wasCommitting, Throwable failedBody) {
    String grace = TimeUnit.NANOSECONDS.toMillis(bridge.abortConnectionNanos) + " ms";
    TimeoutException timeout = new TimeoutException("jdbc '" + bridge.name + "': "
        + (wasCommitting
            ? "the deadline passed while the transaction's COMMIT was under way; its outcome is unknown (it is"
                + " committed if the server received the COMMIT); the connection is closed if the server does not"
                + " answer within " + grace
            : "the transaction did not complete by its deadline" + (failedBody == null ? "" : " (its body had failed:"
                + " see suppressed)") + "; rollback requested; the connection is closed if the server does not answer"
                + " within " + grace));
    if (failedBody != null) {
      timeout.addSuppressed(failedBody);
    }
    return timeout;
  }

  /** The abort timer: the transaction was cancelled or timed out a while ago and has not ended. */
  private void abortIfStillBusy() {
    synchronized (this) {
      if (phase == ENDED) {
        return;
      }
    }
    TransactionConnection busy = transaction;
    if (busy != null) {
      connectionAborted = true;
      bridge.abortLater(busy.connection, "its transaction was cancelled or timed out and the server has not answered for "
          + TimeUnit.NANOSECONDS.toMillis(bridge.abortConnectionNanos) + " ms"
          + " (abortConnectionAfter)");
    }
  }

  /** Takes the queued and running statements out, to cancel them outside the monitor. */
  private void stopStatements(List<Step> stopped) {
    for (Step step : queue) {
      if (step.isStatement()) {
        stopped.add(step);
      }
    }
    queue.removeIf(Step::isStatement);
    if (running != null && running.isStatement()) {
      stopped.add(running);
    }
  }

  private void cancelAll(List<Step> stopped) {
    for (Step step : stopped) {
      step.stop();
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> pending = timer;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void cancelAbortTimer() {
    ScheduledFuture<?> pending = abortTimer;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  // ---- steps

  private interface Step {
    /** On a worker, with the transaction's connection; never throws. */
    void run();

    /** Whether it is one of the body's statements (which an abort cancels). */
    default boolean isStatement() {
      return false;
    }

    /** Cancels a statement; any thread. */
    default void stop() {}
  }

  private final class Begin implements Step {
    @Override
    public void run() {
      Throwable failure = null;
      try {
        transaction = TransactionConnection.open(bridge.dataSource, isolation);
      } catch (Throwable thrown) {
        failure = thrown;
      }
      Throwable beginFailure = failure;
      home.dispatch(() -> begun(beginFailure));
    }
  }

  private final class StatementStep<T> implements Step {
    final String sql;
    final StatementWork<T> work;
    final DefaultPromise<T> promise;
    final Deadline deadline; // null: none
    final StatementGuard guard = new StatementGuard();
    volatile ScheduledFuture<?> statementTimer;

    StatementStep(String sql, StatementWork<T> work, DefaultPromise<T> promise, Deadline deadline) {
      this.sql = sql;
      this.work = work;
      this.promise = promise;
      this.deadline = deadline;
    }

    void startTimer() {
      if (deadline != null) {
        statementTimer = promise.homeLoop().scheduleInternal(() -> {
          if (promise.fail(new TimeoutException("jdbc '" + bridge.name + "': the statement did not complete by its"
              + " deadline and was cancelled: " + SqlContext.shorten(sql)))) {
            cancel();
          }
        }, Math.max(0, deadline.remainingNanos()));
        if (promise.isDone()) {
          stopTimer();
        }
      }
    }

    @Override
    public boolean isStatement() {
      return true;
    }

    @Override
    public void stop() {
      promise.cancel(); // its cancel hook is cancel()
    }

    /** Cancel hook and deadline: drop it if queued, cancel it on the server if running. */
    void cancel() {
      stopTimer();
      synchronized (DefaultTransaction.this) {
        queue.remove(this);
      }
      guard.cancel(bridge);
    }

    @Override
    public void run() {
      if (promise.isDone()) {
        return; // cancelled or timed out while queued
      }
      T value = null;
      Throwable failure = null;
      long startedAt = System.nanoTime();
      try {
        value = work.run(transaction.connection, guard, JdbcBridge.queryTimeoutSeconds(deadline));
      } catch (Throwable thrown) {
        failure = thrown;
        if (!StatementWork.isCancellation(thrown)) {
          SqlContext.attach(thrown, bridge.name, sql);
        }
      }
      bridge.gate.metrics.statementEnded(System.nanoTime() - startedAt, failure);
      stopTimer();
      if (failure == null) {
        promise.complete(value);
      } else {
        promise.fail(failure);
      }
    }

    private void stopTimer() {
      ScheduledFuture<?> pending = statementTimer;
      if (pending != null) {
        pending.cancel(false);
      }
    }
  }

  private final class End implements Step {
    private boolean commit; // guarded by DefaultTransaction.this: a deadline may turn a queued commit into a rollback
    private final R value;
    private final Throwable bodyFailure; // null when committing, or when aborted (result already complete)

    End(boolean commit, R value, Throwable bodyFailure) {
      this.commit = commit;
      this.value = value;
      this.bodyFailure = bodyFailure;
    }

    @Override
    public void run() {
      boolean commit;
      synchronized (DefaultTransaction.this) {
        commit = this.commit;
      }
      Throwable endFailure = null; // the commit's failure, or the rollback's
      TransactionConnection ending = transaction;
      if (ending != null) {
        endFailure = commit ? ending.commit(bridge.name) : ending.rollback(bridge.name);
        Throwable closeFailure = ending.restoreAndClose();
        if (closeFailure != null) {
          if (endFailure != null) {
            endFailure.addSuppressed(closeFailure);
          } else if (commit || bodyFailure != null) {
            LOG.warn("jdbc '{}': restoring or closing a connection after its transaction failed", bridge.name,
                closeFailure);
          } else {
            endFailure = closeFailure;
          }
        }
      }
      synchronized (DefaultTransaction.this) {
        phase = ENDED;
        committing = commit && endFailure == null;
      }
      bridge.release(lease); // the connection is back in the pool
      cancelTimer();
      cancelAbortTimer();
      if (commit) {
        if (endFailure == null) {
          result.complete(value);
        } else {
          result.fail(endFailure);
        }
      } else if (bodyFailure != null) {
        if (endFailure != null) {
          bodyFailure.addSuppressed(endFailure);
        }
        result.fail(bodyFailure);
      } else if (endFailure != null && !connectionAborted) {
        bridge.runtime.reportUnhandled("jdbc '" + bridge.name + "': rolling back a cancelled or timed-out transaction"
            + " failed; the connection was closed", endFailure);
      }
    }
  }
}
