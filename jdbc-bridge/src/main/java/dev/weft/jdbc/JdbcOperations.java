package dev.weft.jdbc;

import dev.weft.future.Future;
import java.util.List;
import java.util.Optional;

/**
 * The statements of the JDBC bridge, shared by {@link AsyncJdbc} (each call on a connection of its
 * own) and {@link Transaction} (every call on the transaction's connection, in order).
 *
 * <h2>Threads</h2>
 * Each method returns at once, without blocking; the statement runs on a worker of the bridge's
 * blocking adapter (so does the {@link RowMapper}). The returned future is homed on the calling
 * loop (called off any loop: on one of the runtime's loops), so its callbacks run there, never on
 * the worker; everything the statement did happens-before them.
 *
 * <h2>Parameters</h2>
 * {@code params} are bound positionally with {@link java.sql.PreparedStatement#setObject(int, Object)}
 * (the driver maps Java types: {@code String}, {@code Long}, {@code BigDecimal},
 * {@code java.time.LocalDate}, {@code byte[]}, ...). A {@code null} is bound with
 * {@code setNull} and the SQL type the driver reports for that parameter
 * ({@link java.sql.ParameterMetaData}), else {@link java.sql.Types#NULL}, else
 * {@link java.sql.Types#OTHER}, so typed databases such as PostgreSQL accept it. The array is
 * copied when the method is called; a {@code null} array (as in {@code update(sql, null)}) counts
 * as one {@code null} parameter.
 *
 * <h2>Failures</h2>
 * A failure of the statement fails the future with the exception as the driver threw it (same
 * object, {@code SQLState} and vendor code), with a {@link SqlContext} naming the SQL attached as a
 * suppressed exception. In every case — success, failure, cancellation, timeout — the statement
 * and result set are closed, and the connection is returned to the pool (for {@link AsyncJdbc}) or
 * kept by its transaction. A call the bridge refuses ({@link AsyncJdbc}'s, when its connections
 * and queue are full or it is closed) returns a future already failed with
 * {@link dev.weft.RejectedException}: no method throws it.
 *
 * <h2>Cancellation and deadlines</h2>
 * Cancelling the future stops the work: a call still waiting for a connection is dropped; a
 * running statement is cancelled on the server with {@link java.sql.Statement#cancel()} (from a
 * separate thread, since a driver's cancel is itself blocking network I/O). The deadline of the
 * {@linkplain dev.weft.Context#current() current context}, read when the method is called (and a
 * timeout set with {@link AsyncJdbc#withTimeout}), bounds the whole call: it becomes the
 * statement's {@link java.sql.Statement#setQueryTimeout query timeout} (rounded up to whole
 * seconds, as JDBC wants) and, precisely, a timer that fails the future with
 * {@link java.util.concurrent.TimeoutException} and cancels the statement the same way. A call
 * made after its deadline has passed fails at once with {@code TimeoutException}, without
 * touching the database.
 */
public interface JdbcOperations {

  /**
   * Runs a query and maps every row.
   *
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps one row; runs on the worker; may return {@code null}
   * @param params the parameters, in order
   * @param <T> the value of one row
   * @return a future of the rows' values, in the order of the result set (an unmodifiable list)
   */
  <T> Future<List<T>> query(String sql, RowMapper<T> mapper, Object... params);

  /**
   * Runs a query that must return exactly one row. It asks the driver for at most two rows
   * ({@link java.sql.Statement#setMaxRows}).
   *
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps the row; runs on the worker; may return {@code null}
   * @param params the parameters, in order
   * @param <T> the value of the row
   * @return a future of the row's value; it fails with {@link java.util.NoSuchElementException}
   *     if there is no row, {@link IllegalStateException} if there are several
   */
  <T> Future<T> queryOne(String sql, RowMapper<T> mapper, Object... params);

  /**
   * Runs a query that returns at most one row.
   *
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps the row; runs on the worker; a {@code null} gives an empty optional
   * @param params the parameters, in order
   * @param <T> the value of the row
   * @return a future of the row's value, empty if there is no row; it fails with
   *     {@link IllegalStateException} if there are several
   */
  <T> Future<Optional<T>> queryOptional(String sql, RowMapper<T> mapper, Object... params);

  /**
   * Runs an {@code INSERT}, {@code UPDATE}, {@code DELETE} or DDL statement.
   *
   * @param sql the statement, with {@code ?} placeholders
   * @param params the parameters, in order
   * @return a future of the number of rows changed (0 for DDL)
   */
  Future<Integer> update(String sql, Object... params);

  /**
   * Runs an {@code INSERT} (or {@code UPDATE}) and maps the keys the database generated, as
   * {@link java.sql.Statement#getGeneratedKeys()} returns them. Drivers differ in what that result
   * holds: H2 returns the generated columns, PostgreSQL every column of the changed rows; read the
   * key by its column name ({@code row -> row.getLong("id")}) to be portable.
   *
   * @param sql the statement, with {@code ?} placeholders
   * @param keyMapper maps one row of generated keys; runs on the worker
   * @param params the parameters, in order
   * @param <K> the key type
   * @return a future of the keys, one per changed row (an unmodifiable list)
   */
  <K> Future<List<K>> updateReturningKeys(String sql, RowMapper<K> keyMapper, Object... params);

  /**
   * Runs one statement once per parameter row, as one JDBC batch
   * ({@link java.sql.PreparedStatement#executeBatch()}). Outside a transaction, whether a failed
   * batch leaves the rows before the failure applied is the driver's choice (auto-commit); run it
   * in {@link AsyncJdbc#inTransaction} for all or nothing.
   *
   * @param sql the statement, with {@code ?} placeholders
   * @param rows the parameters of each execution, in order; the list and arrays are copied when
   *     this method is called
   * @return a future of the update counts, one per row (as the driver reports them, which may be
   *     {@link java.sql.Statement#SUCCESS_NO_INFO})
   */
  Future<int[]> batch(String sql, List<Object[]> rows);
}
