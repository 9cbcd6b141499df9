package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.blocking.AdapterStats;
import dev.weft.future.Future;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge's numbers, in {@link AsyncJdbc#metrics()} and in the runtime's metrics: the scenario
 * of issue 16 (2 connections, a queue of 3; 3 calls wait, 5 are rejected, 5 fail in SQL), whose
 * waits, rejections and failures the runtime's metrics used to miss.
 */
class AsyncJdbcMetricsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private AsyncRuntime runtime;
  private H2Pool h2;
  private AsyncJdbc jdbc;

  @BeforeEach
  void open() {
    runtime = AsyncRuntime.builder().name("jdbc-metrics").loops(2).build();
    h2 = new H2Pool(2);
    h2.execute(H2Latch.CREATE_ALIAS);
    jdbc = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("orders-db").maxQueue(3).build());
  }

  @AfterEach
  void close() {
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
    runtime.close();
  }

  @Test
  void waitsRejectionsAndSqlFailuresAreCountedByTheBridgeAndTheRuntime() throws Exception {
    List<Future<Integer>> holding = new ArrayList<>();
    for (String latch : List.of("metrics-hold-1", "metrics-hold-2")) {
      holding.add(jdbc.queryOne("SELECT AWAIT_LATCH(?)", row -> row.getInt(1), latch));
      assertThat(H2Latch.awaitEntered(latch)).as("statement holding a connection runs: " + latch).isTrue();
    }
    List<Future<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(jdbc.queryOne("SELECT 1", row -> row.getInt(1)));
    }
    long queuedBy = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      expectRejected(() -> jdbc.queryOne("SELECT 1", row -> row.getInt(1)));
    }

    JdbcMetrics busy = jdbc.metrics();
    assertThat(busy.connectionsInUse()).as("connections in use of %s", busy).isEqualTo(2);
    assertThat(busy.waiting()).as("calls waiting now of %s", busy).isEqualTo(3);
    assertThat(busy.waited()).as("calls that waited of %s", busy).isEqualTo(3);
    assertThat(busy.rejected()).as("rejections of %s", busy).isEqualTo(5);
    AdapterStats shown = bridgeInRuntimeMetrics();
    assertThat(shown.queued()).as("queued, in the runtime's metrics: %s", shown).isEqualTo(3);
    assertThat(shown.active()).as("active, in the runtime's metrics: %s", shown).isEqualTo(2);
    assertThat(shown.rejected()).as("rejected, in the runtime's metrics: %s", shown).isEqualTo(5);
    assertThat(shown.maxConcurrency()).as("maxConcurrency: the connections").isEqualTo(2);
    assertThat(shown.maxQueue()).as("maxQueue: the bridge's queue").isEqualTo(3);

    long releasedAt = System.nanoTime(); // before the release: a waiter may be granted before release() returns
    H2Latch.release("metrics-hold-1");
    H2Latch.release("metrics-hold-2");
    for (Future<Integer> call : holding) {
      assertThat(call.join(TIMEOUT)).isEqualTo(1);
    }
    for (Future<Integer> call : waiting) {
      assertThat(call.join(TIMEOUT)).isEqualTo(1);
    }
    for (int i = 0; i < 5; i++) {
      Future<Integer> broken = jdbc.queryOne("SELEC 1", row -> row.getInt(1));
      assertThatThrownBy(() -> broken.join(TIMEOUT)).isInstanceOf(SQLSyntaxErrorException.class);
    }

    JdbcMetrics after = jdbc.metrics();
    long waitedAtLeast = releasedAt - queuedBy; // each waiting call asked before queuedBy, was granted after releasedAt
    assertThat(after.connectionsInUse()).as("connections in use after").isZero();
    assertThat(after.waiting()).as("calls waiting after").isZero();
    assertThat(after.peakConnectionsInUse()).as("peak connections in use").isEqualTo(2);
    assertThat(after.requests()).as("requests accepted: 2 + 3 + 5").isEqualTo(10);
    assertThat(after.statements()).as("statements run").isEqualTo(10);
    assertThat(after.failed()).as("SQL failures").isEqualTo(5);
    assertThat(after.connectionWait().count()).as("connection waits timed").isEqualTo(10);
    assertThat(after.connectionWait().total().toNanos()).as("summed connection waits")
        .isGreaterThanOrEqualTo(3 * waitedAtLeast);
    assertThat(after.connectionWait().recentMax().toNanos()).as("longest recent wait (2 digits)")
        .isGreaterThanOrEqualTo(waitedAtLeast * 99 / 100);
    assertThat(after.statementTime().count()).as("statement times").isEqualTo(10);
    shown = bridgeInRuntimeMetrics();
    assertThat(shown.kind()).as("kind").isEqualTo("jdbc-bridge");
    assertThat(shown.submitted()).as("submitted, in the runtime's metrics: %s", shown).isEqualTo(10);
    assertThat(shown.completed()).as("completed, in the runtime's metrics: %s", shown).isEqualTo(5);
    assertThat(shown.failed()).as("failed, in the runtime's metrics: %s", shown).isEqualTo(5);
    assertThat(shown.queueWait()).as("queue wait, in the runtime's metrics").isEqualTo(after.connectionWait());
    assertThat(shown.queueWaitP99()).as("queueWaitP99 is the connection wait's")
        .isEqualTo(after.connectionWait().recentP99());
  }

  @Test
  void aNewBridgeHasOnlyZeros() {
    JdbcMetrics fresh = jdbc.metrics();

    assertThat(fresh.name()).isEqualTo("orders-db");
    assertThat(fresh.maxConnections()).as("maxConnections").isEqualTo(2);
    assertThat(fresh.maxQueue()).as("maxQueue").isEqualTo(3);
    assertThat(List.of(fresh.connectionsInUse(), fresh.waiting())).as("gauges").containsOnly(0);
    assertThat(List.of(fresh.requests(), fresh.waited(), fresh.rejected(), fresh.statements(), fresh.failed(),
        fresh.timedOut(), fresh.connectionWait().count(), fresh.statementTime().count())).as("counters")
        .containsOnly(0L);
  }

  private AdapterStats bridgeInRuntimeMetrics() {
    return runtime.metrics().adapters().stream().filter(stats -> stats.name().equals("orders-db")).findFirst()
        .orElseThrow();
  }

  /** Rejection, thrown by the call or as its failed future: either way it is a rejection. */
  private static void expectRejected(Callable<Future<Integer>> call) throws Exception {
    Future<Integer> future;
    try {
      future = call.call();
    } catch (RejectedException thrown) {
      return;
    }
    assertThatThrownBy(() -> future.join(TIMEOUT)).isInstanceOf(RejectedException.class);
  }
}
