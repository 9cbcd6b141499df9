package dev.weft.internal.limit;

import dev.weft.internal.ForWeftModules;
import dev.weft.internal.SettingChecks;
import dev.weft.internal.WeftLoggers;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/*
 * Overview
 *
 * Permits under a limit that a LimitAlgorithm moves. One lock guards the in-flight count, the
 * waiters and the algorithm: a gate sits in front of calls that take milliseconds (a legacy
 * backend, a request, a statement), where an uncontended lock costs nothing measurable and makes
 * the invariants plain:
 *
 * - inFlight counts permits handed out and not released; a permit is handed out only while
 *   inFlight < limit, so inFlight exceeds the limit only after the limit fell (calls already
 *   running are never taken back; new ones wait until inFlight is below the new limit).
 * - Waiters are served first-come first-served: a call is admitted at once only when nobody
 *   waits. A waiter leaves the queue exactly once, under the lock: granted (by a release or a
 *   rise of the limit) or cancelled (cancelWait returns true), never both.
 * - Each permit is released exactly once (a CAS on the permit); its release is the algorithm's
 *   sample, and hands freed permits to waiters. Waiters are told outside the lock, on the
 *   releasing thread, so a waiter's callback can take other locks without ordering trouble.
 *
 * After all calls end, inFlight is 0 and no waiter is left (the stress test checks both).
 */

/** A concurrency limit that adapts: permits, a bounded queue of waiters, and the limit's numbers. */
@ForWeftModules
public final class AdaptiveGate {
  private static final Logger LOG = WeftLoggers.get(AdaptiveGate.class);

  /** What {@link #acquire} returns for a call that now waits for a permit. */
  public static final Permit WAITING = new Permit(null, 0, 0);

  private final String name;
  private final LimitAlgorithm algorithm;
  private final int floor;
  private final int ceiling;
  private final LongSupplier clock;
  // guarded by this; insertion order is the FIFO, and a cancel removes from the middle in O(1)
  private final LinkedHashSet<Waiter> waiters = new LinkedHashSet<>();
  private int inFlight; // guarded by this
  private int limit; // guarded by this; the algorithm's
  private long increases; // guarded by this
  private long decreases; // guarded by this
  private boolean closed; // guarded by this; closed: permits for all, the limit no longer applies

  private AdaptiveGate(String name, LimitAlgorithm algorithm, int floor, int ceiling, LongSupplier clock) {
    this.name = name;
    this.algorithm = algorithm;
    this.floor = floor;
    this.ceiling = ceiling;
    this.clock = clock;
    this.limit = algorithm.limit();
  }

  /**
   * A gate under {@code settings}, whose ceiling is at most {@code bound}.
   *
   * @param name what it gates, for messages and stats
   * @param settings the user's settings
   * @param bound the fixed bound it sits under
   * @param boundSetting that bound's setting name, for messages: {@code maxThreads}
   * @return the gate, on {@link System#nanoTime()}
   * @throws IllegalArgumentException if the ceiling is above the bound or the floor above the ceiling
   */
  public static AdaptiveGate create(String name, AdaptiveLimit settings, int bound, String boundSetting) {
    return create(name, settings, bound, boundSetting, System::nanoTime);
  }

  /**
   * As {@link #create(String, AdaptiveLimit, int, String)}, on the given clock (tests).
   *
   * @param name what it gates
   * @param settings the user's settings
   * @param bound the fixed bound it sits under
   * @param boundSetting that bound's setting name
   * @param clock nanoseconds
   * @return the gate
   */
  public static AdaptiveGate create(String name, AdaptiveLimit settings, int bound, String boundSetting,
      LongSupplier clock) {
    Objects.requireNonNull(settings, "adaptive limit");
    int ceiling = settings.ceiling() == 0 ? bound : settings.ceiling();
    if (ceiling > bound) {
      throw new IllegalArgumentException("the adaptive limit's ceiling (" + ceiling + ") must not exceed "
          + boundSetting + " (" + bound + "); raise " + boundSetting + " or lower the ceiling");
    }
    if (settings.floor() > ceiling) {
      throw SettingChecks.outOfRange("the adaptive limit's floor", 1, ceiling, settings.floor());
    }
    return new AdaptiveGate(name, new VegasLimit(settings, ceiling), settings.floor(), ceiling, clock);
  }

  /**
   * A gate around any algorithm (tests).
   *
   * @param name what it gates
   * @param algorithm the limit
   * @param floor the floor, for stats
   * @param ceiling the ceiling, for stats
   * @param clock nanoseconds
   * @return the gate
   */
  static AdaptiveGate of(String name, LimitAlgorithm algorithm, int floor, int ceiling, LongSupplier clock) {
    return new AdaptiveGate(name, algorithm, floor, ceiling, clock);
  }

  /**
   * A permit at once if the limit has room and nobody waits; else enqueues {@code waiter} if the
   * queue has room ({@link #WAITING}: it will be {@linkplain Waiter#granted granted} later, or
   * {@linkplain #cancelWait cancelled}); else null: refused.
   *
   * @param waiter the call that would wait, or null for no waiting
   * @param maxQueue the most waiters
   * @return a permit, {@link #WAITING}, or null
   */
  public Permit acquire(Waiter waiter, int maxQueue) {
    synchronized (this) {
      if (closed || (waiters.isEmpty() && inFlight < limit)) {
        inFlight++;
        return new Permit(this, clock.getAsLong(), inFlight);
      }
      if (waiter != null && waiters.size() < maxQueue) {
        waiters.add(waiter);
        return WAITING;
      }
      return null;
    }
  }

  /**
   * A permit if the limit has room and nobody waits, else null.
   *
   * @return a permit or null
   */
  public Permit tryAcquire() {
    return acquire(null, 0);
  }

  /**
   * Lifts the limit for good, as what it gates closes: every waiter is granted now, on this
   * thread, and every later {@link #acquire} gets a permit, so the calls accepted before the close
   * meet their owner's close rules rather than a limit.
   */
  public void close() {
    List<Waiter> granted = new ArrayList<>();
    List<Permit> grants = new ArrayList<>();
    long now = clock.getAsLong();
    synchronized (this) {
      closed = true;
      for (Waiter waiter; (waiter = pollFirst()) != null; ) {
        inFlight++;
        granted.add(waiter);
        grants.add(new Permit(this, now, inFlight));
      }
    }
    grant(granted, grants);
  }

  /**
   * Takes a waiter out of the queue (its call was cancelled or timed out while it waited).
   *
   * @param waiter the waiter
   * @return true if it was waiting and never will be granted; false if it was granted already
   */
  public boolean cancelWait(Waiter waiter) {
    synchronized (this) {
      return waiters.remove(waiter);
    }
  }

  private void release(Permit permit, Outcome outcome) {
    long now = clock.getAsLong();
    int from;
    int to;
    List<Waiter> granted = null;
    List<Permit> grants = null;
    synchronized (this) {
      inFlight--;
      from = limit;
      to = algorithm.onSample(permit.startNanos, now - permit.startNanos, permit.inFlight, outcome);
      limit = to;
      if (to > from) {
        increases++;
      } else if (to < from) {
        decreases++;
      }
      while (inFlight < limit && !waiters.isEmpty()) {
        inFlight++;
        if (granted == null) {
          granted = new ArrayList<>();
          grants = new ArrayList<>();
        }
        granted.add(pollFirst());
        grants.add(new Permit(this, now, inFlight));
      }
    }
    if (from != to) {
      reportChange(from, to);
    }
    if (granted != null) {
      grant(granted, grants);
    }
  }

  /** The oldest waiter, removed; null if none. Under the lock. */
  private Waiter pollFirst() {
    Iterator<Waiter> oldest = waiters.iterator();
    if (!oldest.hasNext()) {
      return null;
    }
    Waiter first = oldest.next();
    oldest.remove();
    return first;
  }

  /**
   * Tells each granted waiter, on this thread. One waiter's failure must not reach the thread that
   * released a permit (a worker whose own call just ended) nor keep the others from their permits:
   * its permit goes back (a second release of a permit is a no-op) and the failure is logged.
   */
  private void grant(List<Waiter> granted, List<Permit> grants) {
    for (int i = 0; i < granted.size(); i++) {
      try {
        granted.get(i).granted(grants.get(i));
      } catch (Throwable failure) {
        grants.get(i).release(Outcome.IGNORED);
        LOG.error("adaptive limit of {}: a waiter failed as it was granted its permit; the permit is back", name,
            failure);
      }
    }
  }

  private void reportChange(int from, int to) {
    long noLoad;
    long latency;
    String reason;
    synchronized (this) {
      noLoad = algorithm.noLoadNanos();
      latency = algorithm.latencyNanos();
      reason = algorithm.reason();
    }
    LOG.debug("adaptive limit of {}: {} -> {} of ceiling {} ({})", name, from, to, ceiling, reason);
    LimitChangedEvent event = new LimitChangedEvent();
    if (event.shouldCommit()) {
      event.name = name;
      event.from = from;
      event.to = to;
      event.ceiling = ceiling;
      event.noLoadLatency = noLoad;
      event.latency = latency;
      event.reason = reason;
      event.commit();
    }
  }

  /**
   * The limit now.
   *
   * @return the limit
   */
  public synchronized int limit() {
    return limit;
  }

  /**
   * Permits held now.
   *
   * @return the count
   */
  public synchronized int inFlight() {
    return inFlight;
  }

  /**
   * Calls waiting now.
   *
   * @return the count
   */
  public synchronized int waiting() {
    return waiters.size();
  }

  /**
   * The limit's state in words, for a rejection message: {@code limit 12 of ceiling 64, adaptive:
   * latency 38ms vs no-load 9ms: calls queue behind the backend}.
   *
   * @return the description
   */
  public synchronized String describe() {
    return "limit " + limit + " of ceiling " + ceiling + ", adaptive: " + algorithm.reason();
  }

  /**
   * A snapshot of the limit's numbers.
   *
   * @return the stats
   */
  public synchronized LimitStats stats() {
    return new LimitStats(name, limit, floor, ceiling, inFlight, waiters.size(),
        Duration.ofNanos(algorithm.noLoadNanos()), Duration.ofNanos(algorithm.latencyNanos()), increases, decreases,
        algorithm.reason());
  }

  /** A call waiting for a permit. */
  public interface Waiter {
    /**
     * The call has its permit; called once, on the releasing thread, outside the gate's lock. It
     * must release the permit when the call ends, whatever happens.
     *
     * @param permit the permit
     */
    void granted(Permit permit);
  }

  /** One call's right to run; released exactly once (later releases are ignored). */
  public static final class Permit {
    private static final VarHandle RELEASED;

    static {
      try {
        RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final AdaptiveGate gate;
    private final long startNanos; // when it was handed out, on the gate's clock
    private final int inFlight; // permits out when it was handed out, itself included
    private volatile boolean released;

    Permit(AdaptiveGate gate, long startNanos, int inFlight) {
      this.gate = gate;
      this.startNanos = startNanos;
      this.inFlight = inFlight;
    }

    /**
     * Gives the permit back and reports how its call ended; only the first release counts.
     *
     * @param outcome how the call ended
     * @return true if this was the first release
     */
    public boolean release(Outcome outcome) {
      if (gate == null || !RELEASED.compareAndSet(this, false, true)) {
        return false;
      }
      gate.release(this, outcome);
      return true;
    }
  }
}
