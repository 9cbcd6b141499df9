package dev.weft.http.server;

import java.time.Duration;

/**
 * A snapshot of a server's numbers since it started. Counters only grow; {@code inFlight} and
 * {@code openConnections} are current values. A request whose response was written counts once
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
 * @param inFlight requests admitted and not yet answered
 * @param openConnections connections open now
 * @param latencyP50 median time from a request's headers to its response's last byte
 * @param latencyP90 90th percentile of that time
 * @param latencyP99 99th percentile of that time
 * @param latencyMax the longest such time
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
    Duration latencyMax) {

  /**
   * All responses written.
   *
   * @return the sum of the four status classes
   */
  public long responses() {
    return responses2xx + responses3xx + responses4xx + responses5xx;
  }
}
