package dev.weft.jdbc;

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

  SqlContext(String bridgeName, String sql) {
    super("while running on jdbc '" + bridgeName + "': " + shorten(sql), null, false, false);
    this.sql = sql;
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

  static String shorten(String sql) {
    return sql.length() <= MAX_SQL_LENGTH ? sql
        : sql.substring(0, MAX_SQL_LENGTH) + "... (" + sql.length() + " characters)";
  }
}
