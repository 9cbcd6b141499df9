package dev.weft.jdbc;

import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A connection taken for one transaction, and what must be put back on it: opened with auto-commit
 * off and the isolation level asked for, ended by commit or rollback, then restored and closed.
 * Confined to the thread running the transaction's steps.
 */
final class TransactionConnection {
  final Connection connection;
  private final boolean restoreAutoCommit;
  private final int savedIsolation; // the level to restore, or -1

  private TransactionConnection(Connection connection, boolean restoreAutoCommit, int savedIsolation) {
    this.connection = connection;
    this.restoreAutoCommit = restoreAutoCommit;
    this.savedIsolation = savedIsolation;
  }

  /**
   * Takes a connection and starts a transaction on it; on failure, closes what it took.
   *
   * @param isolation the level, or null for the connection's default
   */
  static TransactionConnection open(DataSource dataSource, IsolationLevel isolation) throws Exception {
    Connection connection = dataSource.getConnection();
    int saved = -1;
    boolean autoCommit = false;
    try {
      if (isolation != null) {
        int current = connection.getTransactionIsolation();
        if (current != isolation.jdbcLevel()) {
          connection.setTransactionIsolation(isolation.jdbcLevel());
          saved = current;
        }
      }
      if (connection.getAutoCommit()) {
        connection.setAutoCommit(false);
        autoCommit = true;
      }
      return new TransactionConnection(connection, autoCommit, saved);
    } catch (Exception | Error failure) {
      StatementWork.closeAfter(connection, failure);
      throw failure;
    }
  }

  /** Commits; on failure rolls back, and returns the commit's failure (with its context attached). */
  Throwable commit(String bridgeName) {
    try {
      connection.commit();
      return null;
    } catch (Throwable failure) {
      if (SqlContext.isConnectionFailure(failure)) {
        SqlContext.attachOutcomeUnknown(failure, bridgeName);
      } else {
        SqlContext.attach(failure, bridgeName, "COMMIT");
      }
      Throwable rollbackFailure = rollback(bridgeName);
      if (rollbackFailure != null) {
        failure.addSuppressed(rollbackFailure);
      }
      return failure;
    }
  }

  /** Rolls back; the failure, or null. */
  Throwable rollback(String bridgeName) {
    try {
      connection.rollback();
      return null;
    } catch (Throwable failure) {
      SqlContext.attach(failure, bridgeName, "ROLLBACK");
      return failure;
    }
  }

  /** Puts back auto-commit and isolation, then closes; always closes. The first failure, or null. */
  Throwable restoreAndClose() {
    Throwable failure = null;
    try {
      if (restoreAutoCommit) {
        connection.setAutoCommit(true);
      }
      if (savedIsolation != -1) {
        connection.setTransactionIsolation(savedIsolation);
      }
    } catch (Throwable thrown) {
      failure = thrown;
    }
    try {
      connection.close();
    } catch (Throwable thrown) {
      if (failure == null) {
        failure = thrown;
      } else {
        failure.addSuppressed(thrown);
      }
    }
    return failure;
  }
}
