package dev.weft.benchmarks.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plain JDBC on a HikariCP pool, one thread per client (platform threads, or virtual threads on
 * JDK 21+): the code a blocking service runs, and the baseline of the scenario.
 */
final class JdbcThreadClients implements PgClients {
  private final boolean transaction; // false: a single SELECT per unit
  private final HikariDataSource pool;
  private final ExecutorService threads;
  private final String threadKind;
  private volatile boolean stopping;
  private int clients;

  JdbcThreadClients(boolean transaction, HikariDataSource pool, ExecutorService threads, String threadKind) {
    this.transaction = transaction;
    this.pool = pool;
    this.threads = threads;
    this.threadKind = threadKind;
  }

  @Override
  public void start(int clients, PgLoad load) {
    this.clients = clients;
    for (int i = 0; i < clients; i++) {
      int client = i;
      threads.execute(() -> {
        while (!stopping) {
          long startedAt = System.nanoTime();
          try {
            if (transaction) {
              transaction(client);
            } else {
              select(client);
            }
            load.completed(startedAt);
          } catch (SQLException | RuntimeException failure) {
            load.failed(failure);
          }
        }
      });
    }
  }

  private void transaction(int client) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      insertAndUpdate(connection, client);
      connection.commit();
    }
  }

  /** The transaction's statements, on a connection in a transaction; also Weft's blocking body. */
  static int insertAndUpdate(Connection connection, int client) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(PgSchema.INSERT)) {
      insert.setInt(1, client);
      insert.setString(2, PgSchema.PAYLOAD);
      insert.executeUpdate();
    }
    try (PreparedStatement update = connection.prepareStatement(PgSchema.UPDATE)) {
      update.setInt(1, client);
      return update.executeUpdate();
    }
  }

  private void select(int client) throws SQLException {
    try (Connection connection = pool.getConnection();
        PreparedStatement select = connection.prepareStatement(PgSchema.SELECT)) {
      select.setInt(1, client);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        rows.getLong(1);
      }
    }
  }

  @Override
  public void stop() throws InterruptedException {
    stopping = true;
    threads.shutdown();
    if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("JDBC clients did not stop within 60 s");
    }
  }

  @Override
  public String threads() {
    return clients + " " + threadKind;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    pool.close();
  }
}
