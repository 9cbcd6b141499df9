package dev.weft.http.micrometer;

import dev.weft.http.client.HttpClient;
import dev.weft.http.client.HttpClientMetrics;
import dev.weft.internal.metrics.SnapshotCache;
import dev.weft.metrics.Timing;
import dev.weft.micrometer.TimingMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds an {@link HttpClient}'s metrics for the origins it calls to a Micrometer registry:
 *
 * <pre>{@code
 * new HttpClientMeters(client, "catalog", List.of("http://catalog:8080")).bindTo(registry);
 * }</pre>
 *
 * <p>The origins are named, not discovered: a client's origins come and go with its traffic (an
 * origin idle for the client's {@code idleTimeout} is dropped, its counters with it, and they
 * start again from zero if it is used again: a counter reset, which Prometheus' {@code rate}
 * handles). An origin the client has not used reads as zero. Every meter is tagged {@code client}
 * (the name given here) and {@code origin} ({@code scheme://host:port}, as in
 * {@link HttpClientMetrics.Origin#origin()}):
 *
 * <ul>
 *   <li>{@code weft.http.client.requests} (timer): requests completed with a response, and the
 *       time from send to the response's last byte (for streamed responses: to its head);
 *       {@code weft.http.client.requests.recent} (gauges, {@code stat=p50|p90|p99|max}).
 *   <li>{@code weft.http.client.failures}, {@code weft.http.client.rejected},
 *       {@code weft.http.client.connections.opened} (counters).
 *   <li>{@code weft.http.client.connections} (gauge, {@code state=active|idle|connecting}),
 *       {@code weft.http.client.pending} (gauge: requests waiting for a connection).
 * </ul>
 *
 * <p>Thread-safe; the registry may read from any thread.
 */
public final class HttpClientMeters implements MeterBinder {
  private static final HttpClientMetrics.Origin UNUSED =
      new HttpClientMetrics.Origin("", 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
          Duration.ZERO, Timing.EMPTY);

  private final String name;
  private final List<String> origins;
  private final SnapshotCache<HttpClientMetrics> snapshot;

  /**
   * A binder for {@code client}'s metrics of {@code origins}.
   *
   * @param client the client
   * @param name the value of the {@code client} tag, e.g. {@code catalog}
   * @param origins the origins to bind, {@code scheme://host:port} each, e.g. {@code http://catalog:8080}
   */
  public HttpClientMeters(HttpClient client, String name, List<String> origins) {
    Objects.requireNonNull(client, "client");
    this.name = Objects.requireNonNull(name, "name");
    this.origins = List.copyOf(origins);
    this.snapshot = new SnapshotCache<>(client::metrics);
  }

  /**
   * Registers the meters; each reads the client's counters when the registry publishes.
   *
   * @param registry the registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    for (String origin : origins) {
      Tags tags = Tags.of("client", name, "origin", origin);
      TimingMeters.bind(registry, "weft.http.client.requests",
          "requests completed with a response, and the time from send to the response's last byte", tags,
          () -> origin(origin).latency());
      counter(registry, "weft.http.client.failures",
          "requests that failed: connect, TLS, closed, malformed, too large, timed out", tags, origin,
          HttpClientMetrics.Origin::failures);
      counter(registry, "weft.http.client.rejected", "requests refused: the connections and the queue were full",
          tags, origin, HttpClientMetrics.Origin::rejected);
      counter(registry, "weft.http.client.connections.opened", "connections opened", tags, origin,
          HttpClientMetrics.Origin::connectionsOpened);
      gauge(registry, "weft.http.client.connections", "connections by state", tags.and("state", "active"), origin,
          HttpClientMetrics.Origin::activeConnections);
      gauge(registry, "weft.http.client.connections", "connections by state", tags.and("state", "idle"), origin,
          HttpClientMetrics.Origin::idleConnections);
      gauge(registry, "weft.http.client.connections", "connections by state", tags.and("state", "connecting"),
          origin, HttpClientMetrics.Origin::connecting);
      gauge(registry, "weft.http.client.pending", "requests waiting for a connection", tags, origin,
          HttpClientMetrics.Origin::pendingRequests);
    }
  }

  private HttpClientMetrics.Origin origin(String origin) {
    return snapshot.get().origin(origin).orElse(UNUSED);
  }

  private void counter(MeterRegistry registry, String meter, String description, Tags tags, String origin,
      ToDoubleFunction<HttpClientMetrics.Origin> value) {
    FunctionCounter.builder(meter, this, binder -> value.applyAsDouble(binder.origin(origin)))
        .description(description).tags(tags).register(registry);
  }

  private void gauge(MeterRegistry registry, String meter, String description, Tags tags, String origin,
      ToDoubleFunction<HttpClientMetrics.Origin> value) {
    Gauge.builder(meter, this, binder -> value.applyAsDouble(binder.origin(origin)))
        .description(description).tags(tags).strongReference(true).register(registry);
  }
}
