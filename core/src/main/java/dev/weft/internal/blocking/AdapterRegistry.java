package dev.weft.internal.blocking;

import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A runtime's named adapters (bulkheads), in registration order. */
public final class AdapterRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterRegistry.class);

  private final Map<String, AdapterBase> adapters = new LinkedHashMap<>(); // guarded by this
  private volatile List<AdapterBase> snapshot = List.of(); // copy for lock-free readers
  private volatile boolean closed;

  synchronized void register(AdapterBase adapter) {
    if (closed) {
      adapter.close();
      throw new IllegalStateException("the runtime is shut down: cannot add adapter '" + adapter.name() + "'");
    }
    if (adapters.containsKey(adapter.name())) {
      adapter.close();
      throw new IllegalArgumentException("the runtime already has an adapter named '" + adapter.name()
          + "'; adapter names must be unique (they name bulkheads, threads and metrics)");
    }
    adapters.put(adapter.name(), adapter);
    snapshot = List.copyOf(adapters.values());
  }

  /**
   * The adapter named {@code name}.
   *
   * @param name the name
   * @return the adapter
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  public synchronized BlockingAdapter get(String name) {
    AdapterBase adapter = adapters.get(name);
    if (adapter == null) {
      throw new IllegalArgumentException("no adapter named '" + name + "'; this runtime has " + adapters.keySet()
          + ". Declare bulkheads with AsyncRuntimeBuilder.bulkhead(...) or build one with Adapters.boundedPool(name)");
    }
    return adapter;
  }

  /** Stats of every adapter, in registration order. */
  public List<AdapterStats> stats() {
    List<AdapterStats> stats = new ArrayList<>();
    for (AdapterBase adapter : snapshot) {
      stats.add(adapter.stats());
    }
    return stats;
  }

  /**
   * Reports slow calls of every adapter; called by the watchdog at each look.
   *
   * @param now the watchdog's clock
   */
  public void checkSlowCalls(long now) {
    for (AdapterBase adapter : snapshot) {
      try {
        adapter.checkSlowCalls(now);
      } catch (RuntimeException unexpected) {
        LOG.error("slow-call check of {} failed", adapter.describe(), unexpected);
      }
    }
  }

  /** Closes every adapter: they refuse new calls; the ones they accepted still run. */
  public void closeAll() {
    List<AdapterBase> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(adapters.values());
    }
    all.forEach(AdapterBase::close);
  }

  /**
   * Waits for the threads of every adapter to stop, after {@link #closeAll()}, at most
   * {@code nanos} in all.
   *
   * @param nanos the longest wait
   * @return true if every adapter's threads stopped
   */
  public boolean awaitAll(long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean stopped = true;
    for (AdapterBase adapter : snapshot) {
      try {
        if (!adapter.awaitTermination(Math.max(0, deadline - System.nanoTime()))) {
          stopped = false;
          LOG.warn("{} still has calls running after the {} ms grace period; they keep their threads until "
              + "they return", adapter.describe(), TimeUnit.NANOSECONDS.toMillis(nanos));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return stopped;
  }
}
