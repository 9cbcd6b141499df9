package dev.weft.jdbc;

import dev.weft.internal.SettingChecks;
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
  private static final JdbcOptions DEFAULTS = builder().build();

  private final String name;
  private final int maxConnections; // 0: read it from the DataSource
  private final int maxQueue;
  private final int fetchSize;

  private JdbcOptions(Builder builder) {
    this.name = builder.name;
    this.maxConnections = builder.maxConnections;
    this.maxQueue = builder.maxQueue;
    this.fetchSize = builder.fetchSize;
  }

  /**
   * The default settings: name {@code jdbc}, connections read from the DataSource, 1 000 waiting
   * calls, fetch size 500.
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

  @Override
  public String toString() {
    return "JdbcOptions[name=" + name + ", maxConnections="
        + (maxConnections == 0 ? "from the DataSource" : Integer.toString(maxConnections)) + ", maxQueue=" + maxQueue
        + ", fetchSize=" + fetchSize + "]";
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
    private int fetchSize = 500;

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
     * How many calls may wait for a free connection; beyond that a call is rejected at once with
     * {@link dev.weft.RejectedException}. Default 1 000; 0 means no waiting.
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
     * Checks the settings.
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
      return new JdbcOptions(this);
    }
  }
}
