package dev.weft.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The open query of one stream: its connection (in a transaction, as PostgreSQL needs for a
 * cursor), statement and result set. Used by one worker at a time; the stream's fetches hand it
 * from one to the next through the home loop.
 */
final class Cursor {
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet rows;
  private boolean autoCommitOff; // we are in a transaction to end
  private boolean restoreAutoCommit;
  private boolean closed;
  private boolean pendingRow; // the cursor is on a row nobody has read yet (the look-ahead of the last fetch)

  boolean isOpen() {
    return rows != null && !closed;
  }

  /** Whether the cursor is on an unread row (then read it, without next()); clears the mark. */
  boolean takePendingRow() {
    boolean pending = pendingRow;
    pendingRow = false;
    return pending;
  }

  void setPendingRow() {
    pendingRow = true;
  }

  ResultSet rows() {
    return rows;
  }

  PreparedStatement statement() {
    return statement;
  }

  /** Runs the query; on failure, what was opened stays for {@link #close} to close. */
  void open(JdbcBridge bridge, String sql, Object[] params, int queryTimeoutSeconds, StatementGuard guard)
      throws Exception {
    connection = bridge.dataSource.getConnection();
    if (connection.getAutoCommit()) {
      connection.setAutoCommit(false);
      restoreAutoCommit = true;
    }
    autoCommitOff = true;
    statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    statement.setFetchSize(bridge.fetchSize);
    new ParameterBinder(statement).bind(params);
    if (queryTimeoutSeconds > 0) {
      statement.setQueryTimeout(queryTimeoutSeconds);
    }
    guard.enter(statement);
    try {
      rows = statement.executeQuery();
    } finally {
      guard.exit();
    }
  }

  /**
   * Closes everything, committing the read-only transaction at the natural end of the rows and
   * rolling it back otherwise. Idempotent; always closes the connection.
   *
   * @return the first failure, or null
   */
  Throwable close(boolean commit) {
    if (closed) {
      return null;
    }
    closed = true;
    Throwable failure = null;
    failure = closeQuietly(rows, failure);
    failure = closeQuietly(statement, failure);
    if (connection != null) {
      try {
        if (autoCommitOff) {
          if (commit) {
            connection.commit();
          } else {
            connection.rollback();
          }
        }
        if (restoreAutoCommit) {
          connection.setAutoCommit(true);
        }
      } catch (Throwable thrown) {
        failure = keep(failure, thrown);
      }
      failure = closeQuietly(connection, failure);
    }
    return failure;
  }

  private static Throwable closeQuietly(AutoCloseable resource, Throwable failure) {
    if (resource == null) {
      return failure;
    }
    try {
      resource.close();
      return failure;
    } catch (Throwable thrown) {
      return keep(failure, thrown);
    }
  }

  private static Throwable keep(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
