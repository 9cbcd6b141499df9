package dev.weft.jdbc;

import java.sql.Connection;

/**
 * The isolation level of a transaction, as {@link Connection#setTransactionIsolation} knows them.
 * Which levels a database really provides is its own business (PostgreSQL runs
 * {@code READ_UNCOMMITTED} as {@code READ_COMMITTED}); a level the driver refuses fails the
 * transaction with the driver's {@link java.sql.SQLException} before its body runs.
 */
public enum IsolationLevel {
  /** {@link Connection#TRANSACTION_READ_UNCOMMITTED}: dirty reads possible. */
  READ_UNCOMMITTED(Connection.TRANSACTION_READ_UNCOMMITTED),
  /** {@link Connection#TRANSACTION_READ_COMMITTED}: each statement sees data committed before it began. */
  READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED),
  /** {@link Connection#TRANSACTION_REPEATABLE_READ}: rows read once read the same again. */
  REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ),
  /** {@link Connection#TRANSACTION_SERIALIZABLE}: as if transactions ran one after another. */
  SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE);

  private final int jdbcLevel;

  IsolationLevel(int jdbcLevel) {
    this.jdbcLevel = jdbcLevel;
  }

  /**
   * The level's {@link Connection} constant, e.g. {@link Connection#TRANSACTION_SERIALIZABLE}.
   *
   * @return the JDBC constant
   */
  public int jdbcLevel() {
    return jdbcLevel;
  }
}
