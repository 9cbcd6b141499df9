package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.testing.Polling;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * A fresh in-memory H2 database behind a HikariCP pool whose leak detection is on: every test
 * that uses it ends by checking that all connections came back ({@link #assertAllReturned()}).
 */
final class H2Pool implements AutoCloseable {
  /** A query that runs for minutes unless cancelled: H2 checks for cancellation while it loops. */
  static final String LONG_QUERY =
      "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 1000000) A, SYSTEM_RANGE(1, 1000000) B WHERE A.X + B.X < 0";

  final HikariDataSource dataSource;

  H2Pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setLeakDetectionThreshold(2_000); // Hikari's smallest; LeakLog fails the test on a report
    config.setConnectionTimeout(5_000);
    config.setPoolName("h2-" + size);
    dataSource = new HikariDataSource(config);
    LeakLog.install();
  }

  int activeConnections() {
    return dataSource.getHikariPoolMXBean().getActiveConnections();
  }

  /** Polls until every connection is back in the pool (a cancelled call returns it asynchronously). */
  void assertAllReturned() {
    Polling.await("every connection returned to the pool", Duration.ofSeconds(5), () -> activeConnections() == 0);
    LeakLog.assertNoLeaks();
  }

  /** Runs SQL directly, without the bridge: test set-up and checks. */
  void execute(String... statements) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** The first column of the first row of {@code sql}, as a long, read without the bridge. */
  long count(String sql) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    assertThat(activeConnections()).as("connections still out when the test ended").isZero();
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN"); // frees the in-memory database
    } catch (SQLException alreadyClosedBySHUTDOWN) {
      // closing a connection whose database SHUTDOWN just closed fails; nothing is left to free
    }
    dataSource.close();
  }
}
