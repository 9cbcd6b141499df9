package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge against a real PostgreSQL server (started by scripts/postgres.sh; see {@link Postgres}),
 * through a HikariCP pool of 8 with leak detection on. What H2 cannot show: a cancel that stops the
 * server's work (checked in pg_stat_activity), cursors that keep a million-row result out of the
 * heap, a backend killed under a query, and a pool much smaller than the load.
 */
class PostgresIntegrationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int POOL_SIZE = 8;
  private static String url;
  private static HikariDataSource pool;
  private static AsyncRuntime runtime;
  private static AsyncJdbc jdbc;

  @BeforeAll
  static void connect() {
    url = Postgres.url();
    if (url == null) {
      return; // every test is skipped, with the reason, by assumeAvailable()
    }
    pool = pool("pg", POOL_SIZE, Duration.ofSeconds(2));
    LeakLog.install();
    runtime = AsyncRuntime.builder().name("jdbc-pg").loops(2).build();
    jdbc = AsyncJdbc.create(runtime, pool, JdbcOptions.builder().name("pg").build());
  }

  /** A HikariCP pool with leak detection on: a connection held longer than {@code leakAfter} is reported. */
  private static HikariDataSource pool(String name, int size, Duration leakAfter) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setLeakDetectionThreshold(leakAfter.toMillis());
    config.setConnectionTimeout(10_000);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  @AfterAll
  static void disconnect() {
    if (jdbc != null) {
      jdbc.close();
      runtime.close();
      pool.close();
    }
  }

  @BeforeEach
  void freshTables() {
    Postgres.assumeAvailable();
    admin("DROP TABLE IF EXISTS accounts, events",
        "CREATE TABLE accounts(id SERIAL PRIMARY KEY, owner TEXT NOT NULL UNIQUE, balance INT, opened TIMESTAMPTZ)",
        "CREATE TABLE events(id INT)");
  }

  @AfterEach
  void everyConnectionReturned() {
    if (url == null) {
      return;
    }
    Polling.await("every connection returned to the pool", TIMEOUT,
        () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
    LeakLog.assertNoLeaks();
  }

  // ---- a connection outside the bridge, to look at the server

  private static Connection adminConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  private static void admin(String... statements) {
    try (Connection connection = adminConnection(); java.sql.Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** The pid of the backend running a statement whose text contains {@code marker}, if one is active. */
  private static Optional<Integer> activeBackend(String marker) {
    try (Connection connection = adminConnection(); PreparedStatement statement = connection.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      statement.setString(1, "%" + marker + "%");
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static String marker() {
    return "weft_" + UUID.randomUUID().toString().replace('-', '_');
  }

  // ---- cancellation reaches the server

  @Test
  void pgSleepCancelledAfter100MillisStopsOnTheServer() throws Exception {
    String marker = marker();
    long calledAt = System.nanoTime();
    Future<List<Object>> sleeping = jdbc.query("SELECT pg_sleep(10) AS " + marker, row -> row.getObject(1));
    Polling.await("pg_sleep running on the server", TIMEOUT, () -> activeBackend(marker).isPresent());
    // 100 ms after the call, or at once if seeing it run took longer (a loaded machine)
    runtime.nextLoop().delay(Duration.ofNanos(Math.max(0,
        TimeUnit.MILLISECONDS.toNanos(100) - (System.nanoTime() - calledAt)))).join(TIMEOUT);

    long cancelledAt = System.nanoTime();
    sleeping.cancel();

    assertThatThrownBy(() -> sleeping.join(TIMEOUT)).isInstanceOf(CancellationException.class);
    Polling.await("pg_sleep gone from pg_stat_activity", Duration.ofSeconds(3), () -> activeBackend(marker).isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).as("server stopped after the cancel within")
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void theContextDeadlineCancelsTheQueryOnTheServer() throws Exception {
    String marker = marker();
    Future<List<Object>> late = Context.root().withDeadline(Deadline.after(Duration.ofMillis(300)))
        .call(() -> jdbc.query("SELECT pg_sleep(10) AS " + marker, row -> row.getObject(1)));

    assertThatThrownBy(() -> late.join(TIMEOUT)).isInstanceOf(TimeoutException.class);
    Polling.await("pg_sleep gone from pg_stat_activity", Duration.ofSeconds(3), () -> activeBackend(marker).isEmpty());
  }

  @Test
  void cancellingAStreamWhoseQueryStillRunsStopsItOnTheServer() throws Exception {
    String marker = marker();
    RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>(1);
    jdbc.stream("SELECT 1 AS " + marker + " FROM pg_sleep(10)", row -> row.getInt(1)).subscribe(subscriber);
    Polling.await("the stream's query running on the server", TIMEOUT, () -> activeBackend(marker).isPresent());

    subscriber.cancel();

    Polling.await("the query gone from pg_stat_activity", Duration.ofSeconds(3), () -> activeBackend(marker).isEmpty());
    assertThat(subscriber.items).isEmpty();
  }

  @Test
  void cancellingATransactionStopsItsStatementOnTheServerAndRollsBack() throws Exception {
    String marker = marker();
    Future<List<Object>> result = jdbc.inTransaction(tx -> tx.update("INSERT INTO events VALUES (1)")
        .flatMap(inserted -> tx.query("SELECT pg_sleep(10) AS " + marker, row -> row.getObject(1))));
    Polling.await("the transaction's query running on the server", TIMEOUT, () -> activeBackend(marker).isPresent());

    result.cancel();

    Polling.await("the query gone from pg_stat_activity", Duration.ofSeconds(3), () -> activeBackend(marker).isEmpty());
    Polling.await("the connection back in the pool", TIMEOUT,
        () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
    assertThat(count("SELECT COUNT(*) FROM events")).as("rows of the rolled-back insert").isZero();
  }

  // ---- transactions

  @Test
  void aFailingTransactionBodyLeavesNoRows() throws Exception {
    Future<Object> failed = jdbc.inTransaction(tx -> tx.batch("INSERT INTO accounts(owner, balance) VALUES (?, ?)",
            List.of(new Object[] {"ada", 10}, new Object[] {"grace", 20}))
        .flatMap(inserted -> Future.failed(new IllegalStateException("changed my mind"))));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).hasMessage("changed my mind");
    assertThat(count("SELECT COUNT(*) FROM accounts")).isZero();
  }

  @Test
  void aSucceedingTransactionCommitsItsRows() throws Exception {
    jdbc.inTransaction(IsolationLevel.SERIALIZABLE, tx -> tx.update("INSERT INTO accounts(owner) VALUES ('ada')")
        .flatMap(one -> tx.update("INSERT INTO accounts(owner) VALUES ('grace')"))).join(TIMEOUT);

    assertThat(count("SELECT COUNT(*) FROM accounts")).isEqualTo(2);
  }

  /**
   * Stress, on the single-hand-off paths: 400 transactions, 64 at a time on a pool of 8, async and
   * blocking bodies, serializable, every third failing after its statements. Invariants: each
   * succeeded transaction's row is there and each failed one's is not; the counter equals the
   * successes; every connection is back in read committed with auto-commit on.
   */
  @Test
  void concurrentTransactionsOfBothKindsCommitOrRollBackWholeAndRestoreTheirConnections() throws Exception {
    admin("CREATE TABLE IF NOT EXISTS counter(id INT PRIMARY KEY, n INT)", "DELETE FROM counter",
        "INSERT INTO counter VALUES (1, 0)");
    int total = 400;
    List<Future<Integer>> results = new ArrayList<>();
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
    for (int i = 0; i < total; i++) {
      int id = i;
      boolean fails = i % 3 == 0;
      inFlight.acquire();
      Future<Integer> result = i % 2 == 0
          ? jdbc.inTransaction(IsolationLevel.SERIALIZABLE, tx -> tx.update("INSERT INTO events VALUES (?)", id)
              .flatMap(n -> tx.update("UPDATE counter SET n = n + 1 WHERE id = 1"))
              .flatMap(n -> fails ? Future.failed(new IllegalStateException("body " + id + " fails")) : Future.succeeded(n)))
          : jdbc.inBlockingTransaction(IsolationLevel.SERIALIZABLE, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (?)");
                PreparedStatement count = connection.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
              insert.setInt(1, id);
              insert.executeUpdate();
              int n = count.executeUpdate();
              if (fails) {
                throw new IllegalStateException("body " + id + " fails");
              }
              return n;
            }
          });
      result.onComplete((value, failure) -> inFlight.release());
      results.add(result);
    }
    List<Integer> committed = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      Future<Integer> result = results.get(i);
      try {
        result.join(TIMEOUT);
        committed.add(i);
      } catch (Exception failure) {
        if (failure instanceof SQLException) { // a serialization failure may happen: serializable
          assertThat(((SQLException) failure).getSQLState()).as("transaction %d", i).isEqualTo("40001");
        } else {
          assertThat(failure).as("transaction %d's failure", i).isInstanceOf(IllegalStateException.class);
          assertThat(i % 3).as("transaction %d failed: %s", i, failure.getMessage()).isZero();
        }
      }
    }
    List<Integer> rows = jdbc.query("SELECT id FROM events ORDER BY id", row -> row.getInt(1)).join(TIMEOUT);
    assertThat(rows).as("rows of the committed transactions, and only those").isEqualTo(committed);
    assertThat(jdbc.queryOne("SELECT n FROM counter WHERE id = 1", row -> row.getInt(1)).join(TIMEOUT))
        .as("the counter").isEqualTo(committed.size());
    List<Future<String>> states = new ArrayList<>();
    for (int i = 0; i < POOL_SIZE; i++) {
      states.add(jdbc.queryOne("SELECT current_setting('transaction_isolation') || ' ' || pg_sleep(0.05)",
          row -> row.getString(1)));
    }
    for (Future<String> state : states) {
      assertThat(state.join(TIMEOUT)).as("a connection's isolation after the transactions").startsWith("read committed");
    }
  }

  @Test
  void everyStatementOfATransactionRunsOnOneBackend() throws Exception {
    List<Future<Integer>> pids = new ArrayList<>();
    jdbc.inTransaction(tx -> {
      for (int i = 0; i < 5; i++) {
        pids.add(tx.queryOne("SELECT pg_backend_pid()", row -> row.getInt(1)));
      }
      return Future.all(pids);
    }).join(TIMEOUT);

    assertThat(pids).extracting(Future::resultNow).containsOnly(pids.get(0).resultNow());
  }

  // ---- streaming

  @Test
  void aMillionRowStreamKeepsTheHeapBounded() throws Exception {
    int rows = 1_000_000;
    // its own pool: the stream holds its connection for seconds, legitimately, longer than the
    // main pool's 2 s leak threshold
    try (HikariDataSource streamPool = pool("pg-stream", 1, Duration.ofSeconds(60));
        AsyncJdbc streaming = AsyncJdbc.create(runtime, streamPool,
            JdbcOptions.builder().name("pg-stream").fetchSize(1_000).build())) {
      Flow.Publisher<Integer> publisher = streaming.stream(
          "SELECT g, repeat('x', 100) FROM generate_series(1, ?) g", row -> row.getString(2).length() + row.getInt(1) * 0,
          rows);
      PausingSubscriber subscriber = new PausingSubscriber(rows / 2);
      long before = heapAfterGc();

      publisher.subscribe(subscriber);
      subscriber.paused.get(60, TimeUnit.SECONDS);
      long midway = heapAfterGc();
      subscriber.resume();
      subscriber.done.get(60, TimeUnit.SECONDS);

      assertThat(subscriber.received).hasValue(rows);
      // If the driver had materialised the result (no cursor), ~1M rows of 100 characters would be
      // held: well over 150 MB. With a cursor, at most fetchSize rows are: a few hundred KB.
      assertThat(midway - before).as("heap growth half-way through the stream, in bytes")
          .isLessThan(48L * 1024 * 1024);
    }
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Requests in batches of 1 000; stops requesting at {@code pauseAt} until resumed. */
  private static final class PausingSubscriber implements Flow.Subscriber<Integer> {
    final AtomicLong received = new AtomicLong();
    final CompletableFuture<Void> paused = new CompletableFuture<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long pauseAt;
    private volatile Flow.Subscription subscription;

    PausingSubscriber(long pauseAt) {
      this.pauseAt = pauseAt;
    }

    void resume() {
      subscription.request(1_000);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1_000);
    }

    @Override
    public void onNext(Integer item) {
      long count = received.incrementAndGet();
      if (count == pauseAt) {
        paused.complete(null);
      } else if (count % 1_000 == 0) {
        subscription.request(1_000);
      }
    }

    @Override
    public void onError(Throwable failure) {
      paused.completeExceptionally(failure);
      done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }

  // ---- failures

  @Test
  void aBackendKilledMidQueryGivesAClearErrorAndThePoolRecovers() throws Exception {
    String marker = marker();
    Future<List<Object>> victim = jdbc.query("SELECT pg_sleep(10) AS " + marker, row -> row.getObject(1));
    Polling.await("the query running on the server", TIMEOUT, () -> activeBackend(marker).isPresent());

    admin("SELECT pg_terminate_backend(" + activeBackend(marker).orElseThrow() + ")");

    assertThatThrownBy(() -> victim.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(failure -> {
          assertThat(((SQLException) failure).getSQLState()).as("SQLState").isIn("57P01", "08006", "08003");
          assertThat(failure.getMessage()).containsAnyOf("terminating connection due to administrator command",
              "I/O error");
          assertThat(SqlContext.of(failure)).get().extracting(SqlContext::sql).asString().contains(marker);
        });
    List<Future<Integer>> next = new ArrayList<>();
    for (int i = 0; i < POOL_SIZE; i++) {
      next.add(jdbc.queryOne("SELECT 1", row -> row.getInt(1)));
    }
    assertThat(Future.all(next).join(TIMEOUT)).as("queries after the kill, one per connection").containsOnly(1);
  }

  @Test
  void postgresErrorsKeepTheirSqlStateAndClass() throws Exception {
    jdbc.update("INSERT INTO accounts(owner) VALUES ('ada')").join(TIMEOUT);

    Future<Integer> duplicate = jdbc.update("INSERT INTO accounts(owner) VALUES (?)", "ada");

    assertThatThrownBy(() -> duplicate.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(failure -> {
          assertThat(failure.getClass().getName()).isEqualTo("org.postgresql.util.PSQLException");
          assertThat(((SQLException) failure).getSQLState()).isEqualTo("23505");
          assertThat(failure.getMessage()).contains("accounts_owner_key");
        });
  }

  // ---- load

  @Test
  void twoHundredConcurrentQueriesThroughAPoolOfEightAllComplete() throws Exception {
    List<Future<Integer>> queries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      queries.add(jdbc.queryOne("SELECT ?::int FROM pg_sleep(0.01)", row -> row.getInt(1), i));
    }

    List<Integer> results = Future.all(queries).join(TIMEOUT);

    assertThat(results).hasSize(200).doesNotHaveDuplicates();
    assertThat(runtime.adapter(jdbc.name()).stats().peakActive()).as("statements at once").isLessThanOrEqualTo(POOL_SIZE);
  }

  // ---- PostgreSQL's strict typing

  @Test
  void nullParametersAreTypedSoPostgresAcceptsThem() throws Exception {
    jdbc.update("INSERT INTO accounts(owner, balance, opened) VALUES (?, ?, ?)", "ada", null, null).join(TIMEOUT);
    jdbc.update("UPDATE accounts SET opened = ? WHERE owner = ?", OffsetDateTime.now(), "ada").join(TIMEOUT);
    jdbc.update("UPDATE accounts SET opened = ?, balance = ? WHERE owner = ?", null, null, "ada").join(TIMEOUT);

    long matching = jdbc.queryOne("SELECT COUNT(*) FROM accounts WHERE balance IS NOT DISTINCT FROM ?",
        row -> row.getLong(1), (Object) null).join(TIMEOUT);
    assertThat(matching).isEqualTo(1);
  }

  @Test
  void generatedKeysComeBackFromASerialColumn() throws Exception {
    List<Integer> ids = jdbc.updateReturningKeys("INSERT INTO accounts(owner) VALUES (?), (?)", row -> row.getInt("id"),
        "ada", "grace").join(TIMEOUT);

    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
  }

  private static long count(String sql) throws Exception {
    return jdbc.queryOne(sql, row -> row.getLong(1)).join(TIMEOUT);
  }
}
