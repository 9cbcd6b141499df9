package dev.weft.jdbc;

import dev.weft.AsyncRuntime;
import dev.weft.Deadline;
import dev.weft.RejectedException;
import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.Adapters;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.future.Future;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.limit.Outcome;
import dev.weft.internal.loop.DefaultAsyncRuntime;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.internal.loop.LoopThread;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * What every view of one bridge shares: the DataSource, the connection gate, the adapter that
 * runs statements (one thread per connection) and the one that sends {@code Statement.cancel()}.
 */
final class JdbcBridge {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);
  private static final ThreadLocal<WorkerHandoff> HANDOFF = new ThreadLocal<>(); // set on workers only

  final DefaultAsyncRuntime runtime;
  final DataSource dataSource;
  final String name;
  final int maxConnections;
  final int fetchSize;
  final long holdWorkerNanos; // a transaction's worker waits this long for its next step; 0: not at all
  final long abortConnectionNanos; // an abandoned transaction's connection is aborted after this
  final ConnectionGate gate;
  final BlockingAdapter statements; // one thread per connection; never rejects while open (see below)
  private final BlockingAdapter canceller; // Statement.cancel() is blocking I/O: never on a loop

  JdbcBridge(AsyncRuntime runtime, DataSource dataSource, JdbcOptions options, int maxConnections) {
    this.runtime = DefaultAsyncRuntime.of(runtime, "the JDBC bridge");
    this.dataSource = dataSource;
    this.name = options.name();
    this.maxConnections = maxConnections;
    this.fetchSize = options.fetchSize();
    this.holdWorkerNanos = options.holdWorkerBetweenStatements().toNanos();
    this.abortConnectionNanos = options.abortConnectionAfter().toNanos();
    this.gate = new ConnectionGate(name, maxConnections, options.maxQueue(), options.adaptiveLimit().orElse(null));
    // Each permit holder has at most one call on the adapter at a time; a finishing call may
    // overlap with the next holder's for an instant, hence twice the threads, plus slack.
    this.statements = Adapters.boundedPool(name)
        .maxThreads(maxConnections)
        .maxQueue(2 * maxConnections + 16)
        .spinBeforePark(options.spinBeforePark())
        .interruptOnCancel(false) // interrupts break drivers' sockets; Statement.cancel() stops the work
        .build(runtime);
    try {
      this.canceller = Adapters.boundedPool(name + "-cancel")
          .maxThreads(Math.min(2, maxConnections))
          .maxQueue(2 * maxConnections + 16)
          .spinBeforePark(Duration.ZERO) // cancels are rare: never worth a spinning core
          .interruptOnCancel(false)
          .build(runtime);
    } catch (RuntimeException failure) {
      statements.close();
      throw failure;
    }
    this.runtime.showAdapterAs(statements, this::adapterStats);
  }

  JdbcMetrics metrics() {
    return gate.snapshot(maxConnections);
  }

  /** The bridge as one bulkhead, for the runtime's metrics: see {@link JdbcMetrics}. */
  private AdapterStats adapterStats() {
    AdapterStats own = statements.stats();
    JdbcMetrics bridge = metrics();
    return new AdapterStats(name, "jdbc-bridge", maxConnections, bridge.maxQueue(), bridge.requests(),
        bridge.statements() - bridge.failed(), bridge.failed(), bridge.rejected() + own.rejected(), bridge.timedOut(),
        own.cancelled(), bridge.connectionsInUse(), bridge.waiting(), bridge.peakConnectionsInUse(), own.threads(),
        bridge.connectionWait().recentP50(), bridge.connectionWait().recentP99(),
        bridge.statementTime().recentP50(), bridge.statementTime().recentP99(), bridge.statementTime().recentMax(),
        bridge.connectionWait(), bridge.statementTime());
  }

  /** The loop for a new call's future: the caller's, or off any loop one of the runtime's. */
  LoopImpl home() {
    LoopImpl loop = LoopThread.currentLoop();
    return loop != null ? loop : runtime.nextLoop();
  }

  /**
   * Runs work that holds a connection permit on a worker, and returns the adapter's future of it
   * (to drop it from the queue on abort), or null when no adapter call was made:
   * <ul>
   *   <li>On a worker of this bridge that is returning a permit ({@link #release}), whose release
   *       granted it to this work: the work is handed to that worker, which runs it as soon as its
   *       own call returns. The permit goes to the oldest waiter as always (the gate stays FIFO),
   *       but it does not sit idle while a parked worker wakes up: on a busy host that wake-up is a
   *       wait in the CPU's run queue, paid while holding a connection.
   *   <li>Otherwise on the statements adapter. If the adapter refuses (only when the runtime shut
   *       it down under us), on a thread of its own instead: a holder must always get to return
   *       its connection.
   * </ul>
   * {@code task} handles its own failures.
   */
  Future<?> runHoldingConnection(Runnable task) {
    WorkerHandoff handoff = HANDOFF.get();
    if (handoff != null && handoff.bridge == this && handoff.releasing && handoff.next == null) {
      handoff.next = task;
      return null;
    }
    Future<Void> call = statements.run(() -> runOnWorker(task));
    if (call.isFailed() && call.failureNow() instanceof RejectedException) {
      Thread thread = new Thread(task, runtime.name() + "-" + name + "-cleanup");
      thread.setDaemon(true);
      thread.start();
      return null;
    }
    return call;
  }

  /**
   * Returns {@code lease}'s permit from the worker call that held it, which must end soon after:
   * work the release grants a permit to may be handed to this worker (see
   * {@link #runHoldingConnection}).
   */
  void release(Lease lease) {
    release(lease, Outcome.IGNORED);
  }

  /** As {@link #release(Lease)}, telling the adaptive limit, if any, how the statement ended. */
  void release(Lease lease, Outcome outcome) {
    WorkerHandoff handoff = HANDOFF.get();
    if (handoff == null || handoff.bridge != this) {
      lease.release(outcome);
      return;
    }
    handoff.releasing = true;
    try {
      lease.release(outcome);
    } finally {
      handoff.releasing = false;
    }
  }

  /** On a worker: runs {@code first}, then each task handed to this worker meanwhile. */
  private void runOnWorker(Runnable first) {
    WorkerHandoff handoff = new WorkerHandoff(this);
    HANDOFF.set(handoff);
    try {
      for (Runnable task = first; task != null; ) {
        handoff.next = null;
        try {
          task.run();
        } catch (Throwable bug) {
          runtime.reportUnhandled("a call holding a connection of jdbc '" + name + "' threw", bug);
        }
        task = handoff.next; // it holds a permit: it runs whatever the last task did
      }
    } finally {
      HANDOFF.remove();
    }
  }

  /** A worker's hand-off slot: at most one task, granted a permit by the worker's own release. */
  private static final class WorkerHandoff {
    final JdbcBridge bridge;
    boolean releasing; // inside release(): a grant may be handed to this worker
    Runnable next; // the task handed over, to run once the current one returns

    WorkerHandoff(JdbcBridge bridge) {
      this.bridge = bridge;
    }
  }

  /** Sends {@code guard}'s running statement a cancel, on the canceller thread. Non-blocking. */
  void cancelLater(StatementGuard guard) {
    Future<Void> sent = canceller.run(guard::cancelRunning);
    if (sent.isFailed() && sent.failureNow() instanceof RejectedException) {
      // DEBUG: a saturated canceller has logged its saturation itself (one line per incident)
      LOG.debug("jdbc '{}' could not send Statement.cancel(): {}; the statement runs until it ends or its query"
          + " timeout", name, sent.failureNow().getMessage());
    }
  }

  /**
   * Aborts {@code connection} ({@link Connection#abort}: closes it without waiting for the server)
   * on a thread of its own: not on the canceller, whose threads may be the ones waiting for the
   * same unresponsive server. Aborts are rare (a server silent for abortConnectionAfter) and at
   * most one per transaction, so at most maxConnections such threads exist. Non-blocking.
   */
  void abortLater(Connection connection, String why) {
    Thread thread = new Thread(() -> {
      try {
        connection.abort(Runnable::run); // already off the loops: do the abort's work here
        LOG.warn("jdbc '{}': aborted a connection: {}", name, why);
      } catch (SQLException | RuntimeException failure) {
        LOG.warn("jdbc '{}': Connection.abort() failed ({}); the connection stays busy until the server answers",
            name, why, failure);
      }
    }, runtime.name() + "-" + name + "-abort");
    thread.setDaemon(true);
    thread.start();
  }

  /** The JDBC query timeout for {@code deadline}: whole seconds, rounded up; 0 for none. */
  static int queryTimeoutSeconds(Deadline deadline) {
    if (deadline == null) {
      return 0;
    }
    long nanos = Math.max(1, deadline.remainingNanos());
    long seconds = (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  void close() {
    gate.close(() -> {
      statements.close();
      canceller.close();
    });
  }
}
