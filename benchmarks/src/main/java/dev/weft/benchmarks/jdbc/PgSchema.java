package dev.weft.benchmarks.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL scenario's tables and statements: each transaction inserts a row into
 * {@code scenario_rows} and adds one to its client's counter in {@code scenario_counters} (one
 * counter per client, so clients do not queue on one row lock: the scenario measures the hand-offs,
 * not lock contention), then commits.
 */
final class PgSchema {
  static final String INSERT = "INSERT INTO scenario_rows(client, payload) VALUES (?, ?)";
  static final String UPDATE = "UPDATE scenario_counters SET n = n + 1 WHERE id = ?";
  static final String SELECT = "SELECT n FROM scenario_counters WHERE id = ?";
  static final String VERTX_INSERT = "INSERT INTO scenario_rows(client, payload) VALUES ($1, $2)";
  static final String VERTX_UPDATE = "UPDATE scenario_counters SET n = n + 1 WHERE id = $1";
  static final String VERTX_SELECT = "SELECT n FROM scenario_counters WHERE id = $1";
  static final String PAYLOAD = "weft-scenario-payload-0123456789abcdef";

  private PgSchema() {}

  /** Drops and creates the tables, with {@code clients} counters, and vacuums: every row starts alike. */
  static void reset(String url, int clients) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS scenario_rows, scenario_counters");
      statement.execute("CREATE TABLE scenario_rows(id BIGSERIAL PRIMARY KEY, client INT NOT NULL, payload TEXT)");
      statement.execute("CREATE TABLE scenario_counters(id INT PRIMARY KEY, n BIGINT NOT NULL)");
      statement.execute("INSERT INTO scenario_counters SELECT g, 0 FROM generate_series(0, " + (clients - 1) + ") g");
      statement.execute("VACUUM ANALYZE");
      statement.execute("CHECKPOINT");
    }
  }
}
