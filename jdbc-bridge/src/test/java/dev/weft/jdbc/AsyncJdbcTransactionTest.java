package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transactions on H2: one connection, in order, commit or rollback by the body's future, state restored. */
class AsyncJdbcTransactionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private RecordingDataSource recording;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-tx").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void openDatabase() {
    h2 = new H2Pool(3);
    h2.execute("CREATE TABLE accounts(id INT PRIMARY KEY, balance INT)",
        "CREATE TABLE log(seq INT AUTO_INCREMENT PRIMARY KEY, step INT)",
        "INSERT INTO accounts VALUES (1, 100), (2, 0)");
    recording = new RecordingDataSource(h2.dataSource);
    jdbc = AsyncJdbc.create(runtime, recording.dataSource,
        JdbcOptions.builder().name("tx-" + NAMES.incrementAndGet()).maxConnections(3).build());
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  private Future<Integer> transfer(Transaction tx, int amount) {
    return tx.update("UPDATE accounts SET balance = balance - ? WHERE id = 1", amount)
        .flatMap(debited -> tx.update("UPDATE accounts SET balance = balance + ? WHERE id = 2", amount));
  }

  private long balance(int account) {
    return h2.count("SELECT balance FROM accounts WHERE id = " + account);
  }

  @Test
  void aSucceedingBodyCommitsAndGivesItsResult() throws Exception {
    String result = jdbc.inTransaction(tx -> transfer(tx, 30).map(credited -> "moved")).join(TIMEOUT);

    assertThat(result).isEqualTo("moved");
    assertThat(balance(1)).isEqualTo(70);
    assertThat(balance(2)).isEqualTo(30);
  }

  @Test
  void aFailingBodyRollsBackAndFailsWithItsException() {
    IllegalStateException refusal = new IllegalStateException("insufficient funds");

    Future<Object> failed = jdbc.inTransaction(tx -> transfer(tx, 30).flatMap(credited -> Future.failed(refusal)));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isSameAs(refusal);
    assertThat(balance(1)).as("rows are rolled back once the future has failed").isEqualTo(100);
    assertThat(balance(2)).isZero();
  }

  @Test
  void aBodyThatThrowsRollsBack() {
    Future<Object> failed = jdbc.inTransaction(tx -> {
      transfer(tx, 30);
      throw new IllegalArgumentException("thrown by the body");
    });

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("thrown by the body");
    assertThat(balance(1)).isEqualTo(100);
  }

  @Test
  void aBodyThatReturnsNullRollsBackWithAClearError() {
    Future<Object> failed = jdbc.inTransaction(tx -> null);

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("returned null instead of a Future");
  }

  @Test
  void aFailingStatementFailsTheTransactionWhenTheBodyPassesItOn() {
    Future<Integer> failed = jdbc.inTransaction(tx -> tx.update("UPDATE accounts SET balance = 0 WHERE id = 1")
        .flatMap(zeroed -> tx.update("INSERT INTO accounts VALUES (1, 5)")));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
    assertThat(balance(1)).isEqualTo(100);
  }

  @Test
  void aStatementFailureTheBodyRecoversFromStillCommits() throws Exception {
    jdbc.inTransaction(tx -> tx.update("INSERT INTO accounts VALUES (1, 5)")
        .recover(duplicate -> 0)
        .flatMap(ignored -> tx.update("UPDATE accounts SET balance = 1 WHERE id = 2"))).join(TIMEOUT);

    assertThat(balance(2)).isEqualTo(1);
  }

  @Test
  void statementsRunOnOneConnectionInTheOrderTheyWereCalled() throws Exception {
    List<Future<Integer>> sessions = new ArrayList<>();
    jdbc.inTransaction(tx -> {
      for (int step = 1; step <= 20; step++) {
        tx.update("INSERT INTO log(step) VALUES (?)", step); // not awaited: the queue keeps the order
        sessions.add(tx.queryOne("SELECT SESSION_ID()", row -> row.getInt(1)));
      }
      return Future.all(sessions);
    }).join(TIMEOUT);

    List<Integer> steps = jdbc.query("SELECT step FROM log ORDER BY seq", row -> row.getInt(1)).join(TIMEOUT);
    assertThat(steps).as("steps in the order they were called").isSorted().hasSize(20);
    assertThat(sessions).extracting(Future::resultNow).as("sessions of the statements").containsOnly(
        sessions.get(0).resultNow());
  }

  @Test
  void theBodyRunsOnTheCallersLoop() throws Exception {
    Loop loop = runtime.loops().get(1);

    String bodyThread = loop.submit(() -> jdbc.inTransaction(tx -> Future.succeeded(Thread.currentThread().getName())))
        .join(TIMEOUT);

    assertThat(bodyThread).isEqualTo(loop.name());
  }

  @Test
  void autoCommitAndIsolationAreRestoredWhenTheConnectionIsReturned() throws Exception {
    jdbc.inTransaction(IsolationLevel.SERIALIZABLE, tx -> tx.queryOne("SELECT 1", row -> row.getInt(1))).join(TIMEOUT);

    assertThat(recording.statesAtClose).containsExactly(
        "autoCommit=true isolation=" + Connection.TRANSACTION_READ_COMMITTED);
  }

  @Test
  void theIsolationLevelIsSetForTheBody() throws Exception {
    String level = jdbc.inTransaction(IsolationLevel.SERIALIZABLE, tx -> tx.queryOne(
        "SELECT ISOLATION_LEVEL FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()",
        row -> row.getString(1))).join(TIMEOUT);

    assertThat(level).isEqualTo("SERIALIZABLE");
  }

  @Test
  void stateIsRestoredAfterARollbackToo() {
    Future<Object> failed = jdbc.inTransaction(IsolationLevel.REPEATABLE_READ,
        tx -> Future.failed(new IllegalStateException("no")));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).hasMessage("no");
    h2.assertAllReturned();
    assertThat(recording.statesAtClose).containsExactly(
        "autoCommit=true isolation=" + Connection.TRANSACTION_READ_COMMITTED);
  }

  @Test
  void cancellingTheTransactionRollsBackAndCancelsItsRunningStatement() {
    CompletableFuture<Void> inserted = new CompletableFuture<>();
    Future<List<Long>> result = jdbc.inTransaction(tx -> tx.update("INSERT INTO log(step) VALUES (1)")
        .flatMap(done -> {
          inserted.complete(null);
          return tx.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
        }));
    inserted.join();

    result.cancel();

    assertThatThrownBy(() -> result.join(TIMEOUT)).isInstanceOf(CancellationException.class);
    h2.assertAllReturned(); // the long query was cancelled in the database, then the rollback ran
    assertThat(h2.count("SELECT COUNT(*) FROM log")).isZero();
  }

  @Test
  void aTransactionPastItsDeadlineFailsWithTimeoutAndRollsBack() {
    Future<List<Long>> result = jdbc.withTimeout(Duration.ofMillis(300)).inTransaction(tx ->
        tx.update("INSERT INTO log(step) VALUES (1)").flatMap(done -> tx.query(H2Pool.LONG_QUERY, row -> row.getLong(1))));

    // the transaction's timer or its statement's (the same deadline, through the context) fires first
    assertThatThrownBy(() -> result.join(TIMEOUT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("did not complete by its deadline");
    h2.assertAllReturned();
    assertThat(h2.count("SELECT COUNT(*) FROM log")).isZero();
  }

  @Test
  void aDeadlineFailsTheTransactionAtOnceWhileItsRollbackWaitsBehindAHungStatement() throws Exception {
    h2.execute(H2Latch.CREATE_ALIAS);
    String latch = "rollback-behind-" + NAMES.incrementAndGet();
    AtomicReference<Future<List<Integer>>> hung = new AtomicReference<>();
    CompletableFuture<Integer> body = new CompletableFuture<>();
    IllegalStateException bodyFailure = new IllegalStateException("the body gave up");
    Future<Integer> result = jdbc.withTimeout(Duration.ofSeconds(1)).inTransaction(tx -> {
      hung.set(tx.query("SELECT AWAIT_LATCH('" + latch + "')", row -> row.getInt(1))); // H2 cannot cancel it
      return Future.from(body);
    });
    try {
      assertThat(H2Latch.awaitEntered(latch)).as("the statement runs").isTrue();
      body.completeExceptionally(bodyFailure); // its rollback now waits behind the hung statement
      assertThatThrownBy(() -> result.join(Duration.ofSeconds(5)))
          .as("settled by the deadline, while the statement still hangs")
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("rollback requested")
          .satisfies(timeout -> assertThat(timeout.getSuppressed()).contains(bodyFailure));
    } finally {
      H2Latch.release(latch);
    }
    assertThatThrownBy(() -> hung.get().join(TIMEOUT)).isInstanceOf(CancellationException.class);
    h2.assertAllReturned();
  }

  @Test
  void aDeadlineTurnsACommitQueuedBehindAHungStatementIntoARollback() throws Exception {
    h2.execute(H2Latch.CREATE_ALIAS);
    String latch = "commit-behind-" + NAMES.incrementAndGet();
    AtomicReference<Future<List<Integer>>> hung = new AtomicReference<>();
    CompletableFuture<Integer> body = new CompletableFuture<>();
    Future<Integer> result = jdbc.withTimeout(Duration.ofSeconds(1)).inTransaction(tx ->
        tx.update("INSERT INTO log(step) VALUES (1)").flatMap(inserted -> {
          hung.set(tx.query("SELECT AWAIT_LATCH('" + latch + "')", row -> row.getInt(1))); // not awaited
          return Future.from(body);
        }));
    try {
      assertThat(H2Latch.awaitEntered(latch)).as("the statement runs").isTrue();
      body.complete(1); // its commit now waits behind the hung statement
      assertThatThrownBy(() -> result.join(Duration.ofSeconds(5)))
          .as("settled by the deadline, while the statement still hangs")
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("rollback requested");
    } finally {
      H2Latch.release(latch);
    }
    assertThatThrownBy(() -> hung.get().join(TIMEOUT))
        .isInstanceOfAny(CancellationException.class, TimeoutException.class);
    h2.assertAllReturned();
    assertThat(h2.count("SELECT COUNT(*) FROM log")).as("the insert, rolled back instead of committed").isZero();
  }

  @Test
  void theTransactionsDeadlineBoundsItsStatements() throws Exception {
    Integer timeout = jdbc.withTimeout(Duration.ofMillis(1_500))
        .inTransaction(tx -> tx.queryOne("SELECT 1", row -> row.getInt(1))).join(TIMEOUT);

    assertThat(timeout).isEqualTo(1);
    assertThat(recording.queryTimeouts).as("the statement's query timeout, from the transaction's deadline")
        .containsExactly(2);
  }

  @Test
  void usingTheTransactionAfterItEndedFailsClearly() throws Exception {
    AtomicReference<Transaction> escaped = new AtomicReference<>();
    jdbc.inTransaction(tx -> {
      escaped.set(tx);
      return tx.update("INSERT INTO log(step) VALUES (1)");
    }).join(TIMEOUT);

    assertThat(escaped.get().isActive()).isFalse();
    assertThatThrownBy(() -> escaped.get().update("INSERT INTO log(step) VALUES (2)"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has committed")
        .hasMessageContaining("statements must be called before its body's future completes")
        .hasMessageContaining("INSERT INTO log(step) VALUES (2)");
  }

  @Test
  void statementsCalledButNotAwaitedBeforeTheBodyCompletesAreCommitted() throws Exception {
    jdbc.inTransaction(tx -> {
      tx.update("INSERT INTO log(step) VALUES (1)");
      tx.update("INSERT INTO log(step) VALUES (2)");
      return Future.succeeded("done before the inserts ran");
    }).join(TIMEOUT);

    assertThat(h2.count("SELECT COUNT(*) FROM log")).isEqualTo(2);
  }

  @Test
  void aFailedCommitRollsBackAndFailsWithTheCommitsException() {
    recording.failing.add("commit");

    Future<Integer> result = jdbc.inTransaction(tx -> tx.update("INSERT INTO log(step) VALUES (1)"));

    assertThatThrownBy(() -> result.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .hasMessageContaining("injected failure of Connection.commit")
        .satisfies(e -> assertThat(SqlContext.of(e)).get().extracting(SqlContext::sql).isEqualTo("COMMIT"));
    recording.failing.clear();
    h2.assertAllReturned();
    assertThat(h2.count("SELECT COUNT(*) FROM log")).isZero();
  }

  @Test
  void aCommitFailingWithAConnectionErrorIsReportedAsOutcomeUnknown() {
    recording.failing.add("commit"); // throws an SQLException of SQLState class 08 (connection exception)

    Future<Integer> failed = jdbc.inTransaction(tx -> transfer(tx, 30));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(failure -> assertThat(SqlContext.of(failure)).hasValueSatisfying(context -> {
          assertThat(context.outcomeUnknown()).isTrue();
          assertThat(context.getMessage()).contains("outcome unknown").contains("SQLState 08");
        }));
  }

  @Test
  void aFailedBeginFailsWithoutRunningTheBodyAndReturnsTheConnection() {
    recording.failing.add("setAutoCommit");
    AtomicInteger bodies = new AtomicInteger();

    Future<Object> result = jdbc.inTransaction(tx -> {
      bodies.incrementAndGet();
      return Future.succeeded(null);
    });

    assertThatThrownBy(() -> result.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .hasMessageContaining("injected failure of Connection.setAutoCommit");
    h2.assertAllReturned();
    assertThat(bodies).hasValue(0);
  }
}
