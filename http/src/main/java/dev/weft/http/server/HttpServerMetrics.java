package dev.weft.http.server;

import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.List;

/**
 * A snapshot of a server's numbers. Counters only grow, from the server's start; {@code inFlight}
 * and {@code openConnections} are current values; percentiles and maxima cover the recent window
 * (the last minute, see {@link Timing}). A request whose response was written counts once
 * in its status class; one whose connection was lost first counts as {@code aborted}.
 *
 * @param responses2xx responses with a 2xx status
 * @param responses3xx responses with a 3xx status
 * @param responses4xx responses with a 4xx status (bad requests, 404, 405, 413, 414, 431, …)
 * @param responses5xx responses with a 5xx status (handler failures, overload, timeouts)
 * @param aborted requests whose connection closed before their response was written
 * @param rejected requests refused with 503 because the server or an adapter was saturated
 *     ({@code maxConcurrentRequests}, {@code maxBufferedBodyBytes}, a bulkhead)
 * @param timedOut requests that passed the request timeout
 * @param sendTimedOut responses cut off because no byte of them moved for {@code sendTimeout}: the
 *     client stopped reading, or the response's publisher stopped producing
 * @param refusedConnections connections closed as soon as they were accepted, because
 *     {@code maxConnections} were open
 * @param inFlight requests admitted and not yet answered; a request leaves it only once its outcome
 *     is counted, so after a drain ({@code inFlight} 0) the counters include every request admitted
 * @param openConnections connections open now
 * @param latencyP50 median time from a request's headers to its response's last byte, over the recent window
 * @param latencyP90 90th percentile of that time, over the recent window
 * @param latencyP99 99th percentile of that time, over the recent window
 * @param latencyMax the longest such time of the recent window
 * @param latency that time for every response written: count and sum since start, recent percentiles
 * @param routes one entry per declared route, in declaration order (a {@code HEAD} served by a
 *     {@code GET} route counts under the {@code GET} route); responses with no route (404, 405,
 *     refused before routing) count only in the totals
 */
public record HttpServerMetrics(
    long responses2xx,
    long responses3xx,
    long responses4xx,
    long responses5xx,
    long aborted,
    long rejected,
    long timedOut,
    long sendTimedOut,
    long refusedConnections,
    int inFlight,
    int openConnections,
    Duration latencyP50,
    Duration latencyP90,
    Duration latencyP99,
    Duration latencyMax,
    Timing latency,
    List<Route> routes) {

  /**
   * Copies the list, so a snapshot never changes.
   *
   * @param responses2xx 2xx responses
   * @param responses3xx 3xx responses
   * @param responses4xx 4xx responses
   * @param responses5xx 5xx responses
   * @param aborted aborted requests
   * @param rejected rejected requests
   * @param timedOut timed-out requests
   * @param sendTimedOut responses cut off
   * @param refusedConnections refused connections
   * @param inFlight requests in flight
   * @param openConnections open connections
   * @param latencyP50 recent median latency
   * @param latencyP90 recent 90th percentile
   * @param latencyP99 recent 99th percentile
   * @param latencyMax recent maximum
   * @param latency latency since start and recent
   * @param routes per route
   */
  public HttpServerMetrics {
    routes = List.copyOf(routes);
  }

  /**
   * The numbers of one route: responses written by its handler (or by the server for it: timeouts,
   * overload after routing, handler failures) and their latency.
   *
   * @param method the route's method, e.g. {@code GET}
   * @param template the route's path template, e.g. {@code /users/{id}}: a bounded tag, unlike the path
   * @param responses2xx responses with a 2xx status
   * @param responses3xx responses with a 3xx status
   * @param responses4xx responses with a 4xx status
   * @param responses5xx responses with a 5xx status
   * @param latency time from the request's headers to the response's last byte: count and sum since
   *     start, recent percentiles
   */
  public record Route(String method, String template, long responses2xx, long responses3xx, long responses4xx,
      long responses5xx, Timing latency) {

    /**
     * All responses of this route.
     *
     * @return the sum of the four status classes
     */
    public long responses() {
      return responses2xx + responses3xx + responses4xx + responses5xx;
    }
  }

  /**
   * The numbers of one route.
   *
   * @param method the method, e.g. {@code GET}
   * @param template the path template as declared, e.g. {@code /users/{id}}
   * @return its numbers, or empty if the server has no such route
   */
  public java.util.Optional<Route> route(String method, String template) {
    return routes.stream().filter(r -> r.method().equals(method) && r.template().equals(template)).findFirst();
  }

  /**
   * All responses written.
   *
   * @return the sum of the four status classes
   */
  public long responses() {
    return responses2xx + responses3xx + responses4xx + responses5xx;
  }
}
