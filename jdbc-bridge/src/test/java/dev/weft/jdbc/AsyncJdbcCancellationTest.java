package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.future.Future;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancellation and deadlines on H2: the statement is stopped in the database (its connection comes
 * back long before the query could have finished), not merely forgotten by the caller.
 */
class AsyncJdbcCancellationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;

  private H2Pool h2;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-cancel").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  private AsyncJdbc open(int connections, int maxQueue) {
    h2 = new H2Pool(connections);
    h2.execute("CREATE TABLE events(id INT)");
    jdbc = AsyncJdbc.create(runtime, h2.dataSource,
        JdbcOptions.builder().name("cancel-" + NAMES.incrementAndGet()).maxQueue(maxQueue).build());
    return jdbc;
  }

  @AfterEach
  void closeDatabase() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  private void awaitRunning(int statements) {
    Polling.await(statements + " statement(s) running", TIMEOUT,
        () -> runtime.adapter(jdbc.name()).stats().active() == statements && h2.activeConnections() == statements);
  }

  @Test
  void cancellingARunningQueryCancelsTheStatementInTheDatabase() {
    open(2, 10);
    Future<List<Long>> running = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    awaitRunning(1);

    long cancelledAt = System.nanoTime();
    assertThat(running.cancel()).isTrue();

    assertThatThrownBy(() -> running.join(TIMEOUT)).isInstanceOf(CancellationException.class);
    h2.assertAllReturned(); // the query would run for minutes: only Statement.cancel() frees it this soon
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void cancellingACallWaitingForAConnectionDropsItBeforeItRuns() throws Exception {
    open(1, 10);
    Future<List<Long>> holder = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    awaitRunning(1);
    Future<Integer> waiting = jdbc.update("INSERT INTO events VALUES (1)");

    waiting.cancel();
    holder.cancel();
    h2.assertAllReturned();

    assertThat(jdbc.query("SELECT id FROM events", row -> row.getInt(1)).join(TIMEOUT)).as("rows of the dropped insert")
        .isEmpty();
  }

  @Test
  void theContextDeadlineFailsTheCallWithTimeoutAndCancelsTheStatement() throws Exception {
    open(2, 10);
    Future<List<Long>> late = Context.root().withDeadline(Deadline.after(Duration.ofMillis(200)))
        .call(() -> jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1)));

    assertThatThrownBy(() -> late.join(TIMEOUT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("did not complete by its deadline").hasMessageContaining("SYSTEM_RANGE");
    h2.assertAllReturned();
  }

  @Test
  void theDeadlineAlsoBecomesTheQueryTimeoutRoundedUpToWholeSeconds() throws Exception {
    open(1, 10);
    RecordingDataSource recording = new RecordingDataSource(h2.dataSource);
    AsyncJdbc recorded = AsyncJdbc.create(runtime, recording.dataSource,
        JdbcOptions.builder().name("cancel-" + NAMES.incrementAndGet()).maxConnections(1).build());
    try {
      // What is left of 2.9 s when the statement starts (after a thread start and a checkout, which a
      // loaded machine may stretch to most of a second) rounds up to 3
      recorded.withTimeout(Duration.ofMillis(2_900)).queryOne("SELECT 1", row -> row.getInt(1)).join(TIMEOUT);
      recorded.queryOne("SELECT 1", row -> row.getInt(1)).join(TIMEOUT);
    } finally {
      recorded.close();
    }

    assertThat(recording.queryTimeouts).as("setQueryTimeout calls: only the call with a deadline sets one")
        .containsExactly(3);
  }

  @Test
  void withTimeoutBoundsEachCallOfTheView() {
    open(2, 10);
    AsyncJdbc impatient = jdbc.withTimeout(Duration.ofMillis(200));

    Future<List<Long>> late = impatient.query(H2Pool.LONG_QUERY, row -> row.getLong(1));

    assertThatThrownBy(() -> late.join(TIMEOUT)).isInstanceOf(TimeoutException.class);
    h2.assertAllReturned();
  }

  @Test
  void theTimeoutCountsTheWaitForAConnection() {
    open(1, 10);
    Future<List<Long>> holder = jdbc.query(H2Pool.LONG_QUERY, row -> row.getLong(1));
    awaitRunning(1);

    Future<Integer> starved = jdbc.withTimeout(Duration.ofMillis(100)).update("INSERT INTO events VALUES (1)");

    assertThatThrownBy(() -> starved.join(TIMEOUT)).isInstanceOf(TimeoutException.class);
    holder.cancel();
    h2.assertAllReturned();
    assertThat(h2.count("SELECT COUNT(*) FROM events")).isZero();
  }

  @Test
  void aCallWhoseDeadlineHasPassedFailsWithoutTouchingTheDatabase() throws Exception {
    open(1, 10);
    Context expired = Context.root().withDeadline(Deadline.after(Duration.ZERO));

    Future<Integer> never = expired.call(() -> jdbc.update("INSERT INTO events VALUES (1)"));

    assertThatThrownBy(() -> never.join(TIMEOUT)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("deadline had passed");
    assertThat(runtime.adapter(jdbc.name()).stats().submitted()).isZero();
  }

  @Test
  void aQueryFasterThanItsDeadlineSucceeds() throws Exception {
    open(1, 10);

    int one = jdbc.withTimeout(Duration.ofSeconds(5)).queryOne("SELECT 1", row -> row.getInt(1)).join(TIMEOUT);

    assertThat(one).isEqualTo(1);
  }
}
