package dev.weft.internal.blocking;

/**
 * The kinds of blocking adapter, with what differs between them in settings and messages: the
 * name shown in stats, the setting that bounds concurrency and its largest value.
 */
public enum AdapterKind {
  /** Platform threads started on demand: {@link BoundedPool}. */
  BOUNDED_POOL("bounded-pool", "maxThreads", 10_000),
  /** One virtual thread per call behind permits: {@link VirtualThreadAdapter}. */
  VIRTUAL_THREADS("virtual-threads", "maxConcurrency", 1_000_000),
  /** The calling thread: {@link DirectAdapter}. */
  DIRECT("direct", "maxConcurrency", Integer.MAX_VALUE);

  private final String id;
  private final String concurrencySetting;
  private final int maxConcurrencyLimit;

  AdapterKind(String id, String concurrencySetting, int maxConcurrencyLimit) {
    this.id = id;
    this.concurrencySetting = concurrencySetting;
    this.maxConcurrencyLimit = maxConcurrencyLimit;
  }

  /**
   * The kind as stats and setting messages show it.
   *
   * @return {@code bounded-pool}, {@code virtual-threads} or {@code direct}
   */
  public String id() {
    return id;
  }

  /**
   * The kind in prose, for messages: {@code bounded pool}.
   *
   * @return the kind in words
   */
  public String inWords() {
    return id.replace('-', ' ');
  }

  /**
   * The user-facing name of the setting that bounds running calls.
   *
   * @return {@code maxThreads} or {@code maxConcurrency}
   */
  public String concurrencySetting() {
    return concurrencySetting;
  }

  /**
   * The largest value the concurrency setting accepts.
   *
   * @return the limit
   */
  public int maxConcurrencyLimit() {
    return maxConcurrencyLimit;
  }
}
