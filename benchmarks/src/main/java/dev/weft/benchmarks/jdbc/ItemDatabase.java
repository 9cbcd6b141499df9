package dev.weft.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * An H2 in-memory database behind a fixed-size HikariCP pool, holding a table of {@value #ROWS}
 * items, and the query both sides of the benchmark run: one item's name by primary key. The raw
 * JDBC form ({@link #select}) does what the bridge's {@code query} does on its worker: a connection
 * from the pool, a prepared statement, {@code setObject}, every row mapped into an unmodifiable
 * list, everything closed.
 */
final class ItemDatabase implements AutoCloseable {
  /** Rows in the table; keys 1 to {@value}. */
  static final int ROWS = 16;

  /** The query, by primary key. */
  static final String SELECT = "SELECT name FROM item WHERE id = ?";

  static {
    // slf4j-simple logs HikariCP's start and shutdown at INFO, in the middle of JMH's iteration
    // lines; -Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=info brings them back
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
  }

  private final HikariDataSource pool;

  /**
   * Creates the database, fills the pool with {@code poolSize} connections and the table with its
   * rows.
   *
   * @param poolSize the pool's fixed size
   * @throws SQLException if H2 refuses
   */
  ItemDatabase(int poolSize) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("bench-h2");
    // DB_CLOSE_DELAY=-1: the database lives as long as the JVM, whatever the pool does
    config.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    this.pool = new HikariDataSource(config);
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(64) NOT NULL)");
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO item(id, name) VALUES (?, ?)")) {
        for (int id = 1; id <= ROWS; id++) {
          insert.setInt(1, id);
          insert.setString(2, "item-" + id);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    } catch (SQLException | RuntimeException failure) {
      pool.close();
      throw failure;
    }
  }

  /** The pool both sides share. */
  DataSource dataSource() {
    return pool;
  }

  /** The key of the {@code n}-th query: the table's keys in turn. */
  static Integer key(int n) {
    return (n % ROWS) + 1; // 1..16: Integer's cache, no allocation
  }

  /**
   * Runs {@link #SELECT} with raw JDBC on the calling thread.
   *
   * @param key the primary key
   * @return the names of the matching rows (one)
   * @throws SQLException as H2 throws it
   */
  List<String> select(Integer key) throws SQLException {
    try (Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(SELECT)) {
      statement.setObject(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        List<String> names = new ArrayList<>();
        while (rows.next()) {
          names.add(rows.getString(1));
        }
        return Collections.unmodifiableList(names);
      }
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
