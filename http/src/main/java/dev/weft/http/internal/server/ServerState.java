package dev.weft.http.internal.server;

import dev.weft.internal.WeftLoggers;
import dev.weft.internal.limit.AdaptiveGate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/*
 * Overview: what a server's connections share. Every field is either immutable or thread-safe:
 * connections live on different loops. `inFlight` is the admission counter, raised by CAS only
 * while below the limit, so it never exceeds maxConcurrentRequests; each admitted exchange lowers
 * it exactly once (ServerExchange.releaseAdmission). `connectionSlots` works the same way for
 * maxConnections: raised by CAS below the limit before a connection joins `connections`, lowered
 * exactly once when it leaves the set. `shuttingDown` only goes from false to true;
 * connections check it when they open and when a request starts.
 */

/** The state a server's connections share: settings, routes, admission, metrics, the open connections. */
final class ServerState {
  private static final Logger LOG = WeftLoggers.get("dev.weft.http.server");

  final ServerSettings settings;
  final Router router;
  final ServerMetricsRecorder metrics = new ServerMetricsRecorder();
  final IncidentLog overloadLog = new IncidentLog(LOG);
  final IncidentLog timeoutLog = new IncidentLog(LOG);
  final IncidentLog connectionLimitLog = new IncidentLog(LOG);
  final IncidentLog sendTimeoutLog = new IncidentLog(LOG);
  final BodyBudget bodyBudget;
  final AdaptiveGate adaptiveGate; // null: maxConcurrentRequests is the only, fixed, limit
  final AdmissionWaiters admissionWaiters = new AdmissionWaiters();
  private final AtomicInteger inFlight = new AtomicInteger(); // admitted and not finished; <= maxConcurrentRequests
  private final AtomicInteger connectionSlots = new AtomicInteger(); // connections counted in; <= maxConnections
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet(); // each holds one slot
  private volatile boolean shuttingDown;
  private volatile Runnable onConnectionClosed = () -> { }; // the shutdown's completion check

  ServerState(ServerSettings settings, Router router) {
    this.settings = settings;
    this.router = router;
    this.bodyBudget = new BodyBudget(settings.maxBufferedBodyBytes());
    this.adaptiveGate = settings.adaptiveConcurrency() == null ? null
        : AdaptiveGate.create("http-server", settings.adaptiveConcurrency(), settings.maxConcurrentRequests(),
            "maxConcurrentRequests");
  }

  static Logger log() {
    return LOG;
  }

  boolean tryAdmit() {
    int now;
    do {
      now = inFlight.get();
      if (now >= settings.maxConcurrentRequests()) {
        return false;
      }
    } while (!inFlight.compareAndSet(now, now + 1));
    return true;
  }

  void releaseAdmission() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Counts a new connection in.
   *
   * @return false if maxConnections are open or the server is shutting down: the connection must close
   */
  boolean connectionOpened(ServerConnection connection) {
    int now;
    do {
      now = connectionSlots.get();
      if (now >= settings.maxConnections()) {
        metrics.connectionRefused();
        connectionLimitLog.occurred("closed a new connection at once ({}): maxConnections (" + settings.maxConnections()
            + ") are open; raise maxConnections, or lower idleTimeout so idle ones leave sooner", connection);
        return false;
      }
    } while (!connectionSlots.compareAndSet(now, now + 1));
    connections.add(connection);
    if (shuttingDown) {
      connectionClosed(connection);
      return false;
    }
    return true;
  }

  void connectionClosed(ServerConnection connection) {
    if (connections.remove(connection)) {
      connectionSlots.decrementAndGet();
      onConnectionClosed.run();
    }
  }

  Set<ServerConnection> connections() {
    return connections;
  }

  int openConnections() {
    return connections.size();
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  void startShutdown(Runnable onConnectionClosed) {
    this.onConnectionClosed = onConnectionClosed;
    shuttingDown = true;
  }
}
