package dev.weft.jdbc;

import dev.weft.AsyncRuntime;
import dev.weft.Context;
import dev.weft.Deadline;
import dev.weft.future.Future;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.future.DefaultPromise;
import dev.weft.internal.loop.LoopImpl;
import dev.weft.limit.LimitStats;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;

/** A view of a {@link JdbcBridge}, with or without a per-call timeout. */
final class DefaultAsyncJdbc extends AbstractJdbcOperations implements AsyncJdbc {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);

  private final JdbcBridge bridge;
  private final Duration timeout; // null: only the context's deadline

  private DefaultAsyncJdbc(JdbcBridge bridge, Duration timeout) {
    this.bridge = bridge;
    this.timeout = timeout;
  }

  static AsyncJdbc create(AsyncRuntime runtime, DataSource dataSource, JdbcOptions options) {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(options, "options");
    OptionalInt poolSize = PoolSize.of(dataSource);
    int maxConnections;
    if (options.maxConnections().isPresent()) {
      maxConnections = options.maxConnections().getAsInt();
      if (poolSize.isPresent() && poolSize.getAsInt() < maxConnections) {
        LOG.warn("jdbc '{}': maxConnections {} exceeds the pool's maximum size {}; the extra threads will only wait"
            + " inside the pool", options.name(), maxConnections, poolSize.getAsInt());
      }
    } else if (poolSize.isPresent()) {
      maxConnections = Math.min(poolSize.getAsInt(), JdbcOptions.MAX_CONNECTIONS);
    } else {
      throw new IllegalArgumentException("maxConnections is not set, and " + dataSource.getClass().getName()
          + " does not tell its maximum pool size (it has no public int getMaximumPoolSize(), as HikariCP has); set"
          + " JdbcOptions.builder().maxConnections(n) to the number of connections it can give at once");
    }
    JdbcBridge bridge = new JdbcBridge(runtime, dataSource, options, maxConnections);
    return new DefaultAsyncJdbc(bridge, null);
  }

  @Override
  <T> Future<T> submit(String sql, StatementWork<T> work) {
    LoopImpl home = bridge.home();
    DefaultPromise<T> promise = new DefaultPromise<>(home);
    Deadline deadline = deadline();
    if (deadline != null && deadline.isExpired()) {
      promise.fail(new TimeoutException("jdbc '" + bridge.name + "': the deadline had passed when the statement was"
          + " called; it did not run: " + SqlContext.shorten(sql)));
      return promise;
    }
    new StatementCall<>(bridge, sql, work, promise, deadline, home).start();
    return promise;
  }

  @Override
  public <R> Future<R> inTransaction(Function<? super Transaction, ? extends Future<R>> body) {
    return transaction(null, body);
  }

  @Override
  public <R> Future<R> inTransaction(IsolationLevel isolation,
      Function<? super Transaction, ? extends Future<R>> body) {
    return transaction(Objects.requireNonNull(isolation, "isolation"), body);
  }

  private <R> Future<R> transaction(IsolationLevel isolation,
      Function<? super Transaction, ? extends Future<R>> body) {
    Objects.requireNonNull(body, "body");
    LoopImpl home = bridge.home();
    DefaultPromise<R> result = new DefaultPromise<>(home);
    Deadline deadline = deadline();
    if (deadline != null && deadline.isExpired()) {
      result.fail(new TimeoutException("jdbc '" + bridge.name + "': the deadline had passed when the transaction was"
          + " called; it did not begin"));
      return result;
    }
    new DefaultTransaction<>(bridge, home, isolation, body, result, deadline, Context.current()).start();
    return result;
  }

  @Override
  public <R> Future<R> inBlockingTransaction(BlockingTransactionBody<R> body) {
    return blockingTransaction(null, body);
  }

  @Override
  public <R> Future<R> inBlockingTransaction(IsolationLevel isolation, BlockingTransactionBody<R> body) {
    return blockingTransaction(Objects.requireNonNull(isolation, "isolation"), body);
  }

  private <R> Future<R> blockingTransaction(IsolationLevel isolation, BlockingTransactionBody<R> body) {
    Objects.requireNonNull(body, "body");
    LoopImpl home = bridge.home();
    DefaultPromise<R> result = new DefaultPromise<>(home);
    Deadline deadline = deadline();
    if (deadline != null && deadline.isExpired()) {
      result.fail(new TimeoutException("jdbc '" + bridge.name + "': the deadline had passed when the transaction was"
          + " called; it did not begin"));
      return result;
    }
    new BlockingTransaction<>(bridge, home, isolation, body, result, deadline).start();
    return result;
  }

  @Override
  public <T> Flow.Publisher<T> stream(String sql, RowMapper<T> mapper, Object... params) {
    return new RowPublisher<>(bridge, checkSql(sql), copy(params), Objects.requireNonNull(mapper, "mapper"),
        Context.current().deadline().orElse(null), timeout);
  }

  @Override
  public AsyncJdbc withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 (was " + timeout + ")");
    }
    return new DefaultAsyncJdbc(bridge, timeout);
  }

  @Override
  public String name() {
    return bridge.name;
  }

  @Override
  public int maxConnections() {
    return bridge.maxConnections;
  }

  @Override
  public JdbcMetrics metrics() {
    return bridge.metrics();
  }

  @Override
  public Optional<LimitStats> limitStats() {
    return bridge.gate.limitStats();
  }

  @Override
  public void close() {
    bridge.close();
  }

  /** The connection permits held now (statements, transactions, streams): for tests. */
  int connectionsInUse() {
    return bridge.gate.leased();
  }

  /** The earlier of the context's deadline and this view's timeout, from now; null for none. */
  private Deadline deadline() {
    Deadline deadline = Context.current().deadline().orElse(null);
    return timeout == null ? deadline : Deadline.after(timeout).earlierOf(deadline);
  }

  @Override
  public String toString() {
    return "AsyncJdbc[" + bridge.name + ", maxConnections=" + bridge.maxConnections
        + (timeout == null ? "" : ", timeout=" + timeout) + "]";
  }
}
