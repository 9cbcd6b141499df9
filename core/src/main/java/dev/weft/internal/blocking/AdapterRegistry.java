package dev.weft.internal.blocking;

import dev.weft.blocking.AdapterStats;
import dev.weft.blocking.BlockingAdapter;
import dev.weft.internal.Throwables;
import dev.weft.internal.WeftLoggers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** A runtime's named adapters (bulkheads), in registration order. */
public final class AdapterRegistry {
  private static final Logger LOG = WeftLoggers.get(AdapterRegistry.class);

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
    return adapter.front;
  }

  /** Stats of every adapter, in registration order; an adapter shown as something larger shows that. */
  public List<AdapterStats> stats() {
    List<AdapterStats> stats = new ArrayList<>();
    for (AdapterBase adapter : snapshot) {
      Supplier<AdapterStats> shownAs = adapter.shownAs;
      stats.add(shownAs != null ? shownAs.get() : adapter.front.stats());
    }
    return stats;
  }

  /**
   * Shows {@code adapter} in the runtime's metrics as {@code stats} supplies it, instead of by its
   * own figures: for a module whose adapter is one part of something users see whole (the JDBC
   * bridge queues calls for connections before they reach its adapter).
   *
   * @param adapter an adapter of this runtime
   * @param stats what to show; may call {@code adapter.stats()}
   * @throws IllegalArgumentException if the adapter is not one of this registry's
   */
  public void showAs(BlockingAdapter adapter, Supplier<AdapterStats> stats) {
    if (!(adapter instanceof AdapterBase) || !snapshot.contains(adapter)) {
      throw new IllegalArgumentException("adapter " + adapter + " is not one of this runtime's");
    }
    ((AdapterBase) adapter).shownAs = stats;
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

  /**
   * Shuts every adapter down: they refuse new calls, and fail the futures of the calls still
   * waiting, which never run. The calls running go on.
   */
  public void shutDownAll() {
    List<AdapterBase> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(adapters.values());
    }
    all.forEach(AdapterBase::shutDown);
  }

  /**
   * Waits for the threads of every adapter to stop, after {@link #shutDownAll()}, at most
   * {@code nanos} in all.
   *
   * @param nanos the longest wait
   * @return true if every adapter's threads stopped
   */
  public boolean awaitAll(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (AdapterBase adapter : snapshot) {
      try {
        if (!adapter.awaitTermination(Math.max(0, deadline - System.nanoTime()))) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * The grace period has ended: fails the futures of the calls still running, interrupts their
   * threads, waits for them at most {@code nanos}, and names (WARN, with their stacks) the threads
   * that ignored the interrupt.
   *
   * @param graceNanos the grace period that ended, for the messages
   * @param nanos how long the interrupted threads get to end
   * @return true if no adapter thread is left
   */
  public boolean abortRunningAndAwait(long graceNanos, long nanos) {
    List<AdapterBase> all = snapshot;
    all.forEach(AdapterBase::abortRunningCalls);
    if (awaitAll(nanos)) {
      return true;
    }
    for (AdapterBase adapter : all) {
      for (Thread thread : adapter.liveThreads()) {
        LOG.warn("thread {} of {} is still running {} after the {} grace period ended and it was interrupted: "
            + "the call on it ignores interrupts. Its future has failed; the thread runs until the call returns. "
            + "It is at:{}", thread.getName(), adapter.describe(), Throwables.formatNanos(nanos),
            Throwables.formatNanos(graceNanos), formatStack(thread.getStackTrace()));
      }
    }
    return false;
  }

  private static String formatStack(StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : stack) {
      text.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    return text.toString();
  }
}
