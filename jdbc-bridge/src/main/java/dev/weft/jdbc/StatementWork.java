package dev.weft.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * What one statement does with a connection, on a worker: prepare, bind, execute, read, close
 * what it opened. The connection itself belongs to the caller.
 *
 * @param <T> the result
 */
@FunctionalInterface
interface StatementWork<T> {

  /**
   * Runs the statement.
   *
   * @param connection the connection to run on; not closed here
   * @param guard registers the running statement, so a cancel can reach it
   * @param queryTimeoutSeconds the JDBC query timeout, or 0 for none
   * @return the result
   * @throws Exception what the driver or a mapper throws
   */
  T run(Connection connection, StatementGuard guard, int queryTimeoutSeconds) throws Exception;

  /**
   * This work, its result turned by {@code then} on the worker: no second future, so a refused or
   * failed statement's future is the caller's at once.
   *
   * @param then turns the result; quick, never blocking
   * @param <R> the new result's type
   * @return the combined work
   */
  default <R> StatementWork<R> then(java.util.function.Function<? super T, ? extends R> then) {
    return (connection, guard, timeout) -> then.apply(run(connection, guard, timeout));
  }

  static <T> StatementWork<List<T>> query(String sql, Object[] params, RowMapper<T> mapper) {
    return (connection, guard, timeout) -> {
      try (PreparedStatement statement = prepare(connection, sql, params, timeout, false)) {
        guard.enter(statement);
        try (ResultSet rows = statement.executeQuery()) {
          List<T> values = new ArrayList<>();
          while (rows.next()) {
            guard.checkNotCancelled(); // a cancelled call stops reading a long result
            values.add(mapper.map(rows));
          }
          return Collections.unmodifiableList(values);
        } finally {
          guard.exit();
        }
      }
    };
  }

  /** At most one row: empty, or the row; more than one fails. {@code required}: none fails too. */
  static <T> StatementWork<Optional<T>> queryAtMostOne(String sql, Object[] params, RowMapper<T> mapper,
      boolean required) {
    String method = required ? "queryOne" : "queryOptional";
    return (connection, guard, timeout) -> {
      try (PreparedStatement statement = prepare(connection, sql, params, timeout, false)) {
        statement.setMaxRows(2); // enough to tell one row from several
        guard.enter(statement);
        try (ResultSet rows = statement.executeQuery()) {
          if (!rows.next()) {
            if (required) {
              throw new NoSuchElementException(method + " expected exactly one row, the query returned none");
            }
            return Optional.empty();
          }
          T value = mapper.map(rows);
          if (rows.next()) {
            throw new IllegalStateException(method + " expected " + (required ? "exactly" : "at most")
                + " one row, the query returned more");
          }
          return Optional.ofNullable(value);
        } finally {
          guard.exit();
        }
      }
    };
  }

  static StatementWork<Integer> update(String sql, Object[] params) {
    return (connection, guard, timeout) -> {
      try (PreparedStatement statement = prepare(connection, sql, params, timeout, false)) {
        guard.enter(statement);
        try {
          return statement.executeUpdate();
        } finally {
          guard.exit();
        }
      }
    };
  }

  static <K> StatementWork<List<K>> updateReturningKeys(String sql, Object[] params, RowMapper<K> keyMapper) {
    return (connection, guard, timeout) -> {
      try (PreparedStatement statement = prepare(connection, sql, params, timeout, true)) {
        guard.enter(statement);
        try {
          statement.executeUpdate();
          List<K> keys = new ArrayList<>();
          try (ResultSet generated = statement.getGeneratedKeys()) {
            while (generated.next()) {
              keys.add(keyMapper.map(generated));
            }
          }
          return Collections.unmodifiableList(keys);
        } finally {
          guard.exit();
        }
      }
    };
  }

  static StatementWork<int[]> batch(String sql, List<Object[]> rows) {
    return (connection, guard, timeout) -> {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        ParameterBinder binder = new ParameterBinder(statement);
        for (Object[] row : rows) {
          binder.bind(row);
          statement.addBatch();
        }
        if (timeout > 0) {
          statement.setQueryTimeout(timeout);
        }
        guard.enter(statement);
        try {
          return statement.executeBatch();
        } finally {
          guard.exit();
        }
      }
    };
  }

  /** Prepares and binds; closes the statement if that fails. */
  static PreparedStatement prepare(Connection connection, String sql, Object[] params, int timeout,
      boolean returnKeys) throws Exception {
    PreparedStatement statement = returnKeys ? connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)
        : connection.prepareStatement(sql);
    try {
      new ParameterBinder(statement).bind(params);
      if (timeout > 0) {
        statement.setQueryTimeout(timeout);
      }
      return statement;
    } catch (Exception | Error failure) {
      closeAfter(statement, failure);
      throw failure;
    }
  }

  /** Closes {@code resource} after {@code failure}, keeping a close failure as suppressed. */
  static void closeAfter(AutoCloseable resource, Throwable failure) {
    try {
      resource.close();
    } catch (Exception closeFailure) {
      failure.addSuppressed(closeFailure);
    }
  }

  /** Whether {@code failure} is the bridge's own signal that a call was cancelled. */
  static boolean isCancellation(Throwable failure) {
    return failure instanceof CancellationException;
  }
}
