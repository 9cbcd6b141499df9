package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.RejectedException;
import dev.weft.future.Future;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import dev.weft.testing.LimitUnderLoad;
import dev.weft.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bridge under an adaptive limit, its ceiling maxConnections, against a database of known capacity. */
public class AdaptiveLimitJdbcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Semaphore CAPACITY = new Semaphore(4, true);
  private static AsyncRuntime runtime;

  /**
   * Called by H2: a statement that the database serves at most 4 at once, 20 ms each.
   *
   * @return 1
   * @throws InterruptedException if interrupted
   */
  public static int slow() throws InterruptedException {
    CAPACITY.acquire();
    try {
      Thread.sleep(20);
      return 1;
    } finally {
      CAPACITY.release();
    }
  }

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-adaptive").loops(2).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @Test
  void theLimitSettlesNearTheDatabasesCapacityBelowMaxConnections() throws Exception {
    try (H2Pool h2 = new H2Pool(16)) {
      h2.execute("CREATE ALIAS SLOW FOR 'dev.weft.jdbc.AdaptiveLimitJdbcTest.slow'");
      AsyncJdbc db = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("adaptive-settles")
          .maxConnections(16).adaptiveLimit(AdaptiveLimit.vegas().window(Duration.ofMillis(50))).build());
      // 12 callers in a closed loop, 3x the capacity
      LimitUnderLoad.Result run = LimitUnderLoad.run("jdbc-adaptive", 12,
          () -> db.queryOne("SELECT SLOW()", row -> row.getInt(1)).join(WAIT), db::limitStats);
      LimitStats during = run.during();
      assertThat(run.failures()).as("statements that failed").isEmpty();
      assertThat(run.served()).as("statements served").isGreaterThan(100);
      assertThat(run.medianLimit()).as("median limit over 2 s of 4 against capacity 4; now %s", during)
          .isBetween(3, 10);
      assertThat(during.ceiling()).as("ceiling: maxConnections").isEqualTo(16);
      assertThat(during.noLoadLatency()).as("no-load latency: %s", during)
          .isBetween(Duration.ofMillis(20), Duration.ofMillis(50));
      Polling.await("every permit back", WAIT, () -> db.limitStats().orElseThrow().inFlight() == 0, db::limitStats);
      db.close();
      h2.assertAllReturned();
    }
  }

  @Test
  void callsBeyondTheLimitAndTheQueueAreRejectedWithTheLimitNamed() throws Exception {
    try (H2Pool h2 = new H2Pool(16)) {
      h2.execute(H2Latch.CREATE_ALIAS);
      AsyncJdbc db = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("adaptive-refuses")
          .maxConnections(16).maxQueue(1).adaptiveLimit(AdaptiveLimit.vegas().ceiling(2)).build());
      List<Future<Integer>> held = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        held.add(db.queryOne("SELECT AWAIT_LATCH('adaptive-" + i + "')", row -> row.getInt(1)));
      }
      assertThat(H2Latch.awaitEntered("adaptive-0")).isTrue();
      assertThat(H2Latch.awaitEntered("adaptive-1")).isTrue();
      Future<Integer> waiting = db.queryOne("SELECT 7", row -> row.getInt(1));
      assertThat(db.limitStats().orElseThrow().inFlight()).isEqualTo(2);
      assertThat(db.queryOne("SELECT 8", row -> row.getInt(1)).failureNow()).as("a refusal is a failed future")
          .isInstanceOf(RejectedException.class)
          .hasMessageContaining("2/16 connections in use, 1/1 calls waiting; limit 2 of ceiling 2, adaptive: ");
      H2Latch.release("adaptive-0");
      H2Latch.release("adaptive-1");
      for (Future<Integer> call : held) {
        assertThat(call.join(WAIT)).isEqualTo(1);
      }
      assertThat(waiting.join(WAIT)).isEqualTo(7);
      Polling.await("every permit back", WAIT, () -> db.limitStats().orElseThrow().inFlight() == 0, db::limitStats);
      db.close();
      h2.assertAllReturned();
    }
  }

  @Test
  void aBridgeWithoutOneHasNoLimitStats() {
    try (H2Pool h2 = new H2Pool(2)) {
      AsyncJdbc db = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("fixed").maxConnections(2)
          .build());
      assertThat(db.limitStats()).isEmpty();
      db.close();
    }
  }
}
