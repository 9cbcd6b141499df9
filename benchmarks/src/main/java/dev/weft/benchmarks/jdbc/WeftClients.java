package dev.weft.benchmarks.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.weft.AsyncRuntime;
import dev.weft.Loop;
import dev.weft.future.Future;
import dev.weft.jdbc.AsyncJdbc;
import dev.weft.jdbc.JdbcOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Weft's JDBC bridge over a HikariCP pool: each client lives on one of the runtime's loops and
 * starts its next unit from the previous one's callback, as an async service would.
 */
final class WeftClients implements PgClients {
  /** What each unit of work does. */
  enum Unit {
    /** {@code inTransaction} with an async body: insert, then update, then commit. */
    ASYNC_TRANSACTION,
    /** {@code inBlockingTransaction}: the same statements as plain JDBC on one worker. */
    BLOCKING_TRANSACTION,
    /** One {@code queryOne}: the single-SELECT latency. */
    SELECT
  }

  private final Unit unit;
  private final HikariDataSource pool;
  private final AsyncRuntime runtime;
  private final AsyncJdbc db;
  private volatile boolean stopping;
  private CountDownLatch stopped;
  private PgLoad load;

  WeftClients(Unit unit, HikariDataSource pool, JdbcOptions options) {
    this.unit = unit;
    this.pool = pool;
    this.runtime = AsyncRuntime.builder().name("scenario").build();
    this.db = AsyncJdbc.create(runtime, pool, options);
  }

  @Override
  public void start(int clients, PgLoad load) {
    this.load = load;
    this.stopped = new CountDownLatch(clients);
    List<Loop> loops = runtime.loops();
    for (int i = 0; i < clients; i++) {
      int client = i;
      loops.get(i % loops.size()).execute(() -> next(client));
    }
  }

  private void next(int client) {
    if (stopping) {
      stopped.countDown();
      return;
    }
    long startedAt = System.nanoTime();
    Future<?> work;
    switch (unit) {
      case SELECT:
        work = db.queryOne(PgSchema.SELECT, row -> row.getLong(1), client);
        break;
      case BLOCKING_TRANSACTION:
        work = db.inBlockingTransaction(connection -> JdbcThreadClients.insertAndUpdate(connection, client));
        break;
      default:
        work = db.inTransaction(tx -> tx.update(PgSchema.INSERT, client, PgSchema.PAYLOAD)
            .flatMap(inserted -> tx.update(PgSchema.UPDATE, client)));
    }
    work.onComplete((value, failure) -> {
      if (failure == null) {
        load.completed(startedAt);
      } else {
        load.failed(failure);
      }
      next(client);
    });
  }

  @Override
  public void stop() throws InterruptedException {
    stopping = true;
    if (!stopped.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Weft clients did not stop within 60 s");
    }
  }

  @Override
  public String threads() {
    return runtime.loops().size() + " loops + " + db.maxConnections() + " workers";
  }

  @Override
  public void close() {
    db.close();
    runtime.close();
    pool.close();
  }
}
