package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code inBlockingTransaction} on H2: a blocking body on one worker, committed when it returns,
 * rolled back when it throws or is abandoned, the connection's state restored; deadlines and
 * cancels settle at once even while the body blocks.
 */
class AsyncJdbcBlockingTransactionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private RecordingDataSource recording;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-btx").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void openDatabase() {
    h2 = new H2Pool(3);
    h2.execute("CREATE TABLE accounts(id INT PRIMARY KEY, balance INT)", "INSERT INTO accounts VALUES (1, 100), (2, 0)",
        H2Latch.CREATE_ALIAS);
    recording = new RecordingDataSource(h2.dataSource);
    jdbc = AsyncJdbc.create(runtime, recording.dataSource,
        JdbcOptions.builder().name("btx-" + NAMES.incrementAndGet()).maxConnections(3).build());
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  private static int transfer(Connection connection, int amount) throws SQLException {
    try (PreparedStatement debit = connection.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = 1");
        PreparedStatement credit = connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = 2")) {
      debit.setInt(1, amount);
      debit.executeUpdate();
      credit.setInt(1, amount);
      return credit.executeUpdate();
    }
  }

  private long balance(int account) {
    return h2.count("SELECT balance FROM accounts WHERE id = " + account);
  }

  @Test
  void aBodyThatReturnsCommitsAndGivesItsResult() throws Exception {
    String result = jdbc.inBlockingTransaction(connection -> transfer(connection, 30) == 1 ? "moved" : "not moved")
        .join(TIMEOUT);

    assertThat(result).isEqualTo("moved");
    assertThat(balance(1)).isEqualTo(70);
    assertThat(balance(2)).isEqualTo(30);
  }

  @Test
  void aBodyThatThrowsRollsBackAndFailsWithItsException() {
    IllegalStateException refusal = new IllegalStateException("insufficient funds");

    Future<Object> failed = jdbc.inBlockingTransaction(connection -> {
      transfer(connection, 30);
      throw refusal;
    });

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isSameAs(refusal);
    assertThat(balance(1)).as("rows are rolled back once the future has failed").isEqualTo(100);
    assertThat(balance(2)).isZero();
  }

  @Test
  void theBodyRunsOnAWorkerAndTheResultOnTheCallersLoop() throws Exception {
    Loop loop = runtime.loops().get(1);
    CompletableFuture<String> callbackThread = new CompletableFuture<>();

    String bodyThread = loop.submit(() -> jdbc.inBlockingTransaction(connection -> Thread.currentThread().getName())
        .onComplete((name, failure) -> callbackThread.complete(Thread.currentThread().getName()))).join(TIMEOUT);

    assertThat(bodyThread).as("the body's thread").startsWith("jdbc-btx-" + jdbc.name());
    assertThat(callbackThread.get()).as("the callback's thread").isEqualTo(loop.name());
  }

  @Test
  void theIsolationLevelIsSetForTheBodyAndStateIsRestoredAfterCommitAndRollback() throws Exception {
    String level = jdbc.inBlockingTransaction(IsolationLevel.SERIALIZABLE, connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT ISOLATION_LEVEL FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()");
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1) + " autoCommit=" + connection.getAutoCommit();
      }
    }).join(TIMEOUT);
    Future<Object> failed = jdbc.inBlockingTransaction(IsolationLevel.REPEATABLE_READ, connection -> {
      throw new IllegalStateException("no");
    });
    assertThatThrownBy(() -> failed.join(TIMEOUT)).hasMessage("no");

    assertThat(level).isEqualTo("SERIALIZABLE autoCommit=false");
    assertThat(recording.statesAtClose).containsExactly(
        "autoCommit=true isolation=" + Connection.TRANSACTION_READ_COMMITTED,
        "autoCommit=true isolation=" + Connection.TRANSACTION_READ_COMMITTED);
  }

  @Test
  void aCommitFailingWithAConnectionErrorIsReportedAsOutcomeUnknown() {
    recording.failing.add("commit"); // throws an SQLException of SQLState class 08 (connection exception)

    Future<Integer> failed = jdbc.inBlockingTransaction(connection -> transfer(connection, 30));

    assertThatThrownBy(() -> failed.join(TIMEOUT)).isInstanceOf(SQLException.class)
        .satisfies(failure -> assertThat(SqlContext.of(failure)).hasValueSatisfying(context -> {
          assertThat(context.outcomeUnknown()).isTrue();
          assertThat(context.getMessage()).contains("outcome unknown").contains("SQLState 08");
        }));
  }

  @Test
  void aDeadlineFailsTheTransactionAtOnceWhileTheBodyBlocksAndItNeverCommits() throws Exception {
    String latch = "btx-deadline-" + NAMES.incrementAndGet();
    Future<Integer> result = jdbc.withTimeout(Duration.ofMillis(300)).inBlockingTransaction(connection -> {
      int moved = transfer(connection, 30);
      try (PreparedStatement hang = connection.prepareStatement("SELECT AWAIT_LATCH('" + latch + "')")) {
        hang.executeQuery().close(); // blocks until the test releases it
      }
      return moved;
    });
    try {
      assertThatThrownBy(() -> result.join(Duration.ofSeconds(5))).as("settled while the body still blocks")
          .isInstanceOf(TimeoutException.class).hasMessageContaining("rollback requested");
    } finally {
      H2Latch.release(latch);
    }
    h2.assertAllReturned();
    assertThat(balance(1)).as("the body returned after the deadline: rolled back, not committed").isEqualTo(100);
  }

  @Test
  void cancellingFailsTheTransactionAtOnceWhileTheBodyBlocksAndItNeverCommits() throws Exception {
    String latch = "btx-cancel-" + NAMES.incrementAndGet();
    Future<Integer> result = jdbc.inBlockingTransaction(connection -> {
      int moved = transfer(connection, 30);
      try (PreparedStatement hang = connection.prepareStatement("SELECT AWAIT_LATCH('" + latch + "')")) {
        hang.executeQuery().close();
      }
      return moved;
    });
    try {
      assertThat(H2Latch.awaitEntered(latch)).as("the body blocks").isTrue();
      result.cancel();
      assertThatThrownBy(() -> result.join(Duration.ofSeconds(1))).isInstanceOf(CancellationException.class);
    } finally {
      H2Latch.release(latch);
    }
    h2.assertAllReturned();
    assertThat(balance(1)).as("rolled back, not committed").isEqualTo(100);
  }

  @Test
  void aTransactionWaitingForAConnectionIsDroppedByItsDeadlineWithoutRunning() throws Exception {
    String latch = "btx-busy-" + NAMES.incrementAndGet();
    AtomicInteger ran = new AtomicInteger();
    Future<?>[] holders = new Future<?>[3];
    for (int i = 0; i < holders.length; i++) {
      holders[i] = jdbc.inBlockingTransaction(connection -> {
        try (PreparedStatement hang = connection.prepareStatement("SELECT AWAIT_LATCH('" + latch + "')")) {
          hang.executeQuery().close();
        }
        return 0;
      });
    }
    Future<Integer> waiting = jdbc.withTimeout(Duration.ofMillis(200)).inBlockingTransaction(connection ->
        ran.incrementAndGet());
    try {
      assertThatThrownBy(() -> waiting.join(Duration.ofSeconds(5))).isInstanceOf(TimeoutException.class)
          .hasMessageContaining("did not begin");
    } finally {
      H2Latch.release(latch);
    }
    for (Future<?> holder : holders) {
      holder.join(TIMEOUT);
    }
    assertThat(ran).as("runs of the dropped transaction's body").hasValue(0);
  }
}
