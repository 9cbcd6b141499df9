package dev.weft.jdbc;

import java.sql.Connection;

/**
 * The body of {@link AsyncJdbc#inBlockingTransaction}: plain blocking JDBC code, run on one of
 * the bridge's workers with the transaction's connection.
 *
 * @param <R> the result
 */
@FunctionalInterface
public interface BlockingTransactionBody<R> {

  /**
   * Does the transaction's work on {@code connection}, which is in a transaction already
   * (auto-commit off, the isolation level set). Do not commit, roll back, close it or change its
   * auto-commit: the bridge does, when this method returns (commit) or throws (rollback).
   *
   * @param connection the transaction's connection; do not keep it after returning
   * @return the result; may be {@code null}
   * @throws Exception any failure: the transaction is rolled back and fails with it
   */
  R run(Connection connection) throws Exception;
}
