package dev.weft.jdbc;

import dev.weft.AsyncRuntime;
import dev.weft.future.Future;
import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Asynchronous JDBC over any {@link DataSource}: statements run on a bounded blocking adapter and
 * their results come back as {@link Future}s on the caller's loop; transactions keep one
 * connection; large results stream with back-pressure; cancellation and deadlines reach the
 * database server.
 *
 * <pre>{@code
 * AsyncJdbc db = AsyncJdbc.create(runtime, hikariDataSource);       // sized by the pool: no setting
 * Future<List<String>> names = db.query("SELECT name FROM users WHERE team = ?", row -> row.getString(1), team);
 * Future<Long> id = db.inTransaction(tx -> tx.queryOne("SELECT nextval('ids')", row -> row.getLong(1))
 *     .flatMap(next -> tx.update("INSERT INTO users(id, name) VALUES (?, ?)", next, name).map(n -> next)));
 * }</pre>
 *
 * <h2>Bounds</h2>
 * The bridge uses at most {@code maxConnections} connections at once: the pool's maximum size when
 * the DataSource tells it (HikariCP does), else {@link JdbcOptions.Builder#maxConnections}. A
 * statement, a transaction (from its begin to its commit or rollback) and a stream (from its
 * first request to its end) each hold one connection. The adapter that runs statements has as
 * many threads, since more threads than connections would only queue inside the pool, each
 * blocking a thread; calls beyond that wait, without a thread, in a queue of at most
 * {@link JdbcOptions#maxQueue()}, and a call that finds the queue full (or the bridge closed) is
 * rejected at once: it returns a future already failed with {@link dev.weft.RejectedException}
 * naming the bridge and its numbers (never thrown: the one error path of every Weft refusal). Another user of the same
 * DataSource takes connections the bridge counted on: its statements then wait inside the pool
 * (its {@code connectionTimeout} applies).
 *
 * <p>Statements run on an adapter named after the bridge ({@link JdbcOptions#name()}, default
 * {@code jdbc}), and {@code Statement.cancel()} calls on a second one, {@code <name>-cancel}; both
 * appear in the runtime's metrics, the first showing the bridge as a whole: its connection queue,
 * rejections and SQL failures ({@link #metrics()}, {@link JdbcMetrics}).
 *
 * <h2>Threads, failures, cancellation</h2>
 * As {@link JdbcOperations} describes for every statement; {@link #inTransaction} and
 * {@link #stream} below add their own rules. All methods are thread-safe.
 */
public interface AsyncJdbc extends JdbcOperations, AutoCloseable {

  /**
   * A bridge with the default options, sized by the pool's maximum size.
   *
   * @param runtime the runtime whose loops receive the results and that runs the adapters
   * @param dataSource where connections come from; usually a pool (HikariCP)
   * @return a new bridge
   * @throws IllegalArgumentException if the DataSource does not tell its maximum size (set
   *     {@link JdbcOptions.Builder#maxConnections} then), or the runtime already has an adapter of
   *     the bridge's name
   */
  static AsyncJdbc create(AsyncRuntime runtime, DataSource dataSource) {
    return create(runtime, dataSource, JdbcOptions.defaults());
  }

  /**
   * A bridge with the given options.
   *
   * @param runtime the runtime whose loops receive the results and that runs the adapters
   * @param dataSource where connections come from; usually a pool (HikariCP)
   * @param options the bridge's settings
   * @return a new bridge
   * @throws IllegalArgumentException if {@code maxConnections} is not set and the DataSource does
   *     not tell its maximum size, or the runtime already has an adapter of the bridge's name
   */
  static AsyncJdbc create(AsyncRuntime runtime, DataSource dataSource, JdbcOptions options) {
    return DefaultAsyncJdbc.create(runtime, dataSource, options);
  }

  /**
   * Runs {@code body} in a transaction with the connection's default isolation level.
   *
   * @param body the work of the transaction
   * @param <R> the result type
   * @return the future of the body's result, after the commit
   * @see #inTransaction(IsolationLevel, Function)
   */
  <R> Future<R> inTransaction(Function<? super Transaction, ? extends Future<R>> body);

  /**
   * Runs {@code body} in a transaction: takes a connection, sets the isolation level and turns
   * auto-commit off, then calls {@code body} with a {@link Transaction} whose statements all run on
   * that connection, in order.
   *
   * <ul>
   *   <li>When the body's future succeeds, the transaction commits and the returned future
   *       succeeds with the body's result; if the commit fails, the transaction is rolled back and
   *       the future fails with the commit's exception.
   *   <li>When the body throws, returns {@code null} or its future fails, statements still waiting
   *       are cancelled, a running one is cancelled on the server, the transaction rolls back,
   *       and then the returned future fails with the body's exception (a rollback failure is
   *       attached to it as suppressed): the future fails after the rollback ran.
   *   <li>When the returned future is cancelled, or the deadline (the context's when this method
   *       is called, or {@link #withTimeout}) passes, the future fails at that moment
   *       ({@code CancellationException}, or a {@code TimeoutException} saying "rollback
   *       requested"), whatever a hung statement or server does; the body's future is cancelled,
   *       the running statement cancelled on the server, and the transaction rolls back in the
   *       background (a rollback that fails then is reported to the runtime's unhandled-failure
   *       handler). If the connection is still busy {@link JdbcOptions#abortConnectionAfter()}
   *       later, it is aborted ({@link java.sql.Connection#abort}) so that it and its permit come
   *       back. A commit not yet started is turned into a rollback by the deadline; a COMMIT under
   *       way cannot be called back: the deadline then fails the future saying its outcome is
   *       unknown, and a cancel reports the cancellation although the transaction may commit.
   *   <li>A COMMIT that fails with a connection error may have committed or not: its
   *       {@link SqlContext} says so ({@link SqlContext#outcomeUnknown()}).
   * </ul>
   * In every case the connection is returned to the pool with the auto-commit and isolation level
   * it had before. The body runs on the returned future's home loop (the caller's), in the
   * caller's context narrowed to the transaction's deadline; it must not block.
   *
   * @param isolation the isolation level for this transaction
   * @param body the work of the transaction; returns the future of its result
   * @param <R> the result type
   * @return the future of the body's result, homed on the calling loop
   */
  <R> Future<R> inTransaction(IsolationLevel isolation, Function<? super Transaction, ? extends Future<R>> body);

  /**
   * Runs {@code body}, plain blocking JDBC code, in a transaction on one of the bridge's workers,
   * with the connection's default isolation level.
   *
   * @param body the work of the transaction
   * @param <R> the result type
   * @return the future of the body's result, after the commit
   * @see #inBlockingTransaction(IsolationLevel, BlockingTransactionBody)
   */
  <R> Future<R> inBlockingTransaction(BlockingTransactionBody<R> body);

  /**
   * Runs {@code body}, plain blocking JDBC code (a legacy DAO, say), in a transaction on one of the
   * bridge's workers: takes a connection (waiting for a permit without a thread, as every call
   * does), sets the isolation level and turns auto-commit off, calls {@code body} with the
   * connection, then commits, restores the connection's auto-commit and isolation level and
   * returns it to the pool. The whole transaction costs one hand-off to a worker and one back to
   * the caller's loop, whatever the number of statements: the cheapest way through the bridge.
   *
   * <ul>
   *   <li>When the body returns, the transaction commits and the future succeeds with its result;
   *       if the commit fails, the future fails with the commit's exception (a connection failure
   *       is marked "outcome unknown": see {@link SqlContext#outcomeUnknown()}).
   *   <li>When the body throws, the transaction rolls back and the future fails with the body's
   *       exception, unchanged (a rollback failure attached as suppressed).
   *   <li>When the future is cancelled, or the deadline (the context's when this method is called,
   *       or {@link #withTimeout}) passes, the future fails at once ({@code CancellationException},
   *       {@code TimeoutException}) and the transaction will not commit. The body is not
   *       interrupted, and its statements are its own, so they are not cancelled on the server:
   *       give them a query timeout. When the body returns, the transaction rolls back; if the
   *       worker is still busy {@link JdbcOptions#abortConnectionAfter()} later, the connection is
   *       aborted, so the body's next JDBC call fails and the connection comes back.
   * </ul>
   * The future's callbacks run on the caller's loop; the body runs on a worker and may block.
   *
   * @param isolation the isolation level for this transaction
   * @param body the work of the transaction, on the transaction's connection
   * @param <R> the result type
   * @return the future of the body's result, homed on the calling loop
   */
  <R> Future<R> inBlockingTransaction(IsolationLevel isolation, BlockingTransactionBody<R> body);

  /**
   * Streams the rows of a query as a {@link Flow.Publisher}, reading them from the database only
   * as the subscriber requests them.
   *
   * <p>The publisher is cold: each {@code subscribe} runs the query anew, on its own connection.
   * The connection is taken at the first {@code request}; the query runs inside a transaction
   * (auto-commit off, as PostgreSQL needs for a cursor) with {@link JdbcOptions#fetchSize()} as
   * its fetch size, forward-only and read-only. Each fetch reads at most
   * {@code min(outstanding demand, fetchSize)} rows on a worker, so memory stays bounded by the
   * fetch size whatever the size of the result. At the end of the rows the transaction commits,
   * everything is closed and the connection returned, then {@code onComplete} is signalled.
   *
   * <p>Signals follow the Reactive Streams rules of {@code Flow}: {@code onSubscribe} first, then
   * at most as many {@code onNext} as requested, then at most one of {@code onComplete} or
   * {@code onError}; all of them on one loop (the one calling {@code subscribe}, or off any loop
   * one of the runtime's), one at a time. {@code request} and {@code cancel} may be called from any
   * thread, and from within {@code onNext}. {@code request(n)} with {@code n <= 0} cancels and
   * signals {@code onError} with {@link IllegalArgumentException}. {@code cancel()} stops the
   * work: a running fetch is cancelled on the server, then the result set, statement and
   * connection are closed (the transaction rolls back). A subscriber whose {@code onNext} throws is
   * cancelled the same way and the exception is reported to the runtime's unhandled-failure
   * handler. A subscriber that stops requesting without cancelling keeps its connection, and the
   * transaction around the cursor, until it does: cancel, or give the stream a deadline.
   *
   * <p>Failures ({@link java.sql.SQLException}s as the driver threw them, with a
   * {@link SqlContext}; {@link dev.weft.RejectedException} when the bridge is saturated or closed)
   * arrive through {@code onError}, after the connection was returned. The context's deadline when
   * this method is called, and the {@link #withTimeout} timeout counted from {@code subscribe},
   * bound the whole stream: when it passes, {@code onError} signals a {@code TimeoutException} at
   * once and the stream is cancelled as above (the connection is returned as soon as a running
   * fetch has stopped).
   *
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps one row; runs on the worker; must not return {@code null} (Reactive Streams
   *     forbids {@code null} elements: the stream fails with {@link NullPointerException})
   * @param params the parameters, in order
   * @param <T> the value of one row
   * @return a cold publisher of the rows' values
   */
  <T> Flow.Publisher<T> stream(String sql, RowMapper<T> mapper, Object... params);

  /**
   * A view of this bridge whose calls each have {@code timeout} (the earlier of it and the
   * context's deadline wins): statements, transactions as a whole, streams from their subscribe.
   * The view shares everything else with this bridge; closing either closes both.
   *
   * @param timeout the time each call may take, waiting for a connection included, {@code > 0}
   * @return a view with that timeout
   */
  AsyncJdbc withTimeout(Duration timeout);

  /**
   * The bridge's name.
   *
   * @return the name from {@link JdbcOptions#name()}
   */
  String name();

  /**
   * The connections the bridge uses at most at once: its adapter's threads.
   *
   * @return {@code maxConnections}, set or read from the DataSource
   */
  int maxConnections();

  /**
   * A snapshot of the bridge's numbers: connections in use, requests waiting for one and how long
   * they waited, rejections, SQL failures, statement times. The runtime's metrics show the same
   * figures under the bridge's name (see {@link JdbcMetrics}). Cheap enough to call every second.
   *
   * @return a new snapshot
   */
  JdbcMetrics metrics();

  /**
   * The adaptive limit's numbers, for a bridge built with one ({@link JdbcOptions.Builder#adaptiveLimit}).
   *
   * @return the limit's stats, or empty if {@code maxConnections} is the fixed limit
   */
  Optional<LimitStats> limitStats();

  /**
   * Stops accepting calls: new calls, and calls still waiting for a connection, are rejected with
   * {@link dev.weft.RejectedException}. Statements, transactions and streams already holding a
   * connection finish; the bridge's adapters close once the last connection is returned. Does not
   * close the DataSource, which the bridge does not own. Idempotent; does not block.
   */
  @Override
  void close();
}
