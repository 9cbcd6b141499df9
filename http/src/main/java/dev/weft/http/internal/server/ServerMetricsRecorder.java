package dev.weft.http.internal.server;

import dev.weft.http.server.HttpServerMetrics;
import dev.weft.internal.metrics.TimingRecorder;
import dev.weft.metrics.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A server's counters and latency recorders, overall and per route; all methods thread-safe, lock-free. */
final class ServerMetricsRecorder {
  private final LongAdder[] byClass = newClassCounters(); // 2xx..5xx
  private final LongAdder aborted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder sendTimedOut = new LongAdder();
  private final LongAdder refusedConnections = new LongAdder();
  private final TimingRecorder latency = new TimingRecorder();

  /**
   * A response was written.
   *
   * @param now when it was written, from {@code System.nanoTime()}
   * @param route the route that served it, or null (no route matched, or the request was refused before routing)
   */
  void responded(int status, long nanos, long now, RouteRecorder route) {
    count(byClass, status);
    latency.record(nanos, now);
    if (route != null) {
      count(route.byClass, status);
      route.latency.record(nanos, now);
    }
  }

  void aborted() {
    aborted.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void timedOut() {
    timedOut.increment();
  }

  void sendTimedOut() {
    sendTimedOut.increment();
  }

  void connectionRefused() {
    refusedConnections.increment();
  }

  HttpServerMetrics snapshot(int inFlight, int openConnections, List<RouteRecorder> routes) {
    // routes first: a response counts in the totals before its route, so totals read later cover every route
    List<HttpServerMetrics.Route> perRoute = new ArrayList<>(routes.size());
    for (RouteRecorder route : routes) {
      perRoute.add(new HttpServerMetrics.Route(route.method, route.template, route.byClass[0].sum(),
          route.byClass[1].sum(), route.byClass[2].sum(), route.byClass[3].sum(), route.latency.snapshot()));
    }
    Timing timing = latency.snapshot();
    return new HttpServerMetrics(byClass[0].sum(), byClass[1].sum(), byClass[2].sum(), byClass[3].sum(),
        aborted.sum(), rejected.sum(), timedOut.sum(), sendTimedOut.sum(), refusedConnections.sum(), inFlight,
        openConnections, timing.recentP50(), timing.recentP90(), timing.recentP99(), timing.recentMax(),
        timing, perRoute);
  }

  private static void count(LongAdder[] byClass, int status) {
    int statusClass = status / 100 - 2;
    if (statusClass >= 0 && statusClass < byClass.length) {
      byClass[statusClass].increment();
    }
  }

  private static LongAdder[] newClassCounters() {
    return new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
  }

  /** One route's counters and latency; the route holds it, so finding it costs nothing. */
  static final class RouteRecorder {
    final String method;
    final String template;
    final LongAdder[] byClass = newClassCounters();
    final TimingRecorder latency = new TimingRecorder();

    RouteRecorder(String method, String template) {
      this.method = method;
      this.template = template;
    }
  }
}
