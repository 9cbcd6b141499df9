package dev.weft.http.internal.client;

import dev.weft.RejectedException;
import dev.weft.http.client.HttpClientException;
import dev.weft.http.client.HttpClientMetrics;
import dev.weft.internal.WeftLoggers;
import dev.weft.internal.metrics.TimingRecorder;
import dev.weft.metrics.Timing;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The connections of one origin and the requests waiting for them. All state but the admission
 * counter and the metrics is confined to one loop, the pool's: its connections' channels are
 * registered there too, so an exchange never crosses threads between the pool and its socket.
 *
 * <p>Invariants (on the loop): {@code open == connections.size()}, {@code open <=
 * maxConnectionsPerOrigin}, {@code connecting <= open}; every idle connection is usable or about
 * to be counted out by its close future; {@code waiting} holds only QUEUED exchanges; a connection
 * freed inside a socket read sits in {@code handingOver} (neither idle nor carrying an exchange)
 * until that read ends, then goes to a waiting exchange or the idle stack. Off the loop,
 * {@code admitted} counts calls between admission and the end of their exchange, never above
 * {@code maxConnectionsPerOrigin + maxPendingRequests}.
 */
final class OriginPool {
  private static final int RETIRED = Integer.MIN_VALUE;
  private static final Logger LOG = WeftLoggers.get("dev.weft.http.client");
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DefaultHttpClient client;
  private final Origin origin;
  private final EventLoop eventLoop;
  private final ClientSettings settings;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  private final Set<ClientConnection> connections = new LinkedHashSet<>();
  private final Set<ClientConnection> handingOver = new HashSet<>(); // free, waiting for the end of the read that freed them
  private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>(); // most recently used first
  private final ArrayDeque<ClientExchange> waiting = new ArrayDeque<>();
  private int connecting;
  private boolean closed;
  private ScheduledFuture<?> retireTimer;
  private long lastUsedNanos = System.nanoTime();

  // written on the loop, read by metrics() from any thread
  private volatile int activeGauge;
  private volatile int idleGauge;
  private volatile int connectingGauge;
  private volatile int pendingGauge;
  private final LongAdder opened = new LongAdder();
  private final LongAdder responses = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  // nanoTime of the last saturation WARN; one per origin at most every 10 s, the rest at DEBUG
  private final AtomicLong lastSaturationWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
  private final LongAdder unwarnedRefusals = new LongAdder(); // refusals since that WARN
  private final TimingRecorder latency = new TimingRecorder();

  OriginPool(DefaultHttpClient client, Origin origin, EventLoop eventLoop, ClientSettings settings) {
    this.client = client;
    this.origin = origin;
    this.eventLoop = eventLoop;
    this.settings = settings;
    this.capacity = settings.maxConnectionsPerOrigin() + settings.maxPendingRequests();
  }

  DefaultHttpClient client() {
    return client;
  }

  Origin origin() {
    return origin;
  }

  EventLoop eventLoop() {
    return eventLoop;
  }

  ClientSettings settings() {
    return settings;
  }

  /**
   * Takes an admission slot, on the caller's thread; refuses at once when connections and queue are
   * full. Returns false if the pool was retired meanwhile: the caller looks its origin up again.
   */
  boolean admit() {
    for (;;) {
      int now = admitted.get();
      if (now < 0) {
        return false;
      }
      if (now >= capacity) {
        rejected.increment();
        RejectedException refusal = new RejectedException("HTTP client: origin " + origin + " is saturated: "
            + activeGauge + " of " + settings.maxConnectionsPerOrigin() + " connections busy (maxConnectionsPerOrigin) and "
            + pendingGauge + " of " + settings.maxPendingRequests() + " requests waiting (maxPendingRequests); the origin "
            + "is slower than the load: shed or slow down load, or raise the limits");
        logSaturation(refusal);
        throw refusal;
      }
      if (admitted.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /**
   * The refusal's one WARN per incident: at most every 10 s per origin, with how many refusals it
   * stayed silent about; each refusal at DEBUG. (The refused caller gets the same message in its
   * failed future; the log is for the operator, who may not see the callers' errors.)
   */
  private void logSaturation(RejectedException refusal) {
    long now = System.nanoTime();
    long last = lastSaturationWarning.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastSaturationWarning.compareAndSet(last, now)) {
      LOG.warn("{} ({} more refusals since the last warning; logged at most every 10 s per origin)",
          refusal.getMessage(), unwarnedRefusals.sumThenReset());
    } else {
      unwarnedRefusals.increment();
      LOG.debug("{}", refusal.getMessage());
    }
  }

  /** Gives back a slot taken by {@link #admit} whose exchange never reached the loop. */
  void unadmit() {
    admitted.decrementAndGet();
  }

  /** On the loop: a new exchange wants a connection. */
  void enqueue(ClientExchange exchange) {
    begin(exchange, false);
  }

  /** On the loop: a stale pooled connection failed an idempotent request; it goes first in line. */
  void retry(ClientExchange exchange) {
    exchange.call.current = exchange;
    begin(exchange, true);
  }

  private void begin(ClientExchange exchange, boolean first) {
    lastUsedNanos = System.nanoTime();
    if (exchange.isEnded()) {
      return; // cancelled on its way here: finish() already freed its slot
    }
    if (exchange.call.promise.isDone()) {
      // cancelled before its cancel hook was registered, or the hook reached the exchange this
      // retry replaces: either way this one ends here, freeing its slot once
      exchange.cancel();
      return;
    }
    exchange.armTimer();
    if (closed) {
      exchange.clientClosed();
      return;
    }
    dispatchOrWait(exchange, first);
  }

  private void dispatchOrWait(ClientExchange exchange, boolean first) {
    ClientConnection connection;
    while ((connection = idle.pollFirst()) != null) {
      if (connection.isUsable()) {
        connection.leaveIdle();
        if (!exchange.start(connection)) {
          idle.addFirst(connection); // the request could not be written; the connection is untouched
          connection.enterIdle();
        }
        updateGauges();
        return;
      }
    }
    if (first) {
      waiting.addFirst(exchange);
    } else {
      waiting.addLast(exchange);
    }
    openIfNeeded();
    updateGauges();
  }

  private void openIfNeeded() {
    if (eventLoop.isShuttingDown()) {
      for (ClientExchange exchange : new ArrayList<>(waiting)) {
        exchange.runtimeShuttingDown();
      }
      return;
    }
    while (!closed && waiting.size() > connecting && connections.size() < settings.maxConnectionsPerOrigin()) {
      ClientConnection connection = new ClientConnection(this);
      connections.add(connection);
      connecting++;
      opened.increment();
      connection.open();
    }
  }

  /** On the loop: a connection is open (and through its handshake). */
  void connected(ClientConnection connection) {
    connecting--;
    if (closed) {
      connection.close();
    } else {
      hand(connection);
    }
    updateGauges();
  }

  /**
   * On the loop: opening {@code connection} failed; the request first in line gets the failure.
   * The connection is counted out first, so a caller that sees the failure also sees the gauges
   * without it (its channel's close, which may come later, then finds nothing to count out).
   */
  void connectFailed(ClientConnection connection, HttpClientException failure) {
    if (connections.remove(connection)) {
      connecting--;
      idle.remove(connection);
      updateGauges();
    }
    ClientExchange first = waiting.peekFirst();
    if (first != null) {
      first.fail(failure);
    }
    openIfNeeded();
    updateGauges();
  }

  /** On the loop: a connection's channel closed, whatever closed it. */
  void connectionClosed(ClientConnection connection, boolean established) {
    if (!connections.remove(connection)) {
      return;
    }
    if (!established) {
      connecting--;
    }
    idle.remove(connection);
    handingOver.remove(connection);
    openIfNeeded();
    updateGauges();
  }

  /** On the loop: an exchange ended; frees its slot and gives its connection back or closes it. */
  void ended(ClientExchange exchange, boolean wasQueued, ClientConnection connection, boolean reusable) {
    admitted.decrementAndGet();
    lastUsedNanos = System.nanoTime();
    if (wasQueued) {
      waiting.remove(exchange);
    }
    if (connection != null) {
      connection.unbind();
      if (reusable && !closed && connection.isUsable()) {
        // not before the end of the read that ended this exchange: bytes behind its response close it
        handingOver.add(connection);
        connection.whenReadEnds(() -> {
          if (!handingOver.remove(connection)) {
            return; // closed meanwhile
          }
          if (!closed && connection.isUsable()) {
            hand(connection);
          } else {
            connection.close();
          }
          updateGauges();
        });
      } else {
        connection.close();
      }
    }
    updateGauges();
  }

  /** Gives a free connection to the first waiting exchange, or to the idle stack. */
  private void hand(ClientConnection connection) {
    ClientExchange next;
    while ((next = waiting.pollFirst()) != null) {
      if (next.start(connection)) {
        return;
      }
    }
    idle.addFirst(connection);
    connection.enterIdle();
  }

  void responded(long nanos) {
    responses.increment();
    latency.record(nanos);
  }

  void failed() {
    failures.increment();
  }

  /** On the loop: fails everything waiting or running and closes every connection. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (retireTimer != null) {
      retireTimer.cancel(false);
      retireTimer = null;
    }
    List<ClientExchange> queued = new ArrayList<>(waiting);
    for (ClientExchange exchange : queued) {
      exchange.clientClosed();
    }
    for (ClientConnection connection : new ArrayList<>(connections)) {
      ClientExchange running = connection.current();
      if (running != null) {
        running.clientClosed();
      }
      connection.close();
    }
    updateGauges();
  }

  String describeLoad() {
    return activeGauge + " of " + settings.maxConnectionsPerOrigin() + " connections busy, " + pendingGauge
        + " requests waiting";
  }

  /**
   * A pool with no connection and no request for idleTimeout leaves the client, so a client that
   * talks to many origins over time (redirects, crawling) keeps only the ones in use. Retiring takes
   * the admission counter from 0 to RETIRED in one CAS: a caller racing it either got its slot first
   * (and the pool stays) or sees RETIRED and asks the client for the origin's new pool.
   */
  private void retireWhenUnused() {
    if (retireTimer == null && !closed && connections.isEmpty() && waiting.isEmpty()) {
      retireTimer = eventLoop.schedule(this::retireIfStillUnused,
          lastUsedNanos + settings.idleTimeoutNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }

  private void retireIfStillUnused() {
    retireTimer = null;
    if (closed || !connections.isEmpty() || !waiting.isEmpty()) {
      return; // busy again: the pool re-arms when it next empties
    }
    long unusedFor = System.nanoTime() - lastUsedNanos;
    if (unusedFor < settings.idleTimeoutNanos()) {
      retireTimer = eventLoop.schedule(this::retireIfStillUnused, settings.idleTimeoutNanos() - unusedFor,
          TimeUnit.NANOSECONDS);
    } else if (admitted.compareAndSet(0, RETIRED)) {
      client.retire(this);
    }
  }

  private void updateGauges() {
    retireWhenUnused();
    int idleNow = idle.size() + handingOver.size(); // no request on either
    idleGauge = idleNow;
    connectingGauge = connecting;
    activeGauge = connections.size() - idleNow - connecting;
    pendingGauge = waiting.size();
  }

  HttpClientMetrics.Origin metrics() {
    Timing timing = latency.snapshot();
    return new HttpClientMetrics.Origin(origin.toString(), activeGauge, idleGauge, connectingGauge, pendingGauge,
        opened.sum(), responses.sum(), failures.sum(), rejected.sum(), timing.recentP50(), timing.recentP90(),
        timing.recentP99(), timing.recentMax(), timing);
  }
}
