package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures on H2, through a pool with leak detection on: the driver's exception arrives unchanged
 * with the SQL attached, saturation is refused at once, and every failure path returns the
 * connection ({@link H2Pool#assertAllReturned} after each test).
 */
class AsyncJdbcFailuresTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-failures").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  private void open(int connections, int maxQueue) {
    h2 = new H2Pool(connections);
    h2.execute("CREATE TABLE users(id INT PRIMARY KEY, name VARCHAR(10) NOT NULL)", "INSERT INTO users VALUES (1, 'ada')");
    jdbc = AsyncJdbc.create(runtime, h2.dataSource,
        JdbcOptions.builder().name("failures-" + NAMES.incrementAndGet()).maxQueue(maxQueue).build());
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  @Test
  void theDriversExceptionArrivesUnchangedWithTheSqlAttached() {
    open(2, 10);
    String sql = "INSERT INTO users VALUES (?, ?)";

    Future<Integer> duplicate = jdbc.update(sql, 1, "grace");

    assertThatThrownBy(() -> duplicate.join(TIMEOUT))
        .isInstanceOf(SQLIntegrityConstraintViolationException.class) // H2's own subclass, not a wrapper
        .satisfies(failure -> {
          SQLException sqlFailure = (SQLException) failure;
          assertThat(sqlFailure.getSQLState()).isEqualTo("23505");
          assertThat(sqlFailure.getErrorCode()).isEqualTo(23505);
          assertThat(sqlFailure.getClass().getName()).startsWith("org.h2.");
          assertThat(SqlContext.of(sqlFailure)).get().extracting(SqlContext::sql).isEqualTo(sql);
          assertThat(sqlFailure.getSuppressed()).hasSize(1);
          assertThat(sqlFailure.getSuppressed()[0]).hasMessage("while running on jdbc '" + jdbc.name() + "': " + sql);
        });
  }

  @Test
  void aSyntaxErrorIsTheDriversSyntaxError() {
    open(2, 10);

    Future<List<Object>> broken = jdbc.query("SELEKT 1", row -> row.getObject(1));

    assertThatThrownBy(() -> broken.join(TIMEOUT)).isInstanceOf(SQLSyntaxErrorException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42001"));
  }

  @Test
  void aRowMapperFailureFailsTheCallAsItIs() {
    open(2, 10);
    IllegalStateException mapperFailure = new IllegalStateException("cannot map");

    Future<List<Object>> failed = jdbc.query("SELECT name FROM users", row -> {
      throw mapperFailure;
    });

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isSameAs(mapperFailure);
    assertThat(SqlContext.of(mapperFailure)).isPresent();
  }

  @Test
  void aBindingFailureReturnsTheConnection() {
    open(2, 10);

    Future<Integer> wrongCount = jdbc.update("UPDATE users SET name = ? WHERE id = ?", "only one");

    assertThatThrownBy(() -> wrongCount.join(TIMEOUT)).isInstanceOf(SQLException.class);
  }

  @Test
  void aFailingBatchReportsTheDriversBatchException() {
    open(2, 10);
    List<Object[]> rows = List.of(new Object[] {2, "grace"}, new Object[] {3, null});

    Future<int[]> failed = jdbc.batch("INSERT INTO users VALUES (?, ?)", rows);

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(java.sql.BatchUpdateException.class);
  }

  @Test
  void aSaturatedBridgeRejectsAtOnceNamingItsNumbers() {
    open(1, 1);
    Future<List<Long>> running = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    Future<Integer> waiting = jdbc.update("UPDATE users SET name = 'x'");

    assertThatThrownBy(() -> jdbc.update("UPDATE users SET name = 'y'").join(Duration.ZERO))
        .isInstanceOf(RejectedException.class)
        .hasMessage("jdbc '" + jdbc.name() + "' is saturated (1/1 connections in use, 1/1 calls waiting); raise "
            + "maxQueue, or the pool's size and maxConnections if the database can take more, or shed load upstream");
    running.cancel();
    waiting.cancel();
  }

  @Test
  void aClosedBridgeRejectsNewCalls() {
    open(1, 10);
    jdbc.close();

    assertThatThrownBy(() -> jdbc.query("SELECT 1", row -> row.getInt(1)).join(Duration.ZERO)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void closingFailsTheWaitingCallsAndLetsTheRunningOneFinish() throws Exception {
    open(1, 10);
    h2.execute(H2Latch.CREATE_ALIAS);
    String latch = "close-" + jdbc.name();
    Future<Integer> running = jdbc.queryOne("SELECT AWAIT_LATCH(?)", row -> row.getInt(1), latch);
    Polling.await("the first query running", TIMEOUT, () -> h2.activeConnections() == 1);
    Future<Integer> waiting = jdbc.queryOne("SELECT 1", row -> row.getInt(1));

    jdbc.close();
    H2Latch.release(latch);

    assertThatThrownBy(() -> waiting.join(TIMEOUT)).isInstanceOf(RejectedException.class)
        .hasMessageContaining("is closed");
    assertThat(running.join(TIMEOUT)).isEqualTo(1);
    Polling.await("the adapter closed once the last connection was back", TIMEOUT,
        () -> runtime.adapter(jdbc.name()).stats().threads() == 0);
  }

  @Test
  void aConnectionThatCannotBeHadFailsTheCallWithTheDataSourcesException() throws Exception {
    open(1, 10);
    RecordingDataSource recording = new RecordingDataSource(h2.dataSource);
    recording.failing.add("getConnection");
    AsyncJdbc unlucky = AsyncJdbc.create(runtime, recording.dataSource,
        JdbcOptions.builder().name("failures-" + NAMES.incrementAndGet()).maxConnections(1).build());

    try {
      Future<Integer> failed = unlucky.update("UPDATE users SET name = 'x'");
      assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(SQLException.class)
          .hasMessage("injected failure of DataSource.getConnection");
      recording.failing.clear();
      assertThat(unlucky.update("UPDATE users SET name = 'x'").join(TIMEOUT)).as("the permit came back").isEqualTo(1);
    } finally {
      unlucky.close();
    }
  }
}
