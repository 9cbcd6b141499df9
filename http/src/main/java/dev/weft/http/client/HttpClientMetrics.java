package dev.weft.http.client;

import dev.weft.metrics.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of an {@link HttpClient}'s numbers, one entry per origin it talks to. Counters only
 * grow; connection and queue sizes are current values; percentiles and maxima cover the recent
 * window (the last minute, see {@link Timing}). An origin with no connection and no request
 * for the client's {@code idleTimeout} is dropped, its counters with it; they start again from zero
 * if the origin is used again.
 *
 * @param origins the origins, in the order first used
 */
public record HttpClientMetrics(List<Origin> origins) {

  /**
   * Creates the snapshot.
   *
   * @param origins the origins
   */
  public HttpClientMetrics {
    origins = List.copyOf(origins);
  }

  /**
   * The numbers of one origin.
   *
   * @param origin the origin, e.g. {@code https://localhost:8443}
   * @return its numbers, or empty if the client has not talked to it
   */
  public Optional<Origin> origin(String origin) {
    return origins.stream().filter(o -> o.origin().equals(origin)).findFirst();
  }

  /**
   * The numbers of one origin.
   *
   * @param origin the origin: scheme, host and port, e.g. {@code https://localhost:8443}
   * @param activeConnections connections with a request in flight
   * @param idleConnections open connections waiting in the pool for a request
   * @param connecting connections being opened (TCP connect and TLS handshake)
   * @param pendingRequests requests waiting for a connection
   * @param connectionsOpened connections opened since the origin's entry was made (reuse keeps it low)
   * @param requests requests completed with a response (any status)
   * @param failures requests that failed: connect, TLS, closed, malformed, too large, timed out
   * @param rejected requests refused because the connections and the queue were full
   * @param latencyP50 median time from send to the response's last byte (for streamed responses:
   *     to its head), over the recent window
   * @param latencyP90 90th percentile of that time, over the recent window
   * @param latencyP99 99th percentile of that time, over the recent window
   * @param latencyMax the longest such time of the recent window
   * @param latency that time for every response: count and sum since the origin's entry was made,
   *     recent percentiles
   */
  public record Origin(
      String origin,
      int activeConnections,
      int idleConnections,
      int connecting,
      int pendingRequests,
      long connectionsOpened,
      long requests,
      long failures,
      long rejected,
      Duration latencyP50,
      Duration latencyP90,
      Duration latencyP99,
      Duration latencyMax,
      Timing latency) {}
}
