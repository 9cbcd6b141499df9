package dev.weft.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.AsyncRuntime;
import dev.weft.ThreadLocalPropagation;
import dev.weft.future.Future;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The caller's MDC reaches the statement's worker (its row mapper, a blocking transaction's body),
 * even when the statement waited for a connection and was handed to the worker of another call.
 */
class JdbcThreadLocalPropagationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static AsyncRuntime runtime;
  private H2Pool h2;
  private AsyncJdbc jdbc;

  @BeforeAll
  static void startRuntime() {
    runtime = AsyncRuntime.builder().name("jdbc-mdc").loops(1).build();
  }

  @AfterAll
  static void stopRuntime() {
    runtime.close();
  }

  @BeforeEach
  void open() {
    ThreadLocalPropagation.enable(ContextSnapshotFactory.builder()
        .contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor()))
        .clearMissing(true).build());
    h2 = new H2Pool(1);
    h2.execute(H2Latch.CREATE_ALIAS);
    jdbc = AsyncJdbc.create(runtime, h2.dataSource, JdbcOptions.builder().name("mdc-" + NAMES.incrementAndGet()).build());
  }

  @AfterEach
  void close() {
    ThreadLocalPropagation.disable();
    MDC.clear();
    jdbc.close();
    h2.assertAllReturned();
    h2.close();
  }

  @Test
  void aStatementSeesItsCallersMdc() throws Exception {
    MDC.put("requestId", "r-sql");
    Future<List<String>> seen = jdbc.query("SELECT 1", row -> MDC.get("requestId"));
    MDC.clear();
    assertThat(seen.join(TIMEOUT)).containsExactly("r-sql");
  }

  @Test
  void aStatementThatWaitedForTheConnectionSeesItsOwnCallersMdcNotTheReleasers() throws Exception {
    String latch = "mdc-" + jdbc.name();
    MDC.put("requestId", "r-holder");
    Future<Integer> holder = jdbc.queryOne("SELECT AWAIT_LATCH(?)", row -> row.getInt(1), latch);
    assertThat(H2Latch.awaitEntered(latch)).as("the first statement holds the only connection").isTrue();
    MDC.put("requestId", "r-waiter");
    Future<String> waiter = jdbc.queryOne("SELECT 1", row -> MDC.get("requestId")); // handed to the holder's worker
    MDC.clear();

    H2Latch.release(latch);

    assertThat(holder.join(TIMEOUT)).isEqualTo(1);
    assertThat(waiter.join(TIMEOUT)).as("the waiting statement's MDC").isEqualTo("r-waiter");
  }

  @Test
  void aBlockingTransactionsBodySeesItsCallersMdc() throws Exception {
    MDC.put("requestId", "r-tx");
    Future<String> seen = jdbc.inBlockingTransaction(connection -> MDC.get("requestId"));
    MDC.clear();
    assertThat(seen.join(TIMEOUT)).isEqualTo("r-tx");
  }
}
