package dev.weft.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Which SQL a failure came from, attached to the failure as a
 * {@linkplain Throwable#addSuppressed suppressed} exception.
 *
 * <p>The bridge never wraps or replaces a failure: the {@link java.sql.SQLException} the driver
 * threw reaches you as the same object, with its class, {@code SQLState}, vendor code, message
 * and chain untouched, so {@code catch (SQLIntegrityConstraintViolationException e)} and
 * {@code e.getSQLState()} work as with plain JDBC. The bridge only adds one {@code SqlContext} to
 * its suppressed exceptions, which stack traces print as
 * {@code Suppressed: dev.weft.jdbc.SqlContext: while running on jdbc 'orders': INSERT INTO ...}.
 * It is added to any exception a statement's work throws (driver, parameter binding or
 * {@link RowMapper}), not to the {@code CancellationException} or {@code TimeoutException} of a
 * call that was cancelled or ran out of time. Parameter values are never included (they may be
 * secrets); SQL longer than 2 000 characters is shortened.
 *
 * <p>It has no stack trace of its own (the failure's stack says where it happened); it is never
 * thrown.
 */
public final class SqlContext extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int MAX_SQL_LENGTH = 2_000;

  private final String sql;
  private final boolean outcomeUnknown;

  SqlContext(String bridgeName, String sql) {
    this("while running on jdbc '" + bridgeName + "': " + shorten(sql), sql, false);
  }

  private SqlContext(String message, String sql, boolean outcomeUnknown) {
    super(message, null, false, false);
    this.sql = sql;
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * The SQL the failing statement ran, in full.
   *
   * @return the SQL text
   */
  public String sql() {
    return sql;
  }

  /**
   * Whether the failure is a COMMIT whose connection failed (an {@code SQLState} of class
   * {@code 08}, or one of JDBC's connection exceptions) before the server confirmed it: the
   * transaction may have committed or not.
   *
   * @return true if the commit's outcome is unknown
   */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }

  /**
   * The context the bridge attached to {@code failure}, if any.
   *
   * @param failure a failure delivered by the bridge
   * @return its SQL context, or empty
   */
  public static Optional<SqlContext> of(Throwable failure) {
    if (failure != null) {
      for (Throwable suppressed : failure.getSuppressed()) {
        if (suppressed instanceof SqlContext) {
          return Optional.of((SqlContext) suppressed);
        }
      }
    }
    return Optional.empty();
  }

  /** Attaches a context to {@code failure} unless it already carries one. */
  static void attach(Throwable failure, String bridgeName, String sql) {
    if (failure instanceof Exception && of(failure).isEmpty()) {
      failure.addSuppressed(new SqlContext(bridgeName, sql));
    }
  }

  /** Attaches the "outcome unknown" context of a COMMIT whose connection failed. */
  static void attachOutcomeUnknown(Throwable failure, String bridgeName) {
    if (of(failure).isEmpty()) {
      String state = failure instanceof SQLException ? ((SQLException) failure).getSQLState() : null;
      failure.addSuppressed(new SqlContext("while running on jdbc '" + bridgeName + "': COMMIT; outcome unknown: the"
          + " connection failed (SQLState " + (state == null ? "none" : state) + ") before the server confirmed the"
          + " commit, so the transaction may have committed or not; check its effects before retrying it", "COMMIT",
          true));
    }
  }

  /** Whether {@code failure} says the connection failed, rather than the statement. */
  static boolean isConnectionFailure(Throwable failure) {
    if (failure instanceof SQLNonTransientConnectionException || failure instanceof SQLTransientConnectionException
        || failure instanceof SQLRecoverableException) {
      return true;
    }
    String state = failure instanceof SQLException ? ((SQLException) failure).getSQLState() : null;
    return state != null && state.startsWith("08");
  }

  static String shorten(String sql) {
    return sql.length() <= MAX_SQL_LENGTH ? sql
        : sql.substring(0, MAX_SQL_LENGTH) + "... (" + sql.length() + " characters)";
  }
}
