package dev.weft.jdbc;

import dev.weft.RejectedException;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.limit.AdaptiveGate;
import dev.weft.internal.limit.Outcome;
import dev.weft.limit.AdaptiveLimit;
import dev.weft.limit.LimitStats;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/*
 * Overview: the bridge's connection permits. At most `capacity` leases are out at once (one per
 * statement, transaction or stream holding a connection); at most `maxWaiting` more wait, in
 * FIFO order, without a thread; beyond that a request is rejected at once. A released permit
 * goes straight to the oldest waiter (granted outside the lock), so `leased` only drops when
 * nobody waits. All state is guarded by `this`; critical sections are a few field updates, so
 * loop threads may enter them.
 *
 * Why a gate in front of the adapter, and not just the adapter's own queue: a transaction or a
 * stream holds its connection between statements without holding a thread. If calls queued on
 * threads instead, every thread could end up blocked in the pool's getConnection() waiting for
 * connections whose holders need a thread to finish: a deadlock broken only by the pool's
 * connectionTimeout. With the gate, a call gets a thread only once it owns a connection permit,
 * and there are as many threads as permits.
 *
 * Adaptive limit (optional): a lease also takes a permit of `adaptive` (an AdaptiveGate used only
 * as a counter and a limit: its own queue stays empty, the waiters wait here), so at most
 * min(capacity, adaptive limit) leases are out. Taken under this gate's lock (lock order: this
 * gate, then the adaptive gate; the adaptive gate never calls back here), released outside it
 * (its sample may move the limit), then waiters are granted while both have room. With an
 * adaptive limit, `leased < capacity` no longer means nobody waits: a new request is granted at
 * once only if nobody waits, so waiters keep their order.
 */

/** Connection permits of one bridge: bounded leases, a bounded FIFO of waiters. */
final class ConnectionGate {
  private static final Logger LOG = WeftLoggers.get(AsyncJdbc.class);

  private final String name;
  private final int capacity;
  private final int maxWaiting;
  private final AdaptiveGate adaptive; // null: capacity is the fixed limit
  private final LinkedHashSet<Lease> waiting = new LinkedHashSet<>(); // FIFO, O(1) withdraw
  private int leased; // permits out; <= capacity
  private boolean closed;
  private Runnable onDrained; // runs once closed and every permit is back
  private boolean saturationLogged; // one WARN per saturation episode
  private int peakLeased; // the most permits out at once
  private long requests; // acquires accepted, at once or after waiting
  private long waited; // acquires accepted that had to wait
  private long rejected; // acquires refused: saturated or closed
  final BridgeMetrics metrics = new BridgeMetrics(); // the rest of the bridge's numbers, lock-free

  ConnectionGate(String name, int capacity, int maxWaiting) {
    this(name, capacity, maxWaiting, null);
  }

  ConnectionGate(String name, int capacity, int maxWaiting, AdaptiveLimit adaptiveLimit) {
    this.name = name;
    this.capacity = capacity;
    this.maxWaiting = maxWaiting;
    this.adaptive = adaptiveLimit == null ? null
        : AdaptiveGate.create("jdbc '" + name + "'", adaptiveLimit, capacity, "maxConnections");
  }

  /** The adaptive limit's numbers, if there is one. */
  Optional<LimitStats> limitStats() {
    return adaptive == null ? Optional.empty() : Optional.of(adaptive.stats());
  }

  /** Takes the adaptive limit's permit for {@code lease}, if there is a limit; false if it is full. Under the lock. */
  private boolean takeAdaptivePermit(Lease lease) {
    if (adaptive == null) {
      return true;
    }
    AdaptiveGate.Permit permit = adaptive.tryAcquire();
    lease.adaptivePermit = permit;
    return permit != null;
  }

  /**
   * Takes a permit for {@code lease}, or queues it.
   *
   * @return true if the permit is the lease's now; false if it waits for {@link Lease#granted}
   * @throws RejectedException if the gate is closed, or full and its queue too
   */
  synchronized boolean acquire(Lease lease) {
    if (closed) {
      rejected++;
      throw closedException();
    }
    if (leased < capacity && (adaptive == null || waiting.isEmpty()) && takeAdaptivePermit(lease)) {
      leased++;
      requests++;
      peakLeased = Math.max(peakLeased, leased);
      if (waiting.isEmpty()) {
        saturationLogged = false; // served without waiting: the episode is over
      }
      return true;
    }
    if (waiting.size() >= maxWaiting) {
      RejectedException rejected = new RejectedException("jdbc '" + name + "' is saturated (" + leased + "/" + capacity
          + " connections in use, " + waiting.size() + "/" + maxWaiting + " calls waiting"
          + (adaptive == null ? "" : "; " + adaptive.describe()) + "); raise maxQueue, or the "
          + "pool's size and maxConnections" + (adaptive == null ? "" : " (or the adaptive limit's floor)")
          + " if the database can take more, or shed load upstream");
      this.rejected++;
      if (!saturationLogged) {
        saturationLogged = true;
        LOG.warn("{} (logged once until calls stop waiting)", rejected.getMessage());
      }
      throw rejected;
    }
    waiting.add(lease);
    requests++;
    waited++;
    return false;
  }

  /** Removes a waiting lease; false if it is no longer waiting (it was granted or refused). */
  synchronized boolean withdraw(Lease lease) {
    return waiting.remove(lease);
  }

  /** Returns a permit: to the oldest waiter if there is one. Any thread. */
  void release() {
    release(null, Outcome.IGNORED);
  }

  /**
   * Returns {@code lease}'s permit (and its adaptive permit, with how its holder ended): to the
   * oldest waiters while the limits have room. Any thread.
   */
  void release(Lease lease, Outcome outcome) {
    AdaptiveGate.Permit adaptivePermit = lease == null ? null : lease.adaptivePermit;
    if (adaptivePermit != null) {
      adaptivePermit.release(outcome); // outside our lock: its sample may move the limit
    }
    List<Lease> granted = null;
    Runnable drained = null;
    synchronized (this) {
      leased--;
      for (Iterator<Lease> oldest = waiting.iterator(); oldest.hasNext() && leased < capacity; ) {
        Lease next = oldest.next();
        if (!takeAdaptivePermit(next)) {
          break; // the adaptive limit is full: the next release, or a rise of the limit, serves it
        }
        oldest.remove();
        leased++;
        if (granted == null) {
          granted = new ArrayList<>(1);
        }
        granted.add(next);
      }
      if (closed && leased == 0) {
        drained = onDrained;
        onDrained = null;
      }
    }
    if (granted != null) {
      for (Lease next : granted) {
        next.granted();
      }
    } else if (drained != null) {
      drained.run();
    }
  }

  /**
   * Refuses new requests and every waiting one; runs {@code whenDrained} once every permit is
   * back (now, if none is out). Idempotent.
   */
  void close(Runnable whenDrained) {
    List<Lease> refused;
    boolean drainedNow;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      refused = new ArrayList<>(waiting);
      waiting.clear();
      drainedNow = leased == 0;
      if (!drainedNow) {
        onDrained = whenDrained;
      }
    }
    for (Lease lease : refused) {
      lease.refused(closedException());
    }
    if (drainedNow) {
      whenDrained.run();
    }
  }

  synchronized int leased() {
    return leased;
  }

  /** The bridge's numbers; the adapter's threads are not the gate's to know, so they come in. */
  synchronized JdbcMetrics snapshot(int maxConnections) {
    return new JdbcMetrics(name, maxConnections, maxWaiting, leased, peakLeased, waiting.size(), requests, waited,
        rejected, metrics.statementTime.count(), metrics.failed.sum(), metrics.timedOut.sum(),
        metrics.connectionWait.snapshot(), metrics.statementTime.snapshot());
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private RejectedException closedException() {
    return new RejectedException("jdbc '" + name + "' is closed: it accepts no more calls");
  }
}
