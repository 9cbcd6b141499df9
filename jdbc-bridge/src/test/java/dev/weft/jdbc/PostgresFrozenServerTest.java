package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import dev.weft.testing.WeftRuntimeExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions while the PostgreSQL server hangs: the test's own server is stopped with SIGSTOP
 * (postmaster and backends; SIGCONT in a finally), so statements, cancels and rollbacks get no answer.
 * A deadline must still settle each transaction at its moment, and once the server answers (or the
 * bridge gives up on it) no connection or permit may stay taken.
 */
class PostgresFrozenServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofMillis(500);
  /**
   * The deadline plus half a second for a loaded machine to run the timers and callbacks: what is
   * asserted is that the deadline (or the cancel) settles a transaction, not the thaw 30 s later nor
   * the abort of its connection, which abortConnectionAfter (1 s) would bring 1.5 s after the call.
   */
  private static final long SETTLED_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

  @RegisterExtension
  final WeftRuntimeExtension weft = WeftRuntimeExtension.named("jdbc-frozen");

  private long postmasterPid;
  private String marker;
  private HikariDataSource pool;
  private AsyncJdbc jdbc;

  @BeforeEach
  void createTable() {
    postmasterPid = Postgres.assumeServerPid();
    marker = "weft_" + UUID.randomUUID().toString().replace('-', '_');
    admin("DROP TABLE IF EXISTS frozen_rows", "CREATE TABLE frozen_rows(id INT PRIMARY KEY)");
  }

  @AfterEach
  void closePool() {
    if (jdbc != null) {
      jdbc.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void transactionsFailAtTheirDeadlineWhileTheServerIsFrozenAndLeakNothingOnceItThaws() throws Exception {
    open(4, JdbcOptions.builder().name("pg-frozen").abortConnectionAfter(Duration.ofSeconds(1)));
    List<Timed> transactions = new ArrayList<>();
    FrozenServer frozen;
    try {
      for (int i = 0; i < 8; i++) {
        // 4 get a connection (and hang in getConnection's check, a statement or the commit), the rest wait for
        // a permit; every other one has a blocking body
        transactions.add(i % 2 == 0 ? sleepingTransaction(i, jdbc.withTimeout(DEADLINE))
            : sleepingBlockingTransaction(i, jdbc.withTimeout(DEADLINE)));
      }
    } finally {
      frozen = FrozenServer.freeze(postmasterPid); // at once: where each one is, the server hangs
    }
    try {
      for (Timed transaction : transactions) {
        transaction.assertFailedWithin(TimeoutException.class, SETTLED_WITHIN_NANOS);
      }
    } finally {
      frozen.close(); // SIGCONT, whatever happened
    }
    awaitNothingHeld();
    // (a blocking body's pg_sleep may still run on the server for a client whose connection was aborted:
    // the server finishes it; what must not exist is a session left inside one of our transactions)
    Polling.await("no server session left inside a transaction", TIMEOUT, () -> adminCount(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            + " AND state LIKE 'idle in transaction%'") == 0);
    assertNextTransactionCommits();
    assertThat(adminCount("SELECT count(*) FROM frozen_rows WHERE id < 8"))
        .as("rows of the timed-out transactions (rolled back)").isZero();
  }

  @Test
  void aConnectionTheServerDoesNotLetGoIsAbortedAndItsPermitComesBackWhileTheServerIsStillFrozen()
      throws Exception {
    open(2, JdbcOptions.builder().name("pg-frozen-abort").abortConnectionAfter(Duration.ofMillis(300)));
    List<Timed> transactions = List.of(sleepingTransaction(0, jdbc), sleepingTransaction(1, jdbc));
    Polling.await("2 transactions sleeping on the server", TIMEOUT, () -> adminCount(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" + marker + "%'"
            + " AND pid <> pg_backend_pid()") == 2);
    FrozenServer frozen = FrozenServer.freeze(postmasterPid);
    try {
      for (Timed transaction : transactions) {
        transaction.cancel();
        transaction.assertFailedWithin(CancellationException.class, SETTLED_WITHIN_NANOS);
      }
      // still frozen: the statements, their cancels and the rollbacks get no answer; only the
      // abort (after 300 ms) can free the connections and permits
      awaitNothingHeld();
    } finally {
      frozen.close(); // SIGCONT, whatever happened
    }
    assertNextTransactionCommits();
    assertThat(adminCount("SELECT count(*) FROM frozen_rows WHERE id < 2"))
        .as("rows of the aborted transactions").isZero();
  }

  // ---- helpers

  private void open(int connections, JdbcOptions.Builder options) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Postgres.url());
    config.setMaximumPoolSize(connections);
    config.setMinimumIdle(connections);
    config.setConnectionTimeout(20_000);
    config.setPoolName("frozen");
    pool = new HikariDataSource(config);
    jdbc = AsyncJdbc.create(weft.runtime(), pool, options.build());
  }

  /** A transaction that inserts a row, then sleeps 30 s on the server. */
  private Timed sleepingTransaction(int id, AsyncJdbc view) {
    long startedAt = System.nanoTime();
    Future<Integer> future = view.inTransaction(tx ->
        tx.update("INSERT INTO frozen_rows VALUES (?)", id)
            .flatMap(inserted -> tx.query("SELECT pg_sleep(30) /* " + marker + " */", row -> row.getString(1)))
            .map(rows -> rows.size()));
    return new Timed(id, startedAt, future);
  }

  /** The same in a blocking body: plain JDBC on the transaction's connection. */
  private Timed sleepingBlockingTransaction(int id, AsyncJdbc view) {
    long startedAt = System.nanoTime();
    Future<Integer> future = view.inBlockingTransaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO frozen_rows VALUES (?)");
          PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(30) /* " + marker + " */")) {
        insert.setInt(1, id);
        insert.executeUpdate();
        sleep.executeQuery().close();
        return 1;
      }
    });
    return new Timed(id, startedAt, future);
  }

  private void awaitNothingHeld() {
    Polling.await("every bridge permit back and every pool connection returned", TIMEOUT,
        () -> ((DefaultAsyncJdbc) jdbc).connectionsInUse() == 0
            && pool.getHikariPoolMXBean().getActiveConnections() == 0
            && weft.runtime().adapter(jdbc.name()).stats().active() == 0,
        () -> "permits " + ((DefaultAsyncJdbc) jdbc).connectionsInUse() + ", pool active "
            + pool.getHikariPoolMXBean().getActiveConnections());
  }

  private void assertNextTransactionCommits() throws Exception {
    Integer inserted = jdbc.inTransaction(tx -> tx.update("INSERT INTO frozen_rows VALUES (100)")
        .flatMap(n -> tx.update("UPDATE frozen_rows SET id = 101 WHERE id = 100")))
        .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(inserted).isEqualTo(1);
    assertThat(adminCount("SELECT count(*) FROM frozen_rows WHERE id = 101")).as("the committed row").isEqualTo(1);
  }

  private static void admin(String... statements) {
    try (Connection connection = DriverManager.getConnection(Postgres.url());
        java.sql.Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static long adminCount(String sql) {
    try (Connection connection = DriverManager.getConnection(Postgres.url());
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** A transaction's future and when it was called and settled. */
  private static final class Timed {
    final int id;
    volatile long startedAt;
    final CompletableFuture<Long> settledAt = new CompletableFuture<>();
    final Future<Integer> future;

    Timed(int id, long startedAt, Future<Integer> future) {
      this.id = id;
      this.startedAt = startedAt;
      this.future = future;
      future.onComplete((value, failure) -> settledAt.complete(System.nanoTime()));
    }

    void cancel() {
      startedAt = System.nanoTime(); // measured from the cancel
      future.cancel();
    }

    void assertFailedWithin(Class<? extends Throwable> failure, long nanos) throws Exception {
      long settled = settledAt.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(future.failureNow()).as("transaction %d's failure", id).isInstanceOf(failure);
      if (failure == TimeoutException.class) {
        assertThat(future.failureNow()).as("transaction %d's failure", id)
            .hasMessageMatching("(?s).*(rollback requested|did not begin|outcome is unknown).*");
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(settled - startedAt))
          .as("ms from calling transaction %d (or cancelling it) to its future failing", id)
          .isLessThanOrEqualTo(TimeUnit.NANOSECONDS.toMillis(nanos));
    }
  }
}
