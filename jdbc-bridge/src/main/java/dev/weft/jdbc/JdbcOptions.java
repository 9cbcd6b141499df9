package dev.weft.jdbc;

import dev.weft.internal.SettingChecks;
import dev.weft.limit.AdaptiveLimit;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Settings of an {@link AsyncJdbc}. Immutable; make one with {@link #builder()}, which checks every
 * value when you call {@link Builder#build()}.
 *
 * <pre>{@code
 * JdbcOptions options = JdbcOptions.builder().name("orders-db").maxConnections(16).maxQueue(200).build();
 * }</pre>
 */
public final class JdbcOptions {
  static final int MAX_CONNECTIONS = 10_000;
  static final int MAX_QUEUE = 1_000_000;
  static final int MAX_FETCH_SIZE = 100_000;
  static final Duration MAX_SPIN = Duration.ofMillis(10);
  static final Duration MAX_HOLD = Duration.ofSeconds(1);
  private static final JdbcOptions DEFAULTS = builder().build();

  private final String name;
  private final int maxConnections; // 0: read it from the DataSource
  private final int maxQueue;
  private final int fetchSize;
  private final Duration spinBeforePark;
  private final Duration holdWorkerBetweenStatements;
  private final Duration abortConnectionAfter;
  private final AdaptiveLimit adaptiveLimit; // null: maxConnections, fixed

  private JdbcOptions(Builder builder) {
    this.name = builder.name;
    this.maxConnections = builder.maxConnections;
    this.maxQueue = builder.maxQueue;
    this.fetchSize = builder.fetchSize;
    this.spinBeforePark = builder.spinBeforePark;
    this.holdWorkerBetweenStatements = builder.holdWorkerBetweenStatements;
    this.abortConnectionAfter = builder.abortConnectionAfter;
    this.adaptiveLimit = builder.adaptiveLimit;
  }

  /**
   * The adaptive limit under {@code maxConnections}, if one was set.
   *
   * @return the limit's settings, or empty for the fixed {@code maxConnections}
   */
  public Optional<AdaptiveLimit> adaptiveLimit() {
    return Optional.ofNullable(adaptiveLimit);
  }

  /**
   * The default settings: name {@code jdbc}, connections read from the DataSource, 1 000 waiting
   * calls, fetch size 500, workers park at once when idle, a transaction's worker waits up to 10 ms
   * for its next statement, an abandoned transaction's connection is aborted after 5 s.
   *
   * @return the defaults
   */
  public static JdbcOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with the default settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The bridge's name: it names its blocking adapters ({@code <name>} and {@code <name>-cancel}),
   * their threads and metrics, and appears in error messages.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The connections the bridge may use at once, if set; empty means "ask the DataSource".
   *
   * @return the explicit number, or empty
   */
  public OptionalInt maxConnections() {
    return maxConnections == 0 ? OptionalInt.empty() : OptionalInt.of(maxConnections);
  }

  /**
   * How many calls may wait for a connection before new ones are rejected.
   *
   * @return the bound on waiting calls
   */
  public int maxQueue() {
    return maxQueue;
  }

  /**
   * The JDBC fetch size of streamed queries, and the most rows one fetch of a stream reads.
   *
   * @return the fetch size
   */
  public int fetchSize() {
    return fetchSize;
  }

  /**
   * How long an idle worker of the bridge polls for a new call before it parks.
   *
   * @return the spin, zero for none
   */
  public Duration spinBeforePark() {
    return spinBeforePark;
  }

  /**
   * How long the worker that runs a transaction's statements waits for the body's next statement
   * (or its commit) before it gives the thread back to the pool.
   *
   * @return the wait, zero for none
   */
  public Duration holdWorkerBetweenStatements() {
    return holdWorkerBetweenStatements;
  }

  /**
   * How long a cancelled or timed-out transaction may keep its connection busy (a statement the
   * server does not finish, a rollback it does not answer) before the bridge aborts the connection.
   *
   * @return the grace period
   */
  public Duration abortConnectionAfter() {
    return abortConnectionAfter;
  }

  @Override
  public String toString() {
    return "JdbcOptions[name=" + name + ", maxConnections="
        + (maxConnections == 0 ? "from the DataSource" : Integer.toString(maxConnections)) + ", maxQueue=" + maxQueue
        + ", fetchSize=" + fetchSize + ", spinBeforePark=" + spinBeforePark + ", holdWorkerBetweenStatements="
        + holdWorkerBetweenStatements + ", abortConnectionAfter=" + abortConnectionAfter
        + (adaptiveLimit == null ? "" : ", adaptiveLimit=" + adaptiveLimit) + "]";
  }

  /**
   * Settings of an {@link AsyncJdbc}. Not thread-safe: configure it on one thread, then
   * {@link #build()}.
   */
  public static final class Builder {
    private String name = "jdbc";
    private int maxConnections;
    private boolean maxConnectionsSet; // false: read it from the DataSource
    private int maxQueue = 1_000;
    private AdaptiveLimit adaptiveLimit;
    private int fetchSize = 500;
    private Duration spinBeforePark = Duration.ZERO;
    private Duration holdWorkerBetweenStatements = Duration.ofMillis(10);
    private Duration abortConnectionAfter = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * The bridge's name, unique among the adapters of its runtime. Default {@code jdbc}.
     *
     * @param name 1 to 57 letters, digits, {@code -}, {@code _} or {@code .}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * The most connections the bridge uses at once, and so the most statements running at once
     * and the number of its worker threads. Default: the pool's maximum size when the DataSource
     * says it (HikariCP's {@code getMaximumPoolSize()}); a DataSource that does not say it needs
     * this setting. Set it no higher than the pool's size: threads beyond the pool's connections
     * would only wait inside the pool, holding a thread each.
     *
     * @param maxConnections 1 to 10 000
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      this.maxConnectionsSet = true;
      return this;
    }

    /**
     * How many calls may wait for a free connection; beyond that a call is rejected at once: its
     * future fails with {@link dev.weft.RejectedException}. Default 1 000; 0 means no waiting.
     *
     * @param maxQueue 0 to 1 000 000
     * @return this builder
     */
    public Builder maxQueue(int maxQueue) {
      this.maxQueue = maxQueue;
      return this;
    }

    /**
     * The fetch size of streamed queries: the driver reads this many rows per round trip, and one
     * fetch of a stream reads at most this many rows (fewer when the subscriber asked for fewer).
     * Default 500.
     *
     * @param fetchSize 1 to 100 000
     * @return this builder
     */
    public Builder fetchSize(int fetchSize) {
      this.fetchSize = fetchSize;
      return this;
    }

    /**
     * How long an idle worker of the bridge polls for a new call before it parks. Default 0: a
     * statement takes a network round trip, far longer than a spin could save, and on a host
     * where the database shares the CPUs a spinning worker takes them from the database.
     *
     * @param spin 0 to 10 ms
     * @return this builder
     */
    public Builder spinBeforePark(Duration spin) {
      this.spinBeforePark = spin;
      return this;
    }

    /**
     * How long the worker that runs a transaction's statements keeps its thread, waiting for the
     * body's next statement or its commit, before it gives the thread back to the pool. While it
     * waits, the next step needs no hand-off through the pool: a transaction costs about one
     * hand-off to a worker, not one per statement. The thread waits parked (no CPU), and a
     * transaction holds a connection anyway, and the bridge has one thread per connection, so
     * nobody else waits for it. Default 10 ms; 0 gives the thread back after each step.
     *
     * @param hold 0 to 1 s
     * @return this builder
     */
    public Builder holdWorkerBetweenStatements(Duration hold) {
      this.holdWorkerBetweenStatements = hold;
      return this;
    }

    /**
     * When a transaction is cancelled or passes its deadline, its future fails at once, its running
     * statement is cancelled on the server and a rollback is requested. If the connection is still
     * busy this long afterwards (the server does not answer: a hung host, a network partition), the
     * bridge calls {@link java.sql.Connection#abort} on it, which closes it, so the pool replaces
     * it and the bridge's permit comes back. Default 5 s.
     *
     * @param grace 1 ms to 1 hour
     * @return this builder
     */
    public Builder abortConnectionAfter(Duration grace) {
      this.abortConnectionAfter = grace;
      return this;
    }

    /**
     * Lets the number of connections in use adapt, below {@code maxConnections}: an
     * {@linkplain AdaptiveLimit adaptive limit} measures each single statement ({@code query},
     * {@code update}, ...) from its permit to its end, and moves between its floor and
     * {@code maxConnections}; calls beyond it wait in the queue ({@code maxQueue}) and are rejected
     * beyond that, with the limit named. Transactions and streams hold permits under the limit, but
     * are not samples: their hold time includes the caller's own work between statements. A
     * statement that fails, or passes its deadline, backs the limit off. Read it with
     * {@link AsyncJdbc#limitStats()}. Default: none, {@code maxConnections} is the fixed limit.
     *
     * @param limit the limit's settings, e.g. {@code AdaptiveLimit.vegas()}
     * @return this builder
     */
    public Builder adaptiveLimit(AdaptiveLimit limit) {
      this.adaptiveLimit = Objects.requireNonNull(limit,
          "adaptiveLimit must not be null: pass AdaptiveLimit.vegas(), or do not call it for a fixed limit");
      return this;
    }

    /**
     * Checks every setting.
     *
     * @return the options
     * @throws IllegalArgumentException naming the first setting out of range, its value and the
     *     allowed range
     */
    public JdbcOptions build() {
      SettingChecks.checkName("name", name, 57);
      if (maxConnectionsSet) {
        SettingChecks.checkRange("maxConnections", maxConnections, 1, MAX_CONNECTIONS);
      }
      SettingChecks.checkRange("maxQueue", maxQueue, 0, MAX_QUEUE);
      SettingChecks.checkRange("fetchSize", fetchSize, 1, MAX_FETCH_SIZE);
      SettingChecks.checkRange("spinBeforePark", spinBeforePark, Duration.ZERO, MAX_SPIN);
      SettingChecks.checkRange("holdWorkerBetweenStatements", holdWorkerBetweenStatements, Duration.ZERO, MAX_HOLD);
      SettingChecks.checkDuration("abortConnectionAfter", abortConnectionAfter, Duration.ofMillis(1));
      return new JdbcOptions(this);
    }
  }
}
